// Automatic replenishment at rest (drizzle): reorder parameters, schedules, runs and the
// decision on each order a run drafted.
import { type Product, purchasePackQty } from "@retail/protocol";
import { and, asc, desc, eq, inArray, max, sql } from "drizzle-orm";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import {
  barcodes,
  products,
  promotions as promotionsTable,
  reorderParams,
  reorderPoints,
  replenishmentRunOrders,
  replenishmentRuns,
  replenishmentSchedules,
  storeGroupMembers,
  storeGroups,
  stores,
  supplierSkus,
} from "../db/schema.ts";
import type { ParamOverrides } from "./auto-plan.ts";
import type { PromotionLike } from "./promo-days.ts";

export type ParamRowAtRest = typeof reorderParams.$inferSelect;

/** A product's category path, top first ("10/1001" -> ["10", "1001"]), from its catalog data. */
function pathOf(dataJson: string): string[] {
  const c = (JSON.parse(dataJson) as { category?: unknown }).category;
  return Array.isArray(c) ? c.map(String) : [];
}

export function createAutoStore(db: Sqlite) {
  const orm = openDrizzle(db);

  const paramsOf = (storeId: string) =>
    orm.select().from(reorderParams).where(eq(reorderParams.storeId, storeId)).all();

  /** The SKUs a store plans: those with parameters or a reorder point there. */
  const plannedSkus = (storeId: string): string[] => {
    const a = orm
      .select({ sku: reorderParams.sku })
      .from(reorderParams)
      .where(eq(reorderParams.storeId, storeId))
      .all();
    const b = orm
      .select({ sku: reorderPoints.sku })
      .from(reorderPoints)
      .where(eq(reorderPoints.storeId, storeId))
      .all();
    return [...new Set([...a, ...b].map((r) => r.sku))].sort();
  };

  function upsertParams(storeId: string, sku: string, set: ParamOverrides, by: string, at: string) {
    orm
      .insert(reorderParams)
      .values({ storeId, sku, ...set, updatedBy: by, updatedAt: at })
      .onConflictDoUpdate({
        target: [reorderParams.storeId, reorderParams.sku],
        set: { ...set, updatedBy: by, updatedAt: at },
      })
      .run();
  }

  /** Stores by region (a store group) or ids; every store when neither is given. */
  const storeIds = (sel: { region?: string; storeIds?: string[]; groupId?: string }): string[] =>
    orm
      .select({ id: stores.id })
      .from(stores)
      .where(
        and(
          sel.region === undefined ? undefined : eq(stores.region, sel.region),
          sel.storeIds === undefined ? undefined : inArray(stores.id, sel.storeIds),
          sel.groupId === undefined
            ? undefined
            : inArray(
                stores.id,
                orm
                  .select({ id: storeGroupMembers.storeId })
                  .from(storeGroupMembers)
                  .where(eq(storeGroupMembers.groupId, sel.groupId)),
              ),
        ),
      )
      .orderBy(asc(stores.id))
      .all()
      .map((r) => r.id);

  const groupExists = (id: string) =>
    orm.select({ id: storeGroups.id }).from(storeGroups).where(eq(storeGroups.id, id)).get() !== undefined;

  /** SKUs with a supplier, by category (any level of the product's category path) and supplier. */
  const skusWhere = (sel: { category?: string; supplierId?: string }): string[] =>
    orm
      .select({ sku: supplierSkus.sku, dataJson: products.dataJson })
      .from(supplierSkus)
      .innerJoin(products, eq(products.sku, supplierSkus.sku))
      .where(sel.supplierId === undefined ? undefined : eq(supplierSkus.supplierId, sel.supplierId))
      .all()
      .filter((r) => sel.category === undefined || pathOf(r.dataJson).includes(sel.category))
      .map((r) => r.sku);

  const product = (sku: string) => {
    const p = orm
      .select({
        name: products.name,
        weighed: products.weighed,
        unit: products.unit,
        dataJson: products.dataJson,
      })
      .from(products)
      .where(eq(products.sku, sku))
      .get();
    if (!p) return undefined;
    const path = pathOf(p.dataJson);
    return {
      name: p.name,
      weighed: p.weighed,
      unit: p.unit,
      /** Units per purchase pack (the product's pack marked purchase), if it has one. */
      purchasePack: purchasePackQty(JSON.parse(p.dataJson) as Product),
      path,
      category: path.join("/"),
      pool: path[0] ?? "-",
    };
  };

  const barcodeOf = (sku: string): string | null =>
    orm
      .select({ code: barcodes.code })
      .from(barcodes)
      .where(eq(barcodes.sku, sku))
      .orderBy(asc(barcodes.code))
      .get()?.code ?? null;
  const storeName = (id: string): string =>
    orm.select({ name: stores.name }).from(stores).where(eq(stores.id, id)).get()?.name ?? id;

  /** The catalog's promotions (their protocol shape), for the days they lift demand. */
  const promotions = (): PromotionLike[] =>
    orm
      .select({ dataJson: promotionsTable.dataJson })
      .from(promotionsTable)
      .all()
      .map((r) => JSON.parse(r.dataJson) as PromotionLike);

  const schedule = (storeId: string) =>
    orm.select().from(replenishmentSchedules).where(eq(replenishmentSchedules.storeId, storeId)).get();
  const schedules = () => orm.select().from(replenishmentSchedules).all();

  function setSchedule(row: typeof replenishmentSchedules.$inferInsert) {
    orm
      .insert(replenishmentSchedules)
      .values(row)
      .onConflictDoUpdate({ target: replenishmentSchedules.storeId, set: row })
      .run();
  }

  /** The last scheduled run of every store. */
  const lastScheduledRuns = (): Map<string, Date> =>
    new Map(
      orm
        .select({ storeId: replenishmentRuns.storeId, at: max(replenishmentRuns.at) })
        .from(replenishmentRuns)
        .where(eq(replenishmentRuns.trigger, "schedule"))
        .groupBy(replenishmentRuns.storeId)
        .all()
        .map((r) => [r.storeId, new Date(r.at!)] as const),
    );

  function insertRun(
    run: typeof replenishmentRuns.$inferInsert,
    orders: (typeof replenishmentRunOrders.$inferInsert)[],
  ) {
    orm.insert(replenishmentRuns).values(run).run();
    for (const o of orders) orm.insert(replenishmentRunOrders).values(o).run();
  }

  const runExists = (id: string) =>
    orm
      .select({ id: replenishmentRuns.id })
      .from(replenishmentRuns)
      .where(eq(replenishmentRuns.id, id))
      .get() !== undefined;

  const runOrder = (poId: string) =>
    orm.select().from(replenishmentRunOrders).where(eq(replenishmentRunOrders.poId, poId)).get();

  function decideOrder(poId: string, decision: string, by: string, at: string) {
    orm
      .update(replenishmentRunOrders)
      .set({ decision, decidedBy: by, decidedAt: at })
      .where(
        and(eq(replenishmentRunOrders.poId, poId), eq(replenishmentRunOrders.decision, "awaiting_approval")),
      )
      .run();
  }

  const runs = (opts: { storeId?: string; regions?: string[]; limit: number }) =>
    orm
      .select()
      .from(replenishmentRuns)
      .innerJoin(stores, eq(stores.id, replenishmentRuns.storeId))
      .where(
        and(
          opts.storeId === undefined ? undefined : eq(replenishmentRuns.storeId, opts.storeId),
          opts.regions === undefined
            ? undefined
            : opts.regions.length === 0
              ? sql`0`
              : inArray(stores.region, opts.regions),
        ),
      )
      .orderBy(desc(replenishmentRuns.at), desc(replenishmentRuns.id))
      .limit(opts.limit)
      .all()
      .map((r) => r.replenishment_runs);

  const ordersOfRun = (runId: string) =>
    orm.select().from(replenishmentRunOrders).where(eq(replenishmentRunOrders.runId, runId)).all();

  return {
    paramsOf,
    plannedSkus,
    upsertParams,
    storeIds,
    groupExists,
    skusWhere,
    product,
    barcodeOf,
    promotions,
    storeName,
    schedule,
    schedules,
    setSchedule,
    lastScheduledRuns,
    insertRun,
    runExists,
    runOrder,
    decideOrder,
    runs,
    ordersOfRun,
  };
}

export type AutoStore = ReturnType<typeof createAutoStore>;
