// Finance's SQL: folding newly ingested rows into each (store, day)'s summary, writing the
// vouchers that bring the posted totals up to the summary, period close, and the reads. The
// bookkeeping rules are ledger.ts (pure).
//
// Exactly once: sales, returns and tenders are append-only and arrive in rowid / id order
// (one writer at a time), so the rows above finance_marks are exactly the ones not folded yet;
// the fold, the vouchers and the new marks commit in one transaction. The voucher itself is
// the day's summary minus what earlier vouchers for that (store, day) posted, so a second run
// finds nothing to post.
import { and, asc, between, count, eq, gt, inArray, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { z } from "zod";
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
  stores,
  tenders,
  voucherLines,
  vouchers as voucherTable,
} from "../db/schema.ts";
import { StateError, ValidationError } from "../errors.ts";
import { createFinanceFailures, type FinanceFailure, inSavepoint } from "./failures.ts";
import {
  ACCOUNTS,
  checkBalanced,
  type DayRows,
  difference,
  postingDay,
  summarise,
  type Totals,
} from "./ledger.ts";

const Day = z.iso.date({ message: "a date YYYY-MM-DD" });
export const FinanceQuery = z.object({ from: Day, to: Day, store: z.string().min(1).optional() });
export type FinanceQuery = z.infer<typeof FinanceQuery>;
const Period = /^\d{4}-(0[1-9]|1[0-2])$/;

export interface FinanceScope {
  store?: string;
  region?: string;
}

export interface Voucher {
  id: number;
  storeId: string;
  businessDay: string;
  sourceDay: string;
  postedAt: string;
  memo: string;
  lines: { account: string; accountName: string; debitFen: number; creditFen: number }[];
  debitFen: number;
  creditFen: number;
}

const accountName = (a: string) => ACCOUNTS[a as keyof typeof ACCOUNTS] ?? a;

