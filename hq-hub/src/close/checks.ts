// The month-end checks that the modules on main can answer today, as StepChecks for
// checklist.ts. Each reads (or runs) its module and names what is left. Steps whose module is
// not on this hub are simply absent from what `createChecks` returns (they answer
// "not_available"); wiring one in is one entry here once its module lands.
import { and, between, desc, eq, gt, inArray, sql } from "drizzle-orm";
import { DEFAULT_COMPANY } from "../accounts/storage.ts";
import type { Completeness } from "../completeness/completeness.ts";
import type { Costing } from "../costing/costing.ts";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import {
  companyStores,
  costMovements,
  reconRuns,
  sales,
  stockLedger,
  tenders,
  voucherExports,
  voucherLines,
  vouchers,
} from "../db/schema.ts";
import type { Books } from "../finance/books.ts";
import type { Finance } from "../finance/finance.ts";
import { createAccruals, type MonthReceipt, monthBounds } from "../payables/accrual.ts";
import type { StepChecks, StepResult } from "./checklist.ts";

/** How many left items a step keeps (its count says how many there are). */
const LEFT_KEEP = 200;

/** First and last day of a month YYYY-MM. */
export function monthDays(period: string): { first: string; last: string } {
  const [y, m] = [Number(period.slice(0, 4)), Number(period.slice(5, 7))];
  const last = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
  return { first: `${period}-01`, last };
}

const result = (passed: boolean, summary: string, left: string[]): StepResult => ({
  status: passed ? "passed" : "failed",
  summary,
  left: left.slice(0, LEFT_KEEP),
  leftCount: left.length,
});

const yuan = (fen: number) =>
  `${fen < 0 ? "-" : ""}${Math.floor(Math.abs(fen) / 100)}.${String(Math.abs(fen) % 100).padStart(2, "0")}`;

export interface CheckDeps {
  db: Sqlite;
  now?: () => Date;
  completeness: Completeness;
  costing: Costing;
  finance: Finance;
  /** Inventory vouchers (finance/books.ts): cost of goods sold, receipts, counts; valuation = inventory account. */
  books?: Books;
}

