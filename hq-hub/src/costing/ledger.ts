// Moving-weighted-average cost per store and SKU, pure: a position and a movement in, the next
// position and what the movement is worth out. Integer fen, quantities in units or grams (weighed
// goods: the ledger never knows which, a "unit" is whatever the stock ledger counts).
//
// Rounding: a position keeps its total value in fen, never a unit average; the average is
// derived (value / on-hand) when a movement needs it. An outbound movement takes
// round_half_up(value * qty / onHand), computed in bigint, so taking the whole on-hand takes the
// whole value and a fen remainder stays in the position until the last unit leaves: no fen is
// ever lost or made up. Every posting satisfies
//   next.valueFen = position.valueFen + valueFen - correctionFen.
//
// Negative stock (selling what HQ has not seen received yet, the way chains do it): the units
// sold beyond on-hand are costed at the last known average (0 when the SKU never had one); the
// position goes below zero in quantity and value. When stock comes in while negative, the
// shortfall units it covers are re-costed at the incoming unit cost and the difference against
// what they were booked at is returned as `correctionFen` (positive: cost of goods sold was
// understated), to be posted against cost of goods sold.
export interface AverageCost {
  /** The average as a ratio: valueFen / qty (qty > 0). */
  valueFen: number;
  qty: number;
}

export interface CostPosition {
  onHand: number;
  valueFen: number;
  /** The last average while on-hand was positive; what negative stock is costed at. */
  last?: AverageCost;
}

export type CostMovement =
  /** Stock in with a known value: a receipt (cost of what arrived), a return (the cost it left with), a transfer in. */
  | { kind: "in"; qty: number; valueFen: number }
  /** Stock out at the current average: a sale, a transfer out, a count loss. */
  | { kind: "out"; qty: number }
  /** Stock in at the current average (or the last known one): a count gain. */
  | { kind: "in_at_average"; qty: number };

export interface CostPosting {
  position: CostPosition;
  /** Value the movement moved into (+) or out of (-) the position, before any correction. */
  valueFen: number;
  /** Negative stock re-costed by incoming stock: added to cost of goods sold (may be < 0). */
  correctionFen: number;
}

export const EMPTY_POSITION: CostPosition = { onHand: 0, valueFen: 0 };

/** round_half_up(a * b / c) for integers, c > 0, exact (bigint). */
export function mulDivRound(a: number, b: number, c: number): number {
  if (c <= 0) throw new RangeError(`mulDivRound: divisor ${c} must be positive`);
  const n = BigInt(a) * BigInt(b);
  const d = BigInt(c);
  // Half up on the magnitude (symmetric), so -x rounds to -(round x).
  const neg = n < 0n;
  const m = neg ? -n : n;
  const q = (2n * m + d) / (2n * d);
  return Number(neg ? -q : q);
}

/** The unit average of a position (fen per unit or per gram), for display. */
export function averageFen(p: CostPosition): number | undefined {
  if (p.onHand > 0) return p.valueFen / p.onHand;
  return p.last ? p.last.valueFen / p.last.qty : undefined;
}

function withLast(onHand: number, valueFen: number, prev?: AverageCost): CostPosition {
  const last = onHand > 0 ? { valueFen, qty: onHand } : prev;
  return last ? { onHand, valueFen, last } : { onHand, valueFen };
}

/** Value of `qty` units at the last known average (0 when none). */
function atLast(p: CostPosition, qty: number): number {
  return p.last ? mulDivRound(p.last.valueFen, qty, p.last.qty) : 0;
}

function checkQty(qty: number) {
  if (!Number.isSafeInteger(qty) || qty <= 0)
    throw new RangeError(`cost ledger: qty ${qty} must be a positive integer`);
}

export function applyCost(p: CostPosition, m: CostMovement): CostPosting {
  checkQty(m.qty);
  switch (m.kind) {
    case "out": {
      // Up to what is on hand at the current average; beyond it at the last known average.
      const fromStock = Math.min(Math.max(p.onHand, 0), m.qty);
      const taken =
        fromStock === 0
          ? 0
          : fromStock === p.onHand
            ? p.valueFen
            : mulDivRound(p.valueFen, fromStock, p.onHand);
      const short = m.qty - fromStock;
      const cost = taken + (short > 0 ? atLast(p, short) : 0);
      const onHand = p.onHand - m.qty;
      return { position: withLast(onHand, p.valueFen - cost, p.last), valueFen: 0 - cost, correctionFen: 0 };
    }
    case "in_at_average": {
      const value = p.onHand > 0 ? mulDivRound(p.valueFen, m.qty, p.onHand) : atLast(p, m.qty);
      return applyCost(p, { kind: "in", qty: m.qty, valueFen: value });
    }
    case "in": {
      if (!Number.isSafeInteger(m.valueFen) || m.valueFen < 0)
        throw new RangeError(`cost ledger: value ${m.valueFen} must be a non-negative integer of fen`);
      const onHand = p.onHand + m.qty;
      let correction = 0;
      if (p.onHand < 0) {
        // The shortfall this covers: its booked value (a share of the negative value) against
        // its value at the incoming unit cost.
        const short = -p.onHand;
        const covered = Math.min(short, m.qty);
        const booked = covered === short ? 0 - p.valueFen : mulDivRound(0 - p.valueFen, covered, short);
        const actual = covered === m.qty ? m.valueFen : mulDivRound(m.valueFen, covered, m.qty);
        correction = actual - booked;
      }
      return {
        position: withLast(onHand, p.valueFen + m.valueFen - correction, p.last),
        valueFen: m.valueFen,
        correctionFen: correction,
      };
    }
  }
}

/**
 * What a return puts back: the cost its units left with, a share of what the sale line took
 * (what is left of it after earlier returns), so returning the rest returns the rest exactly.
 */
export function returnValue(left: { qty: number; valueFen: number }, qty: number): number {
  checkQty(qty);
  if (left.qty <= 0) throw new RangeError("returnValue: nothing of the sale line is left to return");
  const q = Math.min(qty, left.qty);
  return q === left.qty ? left.valueFen : mulDivRound(left.valueFen, q, left.qty);
}

/**
 * The value of a receipt line from a supplier's unit cost: `unitCostFen` per unit, or per kg for
 * weighed goods (quantities in grams), rounded half up once per line.
 */
export function lineValue(qty: number, unitCostFen: number, weighed: boolean): number {
  return mulDivRound(qty, unitCostFen, weighed ? 1000 : 1);
}
