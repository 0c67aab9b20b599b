// Reorder suggestions of a store: every SKU with a reorder point, its on-hand, what is on
// order and its recent sales, run through the order-up-to rule (plan.ts, pure).
import { and, gte, inArray, sql } from "drizzle-orm";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import { stockLedger } from "../db/schema.ts";
import { NotFoundError } from "../errors.ts";
import type { Stock } from "../stock/stock.ts";
import type { Suppliers } from "../suppliers/suppliers.ts";
import type { OrderStore } from "./order-store.ts";
import { type Suggestion, suggestOrder } from "./plan.ts";

const DAY_MS = 86_400_000;

export interface StoreSuggestions {
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
}

export function createSuggestions(deps: {
  db: Sqlite;
  now: () => Date;
  stock: Stock;
  suppliers: Suppliers;
  orders: OrderStore;
}) {
  const { db, now, stock, suppliers, orders } = deps;
  // Units sold (net of returns) of a store's SKU since a time, through the ledger's look-up by
  // (store, SKU) and its tail (db/deferred-index.ts), prepared once.
  const soldSince = openDrizzle(db)
    .select({ n: sql<number>`COALESCE(-SUM(${stockLedger.qtyDelta}), 0)` })
    .from(stockLedger)
    .where(
      and(
        inArray(
          stockLedger.id,
          stock.ledgerIndex.idsWhere(sql.placeholder("storeId"), sql.placeholder("sku")),
        ),
        inArray(stockLedger.kind, ["sale", "return"]),
        gte(stockLedger.at, sql.placeholder("since")),
      ),
    )
    .prepare();

  /** Every SKU of the store with a reorder point, with what the order-up-to rule says of it. */
  function suggestions(
    storeId: string,
    opts: { windowDays?: number; reviewDays?: number } = {},
  ): StoreSuggestions {
    if (!orders.storeExists(storeId)) throw new NotFoundError("store", storeId);
    const windowDays = opts.windowDays ?? 28;
    const reviewDays = opts.reviewDays ?? 7;
    const since = new Date(now().getTime() - windowDays * DAY_MS).toISOString();
    // Shipped orders still count as coming (the order-up-to rule knows one kind of "on order").
    const onOrder = orders.onOrder(storeId);
    for (const [sku, n] of orders.inTransit(storeId)) onOrder.set(sku, (onOrder.get(sku) ?? 0) + n);
    const supplierCache = new Map<string, ReturnType<Suppliers["get"]> | undefined>();
    const supplierFor = (sku: string) => {
      const id = orders.supplierOf(sku);
      if (id === undefined) return undefined;
      if (!supplierCache.has(id)) supplierCache.set(id, suppliers.get(id));
      return supplierCache.get(id);
    };
    const items = orders.reorderPointsOf(storeId).map((rp) => {
      const onHand = stock.onHand(storeId, rp.sku)[0]?.on_hand ?? 0;
      const soldUnits = soldSince.get({ storeId, sku: rp.sku, since })?.n ?? 0;
      const supplier = supplierFor(rp.sku);
      // The product's purchase pack (case of 12) rounds the order; else the supplier's pack.
      const pack = supplier && orders.purchasePack(rp.sku);
      const sup = supplier && pack ? { ...supplier, packSize: pack } : supplier;
      const name = orders.productName(rp.sku) ?? null;
      const s = suggestOrder({
        sku: rp.sku,
        onHand,
        onOrder: onOrder.get(rp.sku) ?? 0,
        reorderPoint: rp.reorderPoint,
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
        reorderPoint: rp.reorderPoint,
        soldUnits,
      };
    });
    return { storeId, windowDays, reviewDays, items };
  }

  return { suggestions };
}
