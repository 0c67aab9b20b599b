// Shift cash arithmetic, pure: what the drawer should hold and how far the count is off.
// Training sales never touch it (they move no cash).
import type { Tender } from "@retail/protocol";
import { invalid } from "../errors.ts";

/** Notes and coins of the renminbi, in fen, for the count screen. */
export const CNY_DENOMINATIONS = [10000, 5000, 2000, 1000, 500, 100, 50, 20, 10, 5, 2, 1] as const;

/** Total of a count by denomination (face value in fen -> pieces). */
export function countTotal(denominations: Record<string, number>): number {
  let total = 0;
  for (const [face, pieces] of Object.entries(denominations)) {
    const f = Number(face);
    if (!(CNY_DENOMINATIONS as readonly number[]).includes(f))
      throw invalid(`denominations.${face}`, "not a renminbi note or coin (face value in fen)");
    if (!Number.isSafeInteger(pieces) || pieces < 0)
      throw invalid(`denominations.${face}`, "must be a whole number of pieces, not negative");
    total += f * pieces;
  }
  return total;
}

export interface ShiftActivity {
  float: number;
  sales: { net: number; tenders: Tender[] }[];
  /** `cash`: what of the refund went back in cash (a split refund), else by tenderKind. */
  returns: { refund: number; tenderKind: Tender["kind"]; cash?: number }[];
  cashIn: number;
  cashOut: number;
}

export interface ShiftSummary {
  float: number;
  sales: { count: number; net: number };
  returns: { count: number; refund: number };
  byTender: Partial<Record<Tender["kind"], number>>;
  cashIn: number;
  cashOut: number;
  /** Cash the drawer should hold: float + cash taken - cash refunded + in - out. */
  expectedCash: number;
}

export function summarize(a: ShiftActivity): ShiftSummary {
  const byTender: Partial<Record<Tender["kind"], number>> = {};
  for (const s of a.sales) for (const t of s.tenders) byTender[t.kind] = (byTender[t.kind] ?? 0) + t.amount;
  const cashRefunds = a.returns.reduce((s, r) => s + (r.cash ?? (r.tenderKind === "cash" ? r.refund : 0)), 0);
  return {
    float: a.float,
    sales: { count: a.sales.length, net: a.sales.reduce((s, x) => s + x.net, 0) },
    returns: { count: a.returns.length, refund: a.returns.reduce((s, r) => s + r.refund, 0) },
    byTender,
    cashIn: a.cashIn,
    cashOut: a.cashOut,
    expectedCash: a.float + (byTender.cash ?? 0) - cashRefunds + a.cashIn - a.cashOut,
  };
}

/** Over (positive) or short (negative) of a count against the expectation. */
export function overShort(counted: number, expected: number): number {
  return counted - expected;
}
