import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { priceBasket } from "./engine.ts";
import { PricingError, RefundError } from "./errors.ts";
import {
  NO_PRIOR_RETURNS,
  type PriorReturns,
  type RefundableLine,
  refundForReturn,
  returnableUnits,
} from "./refund.ts";
import type { PriceRequest } from "./schema.ts";

/** Returns the line in the given batches; returns each refund. */
function returnInBatches(line: RefundableLine, batches: number[]) {
  let prior: PriorReturns = { ...NO_PRIOR_RETURNS };
  return batches.map((k) => {
    const r = refundForReturn(line, prior, k);
    prior = { units: prior.units + k, net: prior.net + r.net, tax: prior.tax + r.tax };
    return r;
  });
}

function refundError(fn: () => unknown): RefundError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(RefundError);
    expect(e).toBeInstanceOf(PricingError);
    return e as RefundError;
  }
  throw new Error("expected a RefundError");
}

describe("refundForReturn", () => {
  test("one at a time: roundHalfUp(net * k / n), the last return takes what is left", () => {
    // net 1000, tax 115, 3 units: 1000/3 = 333.33 -> 333, 115/3 = 38.33 -> 38; twice;
    // the third brings returns to 3: 1000 - 666 = 334, 115 - 76 = 39
    const line = { net: 1000, tax: 115, qty: 3 };
    expect(returnInBatches(line, [1, 1, 1])).toEqual([
      { net: 333, tax: 38 },
      { net: 333, tax: 38 },
      { net: 334, tax: 39 },
    ]);
  });

  test("half fen round up on a partial return, the rest on the final one", () => {
    // net 1001, tax 115 over 2: 500.5 -> 501, 57.5 -> 58; then 500, 57
    expect(returnInBatches({ net: 1001, tax: 115, qty: 2 }, [1, 1])).toEqual([
      { net: 501, tax: 58 },
      { net: 500, tax: 57 },
    ]);
  });

  test("several units at once", () => {
    // net 999 over 5, return 2: 399.6 -> 400; then 3 (final): 599
    expect(returnInBatches({ net: 999, tax: 0, qty: 5 }, [2, 3])).toEqual([
      { net: 400, tax: 0 },
      { net: 599, tax: 0 },
    ]);
    // all at once: exactly net and tax
    expect(refundForReturn({ net: 999, tax: 115, qty: 5 }, NO_PRIOR_RETURNS, 5)).toEqual({
      net: 999,
      tax: 115,
    });
  });

  test("never more than is left: half-up on many small returns is clamped", () => {
    // net 2 over 4 units: 0.5 -> 1, 0.5 -> 1, then 0.5 -> 1 would pass 2: clamped to 0; final 0
    expect(returnInBatches({ net: 2, tax: 2, qty: 4 }, [1, 1, 1, 1])).toEqual([
      { net: 1, tax: 1 },
      { net: 1, tax: 1 },
      { net: 0, tax: 0 },
      { net: 0, tax: 0 },
    ]);
  });

  test("a line given away (net 0) refunds nothing", () => {
    expect(returnInBatches({ net: 0, tax: 0, qty: 3 }, [2, 1])).toEqual([
      { net: 0, tax: 0 },
      { net: 0, tax: 0 },
    ]);
  });

  test("weighed lines come back whole, as one unit", () => {
    const weighed = { net: 873, tax: 72, qty: 523, weighed: true };
    expect(returnableUnits(weighed)).toBe(1);
    expect(refundForReturn(weighed, NO_PRIOR_RETURNS, 1)).toEqual({ net: 873, tax: 72 });
    expect(refundError(() => refundForReturn(weighed, NO_PRIOR_RETURNS, 523)).field).toBe("k");
    expect(refundError(() => refundForReturn(weighed, { units: 1, net: 873, tax: 72 }, 1)).field).toBe("k");
  });

  test("errors name the field", () => {
    const line = { net: 1000, tax: 115, qty: 3 };
    const e = refundError(() => refundForReturn(line, { units: 2, net: 666, tax: 76 }, 2));
    expect(e.field).toBe("k");
    expect(e.message).toContain("only 1 of 3");
    expect(refundError(() => refundForReturn(line, { units: 3, net: 1000, tax: 115 }, 1)).field).toBe("k");
    expect(refundError(() => refundForReturn(line, NO_PRIOR_RETURNS, 0)).field).toBe("k");
    expect(refundError(() => refundForReturn(line, NO_PRIOR_RETURNS, 1.5)).field).toBe("k");
    expect(refundError(() => refundForReturn(line, { units: 4, net: 0, tax: 0 }, 1)).field).toBe(
      "prior.units",
    );
    expect(refundError(() => refundForReturn(line, { units: 1, net: 1001, tax: 0 }, 1)).field).toBe(
      "prior.net",
    );
    expect(refundError(() => refundForReturn(line, { units: 1, net: 0, tax: -1 }, 1)).field).toBe(
      "prior.tax",
    );
    expect(refundError(() => refundForReturn({ ...line, net: -1 }, NO_PRIOR_RETURNS, 1)).field).toBe(
      "line.net",
    );
    expect(refundError(() => refundForReturn({ ...line, tax: 0.5 }, NO_PRIOR_RETURNS, 1)).field).toBe(
      "line.tax",
    );
    expect(refundError(() => refundForReturn({ ...line, qty: 0 }, NO_PRIOR_RETURNS, 1)).field).toBe(
      "line.qty",
    );
  });

  /** A random split of n units into return batches. */
  const lineAndBatches = fc
    .record({
      net: fc.oneof(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 10 ** 9 })),
      taxPart: fc.integer({ min: 0, max: 100 }),
      n: fc.integer({ min: 1, max: 40 }),
      cuts: fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 40 }),
    })
    .map(({ net, taxPart, n, cuts }) => {
      const batches: number[] = [];
      let left = n;
      for (const c of cuts) {
        if (left === 0) break;
        const k = Math.min(left, c);
        batches.push(k);
        left -= k;
      }
      if (left > 0) batches.push(left);
      return { line: { net, tax: Math.floor((net * taxPart) / 100), qty: n }, batches };
    });

  test("property: any sequence of partial returns refunds exactly net and tax, never more along the way", () => {
    fc.assert(
      fc.property(lineAndBatches, ({ line, batches }) => {
        const refunds = returnInBatches(line, batches);
        let net = 0;
        let tax = 0;
        for (const r of refunds) {
          expect(r.net).toBeGreaterThanOrEqual(0);
          expect(r.tax).toBeGreaterThanOrEqual(0);
          net += r.net;
          tax += r.tax;
          expect(net).toBeLessThanOrEqual(line.net);
          expect(tax).toBeLessThanOrEqual(line.tax);
        }
        expect(net).toBe(line.net);
        expect(tax).toBe(line.tax);
      }),
      { numRuns: 500 },
    );
  });

  test("property: a partial return refunds roundHalfUp(net * k / n) unless that would pass what is left", () => {
    fc.assert(
      fc.property(lineAndBatches, ({ line, batches }) => {
        let prior: PriorReturns = { ...NO_PRIOR_RETURNS };
        for (const k of batches) {
          const r = refundForReturn(line, prior, k);
          if (prior.units + k < line.qty) {
            const exact = Math.floor((2 * line.net * k + line.qty) / (2 * line.qty));
            expect(r.net).toBe(Math.min(exact, line.net - prior.net));
          }
          prior = { units: prior.units + k, net: prior.net + r.net, tax: prior.tax + r.tax };
        }
      }),
      { numRuns: 300 },
    );
  });

  test("property: returning every unit of every priced line gives back the basket's net and tax", () => {
    const basket = fc
      .array(
        fc.record({
          unitPrice: fc.integer({ min: 1, max: 3000 }),
          qty: fc.integer({ min: 1, max: 6 }),
          weighed: fc.boolean(),
          taxRate: fc.constantFrom(0, 6, 9, 13),
        }),
        { minLength: 1, maxLength: 6 },
      )
      .map(
        (lines): PriceRequest => ({
          at: "2025-06-15T10:00:00+08:00",
          storeId: "S1",
          lines: lines.map((l, i) => ({
            lineId: `L${i}`,
            sku: `S${i % 3}`,
            category: "x",
            unitPrice: l.unitPrice,
            qty: l.weighed ? l.qty * 97 : l.qty,
            weighed: l.weighed,
            taxRate: l.taxRate,
          })),
          promotions: [
            { id: "mb", kind: "multi_buy", count: 3, price: 2000 },
            { id: "pct", kind: "percent_off", percent: 15, skus: ["S1"] },
            { id: "t", kind: "threshold", min: 3000, off: 777, repeat: true },
          ],
        }),
      );
    fc.assert(
      fc.property(basket, (req) => {
        const priced = priceBasket(req);
        let net = 0;
        let tax = 0;
        priced.lines.forEach((pl, i) => {
          const l = req.lines[i]!;
          const line = { net: pl.net, tax: pl.tax, qty: l.qty, weighed: l.weighed };
          const n = returnableUnits(line);
          for (const r of returnInBatches(
            line,
            Array.from({ length: n }, () => 1),
          )) {
            net += r.net;
            tax += r.tax;
          }
        });
        expect(net).toBe(priced.totals.net);
        expect(tax).toBe(priced.totals.tax);
      }),
      { numRuns: 200 },
    );
  });
});
