// Replenishment at HQ: each SKU's supplier, the reorder suggestions of a store (from its
// on-hand, reorder points, recent sales and what is on order), and purchase orders from draft
// to received. Every change of an order returns the replenishment.status items its store's
// till must see; the caller publishes them. Receipts come from the stores' receiving.confirmed
// events naming the order and are summed again on every refresh, so a duplicate or replayed
// event (admitted once by the inbox anyway) can never count a delivery twice.
import { randomUUID } from "node:crypto";
import type { Payload } from "@retail/protocol";
import { Sku } from "@retail/protocol";
import { z } from "zod";
import type { Sqlite } from "../db/open.ts";
import { fromZod, NotFoundError, StateError, ValidationError } from "../errors.ts";
import type { Stock } from "../stock/stock.ts";
import type { Suppliers } from "../suppliers/suppliers.ts";
import { orderLifecycle } from "./lifecycle.ts";
import { createOrderStore } from "./order-store.ts";
import {
  type OrderLine,
  type OrderStatus,
  outstanding,
  receivedBySku,
  statusAfterReceipts,
  tillItems,
} from "./plan.ts";
import { orderReceipts } from "./receipts.ts";
import { createSuggestions } from "./suggestions.ts";

const DAY_MS = 86_400_000;

export const SupplierSkusInput = z.strictObject({ skus: z.array(Sku).min(1).max(5000) });
export const PurchaseOrderInput = z.strictObject({
  storeId: z.string().regex(/^[A-Z0-9]{1,16}$/),
  supplierId: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/),
  note: z.string().max(200).optional(),
  lines: z
    .array(z.strictObject({ sku: Sku, qty: z.int().positive().max(1_000_000) }))
    .min(1)
    .max(500),
});
export type PurchaseOrderInput = z.infer<typeof PurchaseOrderInput>;
export const SuggestionQuery = z.object({
  windowDays: z.coerce.number().int().min(1).max(365).optional(),
  reviewDays: z.coerce.number().int().min(0).max(90).optional(),
});
export const OrderListQuery = z.object({
  store: z
    .string()
    .regex(/^[A-Z0-9]{1,16}$/)
    .optional(),
  status: z.enum(["draft", "ordered", "in_transit", "received", "closed", "cancelled", "open"]).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});

export interface PurchaseOrder {
  id: string;
  storeId: string;
  supplierId: string;
  status: OrderStatus;
  note: string | null;
  createdBy: string;
  createdAt: string;
  orderedBy: string | null;
  orderedAt: string | null;
  expectedAt: string | null;
  endedBy: string | null;
  endedAt: string | null;
  lines: (OrderLine & { outstanding: number })[];
  /** Received SKUs the order does not list, and receipts from another store naming it. */
  discrepancies: { unexpected: { sku: string; qty: number }[]; otherStoreReceipts: number };
}

/** What a change of an order means for its store's till. */
export interface TillUpdate {
  storeId: string;
  payload: Payload<"replenishment.status">;
}

