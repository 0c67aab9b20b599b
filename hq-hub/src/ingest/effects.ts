// The business meaning of ledger events, pure: the stock movements and member changes an event
// implies. The ingest writes what these return.
import type { AnyEnvelope, Payload } from "@retail/protocol";

export interface StockMove {
  sku: string;
  /** Units, or grams for weighed goods; negative leaves the store. */
  qty: number;
  kind: "sale" | "return" | "receipt" | "count_adjustment";
  ref: string;
}

/** Training activity never moves stock, cash, points or revenue. */
export function isTraining(env: AnyEnvelope): boolean {
  const p = env.payload as { training?: boolean };
  return p.training === true;
}

export function stockMoves(env: AnyEnvelope): StockMove[] {
  if (isTraining(env)) return [];
  switch (env.type) {
    case "sale.completed":
      return env.payload.lines.map((l) => ({
        sku: l.sku,
        qty: -l.qty,
        kind: "sale" as const,
        ref: env.payload.saleId,
      }));
    case "sale.returned":
      return env.payload.lines
        .filter((l) => l.restock)
        .map((l) => ({ sku: l.sku, qty: l.qty, kind: "return" as const, ref: env.payload.returnId }));
    case "receiving.confirmed":
      return env.payload.lines.map((l) => ({
        sku: l.sku,
        qty: l.qty,
        kind: "receipt" as const,
        ref: env.payload.receivingId,
      }));
    case "stock.counted":
      // The difference against what the store itself expected when it counted: independent of
      // the order in which HQ happens to receive the surrounding sales.
      return env.payload.lines
        .filter((l) => l.counted !== l.expected)
        .map((l) => ({
          sku: l.sku,
          qty: l.counted - l.expected,
          kind: "count_adjustment" as const,
          ref: env.payload.countId,
        }));
    default:
      return [];
  }
}

/** One point per whole yuan of net spend (the chain's rule; returns take the points back). */
export function pointsFor(fen: number): number {
  return Math.floor(fen / 100);
}

export interface MemberChange {
  memberId: string;
  points: number;
  spendFen: number;
  visitAt?: string;
}

export function memberChangeOfSale(p: Payload<"sale.completed">): MemberChange | undefined {
  if (p.training || !p.member) return undefined;
  return {
    memberId: p.member.id,
    points: pointsFor(p.totals.net),
    spendFen: p.totals.net,
    visitAt: p.completedAt,
  };
}

export function memberChangeOfReturn(
  p: Payload<"sale.returned">,
  memberId: string | undefined,
): MemberChange | undefined {
  if (p.training || !memberId) return undefined;
  return { memberId, points: -pointsFor(p.totals.refund), spendFen: -p.totals.refund };
}

/** Whether a reorder point is crossed downwards (alert) or recovered (re-arm). */
export function reorderTransition(
  onHand: number,
  reorderPoint: number,
  alerted: boolean,
): "alert" | "rearm" | "none" {
  if (onHand <= reorderPoint && !alerted) return "alert";
  if (onHand > reorderPoint && alerted) return "rearm";
  return "none";
}
