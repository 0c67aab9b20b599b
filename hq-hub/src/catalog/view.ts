// What one store sees of the chain's change sets, as pure functions: which versions are
// released to it, its pointer, and the store-facing items of a version (price schedules of
// chain, its region and itself resolved into one PriceV1 per SKU), cut into bounded pages.
import { type CatalogChangeSet, type ChangeItem, MAX_MQTT_PAYLOAD_BYTES, type Price } from "@retail/protocol";
import { ENTITIES, type Entity, type PriceSchedule, parsePriceKey } from "./rules.ts";

export type Target =
  | { kind: "all" }
  | { kind: "region"; regions: string[] }
  | { kind: "ring"; ring: "pilot" | "general" }
  | { kind: "stores"; stores: string[] };

export interface StoreRef {
  id: string;
  region: string;
  ring: string;
  snapshotFloor: number;
}

export type ChangesetState = "draft" | "pilot" | "released" | "rolled_back";

export interface ChangesetRef {
  id: number;
  version: number | null;
  state: ChangesetState;
  target: Target;
  /** Stores of the pilot ring inside the target when the change set was released. */
  pilotStores: string[] | null;
  /** Promoted to the whole target (before any rollback). */
  promoted: boolean;
  effectiveAt?: string | null;
  /** Its place in release order for its pilot stores (everyone, when released to all). */
  pilotPosition?: number | null;
  /** Its place in release order for the rest of its target (the promotion), if it got there. */
  generalPosition?: number | null;
}

export function inTarget(store: Pick<StoreRef, "id" | "region" | "ring">, target: Target): boolean {
  switch (target.kind) {
    case "all":
      return true;
    case "region":
      return target.regions.includes(store.region);
    case "ring":
      return store.ring === target.ring;
    case "stores":
      return target.stores.includes(store.id);
  }
}

/**
 * Whether a change set is released to a store. Pilot: the pilot stores recorded at release.
 * Promoted: every store in the target, including stores enrolled later (that is how a new
 * store bootstraps). A rolled-back change set stays visible to whoever had it, because its
 * compensating change set (same visibility) undoes it in a later version.
 */
export function visibleTo(store: Pick<StoreRef, "id" | "region" | "ring">, cs: ChangesetRef): boolean {
  if (cs.version === null || cs.state === "draft") return false;
  if (cs.promoted || cs.state === "released") return inTarget(store, cs.target);
  return (cs.pilotStores ?? []).includes(store.id);
}

/**
 * The change sets a store sees by rule, in the order they were released to it: at their pilot
 * position if it was a pilot store, else at their promotion. How a new or moved store's log is
 * rebuilt (release-log.ts); a listed store is served its log, never this.
 */
export function relistOrder<T extends ChangesetRef>(
  store: Pick<StoreRef, "id" | "region" | "ring">,
  changesets: readonly T[],
): T[] {
  const key = (cs: ChangesetRef) => releasedAt(store, cs) ?? cs.version ?? 0;
  return changesets
    .filter((cs) => visibleTo(store, cs))
    .sort((a, b) => key(a) - key(b) || (a.version ?? 0) - (b.version ?? 0));
}

/** The position at which a change set it sees was released to a store (pilot or promotion). */
export function releasedAt(store: Pick<StoreRef, "id">, cs: ChangesetRef): number | null {
  return (cs.pilotStores ?? []).includes(store.id)
    ? (cs.pilotPosition ?? null)
    : (cs.generalPosition ?? null);
}

/** The versions released to a store, ascending. */
export function versionsFor(store: StoreRef, changesets: readonly ChangesetRef[]): number[] {
  return changesets
    .filter((cs) => visibleTo(store, cs))
    .map((cs) => cs.version!)
    .sort((a, b) => a - b);
}

export function pointerFor(
  store: StoreRef,
  versions: readonly number[],
  globalFloor: number,
): { version: number; snapshotFloor: number } {
  return { version: versions.at(-1) ?? 0, snapshotFloor: Math.max(globalFloor, store.snapshotFloor) };
}

