// Refunds for returns (PRICING.md, "Tax and returns"): returning k of a line's n units refunds
// roundHalfUp(net * k / n), and the return that brings the returned units to n refunds exactly
// what is left, so the refunds of a line always add up to what was paid for it.
import { mulDivRoundHalfUp } from "../money.ts";
import { RefundError } from "./errors.ts";

/** What was paid for a line: its priced net and tax, and its qty (grams when weighed). */
export interface RefundableLine {
  net: number;
  tax: number;
  qty: number;
  weighed?: boolean | undefined;
}

/** What earlier returns of the same line already took back. */
export interface PriorReturns {
  units: number;
  net: number;
  tax: number;
}

export interface Refund {
  net: number;
  tax: number;
}

export const NO_PRIOR_RETURNS: PriorReturns = Object.freeze({ units: 0, net: 0, tax: 0 });

/**
 * Units a line can be returned in. A weighed line is one unit (PRICING.md prices it as one):
 * it comes back whole, because the store cannot re-weigh part of what it sold against the
 * scale label, and a part-weight refund would round differently from the sale.
 */
export function returnableUnits(line: Pick<RefundableLine, "qty" | "weighed">): number {
  return line.weighed ? 1 : line.qty;
}

function check(ok: boolean, field: string, message: string): void {
  if (!ok) throw new RefundError(field, message);
}

const isAmount = (n: number) => Number.isSafeInteger(n) && n >= 0;

/**
 * Refund for returning `k` more units of `line`, given what earlier returns took. Throws
 * RefundError naming the field when k is not a positive whole number, when it is more than the
 * units still unreturned ("k"), or when the history is inconsistent with the line
 * ("prior.units", "prior.net", "prior.tax"). Each of net and tax is
 * min(roundHalfUp(amount * k / n), amount still unrefunded): the clamp matters because
 * rounding half up on several small returns could otherwise pass the total before the last
 * one (net 2 over 4 units: 1 + 1 + 1 > 2).
 */
export function refundForReturn(line: RefundableLine, prior: PriorReturns, k: number): Refund {
  check(isAmount(line.net), "line.net", "must be a non-negative integer number of fen");
  check(isAmount(line.tax), "line.tax", "must be a non-negative integer number of fen");
  check(Number.isSafeInteger(line.qty) && line.qty >= 1, "line.qty", "must be a positive whole number");
  const n = returnableUnits(line);
  check(
    Number.isSafeInteger(prior.units) && prior.units >= 0 && prior.units <= n,
    "prior.units",
    `must be 0..${n}`,
  );
  check(isAmount(prior.net) && prior.net <= line.net, "prior.net", "must be between 0 and the line net");
  check(isAmount(prior.tax) && prior.tax <= line.tax, "prior.tax", "must be between 0 and the line tax");
  check(Number.isSafeInteger(k) && k >= 1, "k", "must be a positive whole number of units");
  const remaining = n - prior.units;
  check(k <= remaining, "k", `only ${remaining} of ${n} unit(s) remain to be returned`);

  const netLeft = line.net - prior.net;
  const taxLeft = line.tax - prior.tax;
  if (k === remaining) return { net: netLeft, tax: taxLeft };
  return {
    net: Math.min(mulDivRoundHalfUp(line.net, k, n), netLeft),
    tax: Math.min(mulDivRoundHalfUp(line.tax, k, n), taxLeft),
  };
}
