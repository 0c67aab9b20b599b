// Month-end accrual of goods received not invoiced (暂估入库, issue 16 item 6 "receipts invoiced
// or accrued"). Every receipt's voucher already books Dr inventory / Cr GRNI (2202.02) when it is
// costed (finance/inventory.ts), and an approved invoice clears GRNI. At the month's end the
// receipts still without an approved invoice are accrued: their GRNI credit is moved to the
// month-end accrual account (accrued_payables, 2202.03 应付账款—月末暂估) by a voucher dated the
// month's last day, and reversed by one dated the next month's first day, so the month's balance
// sheet shows the suppliers' uninvoiced deliveries as an accrued payable and the next month's
// invoice clears GRNI as usual. A receipt is accrued once per month (grni_accruals' key); one
// still not invoiced a month later is accrued again for that month.
import { and, eq, inArray, lte, sql } from "drizzle-orm";
import { companyOfStore, rulesOf } from "../accounts/storage.ts";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import { costMovements, financeMarks, grniAccruals, receivings, supplierInvoices } from "../db/schema.ts";
import { postDocumentVoucher } from "../finance/documents.ts";
import { chinaDay } from "./vouchers.ts";

export interface MonthReceipt {
  storeId: string;
  receivingId: string;
  po: string | null;
  supplierId: string | null;
  /** confirmedAt as the store sent it */
  at: string;
  invoiced: boolean;
  /** What its receipt voucher credited to GRNI (null: not costed and posted yet). */
  valueFen: number | null;
  /** The accrual voucher of this period, when accrued (null when accrued at 0). */
  accrued: { voucherId: number | null; valueFen: number } | null;
}

/** First and last day of a month YYYY-MM and the first day of the next one. */
export function monthBounds(period: string): { first: string; last: string; next: string } {
  const [y, m] = [Number(period.slice(0, 4)), Number(period.slice(5, 7))];
  const last = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
  const next = new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10);
  return { first: `${period}-01`, last, next };
}

/** The two vouchers of one store's accrual batch (pure): Dr GRNI / Cr accrued, and its reversal. */
export function accrualVouchers(
  a: { storeId: string; period: string; batch: number; valueFen: number; receipts: string[] },
  roles: { grni: string; accrued_payables: string },
) {
  const { last, next } = monthBounds(a.period);
  const id = `${a.storeId}/${a.period}#${a.batch}`;
  const names = a.receipts.length <= 3 ? a.receipts.join(", ") : `${a.receipts.slice(0, 3).join(", ")} …`;
  return [
    {
      storeId: a.storeId,
      businessDay: last,
      source: { kind: "grni.accrual", id },
      memo: `月末暂估 ${a.period}: ${a.receipts.length} 张未到票收货 (${names})`,
      lines: [
        { account: roles.grni, debitFen: a.valueFen, creditFen: 0 },
        { account: roles.accrued_payables, debitFen: 0, creditFen: a.valueFen },
      ],
    },
    {
      storeId: a.storeId,
      businessDay: next,
      source: { kind: "grni.accrual.reversal", id },
      memo: `冲回 ${a.period} 月末暂估: ${a.receipts.length} 张收货`,
      lines: [
        { account: roles.accrued_payables, debitFen: a.valueFen, creditFen: 0 },
        { account: roles.grni, debitFen: 0, creditFen: a.valueFen },
      ],
    },
  ];
}

