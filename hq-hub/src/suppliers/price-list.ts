// A supplier's price list as HQ's buyers read it (pure): each entry valid from its date until
// the day before the SKU's next entry, which one is in force today, and what a price change
// does to the orders still open with the supplier. An open order was costed once, at the price
// on its order date (costing/prices.ts); the supplier invoices what is still to come at the
// price in force on the delivery day, so the difference is what three-way matching will list.
import { mulDivRoundHalfUp } from "@retail/protocol";

export interface PriceEntry {
  sku: string;
  costFen: number;
  taxRate: number;
  effectiveFrom: string;
}

export interface PriceListRow extends PriceEntry {
  /** Last day this entry is in force; null: until a later entry is added. */
  effectiveTo: string | null;
  state: "past" | "current" | "future";
}

const dayBefore = (day: string): string =>
  new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);

const byKey = (a: PriceEntry, b: PriceEntry) =>
  a.sku < b.sku
    ? -1
    : a.sku > b.sku
      ? 1
      : a.effectiveFrom < b.effectiveFrom
        ? -1
        : a.effectiveFrom > b.effectiveFrom
          ? 1
          : 0;

/** Entries with their validity, by SKU then date. */
export function withValidity(entries: readonly PriceEntry[], today: string): PriceListRow[] {
  const sorted = [...entries].sort(byKey);
  return sorted.map((e, i) => {
    const next = sorted[i + 1]?.sku === e.sku ? sorted[i + 1] : undefined;
    const effectiveTo = next ? dayBefore(next.effectiveFrom) : null;
    const state =
      e.effectiveFrom > today ? "future" : effectiveTo !== null && effectiveTo < today ? "past" : "current";
    return { ...e, effectiveTo, state };
  });
}

/** The entry in force for `sku` on `day`: the latest one from on or before it. */
export function priceOn(entries: readonly PriceEntry[], sku: string, day: string): PriceEntry | undefined {
  let best: PriceEntry | undefined;
  for (const e of entries)
    if (e.sku === sku && e.effectiveFrom <= day && (!best || e.effectiveFrom > best.effectiveFrom)) best = e;
  return best;
}

/** `proposed` laid over `existing`: an entry for the same SKU and day replaces the old one. */
export function merge(existing: readonly PriceEntry[], proposed: readonly PriceEntry[]): PriceEntry[] {
  const key = (e: PriceEntry) => `${e.sku}@${e.effectiveFrom}`;
  const out = new Map(existing.map((e) => [key(e), e]));
  for (const e of proposed) out.set(key(e), e);
  return [...out.values()];
}

export interface OpenOrderLine {
  poId: string;
  storeId: string;
  status: string;
  sku: string;
  qty: number;
  received: number;
  weighed: boolean;
  /** The order's date (it was costed at the price on this day). */
  orderDay: string;
  /** The day the rest is expected: the order's expected date, or today when it has none. */
  deliveryDay: string;
  /** What the line was costed at; null when not costed yet (then: the price on the order day). */
  orderedCostFen: number | null;
}

export interface OrderImpact {
  poId: string;
  storeId: string;
  status: string;
  sku: string;
  deliveryDay: string;
  /** Still to come: units, or grams for weighed goods. */
  remaining: number;
  weighed: boolean;
  orderedCostFen: number | null;
  /** The price in force on the delivery day before the change, and with it. */
  beforeFen: number | null;
  afterFen: number | null;
  /** afterFen - orderedCostFen per unit (per kg); null when either is unknown. */
  diffPerUnitFen: number | null;
  /** The difference on what is still to come (weighed: per kg x grams / 1000, half up). */
  diffFen: number | null;
}

/**
 * The open lines whose invoice price `proposed` would change (all open lines when `proposed` is
 * undefined: the standing difference between each order's cost and today's list).
 */
export function orderImpact(
  lines: readonly OpenOrderLine[],
  existing: readonly PriceEntry[],
  proposed?: readonly PriceEntry[],
): OrderImpact[] {
  const after = proposed ? merge(existing, proposed) : existing;
  const out: OrderImpact[] = [];
  for (const l of lines) {
    const remaining = Math.max(0, l.qty - l.received);
    if (remaining === 0) continue;
    const beforeFen = priceOn(existing, l.sku, l.deliveryDay)?.costFen ?? null;
    const afterFen = priceOn(after, l.sku, l.deliveryDay)?.costFen ?? null;
    if (proposed && beforeFen === afterFen) continue;
    const orderedCostFen = l.orderedCostFen ?? priceOn(existing, l.sku, l.orderDay)?.costFen ?? null;
    const diffPerUnitFen = afterFen !== null && orderedCostFen !== null ? afterFen - orderedCostFen : null;
    const diffFen =
      diffPerUnitFen === null ? null : mulDivRoundHalfUp(diffPerUnitFen, remaining, l.weighed ? 1000 : 1);
    out.push({
      poId: l.poId,
      storeId: l.storeId,
      status: l.status,
      sku: l.sku,
      deliveryDay: l.deliveryDay,
      remaining,
      weighed: l.weighed,
      orderedCostFen,
      beforeFen,
      afterFen,
      diffPerUnitFen,
      diffFen,
    });
  }
  return out;
}
