// Finance's SQL: folding newly ingested rows into each (store, day)'s summary, writing the
// vouchers that bring the posted totals up to the summary, period close, and the reads. The
// bookkeeping rules are ledger.ts (pure).
//
// Exactly once: sales, returns and tenders are append-only and arrive in rowid / id order
// (one writer at a time), so the rows above finance_marks are exactly the ones not folded yet;
// the fold, the vouchers and the new marks commit in one transaction. The voucher itself is
// the day's summary minus what earlier vouchers for that (store, day) posted, so a second run
// finds nothing to post.
import { z } from "zod";
import type { Sqlite } from "../db/open.ts";
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
  const mark = db.prepare("SELECT up_to FROM finance_marks WHERE name = ?");
  const setMark = db.prepare("UPDATE finance_marks SET up_to = ? WHERE name = ?");
  const newSales = db.prepare(
    "SELECT rowid AS id, store_id AS storeId, business_day AS day, net_fen AS netFen, tax_fen AS taxFen FROM sales WHERE rowid > ? ORDER BY rowid",
  );
  const newReturns = db.prepare(
    "SELECT rowid AS id, store_id AS storeId, business_day AS day, refund_fen AS refundFen, tax_fen AS taxFen FROM returns WHERE rowid > ? ORDER BY rowid",
  );
  // A tender's document is in the same ingest transaction, so it is always found.
  const newTenders = db.prepare(
    `SELECT t.id AS id, t.store_id AS storeId, t.doc_kind AS docKind, t.kind AS kind, t.amount_fen AS amountFen,
       COALESCE(s.business_day, r.business_day) AS day
     FROM tenders t
     LEFT JOIN sales s ON t.doc_kind = 'sale' AND s.store_id = t.store_id AND s.sale_id = t.doc_id
     LEFT JOIN returns r ON t.doc_kind = 'return' AND r.store_id = t.store_id AND r.return_id = t.doc_id
     WHERE t.id > ? ORDER BY t.id`,
  );
  const queuedShifts = db.prepare(
    `SELECT q.store_id AS storeId, q.shift_id AS shiftId, s.business_day AS day, s.over_short_fen AS overShortFen,
       f.business_day AS oldDay, f.over_short_fen AS oldOverShortFen
     FROM finance_shift_queue q JOIN shifts s ON s.store_id = q.store_id AND s.shift_id = q.shift_id
     LEFT JOIN finance_shifts f ON f.store_id = q.store_id AND f.shift_id = q.shift_id`,
  );
  const clearShiftQueue = db.prepare("DELETE FROM finance_shift_queue");
  const recordShift = db.prepare(
    `INSERT INTO finance_shifts (store_id, shift_id, business_day, over_short_fen) VALUES (?,?,?,?)
     ON CONFLICT (store_id, shift_id) DO UPDATE SET business_day = excluded.business_day, over_short_fen = excluded.over_short_fen`,
  );
  const addDayTotal = db.prepare(
    `INSERT INTO finance_day_totals (store_id, business_day, account, debit_fen, credit_fen) VALUES (?,?,?,?,?)
     ON CONFLICT (store_id, business_day, account) DO UPDATE SET debit_fen = debit_fen + excluded.debit_fen,
       credit_fen = credit_fen + excluded.credit_fen`,
  );
  const dayTotals = db.prepare(
    "SELECT account, debit_fen AS debitFen, credit_fen AS creditFen FROM finance_day_totals WHERE store_id = ? AND business_day = ?",
  );
  const postedTotals = db.prepare(
    `SELECT l.account AS account, SUM(l.debit_fen) AS debitFen, SUM(l.credit_fen) AS creditFen
     FROM vouchers v JOIN voucher_lines l ON l.voucher_id = v.id WHERE v.store_id = ? AND v.source_day = ? GROUP BY l.account`,
  );
  const insertVoucher = db.prepare(
    `INSERT INTO vouchers (store_id, business_day, source_day, posted_at, memo, debit_fen, credit_fen)
     VALUES (?,?,?,?,?,?,?) RETURNING id`,
  );
  const insertLine = db.prepare(
    "INSERT INTO voucher_lines (voucher_id, line_no, account, debit_fen, credit_fen) VALUES (?,?,?,?,?)",
  );
  const closedPeriods = db.prepare("SELECT period FROM finance_periods");
  const closePeriodRow = db.prepare(
    "INSERT INTO finance_periods (period, closed_at, closed_by) VALUES (?,?,?)",
  );
  const periodRow = db.prepare(
    "SELECT period, closed_at AS closedAt, closed_by AS closedBy FROM finance_periods WHERE period = ?",
  );
  // A regional manager's view of a month counts only its region's vouchers.
  const inRegion = "(@region IS NULL OR v.store_id IN (SELECT id FROM stores WHERE region = @region))";
  const periodList = db.prepare(
    `SELECT p.period AS period, c.closed_at AS closedAt, c.closed_by AS closedBy,
       (SELECT COUNT(*) FROM vouchers v WHERE v.business_day BETWEEN p.period || '-01' AND p.period || '-31' AND ${inRegion}) AS vouchers,
       (SELECT COALESCE(SUM(v.debit_fen), 0) FROM vouchers v WHERE v.business_day BETWEEN p.period || '-01' AND p.period || '-31' AND ${inRegion}) AS debitFen
     FROM (SELECT DISTINCT substr(business_day, 1, 7) AS period FROM vouchers UNION SELECT period FROM finance_periods) p
     LEFT JOIN finance_periods c ON c.period = p.period ORDER BY p.period`,
  );
  const scopeSql = `v.business_day BETWEEN ?1 AND ?2 AND (?3 IS NULL OR v.store_id = ?3)
    AND (?4 IS NULL OR v.store_id IN (SELECT id FROM stores WHERE region = ?4))`;
  const voucherRows = db.prepare(
    `SELECT v.id AS id, v.store_id AS storeId, v.business_day AS businessDay, v.source_day AS sourceDay,
       v.posted_at AS postedAt, v.memo AS memo, v.debit_fen AS debitFen, v.credit_fen AS creditFen
     FROM vouchers v WHERE ${scopeSql} ORDER BY v.id`,
  );
  const voucherLineRows = db.prepare(
    `SELECT l.voucher_id AS voucherId, l.account AS account, l.debit_fen AS debitFen, l.credit_fen AS creditFen
     FROM vouchers v JOIN voucher_lines l ON l.voucher_id = v.id WHERE ${scopeSql} ORDER BY l.voucher_id, l.line_no`,
  );
  const trialRows = db.prepare(
    `SELECT l.account AS account, SUM(l.debit_fen) AS debitFen, SUM(l.credit_fen) AS creditFen
     FROM vouchers v JOIN voucher_lines l ON l.voucher_id = v.id WHERE ${scopeSql} GROUP BY l.account ORDER BY l.account`,
  );

  const failures = createFinanceFailures(db);
  const deleteDayTotals = db.prepare(
    "DELETE FROM finance_day_totals WHERE store_id = ? AND business_day = ?",
  );

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
    const upTo = (name: string) => (mark.get(name) as { up_to: number }).up_to;
    let salesMark = upTo("sales");
    for (const r of newSales.all(salesMark) as {
      id: number;
      storeId: string;
      day: string;
      netFen: number;
      taxFen: number;
    }[]) {
      rowsOf(r.storeId, r.day).sales.push(r);
      salesMark = r.id;
    }
    let returnsMark = upTo("returns");
    for (const r of newReturns.all(returnsMark) as {
      id: number;
      storeId: string;
      day: string;
      refundFen: number;
      taxFen: number;
    }[]) {
      rowsOf(r.storeId, r.day).returns.push(r);
      returnsMark = r.id;
    }
    let tendersMark = upTo("tenders");
    for (const t of newTenders.all(tendersMark) as {
      id: number;
      storeId: string;
      docKind: "sale" | "return";
      kind: string;
      amountFen: number;
      day: string | null;
    }[]) {
      if (t.day === null) throw new Error(`tender ${t.id} of ${t.storeId} has no document`);
      rowsOf(t.storeId, t.day).tenders.push(t);
      tendersMark = t.id;
    }
    for (const s of queuedShifts.all() as {
      storeId: string;
      shiftId: string;
      day: string;
      overShortFen: number | null;
      oldDay: string | null;
      oldOverShortFen: number | null;
    }[]) {
      // What a shift contributed before is taken back from its day; the close as it is now added.
      if (s.oldDay !== null && s.oldOverShortFen !== null && s.oldOverShortFen !== 0)
        rowsOf(s.storeId, s.oldDay).overShortFen.push(-s.oldOverShortFen);
      if (s.overShortFen === null) continue;
      if (s.overShortFen !== 0) rowsOf(s.storeId, s.day).overShortFen.push(s.overShortFen);
      recordShift.run(s.storeId, s.shiftId, s.day, s.overShortFen);
    }
    clearShiftQueue.run();

    const closed = new Set((closedPeriods.all() as { period: string }[]).map((r) => r.period));
    const postedAt = now().toISOString();
    let written = 0;
    /** Folds `rows` into the day's summary (or replaces it) and writes the voucher for the change. */
    const postDay = (storeId: string, day: string, rows: DayRows, replace: boolean) => {
      const part = summarise(rows);
      checkBalanced(
        [...part].map(([account, v]) => ({ account, ...v })),
        `summary ${storeId} ${day}`,
      );
      if (replace) deleteDayTotals.run(storeId, day);
      for (const [account, v] of part) addDayTotal.run(storeId, day, account, v.debitFen, v.creditFen);
      const current = toTotals(dayTotals.all(storeId, day) as never);
      const posted = toTotals(postedTotals.all(storeId, day) as never);
      const lines = difference(current, posted);
      if (lines.length === 0) return;
      const sums = checkBalanced(lines, `voucher ${storeId} ${day}`);
      const at = postingDay(day, closed);
      const { id } = insertVoucher.get(
        storeId,
        at.businessDay,
        day,
        postedAt,
        at.memo,
        sums.debitFen,
        sums.creditFen,
      ) as { id: number };
      for (const [i, l] of lines.entries()) insertLine.run(id, i + 1, l.account, l.debitFen, l.creditFen);
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
    setMark.run(salesMark, "sales");
    setMark.run(returnsMark, "returns");
    setMark.run(tendersMark, "tenders");
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
      if (periodRow.get(period)) throw new StateError(period, `period ${period} is already closed`);
      const posted = postRows();
      closePeriodRow.run(period, now().toISOString(), actor);
      return posted;
    });
    const posted = tx.immediate() as number;
    return { ...(periodRow.get(period) as { period: string; closedAt: string; closedBy: string }), posted };
  }

  /** Months with vouchers or closed, oldest first; `region` narrows the counts to its stores. */
  function periods(region?: string) {
    return (
      periodList.all({ region: region ?? null }) as {
        period: string;
        closedAt: string | null;
        closedBy: string | null;
        vouchers: number;
        debitFen: number;
      }[]
    ).map((p) => ({ ...p, status: p.closedAt ? "closed" : "open" }));
  }

  const params = (q: FinanceQuery, scope: FinanceScope) => {
    if (q.from > q.to) throw new ValidationError("query.to", `must not be before from (${q.from})`);
    return [q.from, q.to, scope.store ?? null, scope.region ?? null];
  };

  function vouchers(q: FinanceQuery, scope: FinanceScope): Voucher[] {
    const p = params(q, scope);
    return db.transaction(() => {
      const heads = voucherRows.all(...p) as Omit<Voucher, "lines">[];
      const byId = new Map<number, Voucher>(heads.map((h) => [h.id, { ...h, lines: [] }]));
      for (const l of voucherLineRows.all(...p) as {
        voucherId: number;
        account: string;
        debitFen: number;
        creditFen: number;
      }[])
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
    const rows = (
      trialRows.all(...params(q, scope)) as { account: string; debitFen: number; creditFen: number }[]
    ).map((r) => ({
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
