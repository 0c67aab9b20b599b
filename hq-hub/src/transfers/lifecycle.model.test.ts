// Model-based test of transfers (fast-check commands): random documents between two stores are
// requested, approved, rejected, cancelled, shipped (in part) and received (short or over)
// against the real transfers module on a real hub database, beside a reference model that is a
// plain map of document -> status and store -> on-hand. After every command: every status and
// on-hand is the model's, a refused step names the state and the event (or the SKU short of
// stock) and moves nothing, the cost that left a sender is the value the document carries, and
// the books agree: inventory account = valuation, and 1402 (in transit) = the shipped documents'
// value. TRANSFER_MODEL_RUNS=n runs longer (default 20).
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import fc from "fast-check";
import { StateError, ValidationError } from "../errors.ts";
import { TransitionError } from "../lifecycle.ts";
import { connectStore, enrollStore, event, startTestHub, waitFor } from "../test-kit.ts";
import type { TransferStatus } from "./lifecycle.ts";

setDefaultTimeout(600_000);
const RUNS = Number(process.env.TRANSFER_MODEL_RUNS ?? 20);
const STORES = ["S1", "S2"] as const;
const SKUS = ["A", "B"] as const;

let hub: Awaited<ReturnType<typeof startTestHub>>;
/** How often each kind of step went through (the model must reach receipts, short and over). */
const seen = { shipped: 0, received: 0, short: 0, over: 0 };

beforeAll(async () => {
  hub = await startTestHub();
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
  hub.suppliers.upsert({ id: "SUP", name: "供应商", leadTimeDays: 2, minOrderQty: 1, packSize: 1 });
  hub.costing.setPrices(
    "SUP",
    {
      prices: [
        { sku: "A", costFen: 137, taxRate: 13, effectiveFrom: "2026-01-01" },
        { sku: "B", costFen: 2999, taxRate: 13, effectiveFrom: "2026-01-01" },
      ],
    },
    "model",
  );
  // Opening stock, received with a supplier's cost, so every movement carries value.
  for (const [i, storeId] of STORES.entries()) {
    const s = await connectStore(await enrollStore(hub, storeId, { region: "east" }));
    await s.publishEvents([
      event("receiving.confirmed", storeId, 1, {
        receivingId: `OPEN-${storeId}`,
        supplierId: "SUP",
        confirmedBy: "1001",
        lines: SKUS.map((sku) => ({ sku, qty: 40 + i * 7 })),
        confirmedAt: new Date().toISOString(),
      }),
    ]);
    await s.next("events.ack", (a) => a.payload.upToSeq >= 1);
    await s.close();
  }
  await waitFor(() => hub.stock.onHand("S2", "B")[0]?.on_hand === 47 || undefined, "opening stock");
});
afterAll(async () => {
  await hub?.cleanup();
});

interface Doc {
  id: string;
  from: string;
  to: string;
  status: TransferStatus;
  lines: { sku: string; requested: number; shipped: number }[];
}
type Model = { docs: Doc[]; onHand: Map<string, number> };
type Real = { transfers: typeof hub.transfers };
const key = (store: string, sku: string) => `${store}/${sku}`;
const hqOnHand = (store: string, sku: string) => hub.stock.onHand(store, sku)[0]?.on_hand ?? 0;
const positionValue = (store: string, sku: string) => hub.costing.positions(store, sku)[0]?.valueFen ?? 0;
const balance = (account: string) =>
  (
    hub.db
      .prepare("SELECT COALESCE(SUM(debit_fen - credit_fen), 0) AS b FROM voucher_lines WHERE account = ?")
      .get(account) as { b: number }
  ).b;

function check(m: Model, r: Real) {
  for (const d of m.docs) expect(r.transfers.get(d.id).status).toBe(d.status);
  for (const s of STORES) for (const sku of SKUS) expect(hqOnHand(s, sku)).toBe(m.onHand.get(key(s, sku))!);
  hub.books.postInventory();
  const valued = hub.costing.valuation({ date: "2999-12-31" }).reduce((a, v) => a + v.valueFen, 0);
  expect(balance("1405")).toBe(valued);
  const shipped = r.transfers.list({ status: "shipped", limit: 500 }).items;
  expect(balance("1402")).toBe(shipped.reduce((a, t) => a + t.inTransitValueFen, 0));
}

