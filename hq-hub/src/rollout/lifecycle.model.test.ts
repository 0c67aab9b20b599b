// Model-based test of the change-set lifecycle (fast-check commands): random drafts, edits,
// releases to the pilot or to all, promotions and rollbacks against the real catalog on a real
// database, beside a reference model that is a plain map of id -> state (plus which change
// set compensates which). After every command the catalog's states are the model's, a refused
// step is a TransitionError naming the state and the event and changes nothing, and every
// store's release log only grows. CHANGESET_MODEL_RUNS=n runs longer (default 30).
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import fc from "fast-check";
import type { Catalog } from "../catalog/catalog.ts";
import { createCatalog } from "../catalog/catalog.ts";
import type { ChangesetState } from "../catalog/view.ts";
import { migrate, openDatabase, type Sqlite } from "../db/open.ts";
import { TransitionError } from "../lifecycle.ts";
import { tempDir } from "../test-kit.ts";

setDefaultTimeout(300_000);
const RUNS = Number(process.env.CHANGESET_MODEL_RUNS ?? 30);
const STORES = [
  { id: "P1", ring: "pilot" },
  { id: "G1", ring: "general" },
  { id: "G2", ring: "general" },
];

interface Model {
  /** By index of creation in this run: the real id and the state. */
  sets: { id: number; state: ChangesetState; items: number }[];
}
interface Real {
  catalog: Catalog;
  db: Sqlite;
  skus: number;
  logLengths: Map<string, number>;
}

const dir = tempDir("hq-changeset-model-");
let db: Sqlite;
let run = 0;

beforeAll(() => {
  db = openDatabase({ dataDir: dir.path });
  migrate(db);
  for (const s of STORES)
    db.prepare("INSERT INTO stores (id, name, region, ring, created_at) VALUES (?, ?, 'east', ?, ?)").run(
      s.id,
      s.id,
      s.ring,
      new Date().toISOString(),
    );
});
afterAll(() => {
  db.close();
  dir.remove();
});

/** Runs `step` on the real side; a refusal must be a TransitionError naming the state and event. */
function expectRefusal(step: () => unknown, state: ChangesetState, event: string) {
  let err: unknown;
  try {
    step();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(TransitionError);
  expect((err as TransitionError).state).toBe(state);
  expect((err as TransitionError).event).toBe(event);
}

function check(m: Model, r: Real) {
  const byId = new Map(r.catalog.changesets().map((c) => [c.id, c.state]));
  for (const s of m.sets) expect(byId.get(s.id)).toBe(s.state);
  // Stores only move forward: a log never loses entries.
  for (const s of STORES) {
    const n = r.catalog.logOf(s.id).length;
    expect(n).toBeGreaterThanOrEqual(r.logLengths.get(s.id) ?? 0);
    r.logLengths.set(s.id, n);
  }
}

class Create implements fc.AsyncCommand<Model, Real> {
  check = () => true;
  async run(m: Model, r: Real) {
    const cs = r.catalog.createChangeset("model", { description: `run ${run}`, target: { kind: "all" } });
    m.sets.push({ id: cs.id, state: "draft", items: 0 });
    check(m, r);
  }
  toString = () => "create";
}

/** Each edit prices its own new SKU, so no two change sets touch the same record. */
class Edit implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pick: number) {}
  check = (m: Readonly<Model>) => m.sets.length > 0;
  async run(m: Model, r: Real) {
    const s = m.sets[this.pick % m.sets.length]!;
    const sku = `M${run}-${r.skus++}`;
    const product = {
      sku,
      name: "可乐",
      category: ["10"],
      unit: "EA",
      taxRate: 13,
      weighed: false,
      status: "active",
    };
    if (s.state === "draft") {
      await r.catalog.edit("model", "product", product, s.id);
      s.items++;
    } else {
      let err: unknown;
      await r.catalog.edit("model", "product", product, s.id).catch((e) => {
        err = e;
      });
      expect(err).toBeInstanceOf(TransitionError);
      expect((err as TransitionError).state).toBe(s.state);
      expect((err as TransitionError).event).toBe("edit");
    }
    check(m, r);
  }
  toString = () => `edit(${this.pick})`;
}

class Release implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly pick: number,
    readonly stage: "pilot" | "all",
  ) {}
  check = (m: Readonly<Model>) => m.sets.length > 0;
  async run(m: Model, r: Real) {
    const s = m.sets[this.pick % m.sets.length]!;
    if (s.state !== "draft")
      expectRefusal(() => r.catalog.release("model", s.id, this.stage), s.state, `release_${this.stage}`);
    else if (s.items === 0) expect(() => r.catalog.release("model", s.id, this.stage)).toThrow("is empty");
    else {
      r.catalog.release("model", s.id, this.stage);
      s.state = this.stage === "all" ? "released" : "pilot";
    }
    check(m, r);
  }
  toString = () => `release(${this.pick}, ${this.stage})`;
}

class Promote implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pick: number) {}
  check = (m: Readonly<Model>) => m.sets.length > 0;
  async run(m: Model, r: Real) {
    const s = m.sets[this.pick % m.sets.length]!;
    if (s.state !== "pilot") expectRefusal(() => r.catalog.promote("model", s.id), s.state, "promote");
    else {
      r.catalog.promote("model", s.id);
      s.state = "released";
    }
    check(m, r);
  }
  toString = () => `promote(${this.pick})`;
}

class Rollback implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pick: number) {}
  check = (m: Readonly<Model>) => m.sets.length > 0;
  async run(m: Model, r: Real) {
    const s = m.sets[this.pick % m.sets.length]!;
    if (s.state !== "pilot" && s.state !== "released")
      expectRefusal(() => r.catalog.rollback("model", s.id), s.state, "rollback");
    else {
      const { compensation } = r.catalog.rollback("model", s.id);
      // The compensation is born in the state of what it undoes.
      m.sets.push({ id: compensation.id, state: s.state, items: s.items });
      s.state = "rolled_back";
    }
    check(m, r);
  }
  toString = () => `rollback(${this.pick})`;
}

test("the catalog's change-set states follow the reference model through random rollouts", async () => {
  const pick = fc.nat(20);
  const commands = fc.commands(
    [
      fc.constant(new Create()),
      pick.map((p) => new Edit(p)),
      fc.tuple(pick, fc.constantFrom("pilot" as const, "all" as const)).map(([p, s]) => new Release(p, s)),
      pick.map((p) => new Promote(p)),
      pick.map((p) => new Rollback(p)),
    ],
    { maxCommands: 25 },
  );
  await fc.assert(
    fc.asyncProperty(commands, async (cmds) => {
      run++;
      const catalog = createCatalog({ db, now: () => new Date(), publishPointer: () => {} });
      const real: Real = { catalog, db, skus: 0, logLengths: new Map() };
      await fc.asyncModelRun(() => ({ model: { sets: [] }, real }), cmds);
    }),
    { numRuns: RUNS },
  );
});
