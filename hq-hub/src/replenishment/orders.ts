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
import {
  type OrderLine,
  type OrderStatus,
  outstanding,
  receivedBySku,
  type Suggestion,
  statusAfterReceipts,
  suggestOrder,
  tillItems,
} from "./plan.ts";

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
  status: z.enum(["draft", "ordered", "received", "closed", "cancelled", "open"]).optional(),
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
  const { db, now, stock, suppliers } = deps;

  const q = {
    order: db.prepare("SELECT * FROM purchase_orders WHERE id = ?"),
    lines: db.prepare("SELECT sku, qty, received FROM purchase_order_lines WHERE po_id = ? ORDER BY sku"),
    receipts: db.prepare("SELECT store_id, lines_json FROM receivings WHERE purchase_order_id = ?"),
    setReceived: db.prepare("UPDATE purchase_order_lines SET received = ? WHERE po_id = ? AND sku = ?"),
    setStatus: db.prepare("UPDATE purchase_orders SET status = ?, ended_at = ?, ended_by = ? WHERE id = ?"),
    supplierOf: db.prepare("SELECT supplier_id FROM supplier_skus WHERE sku = ?"),
    onOrder: db.prepare(
      `SELECT l.sku, SUM(MAX(l.qty - l.received, 0)) AS n FROM purchase_order_lines l
       JOIN purchase_orders o ON o.id = l.po_id
       WHERE o.store_id = ? AND o.status IN ('draft', 'ordered') GROUP BY l.sku`,
    ),
    reorderPoints: db.prepare(
      "SELECT sku, reorder_point FROM reorder_points WHERE store_id = ? ORDER BY sku",
    ),
    open: db.prepare("SELECT id FROM purchase_orders WHERE status = 'ordered' ORDER BY id"),
  };
  const soldSince = db.prepare(
    `SELECT COALESCE(-SUM(qty_delta), 0) AS n FROM stock_ledger
     WHERE id IN (${stock.ledgerIndex.idsWhereKey}) AND kind IN ('sale', 'return') AND at >= ?`,
  );

  function receiptsOf(o: { id: string; store_id: string }) {
    const rows = q.receipts.all(o.id) as { store_id: string; lines_json: string }[];
    return receivedBySku(
      rows.map((r) => ({
        storeId: r.store_id,
        lines: JSON.parse(r.lines_json) as { sku: string; qty: number }[],
      })),
      o.store_id,
    );
  }

  function find(id: string): PurchaseOrder | undefined {
    const o = q.order.get(id) as Record<string, string | null> | undefined;
    if (!o) return undefined;
    const lines = (q.lines.all(id) as OrderLine[]).map((l) => ({ ...l, outstanding: outstanding(l) }));
    const { bySku, otherStore } = receiptsOf({ id, store_id: o.store_id! });
    const listed = new Set(lines.map((l) => l.sku));
    return {
      id,
      storeId: o.store_id!,
      supplierId: o.supplier_id!,
      status: o.status as OrderStatus,
      note: o.note ?? null,
      createdBy: o.created_by!,
      createdAt: o.created_at!,
      orderedBy: o.ordered_by ?? null,
      orderedAt: o.ordered_at ?? null,
      expectedAt: o.expected_at ?? null,
      endedBy: o.ended_by ?? null,
      endedAt: o.ended_at ?? null,
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
      if (!db.prepare("SELECT 1 FROM products WHERE sku = ?").get(sku))
        throw new ValidationError(`skus.${i}`, `unknown SKU ${sku}`);
    });
    const at = now().toISOString();
    const put = db.prepare(
      `INSERT INTO supplier_skus (sku, supplier_id, assigned_by, assigned_at) VALUES (?,?,?,?)
       ON CONFLICT (sku) DO UPDATE SET supplier_id = excluded.supplier_id, assigned_by = excluded.assigned_by, assigned_at = excluded.assigned_at`,
    );
    db.transaction(() => {
      for (const sku of r.data.skus) put.run(sku, supplierId, actor, at);
    })();
    return { supplierId, skus: r.data.skus.length };
  }

  function skusOf(supplierId: string): string[] {
    suppliers.get(supplierId);
    return (
      db.prepare("SELECT sku FROM supplier_skus WHERE supplier_id = ? ORDER BY sku").all(supplierId) as {
        sku: string;
      }[]
    ).map((r) => r.sku);
  }

  /** Every SKU of the store with a reorder point, with what the order-up-to rule says of it. */
  function suggestions(
    storeId: string,
    opts: { windowDays?: number; reviewDays?: number } = {},
  ): {
    storeId: string;
    windowDays: number;
    reviewDays: number;
    items: (Suggestion & {
      name: string | null;
      onHand: number;
      onOrder: number;
      reorderPoint: number;
      soldUnits: number;
    })[];
  } {
    if (!db.prepare("SELECT 1 FROM stores WHERE id = ?").get(storeId))
      throw new NotFoundError("store", storeId);
    const windowDays = opts.windowDays ?? 28;
    const reviewDays = opts.reviewDays ?? 7;
    const since = new Date(now().getTime() - windowDays * DAY_MS).toISOString();
    const onOrder = new Map(
      (q.onOrder.all(storeId) as { sku: string; n: number }[]).map((r) => [r.sku, r.n] as const),
    );
    const supplierCache = new Map<string, ReturnType<Suppliers["get"]> | undefined>();
    const supplierFor = (sku: string) => {
      const row = q.supplierOf.get(sku) as { supplier_id: string } | undefined;
      if (!row) return undefined;
      if (!supplierCache.has(row.supplier_id))
        supplierCache.set(row.supplier_id, suppliers.get(row.supplier_id));
      return supplierCache.get(row.supplier_id);
    };
    const items = (q.reorderPoints.all(storeId) as { sku: string; reorder_point: number }[]).map((rp) => {
      const onHand = stock.onHand(storeId, rp.sku)[0]?.on_hand ?? 0;
      const soldUnits = (soldSince.get(storeId, rp.sku, storeId, rp.sku, since) as { n: number }).n;
      const sup = supplierFor(rp.sku);
      const name =
        (db.prepare("SELECT name FROM products WHERE sku = ?").get(rp.sku) as { name: string } | undefined)
          ?.name ?? null;
      const s = suggestOrder({
        sku: rp.sku,
        onHand,
        onOrder: onOrder.get(rp.sku) ?? 0,
        reorderPoint: rp.reorder_point,
        soldUnits,
        windowDays,
        reviewDays,
        ...(sup ? { supplier: sup } : {}),
      });
      return {
        ...s,
        name,
        onHand,
        onOrder: onOrder.get(rp.sku) ?? 0,
        reorderPoint: rp.reorder_point,
        soldUnits,
      };
    });
    return { storeId, windowDays, reviewDays, items };
  }

  function insertOrder(input: PurchaseOrderInput, actor: string): string {
    const id = `PO-${now().toISOString().slice(0, 10).replaceAll("-", "")}-${randomUUID().slice(0, 8).toUpperCase()}`;
    db.prepare(
      "INSERT INTO purchase_orders (id, store_id, supplier_id, status, note, created_by, created_at) VALUES (?,?,?,'draft',?,?,?)",
    ).run(id, input.storeId, input.supplierId, input.note ?? null, actor, now().toISOString());
    const line = db.prepare("INSERT INTO purchase_order_lines (po_id, sku, qty) VALUES (?,?,?)");
    for (const l of input.lines) line.run(id, l.sku, l.qty);
    return id;
  }

  /** A draft order; every SKU must exist and appear once; the supplier must be active. */
  function create(input: unknown, actor: string): { order: PurchaseOrder; till: TillUpdate } {
    const r = PurchaseOrderInput.safeParse(input);
    if (!r.success) throw fromZod(r.error);
    const o = r.data;
    if (!db.prepare("SELECT 1 FROM stores WHERE id = ?").get(o.storeId))
      throw new NotFoundError("store", o.storeId);
    const sup = suppliers.get(o.supplierId);
    if (!sup.active) throw new ValidationError("supplierId", `supplier ${o.supplierId} is deactivated`);
    const seen = new Set<string>();
    o.lines.forEach((l, i) => {
      if (seen.has(l.sku)) throw new ValidationError(`lines.${i}.sku`, `SKU ${l.sku} is on the order twice`);
      seen.add(l.sku);
      if (!db.prepare("SELECT 1 FROM products WHERE sku = ?").get(l.sku))
        throw new ValidationError(`lines.${i}.sku`, `unknown SKU ${l.sku}`);
    });
    const id = db.transaction(() => insertOrder(o, actor))();
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
    if (o.status !== "draft")
      throw new StateError(id, `purchase order ${id} is ${o.status}, only a draft is sent`);
    const sup = suppliers.get(o.supplierId);
    if (!sup.active) throw new StateError(id, `supplier ${o.supplierId} is deactivated`);
    const at = now();
    db.prepare(
      "UPDATE purchase_orders SET status = 'ordered', ordered_by = ?, ordered_at = ?, expected_at = ? WHERE id = ? AND status = 'draft'",
    ).run(actor, at.toISOString(), new Date(at.getTime() + sup.leadTimeDays * DAY_MS).toISOString(), id);
    // A delivery may have been booked against the order number before it was sent.
    refreshOne(id);
    const order = get(id);
    return { order, till: update(order) };
  }

  /** Cancels a draft, or an ordered one nothing was received of. */
  function cancel(id: string, actor: string): { order: PurchaseOrder; till: TillUpdate } {
    const o = get(id);
    if (o.status !== "draft" && o.status !== "ordered")
      throw new StateError(id, `purchase order ${id} is ${o.status} and cannot be cancelled`);
    if (o.lines.some((l) => l.received > 0))
      throw new StateError(id, `purchase order ${id} has deliveries; close it instead`);
    q.setStatus.run("cancelled", now().toISOString(), actor, id);
    const order = get(id);
    return { order, till: update(order) };
  }

  /** Closes an ordered order short: what was received stays, the rest is no longer expected. */
  function close(id: string, actor: string): { order: PurchaseOrder; till: TillUpdate } {
    const o = get(id);
    if (o.status !== "ordered")
      throw new StateError(id, `purchase order ${id} is ${o.status}, only an ordered one is closed`);
    q.setStatus.run("closed", now().toISOString(), actor, id);
    const order = get(id);
    return { order, till: update(order) };
  }

  /** Re-sums one order's receipts; returns true when anything changed. */
  function refreshOne(id: string): boolean {
    const o = q.order.get(id) as { id: string; store_id: string; status: OrderStatus } | undefined;
    if (!o || (o.status !== "ordered" && o.status !== "draft")) return false;
    const { bySku } = receiptsOf(o);
    const lines = q.lines.all(id) as OrderLine[];
    let changed = false;
    const next = lines.map((l) => {
      const received = bySku.get(l.sku) ?? 0;
      if (received !== l.received) {
        q.setReceived.run(received, id, l.sku);
        changed = true;
      }
      return { ...l, received };
    });
    const status = statusAfterReceipts(o.status, next);
    if (status !== o.status) {
      q.setStatus.run(status, now().toISOString(), `store ${o.store_id}`, id);
      changed = true;
    }
    return changed;
  }

  /**
   * Re-sums the receipts of every ordered order (one transaction); returns the till updates of
   * the orders that changed. Run on a timer by the hub and before any read of an order.
   */
  function refreshReceipts(): TillUpdate[] {
    const changed = db.transaction(() =>
      (q.open.all() as { id: string }[]).map((r) => r.id).filter((id) => refreshOne(id)),
    )();
    return changed.map((id) => update(get(id)));
  }

  function list(opts: z.infer<typeof OrderListQuery> & { regions?: string[] } = {}) {
    const rows = db
      .prepare(
        `SELECT o.id FROM purchase_orders o JOIN stores s ON s.id = o.store_id
         WHERE (?1 IS NULL OR o.store_id = ?1)
           AND (?2 IS NULL OR o.status = ?2 OR (?2 = 'open' AND o.status IN ('draft', 'ordered')))
           AND (?3 IS NULL OR s.region IN (SELECT value FROM json_each(?3)))
         ORDER BY o.created_at DESC, o.id DESC LIMIT ?4`,
      )
      .all(
        opts.store ?? null,
        opts.status ?? null,
        opts.regions ? JSON.stringify(opts.regions) : null,
        opts.limit ?? 200,
      ) as { id: string }[];
    return rows.map((r) => get(r.id));
  }

  return {
    assignSkus,
    skusOf,
    suggestions,
    create,
    createFromSuggestions,
    send,
    cancel,
    close,
    refreshReceipts,
    get,
    list,
  };
}

export type Replenishment = ReturnType<typeof createReplenishment>;
