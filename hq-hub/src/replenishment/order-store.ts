// Purchase orders at rest (drizzle): orders, their lines, the stores' receipts naming them,
// supplier assignments of SKUs and what is on order per SKU.
import { type Product, purchasePackQty } from "@retail/protocol";
import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import {
  products,
  purchaseOrderLines,
  purchaseOrders,
  receivings,
  reorderPoints,
  stores,
  supplierSkus,
  transferLines,
  transfers,
} from "../db/schema.ts";
import type { OrderLine, OrderStatus } from "./plan.ts";

export type OrderRow = typeof purchaseOrders.$inferSelect;

export function createOrderStore(db: Sqlite) {
  const orm = openDrizzle(db);

  const order = (id: string): OrderRow | undefined =>
    orm.select().from(purchaseOrders).where(eq(purchaseOrders.id, id)).get();

  const lines = (id: string): OrderLine[] =>
    orm
      .select({
        sku: purchaseOrderLines.sku,
        qty: purchaseOrderLines.qty,
        received: purchaseOrderLines.received,
      })
      .from(purchaseOrderLines)
      .where(eq(purchaseOrderLines.poId, id))
      .orderBy(asc(purchaseOrderLines.sku))
      .all();

  /** The receipts that name an order, from whichever store confirmed them. */
  const receipts = (id: string) =>
    orm
      .select({ storeId: receivings.storeId, linesJson: receivings.linesJson })
      .from(receivings)
      .where(eq(receivings.purchaseOrderId, id))
      .all()
      .map((r) => ({ storeId: r.storeId, lines: JSON.parse(r.linesJson) as { sku: string; qty: number }[] }));

  /** The receipts naming an order as the stores confirmed them (lines with their lots), oldest first. */
  const receiptDocs = (id: string) =>
    orm
      .select({
        storeId: receivings.storeId,
        receivingId: receivings.receivingId,
        confirmedBy: receivings.confirmedBy,
        confirmedAt: receivings.confirmedAt,
        linesJson: receivings.linesJson,
      })
      .from(receivings)
      .where(eq(receivings.purchaseOrderId, id))
      .orderBy(asc(receivings.confirmedAt), asc(receivings.receivingId))
      .all();

  function insert(
    o: {
      id: string;
      storeId: string;
      supplierId: string;
      note: string | null;
      createdBy: string;
      createdAt: string;
    },
    orderLines: readonly { sku: string; qty: number }[],
  ) {
    orm
      .insert(purchaseOrders)
      .values({ ...o, status: "draft" })
      .run();
    for (const l of orderLines)
      orm.insert(purchaseOrderLines).values({ poId: o.id, sku: l.sku, qty: l.qty }).run();
  }

  function setStatus(id: string, status: OrderStatus, at: string, by: string) {
    orm
      .update(purchaseOrders)
      .set({ status, endedAt: at, endedBy: by })
      .where(eq(purchaseOrders.id, id))
      .run();
  }

  function markOrdered(id: string, by: string, at: string, expectedAt: string) {
    orm
      .update(purchaseOrders)
      .set({ status: "ordered", orderedBy: by, orderedAt: at, expectedAt })
      .where(and(eq(purchaseOrders.id, id), eq(purchaseOrders.status, "draft")))
      .run();
  }

  /** The supplier shipped an ordered order (no end: it is still expected). */
  function markShipped(id: string) {
    orm
      .update(purchaseOrders)
      .set({ status: "in_transit" })
      .where(and(eq(purchaseOrders.id, id), eq(purchaseOrders.status, "ordered")))
      .run();
  }

  function setReceived(id: string, sku: string, received: number) {
    orm
      .update(purchaseOrderLines)
      .set({ received })
      .where(and(eq(purchaseOrderLines.poId, id), eq(purchaseOrderLines.sku, sku)))
      .run();
  }

  /** Orders still expecting deliveries. */
  const openIds = (): string[] =>
    orm
      .select({ id: purchaseOrders.id })
      .from(purchaseOrders)
      .where(inArray(purchaseOrders.status, ["ordered", "in_transit"]))
      .orderBy(asc(purchaseOrders.id))
      .all()
      .map((r) => r.id);

  /**
   * Units still expected per SKU at a store (drafts and ordered, never below zero a line), and
   * the approved transfers into it that have not left the sender yet (coming, like a draft).
   */
  const onOrder = (storeId: string): Map<string, number> =>
    plus(outstandingBy(storeId, ["draft", "ordered"]), transfersInto(storeId, "approved"));
  /**
   * Units on the road to a store, per SKU: what the suppliers shipped that it has not received
   * yet, and what other stores shipped it by transfer (issue 17: the plan must not order again
   * what a nearby store already sent).
   */
  const inTransit = (storeId: string): Map<string, number> =>
    plus(outstandingBy(storeId, ["in_transit"]), transfersInto(storeId, "shipped"));

  /** Per SKU, the transfers into a store in one state: shipped quantities once shipped, else requested. */
  const transfersInto = (storeId: string, status: "approved" | "shipped"): Map<string, number> =>
    new Map(
      orm
        .select({
          sku: transferLines.sku,
          n: sql<number>`SUM(${status === "shipped" ? transferLines.shippedQty : transferLines.requestedQty})`,
        })
        .from(transferLines)
        .innerJoin(transfers, eq(transfers.id, transferLines.transferId))
        .where(and(eq(transfers.toStoreId, storeId), eq(transfers.status, status)))
        .groupBy(transferLines.sku)
        .all()
        .filter((r) => r.n > 0)
        .map((r) => [r.sku, r.n] as const),
    );

  const outstandingBy = (storeId: string, statuses: string[]): Map<string, number> =>
    new Map(
      orm
        .select({
          sku: purchaseOrderLines.sku,
          n: sql<number>`SUM(MAX(${purchaseOrderLines.qty} - ${purchaseOrderLines.received}, 0))`,
        })
        .from(purchaseOrderLines)
        .innerJoin(purchaseOrders, eq(purchaseOrders.id, purchaseOrderLines.poId))
        .where(and(eq(purchaseOrders.storeId, storeId), inArray(purchaseOrders.status, statuses)))
        .groupBy(purchaseOrderLines.sku)
        .all()
        .map((r) => [r.sku, r.n] as const),
    );

  const supplierOf = (sku: string): string | undefined =>
    orm.select({ id: supplierSkus.supplierId }).from(supplierSkus).where(eq(supplierSkus.sku, sku)).get()?.id;

  function assign(skus: readonly string[], supplierId: string, by: string, at: string) {
    for (const sku of skus)
      orm
        .insert(supplierSkus)
        .values({ sku, supplierId, assignedBy: by, assignedAt: at })
        .onConflictDoUpdate({
          target: supplierSkus.sku,
          set: { supplierId, assignedBy: by, assignedAt: at },
        })
        .run();
  }

  const skusOf = (supplierId: string): string[] =>
    orm
      .select({ sku: supplierSkus.sku })
      .from(supplierSkus)
      .where(eq(supplierSkus.supplierId, supplierId))
      .orderBy(asc(supplierSkus.sku))
      .all()
      .map((r) => r.sku);

  const reorderPointsOf = (storeId: string) =>
    orm
      .select({ sku: reorderPoints.sku, reorderPoint: reorderPoints.reorderPoint })
      .from(reorderPoints)
      .where(eq(reorderPoints.storeId, storeId))
      .orderBy(asc(reorderPoints.sku))
      .all();

  const productName = (sku: string): string | undefined =>
    orm.select({ name: products.name }).from(products).where(eq(products.sku, sku)).get()?.name;
  /** Units per purchase pack of a SKU (its product's pack marked purchase), if any. */
  const purchasePack = (sku: string): number | undefined => {
    const r = orm.select({ dataJson: products.dataJson }).from(products).where(eq(products.sku, sku)).get();
    return r ? purchasePackQty(JSON.parse(r.dataJson) as Product) : undefined;
  };
  const storeExists = (id: string) =>
    orm.select({ id: stores.id }).from(stores).where(eq(stores.id, id)).get() !== undefined;
  const hasOrder = (id: string) =>
    orm.select({ id: purchaseOrders.id }).from(purchaseOrders).where(eq(purchaseOrders.id, id)).get() !==
    undefined;

  /** Order ids, newest first, by store, status ("open": draft or ordered) and regions. */
  function listIds(opts: { store?: string; status?: string; regions?: string[]; limit: number }): string[] {
    return orm
      .select({ id: purchaseOrders.id })
      .from(purchaseOrders)
      .innerJoin(stores, eq(stores.id, purchaseOrders.storeId))
      .where(
        and(
          opts.store === undefined ? undefined : eq(purchaseOrders.storeId, opts.store),
          opts.status === undefined
            ? undefined
            : opts.status === "open"
              ? inArray(purchaseOrders.status, ["draft", "ordered", "in_transit"])
              : eq(purchaseOrders.status, opts.status),
          opts.regions === undefined
            ? undefined
            : opts.regions.length === 0
              ? sql`0`
              : inArray(stores.region, opts.regions),
        ),
      )
      .orderBy(desc(purchaseOrders.createdAt), desc(purchaseOrders.id))
      .limit(opts.limit)
      .all()
      .map((r) => r.id);
  }

  return {
    order,
    lines,
    receipts,
    receiptDocs,
    insert,
    setStatus,
    markOrdered,
    markShipped,
    setReceived,
    openIds,
    onOrder,
    inTransit,
    supplierOf,
    assign,
    skusOf,
    reorderPointsOf,
    productName,
    purchasePack,
    storeExists,
    hasOrder,
    listIds,
  };
}

export type OrderStore = ReturnType<typeof createOrderStore>;

function plus(a: Map<string, number>, b: ReadonlyMap<string, number>): Map<string, number> {
  for (const [k, n] of b) a.set(k, (a.get(k) ?? 0) + n);
  return a;
}
