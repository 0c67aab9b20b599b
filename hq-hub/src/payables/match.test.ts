// Three-way matching by hand (each reason, the tolerances, weighed goods, GRNI and variance) and
// as a fast-check property against a plain reference written from the rules' wording with
// rational comparisons (no shared helper): every difference the reference expects is listed,
// nothing else is, and the sums hold to the fen.
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import {
  allowance,
  DEFAULT_TOLERANCES,
  type DifferenceReason,
  type InvoiceLineFacts,
  lineAmount,
  lineTax,
  type MatchInput,
  matchInvoice,
  openReceipts,
  type Tolerances,
} from "./match.ts";

const exact: Tolerances = { qtyUnits: 0, qtyBp: 0, priceFen: 0, priceBp: 0 };

function inv(
  sku: string,
  qty: number,
  unitPriceFen: number,
  taxRate = 13,
  weighed = false,
): InvoiceLineFacts {
  const netFen = lineAmount(qty, unitPriceFen, weighed);
  return { sku, qty, unitPriceFen, taxRate, netFen, taxFen: lineTax(netFen, taxRate) };
}

function input(over: Partial<MatchInput>): MatchInput {
  return {
    orderLines: [
      { sku: "M1", qty: 10, unitCostFen: 250, taxRate: 13 },
      { sku: "M2", qty: 5, unitCostFen: 1000, taxRate: 13 },
    ],
    received: new Map([
      ["M1", 10],
      ["M2", 5],
    ]),
    invoicedBefore: new Map(),
    invoiceLines: [inv("M1", 10, 250), inv("M2", 5, 1000)],
    weighed: new Set(),
    tolerances: exact,
    ...over,
  };
}

const reasons = (r: ReturnType<typeof matchInvoice>, sku: string) =>
  r.lines.find((l) => l.sku === sku)!.differences.map((d) => d.reason);