export function createReplenishment(deps: {
  db: Sqlite;
  now: () => Date;
  stock: Stock;
  suppliers: Suppliers;
}) {
  const { db, now, suppliers } = deps;
  const store = createOrderStore(db);
  const { suggestions } = createSuggestions({ ...deps, orders: store });

  function receiptsOf(o: { id: string; storeId: string }) {
    return receivedBySku(store.receipts(o.id), o.storeId);
  }

  function find(id: string): PurchaseOrder | undefined {
    const o = store.order(id);
    if (!o) return undefined;
    const lines = store.lines(id).map((l) => ({ ...l, outstanding: outstanding(l) }));
    const { bySku, otherStore } = receiptsOf(o);
    const listed = new Set(lines.map((l) => l.sku));
    return {
      id,
      storeId: o.storeId,
      supplierId: o.supplierId,
      status: o.status as OrderStatus,
      note: o.note ?? null,
      createdBy: o.createdBy,
      createdAt: o.createdAt,
      orderedBy: o.orderedBy ?? null,
      orderedAt: o.orderedAt ?? null,
      expectedAt: o.expectedAt ?? null,
      endedBy: o.endedBy ?? null,
      endedAt: o.endedAt ?? null,
      lines,
      discrepancies: {
        unexpected: [...bySku].filter(([sku]) => !listed.has(sku)).map(([sku, qty]) => ({ sku, qty })),
        otherStoreReceipts: otherStore,
      },
    };
  }

  function get(id: string): PurchaseOrder {
    const o = find(id);
    if (!o) throw new NotFoundError("purchase order", id);
    return o;
  }

  const update = (o: PurchaseOrder): TillUpdate => ({ storeId: o.storeId, payload: { items: tillItems(o) } });

  /** Assigns SKUs to a supplier (each SKU has one supplier chain-wide; reassigning moves it). */
  function assignSkus(
    supplierId: string,
    input: unknown,
    actor: string,
  ): { supplierId: string; skus: number } {
    const r = SupplierSkusInput.safeParse(input);
    if (!r.success) throw fromZod(r.error);
    suppliers.get(supplierId);
    r.data.skus.forEach((sku, i) => {
      if (store.productName(sku) === undefined) throw new ValidationError(`skus.${i}`, `unknown SKU ${sku}`);
    });
    const at = now().toISOString();
    db.transaction(() => store.assign(r.data.skus, supplierId, actor, at))();
    return { supplierId, skus: r.data.skus.length };
  }

  function skusOf(supplierId: string): string[] {
    suppliers.get(supplierId);
    return store.skusOf(supplierId);
  }

  function insertOrder(input: PurchaseOrderInput, actor: string, given?: string): string {
    const id =
      given ??
      `PO-${now().toISOString().slice(0, 10).replaceAll("-", "")}-${randomUUID().slice(0, 8).toUpperCase()}`;
    store.insert(
      {
        id,
        storeId: input.storeId,
        supplierId: input.supplierId,
        note: input.note ?? null,
        createdBy: actor,
        createdAt: now().toISOString(),
      },
      input.lines,
    );
    return id;
  }

  /**
   * A draft order; every SKU must exist and appear once; the supplier must be active. `opts.id`:
   * the order number to use (a scheduled run's, the same for the same slot: auto.ts).
   */
  function create(
    input: unknown,
    actor: string,
    opts: { id?: string } = {},
  ): { order: PurchaseOrder; till: TillUpdate } {
    const r = PurchaseOrderInput.safeParse(input);
    if (!r.success) throw fromZod(r.error);
    const o = r.data;
    if (!store.storeExists(o.storeId)) throw new NotFoundError("store", o.storeId);
    const sup = suppliers.get(o.supplierId);
    if (!sup.active) throw new ValidationError("supplierId", `supplier ${o.supplierId} is deactivated`);
    const seen = new Set<string>();
    o.lines.forEach((l, i) => {
      if (seen.has(l.sku)) throw new ValidationError(`lines.${i}.sku`, `SKU ${l.sku} is on the order twice`);
      seen.add(l.sku);
      if (store.productName(l.sku) === undefined)
        throw new ValidationError(`lines.${i}.sku`, `unknown SKU ${l.sku}`);
    });
    const id = db.transaction(() => insertOrder(o, actor, opts.id))();
    const order = get(id);
    return { order, till: update(order) };
  }

  /** One draft per supplier from the store's suggestions; SKUs without a supplier are left out. */
  function createFromSuggestions(
    storeId: string,
    actor: string,
    opts: { windowDays?: number; reviewDays?: number } = {},
  ): { orders: PurchaseOrder[]; till: TillUpdate[]; skipped: { sku: string; reason: string }[] } {
    const s = suggestions(storeId, opts);
    const bySupplier = new Map<string, { sku: string; qty: number }[]>();
    const skipped: { sku: string; reason: string }[] = [];
    for (const i of s.items) {
      if (i.order)
        bySupplier.set(i.supplierId, [...(bySupplier.get(i.supplierId) ?? []), { sku: i.sku, qty: i.qty }]);
      else if (i.reason !== "above_reorder_point") skipped.push({ sku: i.sku, reason: i.reason });
    }
    const ids = db.transaction(() =>
      [...bySupplier].map(([supplierId, lines]) =>
        insertOrder({ storeId, supplierId, lines, note: "from suggestions" }, actor),
      ),
    )();
    const orders = ids.map(get);
    return { orders, till: orders.map(update), skipped };
  }

  /** Sends a draft to the supplier: ordered, expected after the supplier's lead time. */
  function send(id: string, actor: string): { order: PurchaseOrder; till: TillUpdate } {
    const o = get(id);
    orderLifecycle.apply(id, o.status, "send");
    const sup = suppliers.get(o.supplierId);
    if (!sup.active) throw new StateError(id, `supplier ${o.supplierId} is deactivated`);
    const at = now();
    store.markOrdered(
      id,
      actor,
      at.toISOString(),
      new Date(at.getTime() + sup.leadTimeDays * DAY_MS).toISOString(),
    );
    // A delivery may have been booked against the order number before it was sent.
    refreshOne(id);
    const order = get(id);
    return { order, till: update(order) };
  }

  /** The supplier's shipping notice: the goods are on the road (in transit until received). */
  function ship(id: string, _actor: string): { order: PurchaseOrder; till: TillUpdate } {
    const o = get(id);
    orderLifecycle.apply(id, o.status, "ship");
    store.markShipped(id);
    refreshOne(id);
    const order = get(id);
    return { order, till: update(order) };
  }

  /** Cancels a draft, or an ordered one nothing was received of. */
  function cancel(id: string, actor: string): { order: PurchaseOrder; till: TillUpdate } {
    const o = get(id);
    const next = orderLifecycle.apply(id, o.status, "cancel");
    if (o.lines.some((l) => l.received > 0))
      throw new StateError(id, `purchase order ${id} has deliveries; close it instead`);
    store.setStatus(id, next, now().toISOString(), actor);
    const order = get(id);
    return { order, till: update(order) };
  }

  /** Closes an ordered order short: what was received stays, the rest is no longer expected. */
  function close(id: string, actor: string): { order: PurchaseOrder; till: TillUpdate } {
    const o = get(id);
    const next = orderLifecycle.apply(id, o.status, "close");
    store.setStatus(id, next, now().toISOString(), actor);
    const order = get(id);
    return { order, till: update(order) };
  }

  /** Re-sums one order's receipts; returns true when anything changed. */
  function refreshOne(id: string): boolean {
    const o = store.order(id);
    if (!o || (o.status !== "ordered" && o.status !== "in_transit" && o.status !== "draft")) return false;
    const status0 = o.status as OrderStatus;
    const { bySku } = receiptsOf(o);
    let changed = false;
    const next = store.lines(id).map((l) => {
      const received = bySku.get(l.sku) ?? 0;
      if (received !== l.received) {
        store.setReceived(id, l.sku, received);
        changed = true;
      }
      return { ...l, received };
    });
    const status = statusAfterReceipts(status0, next);
    if (status !== status0) {
      store.setStatus(id, status, now().toISOString(), `store ${o.storeId}`);
      changed = true;
    }
    return changed;
  }

  /**
   * Re-sums the receipts of every ordered or shipped order (one transaction); returns the till updates of
   * the orders that changed. Run on a timer by the hub and before any read of an order.
   */
  function refreshReceipts(): TillUpdate[] {
    const changed = db.transaction(() => store.openIds().filter((id) => refreshOne(id)))();
    return changed.map((id) => update(get(id)));
  }

  function list(opts: z.infer<typeof OrderListQuery> & { regions?: string[] } = {}) {
    return store.listIds({ ...opts, limit: opts.limit ?? 200 }).map(get);
  }

  return {
    /** What the stores received against an order: receipts with lines and lots (receipts.ts). */
    receiptsOf: (id: string) =>
      orderReceipts(get(id).storeId, store.receiptDocs(id), (sku) => store.productName(sku)),
    assignSkus,
    skusOf,
    suggestions,
    create,
    createFromSuggestions,
    send,
    ship,
    cancel,
    close,
    refreshReceipts,
    get,
    list,
    /** What the till is told about an order as it stands. */
    tillUpdateOf: (id: string) => update(get(id)),
  };
}

export type Replenishment = ReturnType<typeof createReplenishment>;