function refused(step: () => unknown, state: TransferStatus, event: string) {
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

class Create implements fc.Command<Model, Real> {
  constructor(
    readonly dir: 0 | 1,
    readonly qa: number,
    readonly qb: number,
  ) {}
  check = () => true;
  run(m: Model, r: Real) {
    const [from, to] = this.dir === 0 ? ["S1", "S2"] : ["S2", "S1"];
    const t = r.transfers.create(
      {
        from,
        to,
        lines: [
          { sku: "A", qty: this.qa },
          { sku: "B", qty: this.qb },
        ],
      },
      "model",
    );
    m.docs.push({
      id: t.id,
      from: from!,
      to: to!,
      status: "requested",
      lines: [
        { sku: "A", requested: this.qa, shipped: 0 },
        { sku: "B", requested: this.qb, shipped: 0 },
      ],
    });
    check(m, r);
  }
  toString = () => `create(${this.dir}, ${this.qa}, ${this.qb})`;
}

abstract class OnDoc implements fc.Command<Model, Real> {
  constructor(readonly pick: number) {}
  check = (m: Readonly<Model>) => m.docs.length > 0;
  doc(m: Model) {
    return m.docs[m.docs.length - 1 - (this.pick % m.docs.length)]!;
  }
  abstract run(m: Model, r: Real): void;
}

class Step extends OnDoc {
  constructor(
    pick: number,
    readonly step: "approve" | "reject" | "cancel",
  ) {
    super(pick);
  }
  override run(m: Model, r: Real) {
    const d = this.doc(m);
    const next: Partial<Record<TransferStatus, TransferStatus>> =
      this.step === "approve"
        ? { requested: "approved" }
        : this.step === "reject"
          ? { requested: "rejected" }
          : { requested: "cancelled", approved: "cancelled" };
    const to = next[d.status];
    if (!to) refused(() => r.transfers[this.step](d.id, "model"), d.status, this.step);
    else {
      r.transfers[this.step](d.id, "model");
      d.status = to;
    }
    check(m, r);
  }
  override toString = () => `${this.step}(${this.pick})`;
}

class Ship extends OnDoc {
  constructor(
    pick: number,
    /** Share of each line shipped, in eighths (0: none of it). */
    readonly eighths: [number, number],
  ) {
    super(pick);
  }
  override run(m: Model, r: Real) {
    const d = this.doc(m);
    const qty = d.lines.map((l, i) => Math.floor((l.requested * this.eighths[i]!) / 8));
    const input = { lines: d.lines.map((l, i) => ({ sku: l.sku, qty: qty[i]! })) };
    if (d.status !== "approved") {
      refused(() => r.transfers.ship(d.id, input, "model"), d.status, "ship");
      return check(m, r);
    }
    if (qty.every((q) => q === 0)) {
      expect(() => r.transfers.ship(d.id, input, "model")).toThrow(ValidationError);
      return check(m, r);
    }
    const short = d.lines.some((l, i) => m.onHand.get(key(d.from, l.sku))! < qty[i]!);
    if (short) {
      expect(() => r.transfers.ship(d.id, input, "model")).toThrow(StateError);
      return check(m, r);
    }
    const before = d.lines.map((l) => positionValue(d.from, l.sku));
    const t = r.transfers.ship(d.id, input, "model").transfer;
    d.status = "shipped";
    seen.shipped++;
    for (const [i, l] of d.lines.entries()) {
      l.shipped = qty[i]!;
      m.onHand.set(key(d.from, l.sku), m.onHand.get(key(d.from, l.sku))! - l.shipped);
      // What left the sender's position is exactly what the document carries.
      const line = t.lines.find((x) => x.sku === l.sku)!;
      expect(before[i]! - positionValue(d.from, l.sku)).toBe(line.shippedValueFen);
    }
    check(m, r);
  }
  override toString = () => `ship(${this.pick}, ${this.eighths})`;
}

class Receive extends OnDoc {
  constructor(
    pick: number,
    readonly delta: [number, number],
  ) {
    super(pick);
  }
  override run(m: Model, r: Real) {
    const d = this.doc(m);
    const got = d.lines.map((l, i) => Math.max(0, l.shipped + this.delta[i]!));
    const input = { lines: d.lines.map((l, i) => ({ sku: l.sku, qty: got[i]! })) };
    if (d.status !== "shipped") {
      refused(() => r.transfers.receive(d.id, input, "model"), d.status, "receive");
      return check(m, r);
    }
    const before = d.lines.map((l) => positionValue(d.to, l.sku));
    const t = r.transfers.receive(d.id, input, "model").transfer;
    d.status = "received";
    seen.received++;
    if (got.some((g, i) => g < d.lines[i]!.shipped)) seen.short++;
    if (got.some((g, i) => g > d.lines[i]!.shipped)) seen.over++;
    for (const [i, l] of d.lines.entries()) {
      m.onHand.set(key(d.to, l.sku), m.onHand.get(key(d.to, l.sku))! + got[i]!);
      // The receiver's position took in what was shipped, moved by the difference's value.
      const line = t.lines.find((x) => x.sku === l.sku)!;
      expect(positionValue(d.to, l.sku) - before[i]!).toBe(line.shippedValueFen + line.differenceValueFen);
    }
    check(m, r);
  }
  override toString = () => `receive(${this.pick}, ${this.delta})`;
}

test("transfers follow the reference model; stock, cost and the books agree after every step", () => {
  // Mostly the newest document, so documents go the whole way.
  const pick = fc.oneof({ arbitrary: fc.constant(0), weight: 4 }, { arbitrary: fc.nat(3), weight: 1 });
  fc.assert(
    fc.property(
      fc.commands(
        [
          fc
            .tuple(
              fc.constantFrom(0 as const, 1 as const),
              fc.integer({ min: 1, max: 12 }),
              fc.integer({ min: 1, max: 5 }),
            )
            .map(([d, a, b]) => new Create(d, a, b)),
          fc
            .tuple(pick, fc.constantFrom("approve" as const, "reject" as const, "cancel" as const))
            .map(([p, s]) => new Step(p, s)),
          pick.map((p) => new Step(p, "approve")),
          pick.map((p) => new Step(p, "approve")),
          fc
            .tuple(pick, fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 8 }))
            .map(([p, a, b]) => new Ship(p, [a, b])),
          fc
            .tuple(pick, fc.integer({ min: -3, max: 2 }), fc.integer({ min: -2, max: 2 }))
            .map(([p, a, b]) => new Receive(p, [a, b])),
        ],
        { maxCommands: 40, size: "+1" },
      ),
      (cmds) => {
        const onHand = new Map<string, number>();
        for (const s of STORES) for (const sku of SKUS) onHand.set(key(s, sku), hqOnHand(s, sku));
        fc.modelRun(() => ({ model: { docs: [], onHand }, real: { transfers: hub.transfers } }), cmds);
      },
    ),
    { numRuns: RUNS },
  );
  expect(seen.short).toBeGreaterThan(0);
  expect(seen.over).toBeGreaterThan(0);
});
