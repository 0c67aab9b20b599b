// Model-based test of the stocktake lifecycle (fast-check commands): HQ opens sessions at two
// stores, the stores submit counts (the ingest's own step, recordSubmitted, in a transaction),
// HQ approves, rejects and cancels, in random interleavings, against the real module on a real
// database, beside a reference model that is a plain map of session -> status and on-hand per
// store and SKU. After every command the statuses and HQ's stock levels are the model's; a refused
// step throws the TransitionError (or the StateError for a second open session) and changes nothing.
// STOCKTAKE_MODEL_RUNS=n runs longer (default 25).
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import fc from "fast-check";
import { StateError } from "../errors.ts";
import { TransitionError } from "../lifecycle.ts";
import { startTestHub } from "../test-kit.ts";
import { STOCKTAKE_TRANSITIONS, type StocktakeStatus } from "./lifecycle.ts";
import { recordSubmitted } from "./storage.ts";

setDefaultTimeout(300_000);
const RUNS = Number(process.env.STOCKTAKE_MODEL_RUNS ?? 25);
const STORES = ["S1", "S2"] as const;
const SKUS = ["A", "B"] as const;

let hub: Awaited<ReturnType<typeof startTestHub>>;
let eventNo = 0;

beforeAll(async () => {
  hub = await startTestHub();
  for (const s of STORES)
    hub.db
      .prepare("INSERT INTO stores (id, name, region, created_at) VALUES (?, ?, 'east', ?)")
      .run(s, s, new Date().toISOString());
  for (const sku of SKUS)
    await hub.catalog.edit("model", "product", {
      sku,
      name: `商品 ${sku}`,
      category: ["10"],
      unit: "EA",
      taxRate: 13,
      weighed: false,
      status: "active",
    });
});
afterAll(async () => {
  await hub?.cleanup();
});

interface ModelSession {
  id: string;
  store: string;
  status: StocktakeStatus;
  /** counted - expected per SKU, once submitted. */
  diff?: Record<string, number>;
}
type Model = { sessions: ModelSession[]; stock: Record<string, number> };
type Real = { st: typeof hub.stocktakes };

const key = (store: string, sku: string) => `${store}|${sku}`;

function check(m: Model, r: Real) {
  for (const s of m.sessions) expect(r.st.get(s.id).status).toBe(s.status);
  for (const store of STORES)
    for (const sku of SKUS) {
      const row = hub.db
        .prepare("SELECT on_hand AS n FROM stock_levels WHERE store_id = ? AND sku = ?")
        .get(store, sku) as { n: number } | undefined;
      expect(row?.n ?? 0).toBe(m.stock[key(store, sku)] ?? 0);
    }
}

/** A refused step throws the TransitionError naming the status and the event. */
function refused(step: () => unknown, status: StocktakeStatus, event: string) {
  const refusal = (() => {
    try {
      step();
    } catch (e) {
      return e;
    }
  })();
  expect(refusal instanceof TransitionError && [refusal.state, refusal.event]).toEqual([status, event]);
}

class Open implements fc.Command<Model, Real> {
  constructor(readonly store: (typeof STORES)[number]) {}
  check = () => true;
  run(m: Model, r: Real) {
    const busy = m.sessions.find((s) => s.store === this.store && s.status === "requested");
    if (busy) {
      expect(() => r.st.open({ storeId: this.store, kind: "full" }, "model")).toThrow(StateError);
    } else {
      const o = r.st.open({ storeId: this.store, kind: "cycle", skus: [...SKUS] }, "model");
      m.sessions.push({ id: o.session.id, store: this.store, status: "requested" });
    }
    check(m, r);
  }
  toString = () => `open(${this.store})`;
}

class Submit implements fc.Command<Model, Real> {
  constructor(
    readonly pick: number,
    readonly counted: [number, number],
  ) {}
  check = (m: Readonly<Model>) => m.sessions.length > 0;
  run(m: Model, r: Real) {
    const s = m.sessions[this.pick % m.sessions.length]!;
    const lines = SKUS.map((sku, i) => ({
      sku,
      expected: m.stock[key(s.store, sku)] ?? 0,
      counted: this.counted[i]!,
      recounted: false,
      counters: ["1001"],
    }));
    const submit = () =>
      hub.db.transaction(() =>
        recordSubmitted(hub.db, s.store, `ev-${++eventNo}`, {
          sessionId: s.id,
          kind: "cycle",
          origin: "hq",
          openedBy: "model",
          openedAt: new Date().toISOString(),
          submittedBy: "1001",
          submittedAt: new Date().toISOString(),
          recountOver: 2,
          lines,
        }),
      )();
    if (s.diff) {
      // Counts are submitted once per session; a second submit is refused whatever the status.
      expect(submit).toThrow(/already submitted/);
    } else {
      submit();
      s.diff = Object.fromEntries(lines.map((l) => [l.sku, l.counted - l.expected]));
      s.status = STOCKTAKE_TRANSITIONS[s.status as "requested" | "cancelled"].submit;
    }
    check(m, r);
  }
  toString = () => `submit(#${this.pick}, ${this.counted})`;
}

class Decide implements fc.Command<Model, Real> {
  constructor(
    readonly pick: number,
    readonly step: "approve" | "reject" | "cancel",
  ) {}
  check = (m: Readonly<Model>) => m.sessions.length > 0;
  run(m: Model, r: Real) {
    const s = m.sessions[this.pick % m.sessions.length]!;
    const next = (STOCKTAKE_TRANSITIONS[s.status] as Partial<Record<string, StocktakeStatus>>)[this.step];
    if (!next) {
      refused(() => r.st[this.step](s.id, "model"), s.status, this.step);
    } else {
      r.st[this.step](s.id, "model");
      s.status = next;
      if (this.step === "approve")
        for (const [sku, d] of Object.entries(s.diff ?? {}))
          m.stock[key(s.store, sku)] = (m.stock[key(s.store, sku)] ?? 0) + d;
    }
    check(m, r);
  }
  toString = () => `${this.step}(#${this.pick})`;
}

test("stocktake lifecycle: random opens, submits, approvals, rejections and cancels agree with the model", () => {
  const commands = [
    fc.constantFrom(...STORES).map((s) => new Open(s)),
    fc
      .tuple(fc.nat(9), fc.tuple(fc.nat(30), fc.nat(30)))
      .map(([p, c]) => new Submit(p, c as [number, number])),
    fc
      .tuple(
        fc.nat(9),
        fc.constantFrom("approve", "reject", "cancel") as fc.Arbitrary<"approve" | "reject" | "cancel">,
      )
      .map(([p, s]) => new Decide(p, s)),
  ];
  fc.assert(
    fc.property(fc.commands(commands, { maxCommands: 30 }), (cmds) => {
      // Each run starts from an empty book: the sessions and movements of earlier runs are removed.
      hub.db.exec(
        "DELETE FROM stocktake_sessions; DELETE FROM stocktake_lines; DELETE FROM stock_levels; DELETE FROM stock_counts;",
      );
      fc.modelRun(() => ({ model: { sessions: [], stock: {} }, real: { st: hub.stocktakes } }), cmds);
    }),
    { numRuns: RUNS },
  );
});