/**
 * What a fetch gets: the next position of the store's log after `fromVersion`, or a snapshot of
 * the latest. `versions` are the positions of the store's log (the protocol's `version` of a
 * store is a position in its own log).
 */
export type FetchPlan =
  | { kind: "delta"; version: number; fromVersion: number }
  | { kind: "snapshot"; version: number; fromVersion: number }
  | { kind: "up_to_date" };

export function planFetch(
  versions: readonly number[],
  pointer: { version: number; snapshotFloor: number },
  fetch: { fromVersion: number; snapshotVersion?: number },
  pendingFrom?: number,
): FetchPlan {
  if (fetch.snapshotVersion !== undefined) {
    // Continuing a snapshot: stay pinned to its version even if newer ones arrived meanwhile.
    return { kind: "snapshot", version: fetch.snapshotVersion, fromVersion: fetch.fromVersion };
  }
  if (pointer.version === 0) return { kind: "up_to_date" };
  // A snapshot is in force at once, so it stops before the first change set scheduled ahead
  // (`pendingFrom`, a position of the log): that one and what follows go as deltas, which the
  // store applies ahead and switches in on its own clock. Below that cap deltas must flow,
  // whatever the floor says.
  const cap = pendingFrom === undefined ? undefined : (versions.filter((v) => v < pendingFrom).at(-1) ?? 0);
  const top = cap !== undefined && cap < pointer.version ? cap : pointer.version;
  const floor = Math.min(pointer.snapshotFloor, top);
  const snapshot = (): FetchPlan =>
    top > 0
      ? { kind: "snapshot", version: top, fromVersion: fetch.fromVersion }
      : // The first change set of the log is scheduled ahead: from nothing, it comes as a delta;
        // a store holding something else has to take the latest as it is.
        fetch.fromVersion === 0
        ? { kind: "delta", version: versions[0]!, fromVersion: 0 }
        : { kind: "snapshot", version: pointer.version, fromVersion: fetch.fromVersion };
  if (fetch.fromVersion === 0 || fetch.fromVersion < floor) return snapshot();
  const next = versions.find((v) => v > fetch.fromVersion);
  if (next === undefined) return { kind: "up_to_date" };
  // A store whose applied version is not one released to it (say its targeting changed) has
  // no delta chain to follow: it gets a snapshot.
  if (!versions.includes(fetch.fromVersion)) return snapshot();
  return { kind: "delta", version: next, fromVersion: fetch.fromVersion };
}

/** A stored change item (entity key, upsert data or delete). */
export interface ItemRow {
  entity: Entity;
  key: string;
  op: "upsert" | "delete";
  data: unknown;
}

/** Whether a price schedule of this key applies at this store. */
export function priceAppliesTo(store: Pick<StoreRef, "id" | "region">, key: string): boolean {
  const { scope, scopeKey } = parsePriceKey(key);
  return (
    scope === "chain" ||
    (scope === "region" && scopeKey === store.region) ||
    (scope === "store" && scopeKey === store.id)
  );
}

/** The schedules of chain, region and store for one SKU, combined into the store's PriceV1. */
export function resolvePrice(sku: string, schedules: readonly PriceSchedule[]): Price | undefined {
  const order = { chain: 0, region: 1, store: 2 } as const;
  const windows = [...schedules]
    .sort((a, b) => order[a.scope] - order[b.scope])
    .flatMap((s) =>
      s.windows.map((w) => ({
        price: w.price,
        source: s.scope,
        ...(w.startsAt ? { startsAt: w.startsAt } : {}),
        ...(w.endsAt ? { endsAt: w.endsAt } : {}),
      })),
    );
  if (windows.length === 0) return undefined;
  // PriceV1 carries at most 50 windows; the most specific ones come last, so keep those.
  return { sku, windows: windows.slice(-50) };
}

const ENTITY_ORDER = new Map(ENTITIES.map((e, i) => [e, i]));

