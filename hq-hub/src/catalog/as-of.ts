// The catalog a store had at a position of its release log: the price schedules of its scopes
// for a SKU, and (for re-pricing its sales at HQ) its promotions and resolved prices.
import {
  type CheckedPromotions,
  categoryLeaves,
  checkPromotions,
  expandPromotionCategories,
  NO_POINTS_RULE,
  POINTS_RULE_KEY,
  type Price,
  PricingError,
  type Promotion,
} from "@retail/protocol";
import { and, asc, desc, eq, lte, sql } from "drizzle-orm";
import { catalogReleases, changesetItems } from "../db/schema.ts";
import type { CatalogView } from "../ingest/price-audit.ts";
import type { StoreLogs } from "../rollout/logs.ts";
import type { StoreLog } from "../rollout/release-log.ts";
import type { CatalogContext } from "./context.ts";
import { type PriceSchedule, priceKey } from "./rules.ts";
import { resolvePrice, type StoreRef } from "./view.ts";

const p = sql.placeholder;

/** Signature of a store's log up to a position: stores with equal prefixes get equal pages. */
export function prefixSig(log: StoreLog, upTo: number): string {
  let lo = 0;
  let hi = log.positions.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (log.positions[mid]! <= upTo) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? "0" : `${lo}.${log.prefix[lo - 1]}`;
}

export function createCatalogAsOf(ctx: CatalogContext, logs: StoreLogs) {
  const { orm, caches } = ctx;
  const released = and(
    eq(catalogReleases.changesetId, changesetItems.changesetId),
    eq(catalogReleases.storeId, p("storeId")),
    lte(catalogReleases.position, p("upTo")),
  );

  const storeOverride = orm
    .select({ key: changesetItems.key })
    .from(changesetItems)
    .where(eq(changesetItems.storeScope, p("storeId")))
    .limit(1)
    .prepare();

  function hasStoreOverrides(storeId: string): boolean {
    return storeOverride.get({ storeId }) !== undefined;
  }

  // The last release of a price key in a store's log up to a position.
  const lastPrice = orm
    .select({ op: changesetItems.op, dataJson: changesetItems.dataJson })
    .from(changesetItems)
    .innerJoin(catalogReleases, released)
    .where(and(eq(changesetItems.entity, "price"), eq(changesetItems.key, p("key"))))
    .orderBy(desc(catalogReleases.position))
    .limit(1)
    .prepare();

  /** Price schedules of the store's scopes for one SKU, as of position `upTo` of its log. */
  function schedulesAsOf(s: StoreRef, log: StoreLog, upTo: number, sku: string): PriceSchedule[] {
    const sig = `${s.region}|${hasStoreOverrides(s.id) ? s.id : ""}|${prefixSig(log, upTo)}|${sku}`;
    const hit = caches.schedules.get(sig);
    if (hit) return hit;
    const keys = [
      priceKey({ sku, scope: "chain", scopeKey: "" }),
      priceKey({ sku, scope: "region", scopeKey: s.region }),
      priceKey({ sku, scope: "store", scopeKey: s.id }),
    ];
    const out: PriceSchedule[] = [];
    for (const key of keys) {
      const r = lastPrice.get({ key, storeId: s.id, upTo });
      if (r?.op === "upsert" && r.dataJson) out.push(JSON.parse(r.dataJson));
    }
    if (caches.schedules.size > 200_000) caches.schedules.clear();
    caches.schedules.set(sig, out);
    return out;
  }

  // The last release of the chain's points rule in a store's log up to a position.
  const lastPointsRule = orm
    .select({ op: changesetItems.op, dataJson: changesetItems.dataJson })
    .from(changesetItems)
    .innerJoin(catalogReleases, released)
    .where(and(eq(changesetItems.entity, "points_rule"), eq(changesetItems.key, POINTS_RULE_KEY)))
    .orderBy(desc(catalogReleases.position))
    .limit(1)
    .prepare();

  const promotionItems = orm
    .select({ key: changesetItems.key, op: changesetItems.op, dataJson: changesetItems.dataJson })
    .from(changesetItems)
    .innerJoin(catalogReleases, released)
    .where(eq(changesetItems.entity, "promotion"))
    .orderBy(asc(catalogReleases.position))
    .prepare();
  const categoryPaths = orm
    .selectDistinct({ path: sql<string>`json_extract(${changesetItems.dataJson}, '$.category')` })
    .from(changesetItems)
    .innerJoin(catalogReleases, released)
    .where(and(eq(changesetItems.entity, "product"), eq(changesetItems.op, "upsert")))
    .prepare();

  /** The promotions a store had at a version, checked once per log prefix. */
  function promotionsAt(s: StoreRef, log: StoreLog, version: number): CheckedPromotions | { error: string } {
    const sig = prefixSig(log, version);
    const hit = caches.promotions.get(sig);
    if (hit) return hit;
    const m = new Map<string, Promotion>();
    for (const r of promotionItems.all({ storeId: s.id, upTo: version })) {
      if (r.op === "delete") m.delete(r.key);
      else m.set(r.key, JSON.parse(r.dataJson!));
    }
    let promotions = [...m.values()];
    // The till widens a parent-category promotion to the leaves under it in its catalog; do
    // the same over the category paths of the products released to it up to this version.
    if (promotions.some((x) => x.categories)) {
      const paths = categoryPaths.all({ storeId: s.id, upTo: version });
      promotions = expandPromotionCategories(
        promotions,
        categoryLeaves(paths.map((r) => JSON.parse(r.path))),
      );
    }
    // Validated here, once per promotion set, not once per sale re-priced against it.
    let checked: CheckedPromotions | { error: string };
    try {
      checked = checkPromotions(promotions);
    } catch (e) {
      if (!(e instanceof PricingError)) throw e;
      checked = { error: e.message };
    }
    if (caches.promotions.size > 1000) caches.promotions.clear();
    caches.promotions.set(sig, checked);
    return checked;
  }

  /** The catalog a store had at a version; cached per (store, version) until the next change. */
  function catalogAt(storeId: string, version: number): CatalogView {
    ctx.freshen();
    const key = `${storeId}|${version}`;
    let hit = caches.catalogAt.get(key);
    if (!hit) {
      if (caches.catalogAt.size > 5000) caches.catalogAt.clear();
      hit = buildCatalogAt(storeId, version);
      caches.catalogAt.set(key, hit);
    }
    return hit;
  }

  function buildCatalogAt(storeId: string, version: number): CatalogView {
    const s = ctx.store(storeId);
    const log = logs.logOf(s);
    const known = version === 0 || log.index.has(version);
    const promotions = promotionsAt(s, log, version);
    // Resolved once per SKU for this (store, version): every sale re-priced against it reuses it.
    const prices = new Map<string, Price | undefined>();
    const rule = lastPointsRule.get({ storeId: s.id, upTo: version });
    return {
      known,
      promotions,
      pointsRule: rule?.op === "upsert" && rule.dataJson ? JSON.parse(rule.dataJson) : NO_POINTS_RULE,
      price: (sku) => {
        if (prices.has(sku)) return prices.get(sku);
        const price = resolvePrice(sku, schedulesAsOf(s, log, version, sku));
        if (prices.size > 200_000) prices.clear();
        prices.set(sku, price);
        return price;
      },
    };
  }

  return { hasStoreOverrides, schedulesAsOf, catalogAt };
}

export type CatalogAsOf = ReturnType<typeof createCatalogAsOf>;
