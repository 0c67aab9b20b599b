// Model-based test of a member's points balance at HQ (fast-check commands): sales that earn,
// sales from two stores that redeem (also beyond the balance, as offline stores do), returns that
// give points back (some claiming more than the sale took), and replays of any earlier event,
// all through HQ's real ingest on a real database, beside a plain model: balance, what each sale
// took and what its returns gave back, the overdrawn points. After every command the balance,
// the redemption rows and the overdraws HQ answers are the model's. POINTS_MODEL_RUNS=n runs longer.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { type AnyEnvelope, upTopic } from "@retail/protocol";
import fc from "fast-check";
import { createIngest } from "../ingest/ingest.ts";
import { enrollStore, event, saleEvent, startTestHub } from "../test-kit.ts";

setDefaultTimeout(300_000);
const RUNS = Number(process.env.POINTS_MODEL_RUNS ?? 25);
const STORES = ["S1", "S2"];

let hub: Awaited<ReturnType<typeof startTestHub>>;
let ingest: ReturnType<typeof createIngest>;
const seqs: Record<string, number> = { S1: 0, S2: 0 };

beforeAll(async () => {
  hub = await startTestHub();
  for (const s of STORES) await enrollStore(hub, s);
  ingest = createIngest({ db: hub.db, now: () => new Date() });
  // 100 points = 1 yuan, up to the whole basket, no minimum, no earning on the redeemed part.
  await hub.members.points.setRule("test", {
    enabled: true,
    pointsPerYuan: 100,
    maxSharePercent: 100,
    minBalance: 0,
    earnOnRedeemed: false,
  });
});
afterAll(async () => {
  await hub.cleanup();
});

interface SaleDoc {
  env: AnyEnvelope;
  price: number;
  paid: number;
  taken: number;
  givenBack: number;
  returned: Set<string>;
}
interface Model {
  balance: number;
  overdrawn: number;
  sales: SaleDoc[];
  events: AnyEnvelope[];
}
type Real = Record<string, never>;

function send(env: AnyEnvelope) {
  ingest.handleBatch(env.storeId, upTopic(env.storeId, "events"), JSON.stringify([env]));
}

/** A member sale of two units at `price` fen, `paid` fen of it in points (1 point a fen). */
class Sale implements fc.Command<Model, Real> {
  constructor(
    readonly store: string,
    readonly price: number,
    readonly paidPart: number,
  ) {}
  check = () => true;
  run(m: Model) {
    const net = this.price * 2;
    const paid = Math.min(net, this.paidPart);
    const e = saleEvent(this.store, ++seqs[this.store]!, {
      lines: 2,
      unitPrice: this.price,
      member: { id: "M1", tier: "regular" },
    });
    e.payload.tenders = [
      ...(paid > 0 ? [{ kind: "points" as const, amount: paid, points: paid }] : []),
      ...(net - paid > 0
        ? [{ kind: "cash" as const, amount: net - paid, received: net - paid, change: 0 }]
        : []),
    ];
    send(e);
    const taken = Math.min(m.balance, paid);
    m.overdrawn += paid - taken;
    m.balance = m.balance - taken + Math.floor((net - paid) / 100);
    m.sales.push({ env: e, price: this.price, paid, taken, givenBack: 0, returned: new Set() });
    m.events.push(e);
  }
  toString = () => `sale(${this.store}, 2 x ${this.price}, points ${this.paidPart})`;
}

