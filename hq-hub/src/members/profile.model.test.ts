// Model-based test of the profile fold (fast-check commands): random member sales, returns of
// them, and redeliveries of either (the same event again, as a replay past the inbox would be)
// go through the ingest hook on a real database, beside a reference model that is a plain map of
// member -> visits, spend, returns and last visit built from each document once. After every
// command the profile the hub answers is the model's. PROFILE_MODEL_RUNS=n runs longer.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { type AnyEnvelope, makeEnvelope, uuidv7 } from "@retail/protocol";
import fc from "fast-check";
import { migrate, openDatabase, type Sqlite } from "../db/open.ts";
import { saleEvent, tempDir } from "../test-kit.ts";
import { createMemberReads } from "./members.ts";
import { recordMemberActivity } from "./profile.ts";

// Hundreds of generated cases: seconds of CPU, more on a shared machine (one timed out at bun's
// 5 s default at load 22). A bound, not a timing check.
setDefaultTimeout(60_000);

const RUNS = Number(process.env.PROFILE_MODEL_RUNS ?? 30);
const MEMBERS = ["M1", "M2", "M3"];
const dir = tempDir("profile-model-");
let db: Sqlite;

beforeAll(() => {
  db = openDatabase({ dataDir: dir.path });
  migrate(db, () => new Date());
});
afterAll(() => {
  db.close();
  dir.remove();
});

interface Model {
  docs: Set<string>;
  sales: Map<string, { member: string; net: number }>;
  members: Map<string, { visits: number; spend: number; returns: number; last: string | null }>;
  events: AnyEnvelope[];
}
let seq = 0;

const apply = (env: AnyEnvelope) => db.transaction(() => recordMemberActivity(db, env))();

class Sale implements fc.Command<Model, Sqlite> {
  constructor(
    readonly member: string,
    readonly price: number,
    readonly day: number,
  ) {}
  check = () => true;
  run(m: Model) {
    const e = saleEvent("S1", ++seq, {
      member: { id: this.member, tier: "regular" },
      unitPrice: this.price,
      lines: 2,
    });
    e.payload.completedAt = new Date(Date.UTC(2026, 0, 1 + this.day, 2)).toISOString();
    expect(apply(e)).toBe(true);
    m.events.push(e);
    m.docs.add(`sale|${e.payload.saleId}`);
    m.sales.set(e.payload.saleId, { member: this.member, net: e.payload.totals.net });
    const p = m.members.get(this.member) ?? { visits: 0, spend: 0, returns: 0, last: null };
    p.visits++;
    p.spend += e.payload.totals.net;
    if (!p.last || e.payload.completedAt > p.last) p.last = e.payload.completedAt;
    m.members.set(this.member, p);
  }
  toString = () => `sale(${this.member}, ${this.price}, day ${this.day})`;
}

class Return implements fc.Command<Model, Sqlite> {
  constructor(readonly pick: number) {}
  check = (m: Readonly<Model>) => m.sales.size > 0;
  run(m: Model) {
    const [saleId, sale] = [...m.sales.entries()][this.pick % m.sales.size]!;
    const refund = Math.floor(sale.net / 2);
    const e = makeEnvelope(
      "sale.returned",
      {
        returnId: uuidv7(),
        receiptNo: "RC-R",
        original: { saleId, receiptNo: "RC", storeId: "S1" },
        reason: "damaged",
        laneId: "1",
        cashierId: "1001",
        shiftId: "shift-1",
        businessDay: "2026-01-10",
        training: false,
        lines: [{ lineId: "l1", sku: "SKU1", qty: 1, weighed: false, refund, tax: 0, restock: true }],
        totals: { refund, tax: 0 },
        tenders: [{ kind: "cash", amount: refund }],
        returnedAt: "2026-03-01T00:00:00.000Z",
      },
      { storeId: "S1", seq: ++seq },
    );
    expect(apply(e)).toBe(true);
    m.events.push(e);
    const p = m.members.get(sale.member)!;
    p.spend -= refund;
    p.returns += refund;
  }
  toString = () => `return(${this.pick})`;
}

class Redeliver implements fc.Command<Model, Sqlite> {
  constructor(readonly pick: number) {}
  check = (m: Readonly<Model>) => m.events.length > 0;
  run(m: Model) {
    expect(apply(m.events[this.pick % m.events.length]!)).toBe(false);
  }
  toString = () => `redeliver(${this.pick})`;
}

function agree(m: Model) {
  const reads = createMemberReads(db);
  for (const [id, want] of m.members) {
    db.prepare(
      "INSERT OR IGNORE INTO members (id, phone, tier, points, status) VALUES (?, ?, 'regular', 0, 'active')",
    ).run(id, `1380000000${MEMBERS.indexOf(id)}`);
    const p = reads.profile(id, true);
    expect({ visits: p.visits, spend: p.spendFen, returns: p.returnsFen, last: p.lastVisitAt }).toEqual(want);
  }
}

test("the profile fold is the model's through sales, returns and redeliveries in any order", () => {
  fc.assert(
    fc.property(
      fc.commands(
        [
          fc
            .tuple(
              fc.constantFrom(...MEMBERS),
              fc.integer({ min: 1, max: 5000 }),
              fc.integer({ min: 0, max: 50 }),
            )
            .map(([mem, price, day]) => new Sale(mem, price, day)),
          fc.nat().map((n) => new Return(n)),
          fc.nat().map((n) => new Redeliver(n)),
        ],
        { maxCommands: 30 },
      ),
      (cmds) => {
        // A fresh slate per run (the model starts empty).
        db.exec(
          "DELETE FROM member_activity; DELETE FROM member_profiles; DELETE FROM member_category_spend; DELETE FROM member_store_spend; DELETE FROM members",
        );
        const model: Model = { docs: new Set(), sales: new Map(), members: new Map(), events: [] };
        fc.modelRun(
          () => ({ model, real: db }),
          [...cmds].map((c) => wrap(c)),
        );
        agree(model);
      },
    ),
    { numRuns: RUNS },
  );
});

/** Checks the model after every command too. */
function wrap(c: fc.Command<Model, Sqlite>): fc.Command<Model, Sqlite> {
  return {
    check: (m) => c.check(m),
    run: (m, r) => {
      c.run(m, r);
      agree(m);
    },
    toString: () => c.toString(),
  };
}
