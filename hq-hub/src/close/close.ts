// The month-end close of a period: runs the checklist (checklist.ts, the checks from checks.ts
// or any StepChecks), keeps each step's last run with who ran it, when and what is left, lets a
// person confirm a passed step, and closes the period only when every step passes, through
// finance's period close (the same transaction records the close). An hq_admin may reopen a
// closed period with a reason; every transition is in close_audit.
import { and, asc, eq } from "drizzle-orm";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import { closeAudit, closePeriods, closeSteps, financePeriods } from "../db/schema.ts";
import { StateError, ValidationError } from "../errors.ts";
import {
  blockingSteps,
  CLOSE_STEPS,
  refusal,
  runChecklist,
  type StepChecks,
  type StepId,
} from "./checklist.ts";
import { type CloseEvent, type CloseState, closeLifecycle } from "./lifecycle.ts";

const PERIOD = /^\d{4}-(0[1-9]|1[0-2])$/;

/** What the close needs of finance: its period close (in one transaction with ours) and reopen. */
export interface ClosingBooks {
  closePeriod(period: string, actor: string, hooks: { inTransaction?: () => void }): { posted: number };
  reopenPeriod(period: string, inTransaction?: () => void): void;
}

export function createClose(deps: {
  db: Sqlite;
  now: () => Date;
  checks: () => StepChecks;
  books: ClosingBooks;
}) {
  const { db, now } = deps;
  const orm = openDrizzle(db);

  const checkPeriod = (period: string) => {
    if (!PERIOD.test(period)) throw new ValidationError("period", "a month YYYY-MM");
  };

  /** The period's state; a month finance closed without the checklist reads as closed. */
  function stateOf(period: string): CloseState {
    const row = orm
      .select({ state: closePeriods.state })
      .from(closePeriods)
      .where(eq(closePeriods.period, period))
      .get();
    const booksClosed = orm
      .select({ p: financePeriods.period })
      .from(financePeriods)
      .where(eq(financePeriods.period, period))
      .get();
    if (booksClosed) return "closed";
    return row?.state === "checking" ? "checking" : "open";
  }

  /** Applies `event` by the declared table and records it (state row and audit), in the caller's transaction. */
  function move(
    period: string,
    event: CloseEvent,
    actor: string,
    reason?: string,
    from = stateOf(period),
  ): CloseState {
    const to = closeLifecycle.apply(period, from, event);
    const at = now().toISOString();
    orm
      .insert(closePeriods)
      .values({ period, state: to, updatedBy: actor, updatedAt: at })
      .onConflictDoUpdate({
        target: closePeriods.period,
        set: { state: to, updatedBy: actor, updatedAt: at },
      })
      .run();
    orm
      .insert(closeAudit)
      .values({ period, event, fromState: from, toState: to, actor, reason: reason ?? null, at })
      .run();
    return to;
  }

  /** Runs every step now and keeps the results; a step that no longer passes loses its confirmation. */
  function runSteps(period: string, actor: string) {
    const results = runChecklist(period, deps.checks());
    const at = now().toISOString();
    db.transaction(() => {
      for (const { step, result } of results) {
        const set = {
          status: result.status,
          leftJson: JSON.stringify(result.left),
          leftCount: result.leftCount ?? result.left.length,
          summary: result.summary,
          ranBy: actor,
          ranAt: at,
          ...(result.status === "passed" ? {} : { confirmedBy: null, confirmedAt: null }),
        };
        orm
          .insert(closeSteps)
          .values({ period, step, ...set })
          .onConflictDoUpdate({ target: [closeSteps.period, closeSteps.step], set })
          .run();
      }
    })();
    return results;
  }

  /** The checklist as last run: each declared step with its status, what is left, who ran and confirmed it. */
  function status(period: string) {
    checkPeriod(period);
    const runs = new Map(
      orm
        .select()
        .from(closeSteps)
        .where(eq(closeSteps.period, period))
        .all()
        .map((r) => [r.step, r]),
    );
    const steps = CLOSE_STEPS.map((s) => {
      const r = runs.get(s.id);
      return {
        id: s.id,
        title: s.title,
        titleEn: s.titleEn,
        module: s.module,
        status: (r?.status ?? "not_run") as "passed" | "failed" | "not_available" | "not_run",
        summary: r?.summary ?? "",
        left: r ? (JSON.parse(r.leftJson) as string[]) : [],
        leftCount: r?.leftCount ?? 0,
        ranBy: r?.ranBy ?? null,
        ranAt: r?.ranAt ?? null,
        confirmedBy: r?.confirmedBy ?? null,
        confirmedAt: r?.confirmedAt ?? null,
      };
    });
    const state = stateOf(period);
    const books = orm.select().from(financePeriods).where(eq(financePeriods.period, period)).get();
    return {
      period,
      state,
      closedBy: books?.closedBy ?? null,
      closedAt: books?.closedAt ?? null,
      canClose: state === "checking" && steps.every((s) => s.status === "passed"),
      steps,
      audit: orm
        .select({
          event: closeAudit.event,
          fromState: closeAudit.fromState,
          toState: closeAudit.toState,
          actor: closeAudit.actor,
          reason: closeAudit.reason,
          at: closeAudit.at,
        })
        .from(closeAudit)
        .where(eq(closeAudit.period, period))
        .orderBy(asc(closeAudit.id))
        .all(),
    };
  }

  /** Runs the checklist (open -> checking, or again while checking). */
  function check(period: string, actor: string) {
    checkPeriod(period);
    closeLifecycle.apply(period, stateOf(period), "check");
    runSteps(period, actor);
    db.transaction(() => move(period, "check", actor))();
    return status(period);
  }

  /** A person signs off a step that passed on its last run. */
  function confirm(period: string, step: string, actor: string) {
    checkPeriod(period);
    if (!CLOSE_STEPS.some((s) => s.id === step))
      throw new ValidationError("step", `unknown step ${JSON.stringify(step)}`);
    const state = stateOf(period);
    if (state !== "checking")
      throw new StateError(period, `period ${period} is ${state}; steps are confirmed while checking`);
    const r = orm
      .select()
      .from(closeSteps)
      .where(and(eq(closeSteps.period, period), eq(closeSteps.step, step)))
      .get();
    if (r?.status !== "passed")
      throw new StateError(
        period,
        `step ${step} has not passed (${r?.status ?? "not run"}): run the checklist first`,
        { step },
      );
    orm
      .update(closeSteps)
      .set({ confirmedBy: actor, confirmedAt: now().toISOString() })
      .where(and(eq(closeSteps.period, period), eq(closeSteps.step, step)))
      .run();
    return status(period);
  }

  function cancel(period: string, actor: string) {
    checkPeriod(period);
    db.transaction(() => move(period, "cancel", actor))();
    return status(period);
  }

  /**
   * Closes the period: runs the checklist again (from open it starts checking), refuses naming
   * the first step that did not pass, else closes the books and records it in one transaction.
   */
  function close(period: string, actor: string) {
    checkPeriod(period);
    let state = stateOf(period);
    if (state === "open") {
      closeLifecycle.apply(period, state, "check");
      db.transaction(() => move(period, "check", actor))();
      state = "checking";
    }
    closeLifecycle.apply(period, state, "close");
    const results = runSteps(period, actor);
    const why = refusal(period, results);
    if (why)
      throw new StateError(period, why, { step: blockingSteps(results)[0], steps: blockingSteps(results) });
    // Inside finance's closing transaction, where the books already read as closed.
    const { posted } = deps.books.closePeriod(period, actor, {
      inTransaction: () => move(period, "close", actor, undefined, "checking"),
    });
    const s = status(period);
    return { ...s, closedAt: s.closedAt ?? "", closedBy: s.closedBy ?? actor, posted };
  }

  /** An hq_admin opens a closed period again; the reason is kept in the audit. */
  function reopen(period: string, actor: string, reason: string) {
    checkPeriod(period);
    if (!reason.trim()) throw new ValidationError("reason", "a reason is required to reopen a period");
    closeLifecycle.apply(period, stateOf(period), "reopen");
    deps.books.reopenPeriod(period, () => move(period, "reopen", actor, reason.trim(), "closed"));
    return status(period);
  }

  return { status, check, confirm, cancel, close, reopen, stateOf, steps: () => CLOSE_STEPS };
}

export type Close = ReturnType<typeof createClose>;
export type { StepId };