/** Returns one unit of an earlier sale, giving back points (or claiming `greed` x more). */
class Return implements fc.Command<Model, Real> {
  constructor(
    readonly pick: number,
    readonly greed: number,
  ) {}
  check = (m: Readonly<Model>) => m.sales.some((s) => s.returned.size < 2);
  run(m: Model) {
    const open = m.sales.filter((s) => s.returned.size < 2);
    const s = open[this.pick % open.length]!;
    const line = s.returned.has("l1") ? "l2" : "l1";
    s.returned.add(line);
    const refund = s.price;
    // The till gives back the points part of the unit's refund (at most what the sale paid).
    const pointsFen = Math.min(refund, s.paid - (s.returned.size === 2 ? Math.min(s.paid, refund) : 0));
    const claimed = pointsFen * this.greed;
    const sale = s.env as Extract<AnyEnvelope, { type: "sale.completed" }>;
    const r = event("sale.returned", sale.storeId, ++seqs[sale.storeId]!, {
      returnId: `R-${sale.payload.saleId}-${line}`,
      receiptNo: `RT-${seqs[sale.storeId]}`,
      original: { saleId: sale.payload.saleId, receiptNo: sale.payload.receiptNo, storeId: sale.storeId },
      reason: "退货",
      laneId: "1",
      cashierId: "1001",
      shiftId: "shift-1",
      businessDay: "2026-11-25",
      training: false,
      lines: [
        {
          lineId: line,
          sku: line === "l1" ? "SKU1" : "SKU2",
          qty: 1,
          weighed: false,
          refund,
          tax: 0,
          restock: true,
        },
      ],
      totals: { refund, tax: 0 },
      tenders: [
        ...(claimed > 0 ? [{ kind: "points" as const, amount: pointsFen, points: claimed }] : []),
        ...(refund - pointsFen > 0 ? [{ kind: "cash" as const, amount: refund - pointsFen }] : []),
      ],
      returnedAt: "2026-11-25T12:00:00.000+08:00",
    });
    send(r);
    const back = claimed > 0 ? Math.max(0, Math.min(claimed, s.taken - s.givenBack)) : 0;
    s.givenBack += back;
    m.balance = Math.max(0, m.balance + back - Math.floor((refund - (claimed > 0 ? pointsFen : 0)) / 100));
    m.events.push(r);
  }
  toString = () => `return(#${this.pick}, x${this.greed})`;
}

/** Any earlier event again (a lost ack, a replay): nothing moves. */
class Replay implements fc.Command<Model, Real> {
  constructor(readonly pick: number) {}
  check = (m: Readonly<Model>) => m.events.length > 0;
  run(m: Model) {
    send(m.events[this.pick % m.events.length]!);
  }
  toString = () => `replay(#${this.pick})`;
}

function agree(m: Model) {
  const row = hub.db.prepare("SELECT points FROM members WHERE id = 'M1'").get() as { points: number };
  expect(row.points).toBe(m.balance);
  const sums = hub.db
    .prepare(
      "SELECT COALESCE(SUM(overdrawn), 0) AS overdrawn, COALESCE(SUM(CASE WHEN doc_kind = 'sale' THEN -points ELSE 0 END), 0) AS taken, COALESCE(SUM(CASE WHEN doc_kind = 'return' THEN points ELSE 0 END), 0) AS back FROM member_points_redemptions WHERE member_id = 'M1'",
    )
    .get() as { overdrawn: number; taken: number; back: number };
  expect(sums).toEqual({
    overdrawn: m.overdrawn,
    taken: m.sales.reduce((a, s) => a + s.taken, 0),
    back: m.sales.reduce((a, s) => a + s.givenBack, 0),
  });
}

test("the points balance is the model's through earning, redeeming, returns and replays", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 3000 }),
      fc.commands(
        [
          fc
            .tuple(
              fc.constantFrom(...STORES),
              fc.integer({ min: 1, max: 3000 }),
              fc.integer({ min: 0, max: 4000 }),
            )
            .map(([s, price, paid]) => new Sale(s, price, paid)),
          fc.tuple(fc.nat(), fc.constantFrom(1, 1, 3)).map(([n, g]) => new Return(n, g)),
          fc.nat().map((n) => new Replay(n)),
        ],
        { maxCommands: 25 },
      ),
      (start, cmds) => {
        hub.db.exec("DELETE FROM member_points_redemptions; DELETE FROM members");
        hub.db
          .prepare(
            "INSERT INTO members (id, phone, tier, points, status) VALUES ('M1', '13800000001', 'regular', ?, 'active')",
          )
          .run(start);
        const model: Model = { balance: start, overdrawn: 0, sales: [], events: [] };
        fc.modelRun(
          () => ({ model, real: {} }),
          [...cmds].map((c) => wrap(c)),
        );
        agree(model);
      },
    ),
    { numRuns: RUNS },
  );
});

function wrap(c: fc.Command<Model, Real>): fc.Command<Model, Real> {
  return {
    check: (m) => c.check(m),
    run: (m, r) => {
      c.run(m, r);
      agree(m);
    },
    toString: () => c.toString(),
  };
}
