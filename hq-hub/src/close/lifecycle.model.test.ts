// Model-based test of the month-end close (fast-check commands): random check results, runs of
// the checklist, sign-offs, cancels, closes and reopens against the real close module with the
// real finance period close on a real database, beside a reference model that is a plain state,
// the steps' last results, their sign-offs and the audit's length. A close is refused naming the
// first step that did not pass and closes nothing; a refused transition names the state and the
// event and changes nothing; a reopen without a reason is refused.
// CLOSE_MODEL_RUNS=n runs longer (default 40).
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import fc from "fast-check";
import { migrate, openDatabase, type Sqlite } from "../db/open.ts";
import { StateError, ValidationError } from "../errors.ts";
import { createFinance } from "../finance/finance.ts";
import { TransitionError } from "../lifecycle.ts";
import { tempDir } from "../test-kit.ts";
import { STEP_IDS, type StepId, type StepResult, type StepStatus } from "./checklist.ts";
import { type Close, createClose } from "./close.ts";
import type { CloseState } from "./lifecycle.ts";

setDefaultTimeout(300_000);
const RUNS = Number(process.env.CLOSE_MODEL_RUNS ?? 40);

const dir = tempDir("close-model-");
let db: Sqlite;
let close: Close;
let finance: ReturnType<typeof createFinance>;
/** What each step's check answers now (the model sets it; absent = the module is not on the hub). */
let outcomes: Partial<Record<StepId, StepStatus>> = {};
let runNo = 0;

beforeAll(() => {
  db = openDatabase({ dataDir: dir.path });
  migrate(db);
  const now = () => new Date("2026-12-07T10:00:00Z");
  finance = createFinance({ db, now });
  close = createClose({
    db,
    now,
    books: finance,
    checks: () =>
      Object.fromEntries(
        Object.entries(outcomes)
          .filter(([, s]) => s !== "not_available")
          .map(([id, s]) => [
            id,
            (): StepResult => ({
              status: s!,
              summary: `${id} ${s}`,
              left: s === "passed" ? [] : [`${id}: S001 2026-11-03`],
            }),
          ]),
      ),
  });
});
afterAll(() => {
  db?.close();
  dir.remove();
});

interface Model {
  period: string;
  state: CloseState;
  /** The steps' statuses as last run (not_run before the first run). */
  recorded: Record<StepId, StepStatus | "not_run">;
  confirmed: Set<StepId>;
  audit: number;
}
type Real = { close: Close };

function check(m: Model, r: Real) {
  const s = r.close.status(m.period);
  expect(s.state).toBe(m.state);
  expect(s.steps.map((x) => x.status)).toEqual(STEP_IDS.map((id) => m.recorded[id]));
  expect(s.steps.filter((x) => x.confirmedBy).map((x) => x.id)).toEqual(
    STEP_IDS.filter((id) => m.confirmed.has(id)),
  );
  expect(s.audit.length).toBe(m.audit);
  expect(s.canClose).toBe(m.state === "checking" && STEP_IDS.every((id) => m.recorded[id] === "passed"));
  const books = finance.periods().find((p) => p.period === m.period);
  expect(books?.status ?? "open").toBe(m.state === "closed" ? "closed" : "open");
}

function refused(step: () => unknown, state: CloseState, event: string) {
  const err = (() => {
    try {
      step();
    } catch (e) {
      return e;
    }
  })();
  expect(err).toBeInstanceOf(TransitionError);
  expect(err).toMatchObject({ state, event });
}

/** The model's run of the checklist: every step recorded as its check answers now. */
function recordRun(m: Model) {
  for (const id of STEP_IDS) {
    m.recorded[id] = outcomes[id] ?? "not_available";
    if (m.recorded[id] !== "passed") m.confirmed.delete(id);
  }
}

class SetOutcome implements fc.Command<Model, Real> {
  constructor(
    readonly step: StepId,
    readonly status: StepStatus,
  ) {}
  check = () => true;
  run() {
    outcomes[this.step] = this.status;
  }
  toString = () => `outcome(${this.step}=${this.status})`;
}

class AllPass implements fc.Command<Model, Real> {
  check = () => true;
  run() {
    outcomes = Object.fromEntries(STEP_IDS.map((id) => [id, "passed"]));
  }
  toString = () => "allPass";
}

