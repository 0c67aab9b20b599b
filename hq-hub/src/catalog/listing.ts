// Master records listed a page at a time, in key order (the console's lists and the API).
import { and, asc, eq, inArray, or, sql } from "drizzle-orm";
import {
  barcodes,
  cashiers,
  coupons,
  members,
  pointsRules,
  priceSchedules,
  products,
  promotions,
  stores,
} from "../db/schema.ts";
import type { CatalogContext } from "./context.ts";
import type { MasterStore } from "./master.ts";
import type { Entity } from "./rules.ts";

export function createMasterListing(ctx: CatalogContext, master: MasterStore) {
  const { orm } = ctx;

  /** Keys of one entity's master records, a page at a time, in key order. */
  function listKeys(entity: Entity, limit: number, offset: number, region?: string, sku?: string): string[] {
    const page = <
      T extends { limit: (n: number) => { offset: (n: number) => { all: () => { k: string }[] } } },
    >(
      q: T,
    ) =>
      q
        .limit(limit)
        .offset(offset)
        .all()
        .map((r) => r.k);
    const priceKeyExpr = sql<string>`${priceSchedules.sku} || '|' || ${priceSchedules.scope} || '|' || ${priceSchedules.scopeKey}`;
    // Prices a regional manager may see: chain-wide ones, its region's, and its stores'.
    const inRegion = (r: string) =>
      or(
        eq(priceSchedules.scope, "chain"),
        and(eq(priceSchedules.scope, "region"), eq(priceSchedules.scopeKey, r)),
        and(
          eq(priceSchedules.scope, "store"),
          inArray(
            priceSchedules.scopeKey,
            orm.select({ id: stores.id }).from(stores).where(eq(stores.region, r)),
          ),
        ),
      );
    switch (entity) {
      case "product":
        return page(orm.select({ k: products.sku }).from(products).orderBy(asc(products.sku)));
      case "barcode":
        return page(
          orm
            .select({ k: barcodes.code })
            .from(barcodes)
            .where(sku === undefined ? undefined : eq(barcodes.sku, sku))
            .orderBy(asc(barcodes.code)),
        );
      case "price":
        return page(
          orm
            .select({ k: priceKeyExpr })
            .from(priceSchedules)
            .where(
              and(
                sku === undefined ? undefined : eq(priceSchedules.sku, sku),
                region === undefined ? undefined : inRegion(region),
              ),
            )
            .orderBy(asc(priceSchedules.sku), asc(priceSchedules.scope), asc(priceSchedules.scopeKey)),
        );
      case "promotion":
        return page(orm.select({ k: promotions.id }).from(promotions).orderBy(asc(promotions.id)));
      case "member":
        return page(orm.select({ k: members.id }).from(members).orderBy(asc(members.id)));
      case "cashier":
        return page(orm.select({ k: cashiers.id }).from(cashiers).orderBy(asc(cashiers.id)));
      case "coupon":
        return page(orm.select({ k: coupons.code }).from(coupons).orderBy(asc(coupons.code)));
      case "points_rule":
        return page(orm.select({ k: pointsRules.id }).from(pointsRules).orderBy(asc(pointsRules.id)));
    }
  }

  /**
   * Master records, a page at a time. With `region` (a regional manager) prices are only those
   * it may see: chain-wide ones, its region's, and its stores'.
   */
  function listMaster(
    entity: Entity,
    limit: number,
    offset: number,
    region?: string,
    sku?: string,
  ): unknown[] {
    return listKeys(entity, limit, offset, region, sku).map((k) => master.readMaster(entity, k));
  }

  return { listMaster };
}
