// Model-based test of the purchase-order lifecycle (fast-check commands): random orders are
// created, sent, shipped, cancelled, closed and delivered (receiving rows naming the order, summed by
// refreshReceipts) against the real replenishment module on a real database, beside a
// reference model that is a plain map of order -> status and ordered / received quantities.
// After every command the module's statuses and received quantities are the model's, and a
// refused step names the status and the event and changes nothing.
// ORDER_MODEL_RUNS=n runs longer (default 25).
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import fc from "fast-check";
import { StateError } from "../errors.ts";
import { TransitionError } from "../lifecycle.ts";
import { startTestHub } from "../test-kit.ts";
import type { OrderStatus } from "./lifecycle.ts";

setDefaultTimeout(300_000);
const RUNS = Number(process.env.ORDER_MODEL_RUNS ?? 25);

let hub: Awaited<ReturnType<typeof startTestHub>>;
let receiptNo = 0;

beforeAll(async () => {
  hub = await startTestHub();
  hub.db
    .prepare("INSERT INTO stores (id, name, region, created_at) VALUES ('S1', 'S1', 'east', ?)")
    .run(new Date().toISOString());
  for (const sku of ["A", "B"])
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
});
afterAll(async () => {
  await hub?.cleanup();
});

interface ModelOrder {
  id: string;
  status: OrderStatus;
  qty: Record<string, number>;
  /** What HQ's lines say was received (summed again only while draft at send, or ordered). */
  received: Record<string, number>;
  /** Every receipt naming the order, whatever its status. */
  booked: Record<string, number>;
}
type Model = { orders: ModelOrder[] };
type Real = { replenishment: typeof hub.replenishment };

function check(m: Model, r: Real) {
  for (const o of m.orders) {
    const real = r.replenishment.get(o.id);
    expect(real.status).toBe(o.status);
    for (const l of real.lines) expect(l.received).toBe(o.received[l.sku] ?? 0);
  }
}

function refusedWith(step: () => unknown, status: OrderStatus, event: string) {
  let err: unknown;
  try {
    step();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(TransitionError);
  expect((err as TransitionError).state).toBe(status);
  expect((err as TransitionError).event).toBe(event);
}

class Create implements fc.Command<Model, Real> {
  constructor(readonly qa: number) {}
  check = () => true;
  run(m: Model, r: Real) {
    const { order } = r.replenishment.create(
      {
        storeId: "S1",
        supplierId: "SUP",
        lines: [
          { sku: "A", qty: this.qa },
          { sku: "B", qty: 1 },
        ],
      },
      "model",
    );
    m.orders.push({ id: order.id, status: "draft", qty: { A: this.qa, B: 1 }, received: {}, booked: {} });
    check(m, r);
  }
  toString = () => `create(${this.qa})`;
}

abstract class OnOrder implements fc.Command<Model, Real> {
  constructor(readonly pick: number) {}
  check = (m: Readonly<Model>) => m.orders.length > 0;
  order(m: Model) {
    return m.orders[this.pick % m.orders.length]!;
  }
  abstract run(m: Model, r: Real): void;
}

class Send extends OnOrder {
  override run(m: Model, r: Real) {
    const o = this.order(m);
    if (o.status !== "draft") refusedWith(() => r.replenishment.send(o.id, "model"), o.status, "send");
    else {
      r.replenishment.send(o.id, "model");
      o.status = "ordered";
      // Deliveries booked against the number before it was sent count now.
      settle(o);
    }
    check(m, r);
  }
  override toString = () => `send(${this.pick})`;
}

class Ship extends OnOrder {
  override run(m: Model, r: Real) {
    const o = this.order(m);
    if (o.status !== "ordered") refusedWith(() => r.replenishment.ship(o.id, "model"), o.status, "ship");
    else {
      r.replenishment.ship(o.id, "model");
      o.status = "in_transit";
      settle(o);
    }
    check(m, r);
  }
  override toString = () => `ship(${this.pick})`;
}

class Cancel extends OnOrder {
  override run(m: Model, r: Real) {
    const o = this.order(m);
    if (o.status !== "draft" && o.status !== "ordered")
      refusedWith(() => r.replenishment.cancel(o.id, "model"), o.status, "cancel");
    else if (Object.values(o.received).some((n) => n > 0))
      expect(() => r.replenishment.cancel(o.id, "model")).toThrow(StateError);
    else {
      r.replenishment.cancel(o.id, "model");
      o.status = "cancelled";
    }
    check(m, r);
  }
  override toString = () => `cancel(${this.pick})`;
}

class Close extends OnOrder {
  override run(m: Model, r: Real) {
    const o = this.order(m);
    if (o.status !== "ordered" && o.status !== "in_transit")
      refusedWith(() => r.replenishment.close(o.id, "model"), o.status, "close");
    else {
      r.replenishment.close(o.id, "model");
      o.status = "closed";
    }
    check(m, r);
  }
  override toString = () => `close(${this.pick})`;
}

/** An ordered or shipped order's receipts summed again; covering every line makes it received. */
function settle(o: ModelOrder) {
  if (o.status !== "ordered" && o.status !== "in_transit") return;
  o.received = { ...o.booked };
  if (Object.entries(o.qty).every(([sku, q]) => (o.received[sku] ?? 0) >= q)) o.status = "received";
}

class Deliver extends OnOrder {
  constructor(
    pick: number,
    readonly sku: "A" | "B",
    readonly qty: number,
  ) {
    super(pick);
  }
  override run(m: Model, r: Real) {
    const o = this.order(m);
    hub.db
      .prepare(
        "INSERT INTO receivings (store_id, receiving_id, purchase_order_id, supplier_id, confirmed_by, lines_json, confirmed_at) VALUES ('S1', ?, ?, 'SUP', '1001', ?, ?)",
      )
      .run(
        `R${++receiptNo}`,
        o.id,
        JSON.stringify([{ sku: this.sku, qty: this.qty }]),
        new Date().toISOString(),
      );
    o.booked[this.sku] = (o.booked[this.sku] ?? 0) + this.qty;
    r.replenishment.refreshReceipts();
    settle(o);
    check(m, r);
  }
  override toString = () => `deliver(${this.pick}, ${this.sku}, ${this.qty})`;
}

test("purchase orders follow the reference model through random sends, cancels, closes and deliveries", () => {
  const pick = fc.nat(20);
  fc.assert(
    fc.property(
      fc.commands(
        [
          fc.integer({ min: 1, max: 4 }).map((q) => new Create(q)),
          pick.map((p) => new Send(p)),
          pick.map((p) => new Ship(p)),
          pick.map((p) => new Cancel(p)),
          pick.map((p) => new Close(p)),
          fc
            .tuple(pick, fc.constantFrom("A" as const, "B" as const), fc.integer({ min: 1, max: 3 }))
            .map(([p, sku, q]) => new Deliver(p, sku, q)),
        ],
        { maxCommands: 30 },
      ),
      (cmds) => {
        fc.modelRun(() => ({ model: { orders: [] }, real: { replenishment: hub.replenishment } }), cmds);
      },
    ),
    { numRuns: RUNS },
  );
});
