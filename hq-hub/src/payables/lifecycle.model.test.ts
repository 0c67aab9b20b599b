// Model-based test of the supplier-invoice lifecycle (fast-check commands): invoices are
// entered against one purchase order, the store receives in random steps, invoices are matched
// again, approved, accepted with their differences, rejected and paid in random order against
// the real payables module on a real database, beside a reference model that is a plain list of
// invoices (qty, price, status, paid) and the rule in words: an invoice matches while what it
// bills is received and not billed by the order's other matched or approved invoices, within
// the order, at most 1 fen above the order's cost. After every command each invoice's status and
// paid amount are the model's, the invoice's voucher exists once it is approved (never twice) and
// the payments' vouchers add up to what was paid, and a refused step names the status and the event.
// INVOICE_MODEL_RUNS=n runs longer (default 25).
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import fc from "fast-check";
import { StateError } from "../errors.ts";
import { TransitionError } from "../lifecycle.ts";
import { startTestHub } from "../test-kit.ts";
import type { InvoiceStatus } from "./lifecycle.ts";

setDefaultTimeout(300_000);
const RUNS = Number(process.env.INVOICE_MODEL_RUNS ?? 25);
const ORDERED = 10;
const COST = 100;

let hub: Awaited<ReturnType<typeof startTestHub>>;
let receiptNo = 0;
let invoiceNo = 0;
const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

beforeAll(async () => {
  hub = await startTestHub();
  hub.db
    .prepare("INSERT INTO stores (id, name, region, created_at) VALUES ('S1', 'S1', 'east', ?)")
    .run(new Date().toISOString());
  await hub.catalog.edit("model", "product", {
    sku: "A",
    name: "商品 A",
    category: ["10"],
    unit: "EA",
    taxRate: 13,
    weighed: false,
    status: "active",
  });
  hub.suppliers.upsert({ id: "SUP", name: "供应商", leadTimeDays: 2, minOrderQty: 1, packSize: 1 });
  hub.costing.setPrices(
    "SUP",
    { prices: [{ sku: "A", costFen: COST, taxRate: 13, effectiveFrom: "2026-01-01" }] },
    "model",
  );
});
afterAll(async () => {
  await hub?.cleanup();
});

interface ModelInvoice {
  id: string;
  qty: number;
  price: number;
  gross: number;
  status: InvoiceStatus;
  paid: number;
}
type Model = { po: string; received: number; invoices: ModelInvoice[] };
type Real = { payables: typeof hub.payables };

const BILLED: InvoiceStatus[] = ["matched", "approved", "paid"];
function clean(m: Model, inv: ModelInvoice): boolean {
  const before = m.invoices
    .filter((o) => o !== inv && BILLED.includes(o.status))
    .reduce((s, o) => s + o.qty, 0);
  const billable = Math.max(0, m.received - before);
  return (
    billable > 0 && inv.qty <= billable && inv.qty <= Math.max(0, ORDERED - before) && inv.price <= COST + 1
  );
}

function check(m: Model, r: Real) {
  for (const inv of m.invoices) {
    const real = r.payables.get(inv.id);
    expect([inv.id, real.status, real.paidFen]).toEqual([inv.id, inv.status, inv.paid]);
    expect(real.grossFen).toBe(inv.gross);
    // Posted exactly once when approved, crediting the payable with the gross; each payment's
    // voucher carries what it paid.
    const posted = hub.db
      .prepare(
        "SELECT COUNT(DISTINCT v.id) AS n, TOTAL(l.credit_fen) AS fen FROM vouchers v JOIN voucher_lines l ON l.voucher_id = v.id AND l.account = '2202.01' WHERE v.source_kind = 'supplier_invoice' AND v.source_id = ?",
      )
      .get(inv.id);
    expect(posted).toEqual(
      ["approved", "paid"].includes(inv.status) ? { n: 1, fen: inv.gross } : { n: 0, fen: 0 },
    );
    const paid = hub.db
      .prepare(
        "SELECT TOTAL(v.debit_fen) AS fen FROM vouchers v JOIN supplier_payments p ON p.id = v.source_id WHERE v.source_kind = 'supplier_payment' AND p.invoice_id = ?",
      )
      .get(inv.id);
    expect(paid).toEqual({ fen: inv.paid });
  }
}