export function createFinance(opts: {
  db: Sqlite;
  now: () => Date;
  /**
   * Month-end gate (hub config closeRequiresComplete): closing is refused unless every
   * store-day of the month is proven complete (completeness/).
   */
  requireComplete?: (period: string) => { complete: boolean; problems: unknown[] };
}) {
  const { db, now } = opts;
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
  const sums = {
    account: l.account,
    debitFen: sql<number>`SUM(${l.debitFen})`,
    creditFen: sql<number>`SUM(${l.creditFen})`,
  };
  const postedTotals = orm
    .select(sums)
    .from(v)
    .innerJoin(l, eq(l.voucherId, v.id))
    .where(and(eq(v.storeId, p("storeId")), eq(v.sourceDay, p("day"))))
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
  const periodRow = (period: string) =>
    orm
      .select({
        period: financePeriods.period,
        closedAt: financePeriods.closedAt,
        closedBy: financePeriods.closedBy,
      })
      .from(financePeriods)
      .where(eq(financePeriods.period, period))
      .get();
  const month = sql<string>`substr(${v.businessDay}, 1, 7)`;
  // A regional manager's view counts only its region's vouchers.
  const inRegion = (region: string | undefined) =>
    region
      ? inArray(v.storeId, orm.select({ id: stores.id }).from(stores).where(eq(stores.region, region)))
      : undefined;
  const inScope = (q: FinanceQuery, scope: FinanceScope) => {
    if (q.from > q.to) throw new ValidationError("query.to", `must not be before from (${q.from})`);
    return and(
      between(v.businessDay, q.from, q.to),
      scope.store ? eq(v.storeId, scope.store) : undefined,
      inRegion(scope.region),
    );
  };

  const failures = createFinanceFailures(db);
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
    /** Folds `rows` into the day's summary (or replaces it) and writes the voucher for the change. */
    const postDay = (storeId: string, day: string, rows: DayRows, replace: boolean) => {
      const part = summarise(rows);
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
  const postTx = db.transaction(postRows);

  /**
   * Posts everything ingested since the last run: one IMMEDIATE transaction (several hub
   * workers may post; the marks are read under the write lock). Returns the vouchers written.
   */
  function post(): { vouchers: number; failed: FinanceFailure[] } {
    return { vouchers: postTx.immediate() as number, failed: failures.list() };
  }

  /** Closes a month (YYYY-MM) after posting what is known; later deltas go to the next open month. */
  function closePeriod(period: string, actor: string) {
    if (!Period.test(period)) throw new ValidationError("period", "a month YYYY-MM");
    const proof = opts.requireComplete?.(period);
    if (proof && !proof.complete)
      throw new StateError(
        period,
        `period ${period}: ${proof.problems.length} store-day(s) not proven complete (GET /api/v1/completeness/month/${period})`,
        { problems: proof.problems.slice(0, 100) },
      );
    const tx = db.transaction(() => {
      if (periodRow(period)) throw new StateError(period, `period ${period} is already closed`);
      const posted = postRows();
      orm.insert(financePeriods).values({ period, closedAt: now().toISOString(), closedBy: actor }).run();
      return posted;
    });
    const posted = tx.immediate() as number;
    return { ...periodRow(period)!, posted };
  }

  /** Months with vouchers or closed, oldest first; `region` narrows the counts to its stores. */
  function periods(region?: string) {
    // Months that have vouchers (in any region) or were closed, each with its closing and the
    // vouchers of the region (all when none).
    const closings = new Map(
      orm
        .select({
          period: financePeriods.period,
          closedAt: financePeriods.closedAt,
          closedBy: financePeriods.closedBy,
        })
        .from(financePeriods)
        .all()
        .map((c) => [c.period, c]),
    );
    const months = orm.selectDistinct({ period: month }).from(v).all();
    const counted = new Map(
      orm
        .select({ period: month, vouchers: count(), debitFen: sql<number>`COALESCE(SUM(${v.debitFen}), 0)` })
        .from(v)
        .where(inRegion(region))
        .groupBy(month)
        .all()
        .map((c) => [c.period, c]),
    );
    return [...new Set([...months.map((m) => m.period), ...closings.keys()])].sort().map((period) => {
      const c = closings.get(period);
      return {
        period,
        closedAt: c?.closedAt ?? null,
        closedBy: c?.closedBy ?? null,
        vouchers: counted.get(period)?.vouchers ?? 0,
        debitFen: counted.get(period)?.debitFen ?? 0,
        status: c ? "closed" : "open",
      };
    });
  }

  function vouchers(q: FinanceQuery, scope: FinanceScope): Voucher[] {
    const where = inScope(q, scope);
    return db.transaction(() => {
      const heads = orm
        .select({
          id: v.id,
          storeId: v.storeId,
          businessDay: v.businessDay,
          sourceDay: v.sourceDay,
          postedAt: v.postedAt,
          memo: v.memo,
          debitFen: v.debitFen,
          creditFen: v.creditFen,
        })
        .from(v)
        .where(where)
        .orderBy(asc(v.id))
        .all();
      const byId = new Map<number, Voucher>(heads.map((h) => [h.id, { ...h, lines: [] }]));
      for (const l of orm
        .select({
          voucherId: voucherLines.voucherId,
          account: voucherLines.account,
          debitFen: voucherLines.debitFen,
          creditFen: voucherLines.creditFen,
        })
        .from(v)
        .innerJoin(voucherLines, eq(voucherLines.voucherId, v.id))
        .where(where)
        .orderBy(asc(voucherLines.voucherId), asc(voucherLines.lineNo))
        .all())
        byId.get(l.voucherId)?.lines.push({
          account: l.account,
          accountName: accountName(l.account),
          debitFen: l.debitFen,
          creditFen: l.creditFen,
        });
      return [...byId.values()];
    })();
  }

  function trialBalance(q: FinanceQuery, scope: FinanceScope) {
    const rows = orm
      .select(sums)
      .from(v)
      .innerJoin(l, eq(l.voucherId, v.id))
      .where(inScope(q, scope))
      .groupBy(l.account)
      .orderBy(asc(l.account))
      .all()
      .map((r) => ({
        account: r.account,
        name: accountName(r.account),
        debitFen: r.debitFen,
        creditFen: r.creditFen,
      }));
    const debitFen = rows.reduce((n, r) => n + r.debitFen, 0);
    const creditFen = rows.reduce((n, r) => n + r.creditFen, 0);
    return { rows, debitFen, creditFen };
  }

  return {
    post,
    closePeriod,
    periods,
    vouchers,
    trialBalance,
    /** (store, day)s posting could not post, with the reason; retried on every run. */
    failures: (scope: FinanceScope = {}) => failures.list(scope),
  };
}

export type Finance = ReturnType<typeof createFinance>;
