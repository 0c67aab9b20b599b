// The sale lifecycle table: every state answers every event (a next state or its refusal), the
// state is read off the cart as the till shows it, and a model-based run drives the real lane
// with random interleavings against the table as the reference model.
import { afterEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import type { Cart } from "@retail/protocol";
import fc from "fast-check";
import type { Edge } from "../edge.ts";
import { EdgeError } from "../errors.ts";
import { TransitionError, transition } from "../lifecycle/table.ts";
import { openLane, readyEdge, skuOf } from "../testing/fixtures.ts";
import {
  SALE_EVENTS,
  SALE_LIFECYCLE,
  SALE_STATES,
  type SaleEvent,
  type SaleState,
  saleState,
} from "./lifecycle.ts";

setDefaultTimeout(240_000);

describe("sale lifecycle table", () => {
  test("every state answers every event: a known next state or a conflict naming state and event", () => {
    for (const s of SALE_STATES)
      for (const e of SALE_EVENTS) {
        let next: SaleState | undefined;
        try {
          next = transition(SALE_LIFECYCLE, s, e);
        } catch (err) {
          expect(err).toBeInstanceOf(TransitionError);
          const t = err as TransitionError;
          expect([t.lifecycle, t.state, t.event, t.code, t.status]).toEqual(["sale", s, e, "conflict", 409]);
          expect(t.field.length).toBeGreaterThan(0);
          continue;
        }
        expect(SALE_STATES).toContain(next);
      }
  });

  test("the sale's path and the refusals the till shows", () => {
    const t = (s: SaleState, e: SaleEvent) => transition(SALE_LIFECYCLE, s, e);
    expect(t("empty", "add_line")).toBe("building");
    expect(t("building", "tender")).toBe("tendering");
    expect(t("tendering", "complete")).toBe("empty");
    expect(t("building", "pay_wallet")).toBe("paying");
    expect(t("paying", "payment_answered")).toBe("building");
    expect(t("paying_rest", "payment_answered")).toBe("tendering");
    expect(t("building", "suspend")).toBe("empty");
    expect(t("empty", "recall")).toBe("building");
    expect(t("empty", "start_return")).toBe("returning_receipt");
    expect(t("returning_receipt", "refund_wallet")).toBe("refunding");
    expect(t("returning", "complete_return")).toBe("empty");
    const refusal = (s: SaleState, e: SaleEvent) => {
      try {
        t(s, e);
      } catch (err) {
        return `${(err as EdgeError).field}: ${(err as EdgeError).message}`;
      }
      return "allowed";
    };
    expect(refusal("paying", "add_line")).toBe("lane: lane: a payment is in progress on this lane");
    expect(refusal("tendering", "add_line")).toMatch(/^tenders: .*payment has started/);
    expect(refusal("tendering", "suspend")).toBe("cart: cart: a paid or return cart cannot be suspended");
    expect(refusal("empty", "suspend")).toBe("cart: cart: nothing to suspend");
    expect(refusal("returning_receipt", "add_line")).toMatch(/^mode: .*takes lines from the receipt/);
    expect(refusal("returning", "tender")).toBe("mode: mode: this lane is doing a return");
    expect(refusal("empty", "tender")).toBe("cart: cart: the cart is empty");
    expect(refusal("building", "start_return")).toMatch(/^cart: .*finish the current sale/);
    expect(refusal("paying", "complete_return")).toMatch(/payment or refund is in progress/);
    // A payment in flight holds the lane: nothing suspends or voids it under the provider's call.
    expect(refusal("paying", "suspend")).toMatch(/^lane: /);
    expect(refusal("paying_rest", "void_sale")).toMatch(/^lane: /);
  });

  test("the state is read off the cart and the payment in flight", () => {
    const cart: Cart = { cartId: "c", startedAt: "", nextLine: 1, lines: [], coupons: [], tenders: [] };
    const line = { lineId: "1" } as Cart["lines"][number];
    const cash = { kind: "cash", amount: 1 } as Cart["tenders"][number];
    expect(saleState(cart)).toBe("empty");
    expect(saleState({ ...cart, lines: [line] })).toBe("building");
    expect(saleState({ ...cart, lines: [line], tenders: [cash] })).toBe("tendering");
    expect(saleState({ ...cart, lines: [line] }, "p1")).toBe("paying");
    expect(saleState({ ...cart, lines: [line], tenders: [cash] }, "p1")).toBe("paying_rest");
    expect(saleState({ ...cart, return: { reason: "", lines: [] } })).toBe("returning");
    const original = { saleId: "s", receiptNo: "r", storeId: "S" };
    expect(saleState({ ...cart, return: { original, reason: "", lines: [] } })).toBe("returning_receipt");
    expect(saleState({ ...cart, return: { original, reason: "", lines: [] } }, "refund:x")).toBe("refunding");
  });
});

// ---------------------------------------------------------------------------------------------
// Model-based: random interleavings of the till's sale operations on a real lane (Edge in a temp
// dir), against the table. A step the table refuses must be refused by the lane with a 409 on
// the table's field and change nothing; a step it takes must succeed and leave the lane in the
// state the table names.

interface Model {
  state: SaleState;
  suspended: string[];
  receipts: string[];
}
interface Real {
  edge: Edge;
}
const SUP = { id: "9001", pin: "9999" };
const lane = "1";

function view(r: Real) {
  return r.edge.lanes.view(lane);
}

/** Runs one step: the table's answer and the lane's must agree. */
async function step(m: Model, r: Real, event: SaleEvent, op: () => unknown): Promise<boolean> {
  let expected: SaleState | TransitionError;
  try {
    expected = transition(SALE_LIFECYCLE, m.state, event);
  } catch (e) {
    expected = e as TransitionError;
  }
  const before = JSON.stringify(view(r).cart);
  let error: unknown;
  try {
    await op();
  } catch (e) {
    error = e;
  }
  if (expected instanceof TransitionError) {
    expect(error).toBeInstanceOf(EdgeError);
    expect(`${(error as EdgeError).code}:${(error as EdgeError).field}`).toBe(`conflict:${expected.field}`);
    expect(JSON.stringify(view(r).cart)).toBe(before);
    return false;
  }
  if (error) throw error;
  const v = view(r);
  m.state = expected;
  expect(saleState(v.cart, v.paymentInFlight)).toBe(expected);
  return true;
}

abstract class Step implements fc.AsyncCommand<Model, Real> {
  check(_m: Readonly<Model>): boolean {
    return true;
  }
  abstract run(m: Model, r: Real): Promise<void>;
  abstract toString(): string;
}

class AddItem extends Step {
  constructor(readonly i: number) {
    super();
  }
  async run(m: Model, r: Real) {
    await step(m, r, "add_line", () => r.edge.basket.addSku(lane, skuOf(this.i)));
  }
  toString = () => `add ${this.i}`;
}

class ChangeQty extends Step {
  override check = (m: Readonly<Model>) => m.state !== "empty" && m.state !== "returning_receipt";
  async run(m: Model, r: Real) {
    const line = view(r).cart.lines[0];
    if (!line) return;
    await step(m, r, "edit", () => r.edge.basket.changeQty(lane, line.lineId, 2));
  }
  toString = () => "qty 2";
}

class VoidLine extends Step {
  async run(m: Model, r: Real) {
    const lines = view(r).cart.lines;
    if (!lines.length) return;
    await step(m, r, lines.length === 1 ? "void_last_line" : "void_line", () =>
      r.edge.basket.voidLine(lane, lines[0]!.lineId, SUP),
    );
  }
  toString = () => "void line";
}

class Cash extends Step {
  constructor(readonly received: number) {
    super();
  }
  async run(m: Model, r: Real) {
    const v = view(r);
    const event = this.received >= v.remaining ? "complete" : "tender";
    let sale: string | undefined;
    const ok = await step(m, r, event, () => {
      sale = r.edge.sales.tenderCash(lane, this.received).sale?.receiptNo;
    });
    if (ok && sale) m.receipts.push(sale);
  }
  toString = () => `cash ${this.received}`;
}

class Suspend extends Step {
  async run(m: Model, r: Real) {
    let id = "";
    if (await step(m, r, "suspend", () => (id = r.edge.suspends.suspend(lane).suspendId)))
      m.suspended.push(id);
  }
  toString = () => "suspend";
}

class Recall extends Step {
  override check = (m: Readonly<Model>) => m.suspended.length > 0;
  async run(m: Model, r: Real) {
    const id = m.suspended[0]!;
    if (await step(m, r, "recall", () => r.edge.suspends.recall(lane, id))) m.suspended.shift();
  }
  toString = () => "recall";
}

class VoidSale extends Step {
  async run(m: Model, r: Real) {
    await step(m, r, "void_sale", () => r.edge.basket.voidCart(lane, SUP));
  }
  toString = () => "void sale";
}

class StartReturn extends Step {
  override check = (m: Readonly<Model>) => m.receipts.length > 0;
  async run(m: Model, r: Real) {
    await step(m, r, "start_return", () => r.edge.returns.startReturn(lane, m.receipts.at(-1)!));
  }
  toString = () => "return with receipt";
}

class StartShelfReturn extends Step {
  async run(m: Model, r: Real) {
    await step(m, r, "start_return_shelf", () =>
      r.edge.returns.startReturnWithoutReceipt(lane, SUP.id, SUP.pin, "damaged"),
    );
  }
  toString = () => "return without receipt";
}

class PickReturnLine extends Step {
  async run(m: Model, r: Real) {
    let lineId = "";
    if (m.state === "returning_receipt") {
      const left = r.edge.returns.returnable(lane).find((l) => l.units > 0);
      if (!left) return;
      lineId = left.lineId;
    }
    await step(m, r, "pick_return_line", () => r.edge.returns.setReturnLine(lane, lineId || "1", 1, true));
  }
  toString = () => "pick a line to return";
}

class CompleteReturn extends Step {
  async run(m: Model, r: Real) {
    const cart = view(r).cart;
    // A return with nothing in it is refused on its lines (data, not the lifecycle).
    if (cart.return && !(cart.return.original ? cart.return.lines.length : cart.lines.length)) return;
    await step(m, r, "complete_return", () => r.edge.returns.completeReturn(lane, "cash", "", SUP));
  }
  toString = () => "complete return";
}

class CancelReturn extends Step {
  async run(m: Model, r: Real) {
    await step(m, r, "cancel_return", () => r.edge.returns.cancelReturn(lane));
  }
  toString = () => "cancel return";
}

const edges: Edge[] = [];
afterEach(async () => {
  for (const e of edges.splice(0)) await e.stop().catch(() => {});
});

describe("sale lifecycle, model-based against the real lane", () => {
  test("every interleaving of scans, tenders, suspends, voids and returns follows the table", async () => {
    const commands = [
      fc.integer({ min: 6, max: 30 }).map((i) => new AddItem(i)),
      fc.integer({ min: 6, max: 30 }).map((i) => new AddItem(i)),
      fc.constant(new ChangeQty()),
      fc.constant(new VoidLine()),
      fc.integer({ min: 1, max: 300 }).map((n) => new Cash(n)),
      fc.constant(new Cash(10_000_000)),
      fc.constant(new Suspend()),
      fc.constant(new Recall()),
      fc.constant(new VoidSale()),
      fc.constant(new StartReturn()),
      fc.constant(new StartShelfReturn()),
      fc.constant(new PickReturnLine()),
      fc.constant(new CompleteReturn()),
      fc.constant(new CancelReturn()),
    ];
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 30, size: "max" }), async (cmds) => {
        const edge = await readyEdge({ products: 30, weighed: 5 });
        edges.push(edge);
        await openLane(edge);
        const model: Model = { state: "empty", suspended: [], receipts: [] };
        try {
          await fc.asyncModelRun(() => ({ model, real: { edge } }), cmds);
        } finally {
          await edge.stop();
        }
      }),
      { numRuns: Number(process.env.MODEL_RUNS ?? 25) },
    );
  });
});