function refusedWith(step: () => unknown, status: InvoiceStatus, event: string) {
  let err: unknown;
  try {
    step();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(TransitionError);
  expect([(err as TransitionError).state, (err as TransitionError).event]).toEqual([status, event]);
}

class Enter implements fc.Command<Model, Real> {
  constructor(
    readonly qty: number,
    readonly price: number,
  ) {}
  check = () => true;
  run(m: Model, r: Real) {
    const inv = r.payables.create(
      {
        supplierId: "SUP",
        invoiceNo: `N${++invoiceNo}`,
        purchaseOrderId: m.po,
        invoiceDate: today,
        lines: [{ sku: "A", qty: this.qty, unitPriceFen: this.price, taxRate: 13 }],
      },
      "model",
    );
    const net = this.qty * this.price;
    const mi: ModelInvoice = {
      id: inv.id,
      qty: this.qty,
      price: this.price,
      gross: net + Math.round((net * 13) / 100),
      status: "received",
      paid: 0,
    };
    m.invoices.push(mi);
    mi.status = clean(m, mi) ? "matched" : "in_dispute";
    check(m, r);
  }
  toString = () => `enter(${this.qty} @ ${this.price})`;
}

class Receive implements fc.Command<Model, Real> {
  constructor(readonly qty: number) {}
  check = () => true;
  run(m: Model, r: Real) {
    hub.db
      .prepare(
        "INSERT INTO receivings (store_id, receiving_id, purchase_order_id, supplier_id, confirmed_by, lines_json, confirmed_at) VALUES ('S1', ?, ?, 'SUP', '1001', ?, ?)",
      )
      .run(`R${++receiptNo}`, m.po, JSON.stringify([{ sku: "A", qty: this.qty }]), new Date().toISOString());
    m.received += this.qty;
    check(m, r);
  }
  toString = () => `receive(${this.qty})`;
}

abstract class OnInvoice implements fc.Command<Model, Real> {
  constructor(readonly pick: number) {}
  check = (m: Readonly<Model>) => m.invoices.length > 0;
  invoice(m: Model) {
    return m.invoices[this.pick % m.invoices.length]!;
  }
  abstract run(m: Model, r: Real): void;
}

class Match extends OnInvoice {
  override run(m: Model, r: Real) {
    const inv = this.invoice(m);
    if (!["received", "matched", "in_dispute"].includes(inv.status))
      refusedWith(
        () => r.payables.match(inv.id),
        inv.status,
        clean(m, inv) ? "match_clean" : "match_differences",
      );
    else {
      r.payables.match(inv.id);
      inv.status = clean(m, inv) ? "matched" : "in_dispute";
    }
    check(m, r);
  }
  override toString = () => `match(${this.pick})`;
}

class Approve extends OnInvoice {
  override run(m: Model, r: Real) {
    const inv = this.invoice(m);
    if (inv.status !== "matched")
      refusedWith(() => r.payables.approve(inv.id, "model"), inv.status, "approve");
    else if (!clean(m, inv)) {
      // Matched earlier, but another invoice was approved since: matched again, it is disputed.
      expect(() => r.payables.approve(inv.id, "model")).toThrow(StateError);
      inv.status = "in_dispute";
    } else {
      r.payables.approve(inv.id, "model");
      inv.status = "approved";
    }
    check(m, r);
  }
  override toString = () => `approve(${this.pick})`;
}

class Accept extends OnInvoice {
  override run(m: Model, r: Real) {
    const inv = this.invoice(m);
    const step = () => r.payables.acceptDifferences(inv.id, { note: "核实无误" }, "model");
    if (inv.status !== "in_dispute") refusedWith(step, inv.status, "accept_differences");
    else {
      step();
      inv.status = "approved";
    }
    check(m, r);
  }
  override toString = () => `accept(${this.pick})`;
}

class Reject extends OnInvoice {
  override run(m: Model, r: Real) {
    const inv = this.invoice(m);
    const step = () => r.payables.reject(inv.id, { note: "退回" }, "model");
    if (!["received", "matched", "in_dispute"].includes(inv.status)) refusedWith(step, inv.status, "reject");
    else {
      step();
      inv.status = "rejected";
    }
    check(m, r);
  }
  override toString = () => `reject(${this.pick})`;
}

class Pay extends OnInvoice {
  constructor(
    pick: number,
    readonly full: boolean,
  ) {
    super(pick);
  }
  override run(m: Model, r: Real) {
    const inv = this.invoice(m);
    const owed = inv.gross - inv.paid;
    const amount = this.full ? owed : Math.max(1, Math.floor(owed / 3));
    const step = () => r.payables.pay(inv.id, { amountFen: amount, paidOn: today, reference: "B" }, "model");
    if (inv.status !== "approved") {
      if (amount > 0) refusedWith(step, inv.status, amount === owed ? "pay_full" : "pay_part");
    } else {
      step();
      inv.paid += amount;
      if (inv.paid === inv.gross) inv.status = "paid";
    }
    check(m, r);
  }
  override toString = () => `pay(${this.pick}, ${this.full ? "full" : "part"})`;
}

test("supplier invoices follow the reference model through random entries, receipts, matches, approvals and payments", () => {
  const pick = fc.nat(20);
  fc.assert(
    fc.property(
      fc.commands(
        [
          fc
            .tuple(fc.integer({ min: 1, max: 6 }), fc.constantFrom(COST, COST + 1, COST + 2, COST - 10))
            .map(([q, p]) => new Enter(q, p)),
          fc.integer({ min: 1, max: 4 }).map((q) => new Receive(q)),
          pick.map((p) => new Match(p)),
          pick.map((p) => new Approve(p)),
          pick.map((p) => new Accept(p)),
          pick.map((p) => new Reject(p)),
          fc.tuple(pick, fc.boolean()).map(([p, full]) => new Pay(p, full)),
        ],
        { maxCommands: 40, size: "max" },
      ),
      (cmds) => {
        const { order } = hub.replenishment.create(
          { storeId: "S1", supplierId: "SUP", lines: [{ sku: "A", qty: ORDERED }] },
          "model",
        );
        hub.replenishment.send(order.id, "model");
        fc.modelRun(
          () => ({ model: { po: order.id, received: 0, invoices: [] }, real: { payables: hub.payables } }),
          cmds,
        );
        if (process.env.DEBUG_MODEL) console.log(String(cmds));
      },
    ),
    { numRuns: RUNS },
  );
});
