// The engine's working state of one request line while promotions consume its units.
import type { LineDiscount, PriceLine } from "./schema.ts";

export interface LineState {
  readonly line: PriceLine;
  readonly index: number;
  readonly weighed: boolean;
  readonly gross: number;
  /** Price of one unit; a weighed line is one unit priced at its gross. */
  readonly unitPrice: number;
  /** Units not yet consumed by an item-level promotion (weighed: 0 or 1). */
  free: number;
  net: number;
  readonly discounts: LineDiscount[];
}

export function applyDiscount(s: LineState, promotionId: string, amount: number): void {
  if (amount <= 0) return;
  s.net -= amount;
  s.discounts.push({ promotionId, amount });
}