class Check implements fc.Command<Model, Real> {
  check = () => true;
  run(m: Model, r: Real) {
    if (m.state === "closed") refused(() => r.close.check(m.period, "tester"), "closed", "check");
    else {
      r.close.check(m.period, "tester");
      recordRun(m);
      m.state = "checking";
      m.audit++;
    }
    check(m, r);
  }
  toString = () => "check";
}

class Confirm implements fc.Command<Model, Real> {
  constructor(readonly step: StepId) {}
  check = () => true;
  run(m: Model, r: Real) {
    if (m.state === "checking" && m.recorded[this.step] === "passed") {
      r.close.confirm(m.period, this.step, "controller");
      m.confirmed.add(this.step);
    } else expect(() => r.close.confirm(m.period, this.step, "controller")).toThrow(StateError);
    check(m, r);
  }
  toString = () => `confirm(${this.step})`;
}

class Cancel implements fc.Command<Model, Real> {
  check = () => true;
  run(m: Model, r: Real) {
    if (m.state !== "checking") refused(() => r.close.cancel(m.period, "tester"), m.state, "cancel");
    else {
      r.close.cancel(m.period, "tester");
      m.state = "open";
      m.audit++;
    }
    check(m, r);
  }
  toString = () => "cancel";
}

class Close_ implements fc.Command<Model, Real> {
  check = () => true;
  run(m: Model, r: Real) {
    if (m.state === "closed") {
      refused(() => r.close.close(m.period, "tester"), "closed", "close");
      check(m, r);
      return;
    }
    if (m.state === "open") {
      m.state = "checking";
      m.audit++;
    }
    recordRun(m);
    const blocking = STEP_IDS.find((id) => m.recorded[id] !== "passed");
    if (blocking) {
      let err: unknown;
      try {
        r.close.close(m.period, "tester");
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(StateError);
      expect((err as StateError).details?.step).toBe(blocking);
      expect((err as StateError).message).toContain(`step ${blocking}`);
    } else {
      const out = r.close.close(m.period, "tester");
      expect(out.state).toBe("closed");
      m.state = "closed";
      m.audit++;
    }
    check(m, r);
  }
  toString = () => "close";
}

class Reopen implements fc.Command<Model, Real> {
  constructor(readonly reason: string) {}
  check = () => true;
  run(m: Model, r: Real) {
    if (!this.reason.trim())
      expect(() => r.close.reopen(m.period, "admin", this.reason)).toThrow(ValidationError);
    else if (m.state !== "closed")
      refused(() => r.close.reopen(m.period, "admin", this.reason), m.state, "reopen");
    else {
      r.close.reopen(m.period, "admin", this.reason);
      m.state = "open";
      m.audit++;
      expect(r.close.status(m.period).audit.at(-1)).toMatchObject({
        event: "reopen",
        actor: "admin",
        reason: this.reason.trim(),
      });
    }
    check(m, r);
  }
  toString = () => `reopen(${JSON.stringify(this.reason)})`;
}

test("the close follows the reference model through random checks, sign-offs, cancels, closes and reopens", () => {
  const step = fc.constantFrom(...STEP_IDS);
  fc.assert(
    fc.property(
      fc.commands(
        [
          fc
            .tuple(step, fc.constantFrom<StepStatus>("passed", "passed", "failed", "not_available"))
            .map(([s, v]) => new SetOutcome(s, v)),
          fc.constant(new AllPass()),
          fc.constant(new Check()),
          step.map((s) => new Confirm(s)),
          fc.constant(new Cancel()),
          fc.constant(new Close_()),
          fc.constantFrom("", "  ", "发票补录后重新结账", "late supplier invoice").map((x) => new Reopen(x)),
        ],
        { maxCommands: 40 },
      ),
      (cmds) => {
        // A fresh month per run on the same database: 2100-01, 2100-02, ...
        const n = runNo++;
        const period = `${2100 + Math.floor(n / 12)}-${String((n % 12) + 1).padStart(2, "0")}`;
        outcomes = {};
        const model: Model = {
          period,
          state: "open",
          recorded: Object.fromEntries(STEP_IDS.map((id) => [id, "not_run"])) as Model["recorded"],
          confirmed: new Set(),
          audit: 0,
        };
        fc.modelRun(() => ({ model, real: { close } }), cmds);
      },
    ),
    { numRuns: RUNS },
  );
});
