// Posting: folds newly ingested rows into each (store, day)'s summary and writes the vouchers
// that bring the posted totals up to the summary. The bookkeeping rules are ledger.ts (pure).
//
// Exactly once: sales, returns and tenders are append-only and arrive in rowid / id order
// (one writer at a time), so the rows above finance_marks are exactly the ones not folded yet;
// the fold, the vouchers and the new marks commit in one transaction. The voucher itself is
// the day's summary minus what earlier vouchers for that (store, day) posted, so a second run
// finds nothing to post.
import { and, asc, eq, gt, isNull, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { companyOfStore, rulesOf } from "../accounts/storage.ts";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import {
  financeDayTotals,
  financeMarks,
  financePeriods,
  financeShiftQueue,
  financeShifts,
  returns,
  sales,
  shifts,
  tenders,
  voucherLines,
  vouchers as voucherTable,
} from "../db/schema.ts";
import { type createFinanceFailures, inSavepoint } from "./failures.ts";
import {
  checkBalanced,
  type DayRows,
  difference,
  postingDay,
  type SalesAccounts,
  summarise,
  type Totals,
} from "./ledger.ts";
import { accountSums } from "./reads.ts";

/**
 * The posting run, to be called inside a transaction the caller opens (post, closePeriod).
 * Returns the vouchers written.
 */
export function createPosting(opts: {
  db: Sqlite;
  now: () => Date;
  failures: ReturnType<typeof createFinanceFailures>;
}): () => number {
  const { db, now, failures } = opts;
  const orm = openDrizzle(db);
  const p = (name: string) => sql.placeholder(name);
  const v = voucherTable;
  const l = voucherLines;
  const mark = orm
    .select({ upTo: financeMarks.upTo })
    .from(financeMarks)
    .where(eq(financeMarks.name, p("name")))
    .prepare();
  const setMark = orm
    .update(financeMarks)
    .set({ upTo: sql`${p("upTo")}` })
    .where(eq(financeMarks.name, p("name")))
    .prepare();
  // Sales and returns arrive in rowid order (their implicit rowid, not a declared column).
  const salesRowid = sql<number>`${sales}.rowid`;
  const returnsRowid = sql<number>`${returns}.rowid`;
  const newSales = orm
    .select({
      id: salesRowid,
      storeId: sales.storeId,
      day: sales.businessDay,
      netFen: sales.netFen,
      taxFen: sales.taxFen,
    })
    .from(sales)
    .where(gt(salesRowid, p("mark")))
    .orderBy(salesRowid)
    .prepare();
  const newReturns = orm
    .select({
      id: returnsRowid,
      storeId: returns.storeId,
      day: returns.businessDay,
      refundFen: returns.refundFen,
      taxFen: returns.taxFen,
    })
    .from(returns)
    .where(gt(returnsRowid, p("mark")))
    .orderBy(returnsRowid)
    .prepare();
  // A tender's document is in the same ingest transaction, so it is always found.
  const ts = alias(sales, "s");
  const tr = alias(returns, "r");
  const newTenders = orm
    .select({
      id: tenders.id,
      storeId: tenders.storeId,
      docKind: tenders.docKind,
      kind: tenders.kind,
      amountFen: tenders.amountFen,
      day: sql<string | null>`COALESCE(${ts.businessDay}, ${tr.businessDay})`,
    })
    .from(tenders)
    .leftJoin(
      ts,
      and(eq(tenders.docKind, "sale"), eq(ts.storeId, tenders.storeId), eq(ts.saleId, tenders.docId)),
    )
    .leftJoin(
      tr,
      and(eq(tenders.docKind, "return"), eq(tr.storeId, tenders.storeId), eq(tr.returnId, tenders.docId)),
    )
    .where(gt(tenders.id, p("mark")))
    .orderBy(asc(tenders.id))
    .prepare();
  const q = financeShiftQueue;
  const fs = financeShifts;
  const queuedShifts = orm
    .select({
      storeId: q.storeId,
      shiftId: q.shiftId,
      day: shifts.businessDay,
      overShortFen: shifts.overShortFen,
      oldDay: fs.businessDay,
      oldOverShortFen: fs.overShortFen,
    })
    .from(q)
    .innerJoin(shifts, and(eq(shifts.storeId, q.storeId), eq(shifts.shiftId, q.shiftId)))
    .leftJoin(fs, and(eq(fs.storeId, q.storeId), eq(fs.shiftId, q.shiftId)))
    .prepare();
  const clearShiftQueue = orm.delete(q).prepare();
  const recordShift = orm
    .insert(fs)
    .values({
      storeId: p("storeId"),
      shiftId: p("shiftId"),
      businessDay: p("day"),
      overShortFen: p("overShortFen"),
    })
    .onConflictDoUpdate({
      target: [fs.storeId, fs.shiftId],
      set: { businessDay: sql`excluded.business_day`, overShortFen: sql`excluded.over_short_fen` },
    })
    .prepare();
  const t = financeDayTotals;
  const ofDay = and(eq(t.storeId, p("storeId")), eq(t.businessDay, p("day")));
  const addDayTotal = orm
    .insert(t)
    .values({
      storeId: p("storeId"),
      businessDay: p("day"),
      account: p("account"),
      debitFen: p("debitFen"),
      creditFen: p("creditFen"),
    })
    .onConflictDoUpdate({
      target: [t.storeId, t.businessDay, t.account],
      set: {
        debitFen: sql`${t.debitFen} + excluded.debit_fen`,
        creditFen: sql`${t.creditFen} + excluded.credit_fen`,
      },
    })
    .prepare();
  const dayTotals = orm
    .select({ account: t.account, debitFen: t.debitFen, creditFen: t.creditFen })
    .from(t)
    .where(ofDay)
    .prepare();
  const postedTotals = orm
    .select(accountSums)
    .from(v)
    .innerJoin(l, eq(l.voucherId, v.id))
    // Only the sales days' own vouchers: a document's voucher (documents.ts) for the same day is
    // not part of the day's summary and must not be "corrected" away.
    .where(and(eq(v.storeId, p("storeId")), eq(v.sourceDay, p("day")), isNull(v.sourceKind)))
    .groupBy(l.account)
    .prepare();
  const insertVoucher = orm
    .insert(v)
    .values({
      storeId: p("storeId"),
      businessDay: p("businessDay"),
      sourceDay: p("sourceDay"),
      postedAt: p("postedAt"),
      memo: p("memo"),
      debitFen: p("debitFen"),
      creditFen: p("creditFen"),
    })
    .returning({ id: v.id })
    .prepare();
  const insertLine = orm
    .insert(l)
    .values({
      voucherId: p("voucherId"),
      lineNo: p("lineNo"),
      account: p("account"),
      debitFen: p("debitFen"),
      creditFen: p("creditFen"),
    })
    .prepare();
  const deleteDayTotals = orm.delete(t).where(ofDay).prepare();

  const toTotals = (rows: { account: string; debitFen: number; creditFen: number }[]): Totals =>
    new Map(rows.map((r) => [r.account, { debitFen: r.debitFen, creditFen: r.creditFen }]));

  /** Folds what arrived since the last run and writes the delta vouchers (inside a transaction). */
  function postRows(): number {
    const days = new Map<string, DayRows & { storeId: string; day: string }>();
    const rowsOf = (storeId: string, day: string) => {
      const k = `${storeId}\u0000${day}`;
      let d = days.get(k);
      if (!d) {
        d = { storeId, day, sales: [], returns: [], tenders: [], overShortFen: [] };
        days.set(k, d);
      }
      return d;
    };
    const upTo = (name: string) => mark.get({ name })!.upTo;
    let salesMark = upTo("sales");
    for (const r of newSales.all({ mark: salesMark })) {
      rowsOf(r.storeId, r.day).sales.push(r);
      salesMark = r.id;
    }
    let returnsMark = upTo("returns");
    for (const r of newReturns.all({ mark: returnsMark })) {
      rowsOf(r.storeId, r.day).returns.push(r);
      returnsMark = r.id;
    }
    let tendersMark = upTo("tenders");
    for (const t of newTenders.all({ mark: tendersMark })) {
      if (t.day === null) throw new Error(`tender ${t.id} of ${t.storeId} has no document`);
      rowsOf(t.storeId, t.day).tenders.push(t as DayRows["tenders"][number]);
      tendersMark = t.id;
    }
    for (const s of queuedShifts.all()) {
      // What a shift contributed before is taken back from its day; the close as it is now added.
      if (s.oldDay !== null && s.oldOverShortFen !== null && s.oldOverShortFen !== 0)
        rowsOf(s.storeId, s.oldDay).overShortFen.push(-s.oldOverShortFen);
      if (s.overShortFen === null) continue;
      if (s.overShortFen !== 0) rowsOf(s.storeId, s.day).overShortFen.push(s.overShortFen);
      recordShift.run({ storeId: s.storeId, shiftId: s.shiftId, day: s.day, overShortFen: s.overShortFen });
    }
    clearShiftQueue.run();

    const closed = new Set(
      orm
        .select({ period: financePeriods.period })
        .from(financePeriods)
        .all()
        .map((r) => r.period),
    );
    const postedAt = now().toISOString();
    let written = 0;
    // The store's company's posting rules (accounts/), read once per store per run.
    const accountsByStore = new Map<string, SalesAccounts>();
    const salesAccounts = (storeId: string): SalesAccounts => {
      let a = accountsByStore.get(storeId);
      if (!a) {
        const r = rulesOf(db, companyOfStore(db, storeId), postedAt);
        a = {
          tender: {
            cash: r["tender.cash"],
            card: r["tender.card"],
            wechat: r["tender.wechat"],
            alipay: r["tender.alipay"],
            voucher: r["tender.voucher"],
            points: r["tender.points"],
          },
          revenue: r.revenue,
          outputVat: r.output_vat,
          suspense: r.suspense,
          cash: r["tender.cash"],
        };
        accountsByStore.set(storeId, a);
      }
      return a;
    };
    /** Folds `rows` into the day's summary (or replaces it) and writes the voucher for the change. */
    const postDay = (storeId: string, day: string, rows: DayRows, replace: boolean) => {
      const part = summarise(rows, salesAccounts(storeId));
      checkBalanced(
        [...part].map(([account, v]) => ({ account, ...v })),
        `summary ${storeId} ${day}`,
      );
      if (replace) deleteDayTotals.run({ storeId, day });
      for (const [account, v] of part)
        addDayTotal.run({ storeId, day, account, debitFen: v.debitFen, creditFen: v.creditFen });
      const current = toTotals(dayTotals.all({ storeId, day }));
      const posted = toTotals(postedTotals.all({ storeId, day }));
      const lines = difference(current, posted);
      if (lines.length === 0) return;
      const sums = checkBalanced(lines, `voucher ${storeId} ${day}`);
      const at = postingDay(day, closed);
      const { id } = insertVoucher.get({
        storeId,
        businessDay: at.businessDay,
        sourceDay: day,
        postedAt,
        memo: at.memo,
        debitFen: sums.debitFen,
        creditFen: sums.creditFen,
      })!;
      for (const [i, l] of lines.entries())
        insertLine.run({
          voucherId: id,
          lineNo: i + 1,
          account: l.account,
          debitFen: l.debitFen,
          creditFen: l.creditFen,
        });
      written++;
    };
    // Each (store, day) in its own savepoint: one that cannot post is rolled back alone, listed
    // with the reason, and every other store's days post. A listed day is not folded piecemeal:
    // its retry below folds the whole day again from the ingest tables.
    const failed = new Set(failures.list().map((f) => `${f.storeId}\u0000${f.businessDay}`));
    for (const [key, d] of days) {
      if (failed.has(key)) continue;
      try {
        inSavepoint(db, () => postDay(d.storeId, d.day, d, false));
      } catch (e) {
        failures.record(d.storeId, d.day, (e as Error).message, postedAt);
      }
    }
    for (const f of failures.list()) {
      if (!failed.has(`${f.storeId}\u0000${f.businessDay}`)) continue; // failed just now
      try {
        inSavepoint(db, () =>
          postDay(f.storeId, f.businessDay, failures.dayRows(f.storeId, f.businessDay), true),
        );
        failures.resolved(f.storeId, f.businessDay, postedAt);
      } catch (e) {
        failures.record(f.storeId, f.businessDay, (e as Error).message, postedAt);
      }
    }
    setMark.run({ upTo: salesMark, name: "sales" });
    setMark.run({ upTo: returnsMark, name: "returns" });
    setMark.run({ upTo: tendersMark, name: "tenders" });
    return written;
  }
  return postRows;
}