export function createAccruals(deps: {
  db: Sqlite;
  now: () => Date;
  postInventory: () => unknown;
  /** Whether a store's movement is in a voucher (finance/books.ts postedTest); else below the inventory mark. */
  postedTest?: () => (storeId: string, ledgerId: number) => boolean;
}) {
  const { db, now } = deps;
  const orm = openDrizzle(db);

  /** Every receipt confirmed up to the month's end, whether invoiced, its GRNI value, its accrual. */
  function receipts(period: string): MonthReceipt[] {
    const { last } = monthBounds(period);
    const rows = orm
      .select({
        storeId: receivings.storeId,
        receivingId: receivings.receivingId,
        po: receivings.purchaseOrderId,
        supplierId: receivings.supplierId,
        at: receivings.confirmedAt,
      })
      .from(receivings)
      .where(lte(sql`substr(${receivings.confirmedAt}, 1, 10)`, last))
      .orderBy(receivings.confirmedAt)
      .all();
    // Read apart, not as a correlated EXISTS: drizzle writes a one-table select's columns
    // unqualified, so a subquery's "purchase_order_id" = "purchase_order_id" compares the
    // invoice with itself (any approved invoice passed every receipt, before this).
    const invoiced = new Set(
      orm
        .selectDistinct({ po: supplierInvoices.purchaseOrderId, storeId: supplierInvoices.storeId })
        .from(supplierInvoices)
        .where(inArray(supplierInvoices.status, ["approved", "paid"]))
        .all()
        .map((i) => `${i.storeId}\u0000${i.po}`),
    );
    const mark =
      orm
        .select({ upTo: financeMarks.upTo })
        .from(financeMarks)
        .where(eq(financeMarks.name, "inventory"))
        .get()?.upTo ?? 0;
    const posted = deps.postedTest?.() ?? ((_s: string, id: number) => id <= mark);
    // A receipt's GRNI credit: its costed movements, once all are posted (below the inventory mark).
    const value = new Map<string, number | null>();
    for (const r of orm
      .select({
        storeId: costMovements.storeId,
        ref: costMovements.ref,
        v: sql<number>`TOTAL(${costMovements.valueFen})`,
        top: sql<number>`MAX(${costMovements.ledgerId})`,
      })
      .from(costMovements)
      .where(and(eq(costMovements.kind, "receipt"), lte(costMovements.at, `${last}T23:59:59.999~`)))
      .groupBy(costMovements.storeId, costMovements.ref)
      .all())
      value.set(`${r.storeId}\u0000${r.ref}`, posted(r.storeId, r.top) ? r.v : null);
    const accrued = new Map(
      orm
        .select()
        .from(grniAccruals)
        .where(eq(grniAccruals.period, period))
        .all()
        .map((a) => [`${a.storeId}\u0000${a.receivingId}`, { voucherId: a.voucherId, valueFen: a.valueFen }]),
    );
    return rows.map((r) => {
      const k = `${r.storeId}\u0000${r.receivingId}`;
      return {
        ...r,
        invoiced: r.po !== null && invoiced.has(`${r.storeId}\u0000${r.po}`),
        // A receipt with no stock lines costed (all lines 0) moved nothing: worth 0.
        valueFen: value.has(k) ? value.get(k)! : 0,
        accrued: accrued.get(k) ?? null,
      };
    });
  }

  /**
   * Accrues the month's receipts not invoiced (the month must be over in China time): posts
   * inventory first so their GRNI credit is booked, then per store one accrual voucher and its
   * reversal for the receipts not accrued yet. Returns the receipts as they stand after it.
   */
  function accrue(period: string, by: string): { receipts: MonthReceipt[]; vouchers: number; over: boolean } {
    const { last } = monthBounds(period);
    if (chinaDay(now()) <= last) return { receipts: receipts(period), vouchers: 0, over: false };
    deps.postInventory();
    const todo = receipts(period).filter((r) => !r.invoiced && !r.accrued && r.valueFen !== null);
    const byStore = new Map<string, MonthReceipt[]>();
    for (const r of todo) byStore.set(r.storeId, [...(byStore.get(r.storeId) ?? []), r]);
    let vouchers = 0;
    for (const [storeId, rs] of byStore)
      db.transaction(() => {
        const at = now().toISOString();
        const valueFen = rs.reduce((s, r) => s + (r.valueFen ?? 0), 0);
        let ids: [number | null, number | null] = [null, null];
        if (valueFen > 0) {
          const batch =
            (orm
              .select({ n: sql<number>`COUNT(DISTINCT ${grniAccruals.voucherId})` })
              .from(grniAccruals)
              .where(and(eq(grniAccruals.period, period), eq(grniAccruals.storeId, storeId)))
              .get()?.n ?? 0) + 1;
          const roles = rulesOf(db, companyOfStore(db, storeId), at);
          const [accrual, reversal] = accrualVouchers(
            { storeId, period, batch, valueFen, receipts: rs.map((r) => r.receivingId) },
            roles,
          );
          const a = postDocumentVoucher(db, accrual!, { now });
          const b = postDocumentVoucher(db, reversal!, { now });
          ids = [a.id, b.id];
          vouchers += 2;
        }
        orm
          .insert(grniAccruals)
          .values(
            rs.map((r) => ({
              period,
              storeId,
              receivingId: r.receivingId,
              purchaseOrderId: r.po,
              supplierId: r.supplierId,
              valueFen: r.valueFen ?? 0,
              voucherId: ids[0],
              reversalVoucherId: ids[1],
              accruedBy: by,
              accruedAt: at,
            })),
          )
          .run();
      }).immediate();
    return { receipts: receipts(period), vouchers, over: true };
  }

  return { receipts, accrue };
}

export type Accruals = ReturnType<typeof createAccruals>;