describe("three-way match by hand", () => {
  test("an invoice for exactly what was ordered and received, at the order's cost, matches; GRNI = net", () => {
    const r = matchInvoice(input({}));
    expect(r.matched).toBe(true);
    expect(r.blocking).toBe(0);
    expect(r.netFen).toBe(2500 + 5000);
    expect(r.taxFen).toBe(325 + 650);
    expect(r.grossFen).toBe(8475);
    expect(r.grniFen).toBe(7500);
    expect(r.varianceFen).toBe(0);
  });

  test("over-billed quantity beyond what was received is named with expected, actual and the tolerance", () => {
    const r = matchInvoice(
      input({
        received: new Map([
          ["M1", 8],
          ["M2", 5],
        ]),
      }),
    );
    expect(r.matched).toBe(false);
    const d = r.lines[0]!.differences;
    expect(d).toEqual([{ reason: "qty_over_received", blocking: true, expected: 8, actual: 10, allowed: 0 }]);
    // GRNI clears only the 8 received: 8 x 250; the 2 unreceived are variance.
    expect(r.lines[0]!.grniFen).toBe(2000);
    expect(r.lines[0]!.varianceFen).toBe(500);
  });

  test("quantity tolerance: the larger of units and basis points of what may be billed", () => {
    const received = new Map([
      ["M1", 8],
      ["M2", 5],
    ]);
    expect(matchInvoice(input({ received, tolerances: { ...exact, qtyUnits: 2 } })).matched).toBe(true);
    expect(matchInvoice(input({ received, tolerances: { ...exact, qtyUnits: 1 } })).matched).toBe(false);
    // 25% of 8 = 2 units.
    expect(matchInvoice(input({ received, tolerances: { ...exact, qtyBp: 2500 } })).matched).toBe(true);
    expect(matchInvoice(input({ received, tolerances: { ...exact, qtyBp: 2499 } })).matched).toBe(false);
  });

  test("nothing received yet: not_received; received and already billed by an earlier invoice: not_received too", () => {
    const r = matchInvoice(input({ received: new Map([["M2", 5]]) }));
    expect(reasons(r, "M1")).toEqual(["not_received"]);
    expect(r.lines[0]!.grniFen).toBe(0);
    const again = matchInvoice(input({ invoicedBefore: new Map([["M1", 10]]) }));
    expect(reasons(again, "M1")).toContain("not_received");
    expect(reasons(again, "M1")).toContain("qty_over_ordered");
  });

  test("a SKU not on the order: not_ordered, the whole line is variance", () => {
    const r = matchInvoice(input({ invoiceLines: [inv("M1", 10, 250), inv("X9", 1, 700)] }));
    expect(reasons(r, "X9")).toEqual(["not_ordered"]);
    expect(r.lines[1]!).toMatchObject({ orderedQty: 0, grniFen: 0, varianceFen: 700 });
    expect(r.matched).toBe(false);
  });

  test("the store received more than ordered: billing it all is over the order", () => {
    const r = matchInvoice(
      input({
        received: new Map([
          ["M1", 12],
          ["M2", 5],
        ]),
        invoiceLines: [inv("M1", 12, 250)],
      }),
    );
    expect(r.lines[0]!.differences).toEqual([
      { reason: "qty_over_ordered", blocking: true, expected: 10, actual: 12, allowed: 0 },
    ]);
  });

  test("price above the order's cost beyond the tolerance; at the tolerance it matches with the variance kept", () => {
    // Default: 1% or 1 fen: 250 -> up to 252.
    const ok = matchInvoice(input({ tolerances: DEFAULT_TOLERANCES, invoiceLines: [inv("M1", 10, 252)] }));
    expect(ok.matched).toBe(true);
    expect(ok.varianceFen).toBe(20);
    expect(ok.grniFen).toBe(2500);
    const high = matchInvoice(input({ tolerances: DEFAULT_TOLERANCES, invoiceLines: [inv("M1", 10, 253)] }));
    expect(high.lines[0]!.differences).toEqual([
      { reason: "price_above_tolerance", blocking: true, expected: 250, actual: 253, allowed: 2 },
    ]);
  });

  test("billed below the order's cost is listed but does not block; the variance is negative", () => {
    const r = matchInvoice(input({ invoiceLines: [inv("M1", 10, 240)] }));
    expect(r.matched).toBe(true);
    expect(r.lines[0]!.differences).toEqual([
      { reason: "price_below_order", blocking: false, expected: 250, actual: 240 },
    ]);
    expect(r.varianceFen).toBe(-100);
  });

  test("an order line with no cost cannot be price-checked; a different tax rate is named", () => {
    const r = matchInvoice(
      input({
        orderLines: [{ sku: "M1", qty: 10, unitCostFen: null, taxRate: null }],
        invoiceLines: [inv("M1", 10, 250)],
      }),
    );
    expect(reasons(r, "M1")).toEqual(["no_order_price"]);
    const tax = matchInvoice(input({ invoiceLines: [inv("M1", 10, 250, 9)] }));
    expect(tax.lines[0]!.differences).toEqual([
      { reason: "tax_rate_differs", blocking: true, expected: 13, actual: 9 },
    ]);
  });

  test("weighed goods: grams at fen per kg, rounded once per line", () => {
    const r = matchInvoice(
      input({
        orderLines: [{ sku: "PORK", qty: 2500, unitCostFen: 1990, taxRate: 9 }],
        received: new Map([["PORK", 2500]]),
        invoiceLines: [inv("PORK", 2500, 1990, 9, true)],
        weighed: new Set(["PORK"]),
      }),
    );
    expect(r.matched).toBe(true);
    expect(r.netFen).toBe(4975);
    expect(r.taxFen).toBe(448); // 447.75
    expect(r.grniFen).toBe(4975);
  });

  test("a partial invoice, then the rest: each bills what is left", () => {
    const first = matchInvoice(input({ invoiceLines: [inv("M1", 4, 250)] }));
    expect(first.matched).toBe(true);
    const rest = matchInvoice(
      input({ invoicedBefore: new Map([["M1", 4]]), invoiceLines: [inv("M1", 6, 250)] }),
    );
    expect(rest.matched).toBe(true);
    const over = matchInvoice(
      input({ invoicedBefore: new Map([["M1", 4]]), invoiceLines: [inv("M1", 7, 250)] }),
    );
    expect(reasons(over, "M1")).toEqual(["qty_over_received", "qty_over_ordered"]);
  });

  test("goods received not invoiced: received less billed by approved invoices, at the order's cost", () => {
    const open = openReceipts({
      orderLines: [
        { sku: "M1", qty: 10, unitCostFen: 250, taxRate: 13 },
        { sku: "PORK", qty: 3000, unitCostFen: 1990, taxRate: 9 },
      ],
      received: new Map([
        ["PORK", 2500],
        ["M1", 10],
        ["X9", 2],
      ]),
      invoiced: new Map([
        ["M1", 10],
        ["PORK", 1000],
      ]),
      weighed: new Set(["PORK"]),
    });
    expect(open).toEqual([
      {
        sku: "PORK",
        receivedQty: 2500,
        invoicedQty: 1000,
        openQty: 1500,
        unitCostFen: 1990,
        openValueFen: 2985,
      },
      { sku: "X9", receivedQty: 2, invoicedQty: 0, openQty: 2, unitCostFen: null, openValueFen: null },
    ]);
  });

  test("allowance takes the larger of the absolute and the share, in integers", () => {
    expect(allowance(8, 0, 2500)).toBe(2);
    expect(allowance(7, 0, 2500)).toBe(1);
    expect(allowance(7, 3, 2500)).toBe(3);
    expect(allowance(9_000_000_000_000, 0, 100)).toBe(90_000_000_000);
  });
});

