// Who may see and touch what, beyond the route's access level: a regional manager reads and edits
// only its region's stores, prices and change sets. One copy, used by every folder's routes.
import { and, asc, eq, inArray, type SQL } from "drizzle-orm";
import { type Entity, parsePriceKey } from "../catalog/rules.ts";
import type { Target } from "../catalog/view.ts";
import { conflicts, priceFindings, stores } from "../db/schema.ts";
import { ForbiddenError } from "../errors.ts";
import type { ApiHub } from "./api-hub.ts";
import { authorize, type Principal } from "./auth.ts";
import { columnsAsStored } from "./table-rows.ts";

export type Scope = ReturnType<typeof createScope>;

/** `hub` is read per call: the app is built before the hub assembles its parts. */
export function createScope(hub: Pick<ApiHub, "stores" | "orm" | "catalog">) {
  const regionOfStore = (id: string) => hub.stores.get(id).region;
  const actor = (p: Principal) => `${p.name} (${p.role})`;

  /** A store's region, or undefined for a store that does not exist (any more). */
  function storeRegion(id: string): string | undefined {
    return hub.orm.select({ region: stores.region }).from(stores).where(eq(stores.id, id)).get()?.region;
  }

  /** Regional managers may edit prices of their region or its stores, nothing chain-wide. */
  function checkEditScope(p: Principal, entity: Entity, key: string) {
    if (p.role !== "regional_manager") return;
    if (entity !== "price")
      throw new ForbiddenError(`regional manager may edit only its region's prices, not ${entity} records`);
    const k = parsePriceKey(key);
    if (k.scope === "chain") throw new ForbiddenError("regional manager may not edit the chain base price");
    authorize(p, "write", k.scope === "region" ? k.scopeKey : regionOfStore(k.scopeKey));
  }

  /**
   * Whether a regional manager's region is concerned by a change set's target: chain-wide and
   * ring targets reach its stores too; a region or store list only when it names its region or
   * one of its stores. Change sets aimed only at other regions are not its business.
   */
  function targetConcerns(p: Principal, target: Target): boolean {
    if (p.role !== "regional_manager") return true;
    switch (target.kind) {
      case "all":
      case "ring":
        return true;
      case "region":
        return target.regions.includes(p.region!);
      case "stores":
        return target.stores.some((s) => storeRegion(s) === p.region);
    }
  }

  /** Reading something of a store (dead letter, conflict, finding): its region must be the manager's. */
  function authorizeStoreRead(p: Principal, storeId: string) {
    if (p.role !== "regional_manager") return;
    const region = storeRegion(storeId);
    if (region !== p.region)
      throw new ForbiddenError(
        `regional manager of ${p.region} may not see store ${storeId}${region ? ` (region ${region})` : ""}`,
      );
  }

  /** A price record (key sku|scope|scopeKey) a regional manager may read: chain, its region, its stores. */
  function authorizePriceRead(p: Principal, key: string) {
    if (p.role !== "regional_manager") return;
    const k = parsePriceKey(key);
    if (k.scope === "chain") return;
    if (k.scope === "region" && k.scopeKey !== p.region)
      throw new ForbiddenError(`regional manager of ${p.region} may not see prices of region ${k.scopeKey}`);
    if (k.scope === "store") authorizeStoreRead(p, k.scopeKey);
  }

  function checkTarget(p: Principal, target: Target) {
    if (p.role !== "regional_manager") return;
    if (target.kind === "region" && target.regions.every((r) => r === p.region)) return;
    if (target.kind === "stores" && target.stores.every((s) => regionOfStore(s) === p.region)) return;
    throw new ForbiddenError(`regional manager of ${p.region} may target only its own region or stores`);
  }

  /** Writing into an explicit change set: a regional manager only into one aimed at its region. */
  function checkChangesetScope(p: Principal, changesetId: number | undefined) {
    if (p.role !== "regional_manager" || changesetId === undefined) return;
    checkTarget(p, hub.catalog.getChangeset(changesetId).target);
  }

  /**
   * The stores a report or finance read covers for this caller: a regional manager reads only its
   * region's stores (?store= of another region is 403, like stores/{id}/sales).
   */
  function readScope(p: Principal, store: string | undefined) {
    if (store !== undefined) authorize(p, "read", regionOfStore(store));
    return {
      ...(store !== undefined ? { store } : {}),
      ...(p.role === "regional_manager" ? { region: p.region! } : {}),
    };
  }

  /**
   * Rows of a per-store alert table, oldest first: of `?store=` when given (checked against the
   * caller's region), and only of its own region's stores for a regional manager.
   */
  function storeScopedRows(
    table: "conflicts" | "price_findings",
    p: Principal,
    query: { store?: string },
    limit?: number,
  ): Record<string, unknown>[] {
    if (query.store !== undefined) authorizeStoreRead(p, query.store);
    const t = table === "conflicts" ? conflicts : priceFindings;
    const where: SQL[] = [];
    if (query.store !== undefined) where.push(eq(t.storeId, query.store));
    if (p.role === "regional_manager")
      where.push(
        inArray(
          t.storeId,
          hub.orm.select({ id: stores.id }).from(stores).where(eq(stores.region, p.region!)),
        ),
      );
    const rows = hub.orm
      .select(columnsAsStored(t))
      .from(t)
      .where(and(...where))
      .orderBy(asc(t.id));
    return limit ? rows.limit(limit).all() : rows.all();
  }

  return {
    actor,
    storeScopedRows,
    regionOfStore,
    storeRegion,
    checkEditScope,
    targetConcerns,
    authorizeStoreRead,
    authorizePriceRead,
    checkTarget,
    checkChangesetScope,
    readScope,
  };
}
