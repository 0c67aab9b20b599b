// Replenishment planning, pure: how much a store should order of a SKU, and what the store's
// till is told about an order. Integer arithmetic only (units, or grams for weighed goods).
import type { Payload } from "@retail/protocol";
import { type OrderStatus, orderLifecycle } from "./lifecycle.ts";

export interface ReorderInputs {
  sku: string;
  onHand: number;
  /** Ordered and not received yet: open purchase orders (drafts included) minus receipts. */
  onOrder: number;
  reorderPoint: number;
  /** Units sold (net of returns) in the last `windowDays`. */
  soldUnits: number;
  windowDays: number;
  /** The SKU's supplier, when one is assigned. */
  supplier?: { id: string; leadTimeDays: number; packSize: number; minOrderQty: number; active: boolean };
  /** Days until the next order is placed (the ordering cycle). */
  reviewDays: number;
}

export type Suggestion =
  | {
      sku: string;
      order: true;
      qty: number;
      supplierId: string;
      /** What the order brings the position up to: reorder point + demand over lead time and review. */
      targetLevel: number;
      position: number;
      demandOverCover: number;
    }
  | {
      sku: string;
      order: false;
      reason: "above_reorder_point" | "no_supplier" | "supplier_inactive";
      position: number;
      supplierId?: string;
    };

/** Smallest multiple of `pack` that is >= n (n >= 0). */
export function roundUpToPack(n: number, pack: number): number {
  if (pack <= 1) return n;
  return Math.ceil(n / pack) * pack;
}

/**
 * The order-up-to rule: when on hand plus on order is at or below the reorder point, order
 * enough to cover the reorder point plus the demand expected over the supplier's lead time and
 * the review period (average daily sales of the window, rounded up; at least one unit), at
 * least the supplier's minimum, in whole packs.
 */
export function suggestOrder(i: ReorderInputs): Suggestion {
  const position = i.onHand + i.onOrder;
  if (position > i.reorderPoint) return { sku: i.sku, order: false, reason: "above_reorder_point", position };
  if (!i.supplier) return { sku: i.sku, order: false, reason: "no_supplier", position };
  if (!i.supplier.active)
    return { sku: i.sku, order: false, reason: "supplier_inactive", position, supplierId: i.supplier.id };
  const sold = Math.max(0, i.soldUnits);
  const cover = i.supplier.leadTimeDays + i.reviewDays;
  const demandOverCover = i.windowDays > 0 ? Math.ceil((sold * cover) / i.windowDays) : 0;
  // The level ordered up to stays above the reorder point even without recent sales, so an
  // order always lifts the store out of "reorder" (else it would be suggested again at once).
  const targetLevel = i.reorderPoint + Math.max(demandOverCover, 1);
  const need = targetLevel - position;
  const qty = roundUpToPack(Math.max(need, i.supplier.minOrderQty), i.supplier.packSize);
  return { sku: i.sku, order: true, qty, supplierId: i.supplier.id, targetLevel, position, demandOverCover };
}

export type { OrderStatus };

export interface OrderLine {
  sku: string;
  qty: number;
  received: number;
}

/** What an ordered purchase order's receipts make of it: fully received, or still open. */
export function statusAfterReceipts(status: OrderStatus, lines: readonly OrderLine[]): OrderStatus {
  if (!orderLifecycle.allows(status, "receive_all")) return status;
  return lines.every((l) => l.received >= l.qty) ? orderLifecycle.apply("", status, "receive_all") : status;
}

/** Quantity still expected of a line: never negative (an over-delivery does not go "on order"). */
export function outstanding(l: OrderLine): number {
  return Math.max(0, l.qty - l.received);
}

/** The till's view of an order's lines (replenishment.status items), by the order's state. */
export function tillItems(order: {
  id: string;
  status: OrderStatus;
  expectedAt: string | null;
  lines: readonly OrderLine[];
}): Payload<"replenishment.status">["items"] {
  return order.lines.map((l) => {
    const base = { sku: l.sku, purchaseOrderId: order.id };
    switch (order.status) {
      case "draft":
        return { ...base, status: "suggested" as const, qty: l.qty };
      case "ordered":
        // A partly received line is still on order for what is missing.
        return l.received >= l.qty
          ? { ...base, status: "received" as const, qty: l.received }
          : {
              ...base,
              status: "ordered" as const,
              qty: outstanding(l),
              ...(order.expectedAt ? { expectedAt: order.expectedAt } : {}),
            };
      case "in_transit":
        return l.received >= l.qty
          ? { ...base, status: "received" as const, qty: l.received }
          : {
              ...base,
              status: "in_transit" as const,
              qty: outstanding(l),
              ...(order.expectedAt ? { expectedAt: order.expectedAt } : {}),
            };
      case "received":
        return { ...base, status: "received" as const, qty: l.received };
      case "closed":
        return l.received > 0
          ? { ...base, status: "received" as const, qty: l.received }
          : { ...base, status: "none" as const };
      default: // cancelled
        return { ...base, status: "none" as const };
    }
  });
}

/** Receipts of one order summed per SKU, from the stores' receiving.confirmed lines. */
export function receivedBySku(
  receipts: readonly { storeId: string; lines: readonly { sku: string; qty: number }[] }[],
  orderStoreId: string,
): { bySku: Map<string, number>; otherStore: number } {
  const bySku = new Map<string, number>();
  let otherStore = 0;
  for (const r of receipts) {
    // A receipt naming this order from another store is not this order's delivery.
    if (r.storeId !== orderStoreId) {
      otherStore++;
      continue;
    }
    for (const l of r.lines) bySku.set(l.sku, (bySku.get(l.sku) ?? 0) + l.qty);
  }
  return { bySku, otherStore };
}
