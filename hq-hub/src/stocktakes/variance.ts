// A submitted count's differences, pure: each line's difference against the frozen snapshot,
// its value at the store's moving-average cost, and the alerts HQ raises: book stock below zero
// when the session opened (sales the store booked without the units) and big variances; and
// the lots approving a line moves.
import { type CountedLot, countLotDeltas, type LotDelta, UNDATED } from "@retail/protocol";
import { applyCost } from "../costing/ledger.ts";

export interface CountedLine {
  sku: string;
  expected: number;
  counted: number;
  recounted: boolean;
  counters: string[];
}

export interface VarianceLine extends CountedLine {
  /** counted - expected: what approval posts (units, grams when weighed). */
  diff: number;
  /** Average cost per unit (per kg when weighed), or null when the store has no cost for the SKU. */
  averageFen: number | null;
  /** diff at the average cost, rounded half away from zero to the fen; null without a cost. */
  valueFen: number | null;
}

/** What the store's cost position says about a SKU (costing/): its average, and the position itself when known. */
export interface SkuCost {
  averageFen: number;
  perKg: boolean;
  /** On-hand (units, grams when weighed) and its value: approval values the difference from it. */
  position?: { onHand: number; valueFen: number };
}

export type StocktakeAlertKind = "negative_book" | "big_variance";

/** A variance is big from this value (¥200) or, without a cost, from this many units past the recount threshold. */
export const BIG_VARIANCE_FEN = 20_000;

export function varianceLines(
  lines: CountedLine[],
  cost: (sku: string) => SkuCost | undefined,
): VarianceLine[] {
  return lines.map((l) => {
    const diff = l.counted - l.expected;
    const c = cost(l.sku);
    if (!c) return { ...l, diff, averageFen: null, valueFen: null };
    // With the position in stock, the value is what approval will post (the ledger's own rule: a
    // share of the position's value, half up), not the rounded average times the units, which
    // can be a fen or more off.
    const p = c.position;
    if (p && p.onHand > 0 && diff !== 0) {
      const last = { valueFen: p.valueFen, qty: p.onHand };
      const posted = applyCost(
        { onHand: p.onHand, valueFen: p.valueFen, last },
        { kind: diff < 0 ? "out" : "in_at_average", qty: Math.abs(diff) },
      );
      return { ...l, diff, averageFen: c.averageFen, valueFen: posted.valueFen };
    }
    const raw = c.perKg ? (diff * c.averageFen) / 1000 : diff * c.averageFen;
    const valueFen = Math.sign(raw) * Math.round(Math.abs(raw));
    return { ...l, diff, averageFen: c.averageFen, valueFen: valueFen === 0 ? 0 : valueFen };
  });
}

/** The alerts of one session's lines: negative book stock, and variances of at least `bigFen` (or, without a cost, more than twice the recount threshold). */
export function alertsOf(
  lines: VarianceLine[],
  recountOver: number,
  bigFen = BIG_VARIANCE_FEN,
): { sku: string; kind: StocktakeAlertKind }[] {
  const out: { sku: string; kind: StocktakeAlertKind }[] = [];
  for (const l of lines) {
    if (l.expected < 0) out.push({ sku: l.sku, kind: "negative_book" });
    const big =
      l.valueFen !== null ? Math.abs(l.valueFen) >= bigFen : Math.abs(l.diff) > 2 * Math.max(recountOver, 1);
    if (l.diff !== 0 && big) out.push({ sku: l.sku, kind: "big_variance" });
  }
  return out;
}

/**
 * The lot deltas approving a line moves (undefined: none, the undated rest takes the
 * difference): counted by lot, each lot's count less its snapshot; a loss counted without lots
 * (an older store, or lots that do not add up) drawn FEFO by `draw` from HQ's mirror of the
 * store, when that draw touches a dated lot.
 */
export function countLotMoves(
  l: { expected: number; counted: number; lots?: readonly CountedLot[] | undefined },
  draw: (qty: number) => LotDelta[],
): LotDelta[] | undefined {
  const byLot = countLotDeltas(l);
  if (byLot) return byLot.length > 0 ? byLot : undefined;
  const diff = l.counted - l.expected;
  if (diff >= 0) return undefined;
  const drawn = draw(-diff);
  return drawn.some((x) => x.batch !== UNDATED) && drawn.length <= 20 ? drawn : undefined;
}

/** The dated part of lot deltas (what HQ's mirror stores; the undated rest is on-hand less them). */
export function datedOf(ds: readonly LotDelta[]): { batch: string; expiresOn: string; qty: number }[] {
  return ds.flatMap((d) =>
    d.batch !== UNDATED && d.expiresOn ? [{ batch: d.batch, expiresOn: d.expiresOn, qty: d.qty }] : [],
  );
}