/**
 * The store-facing items of a set of rows (one version's, or a whole folded snapshot).
 * `schedulesOf(sku)` returns the store's chain/region/store schedules of that SKU as of the
 * version being built. Upserts come in dependency order (products before their barcodes and
 * prices), deletes after them in reverse order; a snapshot has no deletes.
 */
export function storeItems(
  store: Pick<StoreRef, "id" | "region">,
  rows: readonly ItemRow[],
  schedulesOf: (sku: string) => PriceSchedule[],
  snapshot: boolean,
): ChangeItem[] {
  const upserts: { entity: Entity; key: string; item: ChangeItem }[] = [];
  const deletes: { entity: Entity; key: string; item: ChangeItem }[] = [];
  const priceSkus = new Set<string>();
  for (const r of rows) {
    if (r.entity === "price") {
      if (priceAppliesTo(store, r.key)) priceSkus.add(parsePriceKey(r.key).sku);
      continue;
    }
    if (r.op === "delete") {
      if (!snapshot)
        deletes.push({ entity: r.entity, key: r.key, item: { op: "delete", entity: r.entity, key: r.key } });
    } else {
      upserts.push({
        entity: r.entity,
        key: r.key,
        item: { op: "upsert", entity: r.entity, data: r.data } as ChangeItem,
      });
    }
  }
  for (const sku of priceSkus) {
    const price = resolvePrice(sku, schedulesOf(sku));
    if (price)
      upserts.push({ entity: "price", key: sku, item: { op: "upsert", entity: "price", data: price } });
    else if (!snapshot)
      deletes.push({ entity: "price", key: sku, item: { op: "delete", entity: "price", key: sku } });
  }
  const cmp = (a: { entity: Entity; key: string }, b: { entity: Entity; key: string }) =>
    ENTITY_ORDER.get(a.entity)! - ENTITY_ORDER.get(b.entity)! || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  upserts.sort(cmp);
  deletes.sort((a, b) => -cmp(a, b));
  return [...upserts, ...deletes].map((x) => x.item);
}

export const MAX_PAGE_ITEMS = 5000;
/** Room left in a page for the envelope around the items. */
const PAGE_BYTES = MAX_MQTT_PAYLOAD_BYTES - 4096;

/** Cuts items into pages of at most 5,000 items and about 508 KiB of JSON each. */
export function paginate(
  items: readonly ChangeItem[],
  maxItems = MAX_PAGE_ITEMS,
  maxBytes = PAGE_BYTES,
): ChangeItem[][] {
  return pageBounds(
    items.map((i) => JSON.stringify(i)),
    maxItems,
    maxBytes,
  ).map(([from, to]) => items.slice(from, to));
}

/** Page boundaries [from, to) over items already serialised (each item is stringified once). */
export function pageBounds(
  itemJson: readonly string[],
  maxItems = MAX_PAGE_ITEMS,
  maxBytes = PAGE_BYTES,
): [number, number][] {
  const bounds: [number, number][] = [];
  let start = 0;
  let bytes = 0;
  for (let i = 0; i < itemJson.length; i++) {
    const size = Buffer.byteLength(itemJson[i]!) + 1;
    if (i > start && (i - start >= maxItems || bytes + size > maxBytes)) {
      bounds.push([start, i]);
      start = i;
      bytes = 0;
    }
    bytes += size;
  }
  bounds.push([start, itemJson.length]); // an empty version still has one (empty) page
  return bounds;
}

export function pagePayload(
  plan: { kind: "delta" | "snapshot"; version: number; fromVersion: number },
  pages: readonly ChangeItem[][],
  page: number,
  effectiveAt?: string | null,
): CatalogChangeSet | undefined {
  const items = pages[page];
  if (!items) return undefined;
  return {
    kind: plan.kind,
    version: plan.version,
    fromVersion: plan.fromVersion,
    page,
    pages: pages.length,
    ...(effectiveAt ? { effectiveAt } : {}),
    items,
  };
}
