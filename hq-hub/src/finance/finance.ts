// Finance: posting what the hub ingested into vouchers (posting.ts), month-end close, and the
// reads (reads.ts). The bookkeeping rules are ledger.ts (pure); a (store, day) that cannot post
// is kept with its reason and retried (failures.ts).
import { eq } from "drizzle-orm";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import { financePeriods } from "../db/schema.ts";
import { StateError, ValidationError } from "../errors.ts";
import { createFinanceFailures, type FinanceFailure } from "./failures.ts";
import { createPosting } from "./posting.ts";
import { closing, createFinanceReads, type FinanceScope } from "./reads.ts";

export { FinanceQuery, type FinanceScope, type Voucher, VoucherPageQuery } from "./reads.ts";

const Period = /^\d{4}-(0[1-9]|1[0-2])$/;

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
  const failures = createFinanceFailures(db);
  const postRows = createPosting({ db, now, failures });
  const { periods, vouchers, voucherPage, trialBalance } = createFinanceReads(db);
  const periodRow = (period: string) =>
    orm.select(closing).from(financePeriods).where(eq(financePeriods.period, period)).get();
  const postTx = db.transaction(postRows);

  /**
   * Posts everything ingested since the last run: one IMMEDIATE transaction (several hub
   * workers may post; the marks are read under the write lock). Returns the vouchers written.
   */
  function post(): { vouchers: number; failed: FinanceFailure[] } {
    return { vouchers: postTx.immediate() as number, failed: failures.list() };
  }

  /**
   * Closes a month (YYYY-MM) after posting what is known; later deltas go to the next open month.
   * `inTransaction` runs in the closing transaction (the month-end checklist records its state there).
   */
  function closePeriod(period: string, actor: string, hooks: { inTransaction?: () => void } = {}) {
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
      hooks.inTransaction?.();
      return posted;
    });
    const posted = tx.immediate() as number;
    return { ...periodRow(period)!, posted };
  }

  /**
   * Opens a closed month again (the month-end checklist's audited reopen, close/): deltas for its
   * days post into it again from now on; what was posted to the next month meanwhile stays there.
   */
  function reopenPeriod(period: string, inTransaction?: () => void) {
    db.transaction(() => {
      if (!periodRow(period)) throw new StateError(period, `period ${period} is not closed`);
      orm.delete(financePeriods).where(eq(financePeriods.period, period)).run();
      inTransaction?.();
    }).immediate();
  }

  return {
    post,
    closePeriod,
    reopenPeriod,
    periods,
    vouchers,
    voucherPage,
    trialBalance,
    /** (store, day)s posting could not post, with the reason; retried on every run. */
    failures: (scope: FinanceScope = {}) => failures.list(scope),
  };
}

export type Finance = ReturnType<typeof createFinance>;