export function createChecks(deps: CheckDeps): StepChecks {
  const { db, completeness, costing, finance } = deps;
  const orm = openDrizzle(db);
  const accruals = createAccruals({
    db,
    now: deps.now ?? (() => new Date()),
    postInventory: () => deps.books?.postInventory(),
    ...(deps.books ? { postedTest: deps.books.postedTest } : {}),
  });

  return {
    // Every day of the month on which stores took WeChat Pay or Alipay has that wallet's
    // settlement file imported (reconciliation/), for the whole day, with no difference left,
    // and its settlement (fees) posted. The latest run of a (wallet, day) is the one that counts.
    payments_reconciled(period) {
      const { first, last } = monthDays(period);
      const days = orm
        .select({ kind: tenders.kind, day: sales.businessDay, n: sql<number>`COUNT(*)` })
        .from(tenders)
        .innerJoin(sales, and(eq(sales.storeId, tenders.storeId), eq(sales.saleId, tenders.docId)))
        .where(
          and(
            eq(tenders.docKind, "sale"),
            inArray(tenders.kind, ["wechat", "alipay"]),
            between(sales.businessDay, first, last),
          ),
        )
        .groupBy(tenders.kind, sales.businessDay)
        .orderBy(sales.businessDay, tenders.kind)
        .all();
      const latest = new Map<string, typeof reconRuns.$inferSelect>();
      for (const r of orm
        .select()
        .from(reconRuns)
        .where(and(inArray(reconRuns.source, ["wechat", "alipay"]), between(reconRuns.billDate, first, last)))
        .orderBy(desc(reconRuns.id))
        .all())
        if (!latest.has(`${r.source} ${r.billDate}`)) latest.set(`${r.source} ${r.billDate}`, r);
      const left: string[] = [];
      for (const d of days) {
        const r = latest.get(`${d.kind} ${d.day}`);
        const what = `${d.kind} ${d.day} (${d.n} tender(s) at HQ)`;
        if (!r) left.push(`${what}: no settlement file imported`);
        else if (r.until) left.push(`${what}: run ${r.id} covers only until ${r.until}`);
        else if (r.differences > 0) left.push(`${what}: run ${r.id} has ${r.differences} difference(s)`);
        else if (!r.postedAt) left.push(`${what}: run ${r.id} matched, its settlement and fees not posted`);
      }
      return result(
        left.length === 0,
        `${days.length - left.length} of ${days.length} wallet-day(s) reconciled with the providers' settlement files and posted`,
        left,
      );
    },

    // Every receipt of goods up to the month's end has an approved (or paid) supplier invoice for
    // its order and store (payables/), or is accrued: once the month is over (and with the
    // inventory posting on the hub) the step accrues the rest, Dr GRNI / Cr the month-end accrual
    // account on the last day, reversed on the next month's first (payables/accrual.ts).
    receipts_invoiced(period) {
      const { last, next } = monthBounds(period);
      const run = deps.books
        ? accruals.accrue(period, "month-end checklist")
        : { receipts: accruals.receipts(period), over: false, vouchers: 0 };
      const rs = run.receipts;
      const what = (r: MonthReceipt) =>
        `${r.storeId} receipt ${r.receivingId} (${r.at.slice(0, 10)}${r.po ? `, order ${r.po}` : r.supplierId ? `, supplier ${r.supplierId}, no order` : ""})`;
      const left = rs
        .filter((r) => !r.invoiced && !r.accrued)
        .map(
          (r) =>
            `${what(r)}: ${r.po ? "no approved invoice" : "no order to invoice against"}; ${
              !deps.books
                ? "not accrued (the inventory posting is not on this hub)"
                : !run.over
                  ? `accrued once the month is over (after ${last})`
                  : "not accrued: its receipt voucher is not posted"
            }`,
        );
      const accrued = rs.filter((r) => !r.invoiced && r.accrued);
      const fen = accrued.reduce((s, r) => s + r.accrued!.valueFen, 0);
      return result(
        left.length === 0,
        `${rs.length - left.length} of ${rs.length} receipt(s) up to ${last} invoiced or accrued: ${rs.filter((r) => r.invoiced).length} invoiced, ${accrued.length} accrued (${yuan(fen)} yuan on ${last}, reversed on ${next})`,
        left,
      );
    },

    // Every voucher dated in the month is in an export to the accounting package (export/) of
    // its store's company whose range covers its day and that was made after it was posted
    // (the export's highest voucher id): a voucher posted after the last export is left.
    vouchers_exported(period) {
      const { first, last } = monthDays(period);
      const company = sql<string>`COALESCE(${companyStores.companyId}, ${DEFAULT_COMPANY})`;
      const rows = orm
        .select({
          company,
          day: vouchers.businessDay,
          total: sql<number>`COUNT(*)`,
          left: sql<number>`SUM(NOT EXISTS (SELECT 1 FROM ${voucherExports} WHERE ${voucherExports.companyId} = ${company} AND ${voucherExports.fromDay} <= ${vouchers.businessDay} AND ${voucherExports.toDay} >= ${vouchers.businessDay} AND ${voucherExports.maxVoucherId} >= ${vouchers.id}))`,
        })
        .from(vouchers)
        .leftJoin(companyStores, eq(companyStores.storeId, vouchers.storeId))
        .where(between(vouchers.businessDay, first, last))
        .groupBy(company, vouchers.businessDay)
        .orderBy(company, vouchers.businessDay)
        .all();
      const total = rows.reduce((n, r) => n + r.total, 0);
      const left = rows
        .filter((r) => r.left > 0)
        .map(
          (r) =>
            `company ${r.company} ${r.day}: ${r.left} of ${r.total} voucher(s) not in an export made after they were posted`,
        );
      return result(
        left.length === 0,
        `${total - rows.reduce((n, r) => n + r.left, 0)} of ${total} voucher(s) dated in the period exported to the accounting package`,
        left,
      );
    },

    store_days_complete(period) {
      const { last } = monthDays(period);
      const m = completeness.month(period, {});
      const left = m.problems.map(
        (p) =>
          `${p.storeId} ${p.businessDay}: ${p.status}${p.missing ? ` (${p.missing} missing)` : ""}${p.extra ? ` (${p.extra} extra)` : ""}`,
      );
      if (m.through < last)
        left.unshift(`the month runs to ${last}; days are proven up to yesterday (${m.through})`);
      return result(
        left.length === 0,
        `${m.storeDays - m.problems.length} of ${m.storeDays} store-day(s) proven complete by the stores' day digests`,
        left,
      );
    },

    // The inventory posting runs as part of the step (books.countsOfPeriod: the one query of
    // the month's counts, their lines costed and posted as inventory.count vouchers).
    counts_posted(period) {
      if (!deps.books)
        return {
          status: "not_available",
          summary: "the counts' gain/loss vouchers: not available (the inventory posting is not on this hub)",
          left: [],
          leftCount: 0,
        };
      const { counts, left } = deps.books.countsOfPeriod(period);
      return result(
        left.length === 0,
        `${counts} count(s) in the period, costed and posted to the inventory accounts`,
        left,
      );
    },

    cost_valuation_run(period) {
      const { first, last } = monthDays(period);
      costing.catchUp();
      const mark =
        orm
          .select({ m: sql<number>`COALESCE(MAX(${costMovements.ledgerId}), 0)` })
          .from(costMovements)
          .get()?.m ?? 0;
      const uncosted = orm
        .select({ storeId: stockLedger.storeId, n: sql<number>`COUNT(*)` })
        .from(stockLedger)
        .where(and(gt(stockLedger.id, mark), sql`${stockLedger.at} <= ${`${last}T23:59:59.999Z`}`))
        .groupBy(stockLedger.storeId)
        .all();
      // Cost of goods sold: what sales took less what returns put back, plus the negative-stock
      // corrections posted by the month's receipts (positive: it had been understated).
      const cogs =
        orm
          .select({
            v: sql<number>`COALESCE(SUM(CASE WHEN ${costMovements.kind} IN ('sale', 'return') THEN -${costMovements.valueFen} ELSE 0 END + ${costMovements.correctionFen}), 0)`,
          })
          .from(costMovements)
          .where(between(costMovements.at, first, `${last}T23:59:59.999Z`))
          .get()?.v ?? 0;
      const valuation = costing.valuation({ date: last });
      const value = valuation.reduce((s, r) => s + r.valueFen, 0);
      const negative = valuation.filter((r) => r.onHand < 0).length;
      const left = uncosted.map((u) => `${u.storeId}: ${u.n} stock movement(s) not costed`);
      // With the inventory posting on the hub: post it (COGS, receipts, counts as vouchers) and
      // the valuation must equal each store's inventory account at month end.
      let books = "inventory vouchers: not on this hub";
      if (deps.books) {
        const run = deps.books.postInventory();
        for (const h of run.held ?? [])
          left.push(
            `${h.storeId}: inventory posting held since ledger id ${h.fromLedgerId} (${h.movements} movement(s) waiting): ${h.reason}`,
          );
        const v = deps.books.valuation({ date: last });
        for (const st of v.stores)
          if (st.differenceFen !== 0)
            left.push(
              `${st.storeId}: valuation ${yuan(st.valuationFen)} yuan, inventory account ${st.inventoryAccount} ${yuan(st.accountFen)} yuan (difference ${yuan(st.differenceFen)})`,
            );
        books = `inventory vouchers posted (${run.vouchers} new); inventory accounts ${yuan(v.accountFen)} yuan = valuation${v.differenceFen ? ` except ${yuan(v.differenceFen)}` : ""}`;
      }
      return result(
        left.length === 0,
        `valuation at ${last}: ${new Set(valuation.map((r) => r.storeId)).size} store(s), ${yuan(value)} yuan; cost of goods sold net of returns in the month ${yuan(cogs)} yuan; ${books}${negative ? `; ${negative} store/category group(s) below zero on hand (costed at the last average until stock arrives)` : ""}`,
        left,
      );
    },

    vouchers_balanced(period) {
      const { first, last } = monthDays(period);
      // Posting is part of the step: what was ingested becomes vouchers before they are checked.
      finance.post();
      const failed = finance
        .failures()
        .filter((f) => f.businessDay >= first && f.businessDay <= last)
        .map((f) => `${f.storeId} ${f.businessDay}: not posted: ${f.reason}`);
      const lines = orm
        .select({
          id: vouchers.id,
          storeId: vouchers.storeId,
          day: vouchers.businessDay,
          headDr: vouchers.debitFen,
          headCr: vouchers.creditFen,
          dr: sql<number>`TOTAL(${voucherLines.debitFen})`,
          cr: sql<number>`TOTAL(${voucherLines.creditFen})`,
        })
        .from(vouchers)
        .leftJoin(voucherLines, eq(voucherLines.voucherId, vouchers.id))
        .where(between(vouchers.businessDay, first, last))
        .groupBy(vouchers.id)
        .all();
      const unbalanced = lines
        .filter((v) => v.dr !== v.cr || v.dr !== v.headDr || v.cr !== v.headCr)
        .map(
          (v) =>
            `voucher ${v.id} (${v.storeId} ${v.day}): lines Dr ${yuan(v.dr)} Cr ${yuan(v.cr)}, header Dr ${yuan(v.headDr)} Cr ${yuan(v.headCr)}`,
        );
      const total = lines.reduce((s, v) => s + v.dr, 0);
      return result(
        failed.length + unbalanced.length === 0,
        `${lines.length} voucher(s) dated in the period, ${lines.length - unbalanced.length} balanced (Dr = Cr ${yuan(total)} yuan); ${failed.length} store-day(s) not posted`,
        [...failed, ...unbalanced],
      );
    },
  };
}