// The reference: the rules as written, comparisons cross-multiplied (never a division).
function expectedReasons(
  order: { qty: number; unitCostFen: number | null; taxRate: number | null } | undefined,
  received: number,
  before: number,
  line: InvoiceLineFacts,
  t: Tolerances,
): DifferenceReason[] {
  if (!order) return ["not_ordered"];
  const out: DifferenceReason[] = [];
  const billable = Math.max(0, received - before);
  // over if qty > billable + max(units, floor(billable * bp / 10000)), i.e. (qty - billable) > units
  // and (qty - billable) * 10000 >= billable * bp + 10000 ... checked as: not within either allowance.
  const within = (excess: number, base: number, units: number, bp: number) =>
    excess <= units || excess * 10_000 <= base * bp - ((base * bp) % 10_000);
  if (billable === 0) out.push("not_received");
  else if (!within(line.qty - billable, billable, t.qtyUnits, t.qtyBp)) out.push("qty_over_received");
  const left = Math.max(0, order.qty - before);
  if (!within(line.qty - left, left, t.qtyUnits, t.qtyBp)) out.push("qty_over_ordered");
  if (order.unitCostFen === null) out.push("no_order_price");
  else if (!within(line.unitPriceFen - order.unitCostFen, order.unitCostFen, t.priceFen, t.priceBp))
    out.push("price_above_tolerance");
  else if (line.unitPriceFen < order.unitCostFen) out.push("price_below_order");
  if (order.taxRate !== null && order.taxRate !== line.taxRate) out.push("tax_rate_differs");
  return out;
}

test("property: the differences are exactly the reference's, matched iff none blocks, sums hold to the fen", () => {
  const skus = ["A", "B", "C", "D"];
  const arb = fc.record({
    order: fc.array(
      fc.record({
        sku: fc.constantFrom(...skus),
        qty: fc.integer({ min: 1, max: 50 }),
        unitCostFen: fc.option(fc.integer({ min: 0, max: 5000 }), { nil: null, freq: 8 }),
        taxRate: fc.constantFrom(0, 9, 13),
      }),
      { maxLength: 4 },
    ),
    received: fc.dictionary(fc.constantFrom(...skus), fc.integer({ min: 0, max: 60 })),
    before: fc.dictionary(fc.constantFrom(...skus), fc.integer({ min: 0, max: 30 })),
    invoice: fc.uniqueArray(
      fc.record({
        sku: fc.constantFrom(...skus),
        qty: fc.integer({ min: 1, max: 60 }),
        unitPriceFen: fc.integer({ min: 0, max: 6000 }),
        taxRate: fc.constantFrom(0, 9, 13),
      }),
      { selector: (l) => l.sku, minLength: 1, maxLength: 4 },
    ),
    weighed: fc.subarray(skus),
    t: fc.record({
      qtyUnits: fc.integer({ min: 0, max: 5 }),
      qtyBp: fc.integer({ min: 0, max: 3000 }),
      priceFen: fc.integer({ min: 0, max: 50 }),
      priceBp: fc.integer({ min: 0, max: 1000 }),
    }),
  });
  fc.assert(
    fc.property(arb, (g) => {
      const orderLines = [...new Map(g.order.map((l) => [l.sku, l])).values()];
      const weighed = new Set(g.weighed);
      const invoiceLines = g.invoice.map((l) =>
        inv(l.sku, l.qty, l.unitPriceFen, l.taxRate, weighed.has(l.sku)),
      );
      const r = matchInvoice({
        orderLines,
        received: new Map(Object.entries(g.received)),
        invoicedBefore: new Map(Object.entries(g.before)),
        invoiceLines,
        weighed,
        tolerances: g.t,
      });
      let blocking = 0;
      r.lines.forEach((l, i) => {
        const want = expectedReasons(
          orderLines.find((o) => o.sku === l.sku),
          g.received[l.sku] ?? 0,
          g.before[l.sku] ?? 0,
          invoiceLines[i]!,
          g.t,
        );
        expect(l.differences.map((d) => d.reason)).toEqual(want);
        blocking += want.filter((w) => w !== "price_below_order").length;
        expect(l.grniFen + l.varianceFen).toBe(l.netFen);
        expect(l.grniFen).toBeGreaterThanOrEqual(0);
      });
      expect(r.blocking).toBe(blocking);
      expect(r.matched).toBe(blocking === 0);
      expect(r.grossFen).toBe(r.netFen + r.taxFen);
      expect(r.grniFen + r.varianceFen).toBe(r.netFen);
      // Loosening every tolerance never adds a difference.
      const loose = matchInvoice({
        orderLines,
        received: new Map(Object.entries(g.received)),
        invoicedBefore: new Map(Object.entries(g.before)),
        invoiceLines,
        weighed,
        tolerances: {
          qtyUnits: g.t.qtyUnits + 3,
          qtyBp: g.t.qtyBp + 500,
          priceFen: g.t.priceFen + 7,
          priceBp: g.t.priceBp,
        },
      });
      expect(loose.blocking).toBeLessThanOrEqual(r.blocking);
    }),
    { numRuns: Number(process.env.MATCH_MODEL_RUNS ?? 500) },
  );
});
