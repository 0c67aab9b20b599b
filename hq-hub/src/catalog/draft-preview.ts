// What a change set changes where, before anyone releases it (issue 19 item 3): the stores it
// reaches (and which of them are the pilot ring), the records it adds, changes and deletes with
// the fields that differ, and each SKU's shelf price before -> after at every store it reaches,
// grouped by the pair of prices. Pure: the caller reads the items, the stores and HQ's price
// schedules (catalog/preview-store.ts); the shelf price is the one the store would resolve now
// (resolvePrice + the protocol's priceAt, the same code that builds what stores are served).
import { priceAt } from "@retail/protocol";
import { ENTITIES, type Entity, type PriceSchedule, parsePriceKey, priceKey } from "./rules.ts";
import { inTarget, resolvePrice, type Target } from "./view.ts";

export interface PreviewStore {
  id: string;
  name: string;
  region: string;
  ring: string;
}

/** One item of the change set with the record it replaced (prev null: there was none). */
export interface PreviewItemRow {
  entity: Entity;
  key: string;
  op: "upsert" | "delete";
  data: unknown;
  prev: unknown;
}

export type ItemChange = "add" | "change" | "delete";

export interface PreviewItem {
  entity: Entity;
  key: string;
  change: ItemChange;
  /** Top-level fields whose value differs (every field of an added or deleted record). */
  fields: string[];
  before: unknown;
  after: unknown;
}

/** Stores whose shelf price of a SKU goes from `fromFen` to `toFen` (null: no price). */
export interface PriceMove {
  sku: string;
  fromFen: number | null;
  toFen: number | null;
  stores: number;
  /** Up to 5 of those stores, by id. */
  sample: string[];
}

export interface DraftPreview {
  /** Stores in the change set's target now, and how many of them are in the pilot ring. */
  reach: { stores: number; pilot: number; regions: string[] };
  /** Stores at which at least one item applies (a store or region price applies to fewer). */
  storesAffected: number;
  counts: Record<Entity, { add: number; change: number; delete: number }>;
  /** Distinct SKUs the change set touches (products, their barcodes and prices). */
  skus: number;
  items: PreviewItem[];
  itemsTotal: number;
  /** Shelf price moves, by SKU then old price; unchanged stores are not listed. */
  prices: PriceMove[];
  /** Stores whose shelf price changes for at least one SKU. */
  storesWithPriceChange: number;
  /** Price SKUs looked at (all of them unless more than MAX_PRICE_SKUS). */
  priceSkusChecked: number;
  priceSkusTotal: number;
}

/** Shelf prices are worked out store by store: a whole-catalog import shows its first SKUs. */
export const MAX_PRICE_SKUS = 500;

function changeOf(r: PreviewItemRow): ItemChange {
  if (r.op === "delete") return "delete";
  return r.prev === null || r.prev === undefined ? "add" : "change";
}

/** What a person may see of a record: a cashier's PIN hash never, a member's phone masked. */
export function shown(entity: Entity, record: unknown): unknown {
  if (record === null || record === undefined || typeof record !== "object") return record ?? null;
  const r = { ...(record as Record<string, unknown>) };
  if (entity === "cashier" && "pinHash" in r) {
    r.hasPin = Boolean(r.pinHash);
    delete r.pinHash;
  }
  if (entity === "member" && typeof r.phone === "string")
    r.phone = `${r.phone.slice(0, 3)}****${r.phone.slice(-4)}`;
  return r;
}

/** Top-level fields that differ between two records (by their JSON). */
export function changedFields(before: unknown, after: unknown): string[] {
  const b = (before ?? {}) as Record<string, unknown>;
  const a = (after ?? {}) as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].sort();
  return keys.filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k]));
}

function skuOf(r: PreviewItemRow): string | undefined {
  if (r.entity === "product") return r.key;
  if (r.entity === "price") return parsePriceKey(r.key).sku;
  if (r.entity === "barcode") {
    const rec = (r.data ?? r.prev) as { sku?: string } | null;
    return rec?.sku;
  }
  return undefined;
}

const applies = (store: PreviewStore, key: string) => {
  const k = parsePriceKey(key);
  return (
    k.scope === "chain" ||
    (k.scope === "region" && k.scopeKey === store.region) ||
    (k.scope === "store" && k.scopeKey === store.id)
  );
};

export interface PreviewInput {
  target: Target;
  stores: readonly PreviewStore[];
  rows: readonly PreviewItemRow[];
  /** HQ's working copy of a SKU's schedules (every scope): what the stores get after release. */
  schedulesOf: (sku: string) => PriceSchedule[];
  /** Epoch ms the shelf prices are read at. */
  at: number;
  page?: { entity?: Entity; limit: number; offset: number };
}

export function previewDraft(input: PreviewInput): DraftPreview {
  const { target, rows, at } = input;
  const reached = input.stores.filter((s) => inTarget(s, target));
  const counts = Object.fromEntries(ENTITIES.map((e) => [e, { add: 0, change: 0, delete: 0 }])) as Record<
    Entity,
    { add: number; change: number; delete: number }
  >;
  const skus = new Set<string>();
  const priceRows = new Map<string, PreviewItemRow[]>();
  let chainWide = false;
  for (const r of rows) {
    counts[r.entity][changeOf(r)]++;
    const sku = skuOf(r);
    if (sku) skus.add(sku);
    if (r.entity === "price") {
      const list = priceRows.get(sku!) ?? [];
      list.push(r);
      priceRows.set(sku!, list);
    } else chainWide = true;
  }

  // Stores at which something applies: every reached store for a non-price item, else those
  // a price's scope names.
  const scopes = { chain: chainWide, regions: new Set<string>(), stores: new Set<string>() };
  for (const r of rows) {
    if (r.entity !== "price") continue;
    const k = parsePriceKey(r.key);
    if (k.scope === "chain") scopes.chain = true;
    else (k.scope === "region" ? scopes.regions : scopes.stores).add(k.scopeKey);
  }
  const affected = scopes.chain
    ? reached.length
    : reached.filter((s) => scopes.regions.has(s.region) || scopes.stores.has(s.id)).length;

  const priceSkus = [...priceRows.keys()].sort();
  const checked = priceSkus.slice(0, MAX_PRICE_SKUS);
  const prices: PriceMove[] = [];
  const moved = new Set<string>();
  for (const sku of checked) {
    const after = input.schedulesOf(sku);
    // Before: the working copy with this change set's own edits undone.
    const mine = new Map(priceRows.get(sku)!.map((r) => [r.key, r]));
    const before = after.filter((s) => !mine.has(priceKey(s)));
    for (const r of mine.values()) if (r.prev) before.push(r.prev as PriceSchedule);
    // A store's shelf price depends only on its region and on whether it has a schedule of its
    // own: work it out once per such class (300 stores are a handful of classes per SKU).
    const ownKeys = [...mine.keys()].map(parsePriceKey);
    const touches = (store: PreviewStore) =>
      ownKeys.some(
        (k) =>
          k.scope === "chain" ||
          (k.scope === "region" && k.scopeKey === store.region) ||
          (k.scope === "store" && k.scopeKey === store.id),
      );
    const ownStores = new Set(
      [...before, ...after].filter((x) => x.scope === "store").map((x) => x.scopeKey),
    );
    const byClass = new Map<string, { from: number | null; to: number | null }>();
    const groups = new Map<string, PriceMove>();
    for (const store of reached) {
      if (!touches(store)) continue;
      const cls = ownStores.has(store.id) ? `s:${store.id}` : `r:${store.region}`;
      let pair = byClass.get(cls);
      if (!pair) {
        pair = { from: shelfPrice(sku, before, store, at), to: shelfPrice(sku, after, store, at) };
        byClass.set(cls, pair);
      }
      const { from, to } = pair;
      if (from === to) continue;
      moved.add(store.id);
      const g = `${from}>${to}`;
      const move = groups.get(g) ?? { sku, fromFen: from, toFen: to, stores: 0, sample: [] };
      move.stores++;
      if (move.sample.length < 5) move.sample.push(store.id);
      groups.set(g, move);
    }
    prices.push(
      ...[...groups.values()].sort((a, b) => b.stores - a.stores || (a.fromFen ?? -1) - (b.fromFen ?? -1)),
    );
  }

  const page = input.page ?? { limit: 100, offset: 0 };
  const listed = page.entity ? rows.filter((r) => r.entity === page.entity) : rows;
  const items = listed.slice(page.offset, page.offset + page.limit).map((r) => {
    const before = shown(r.entity, r.prev);
    const after = r.op === "delete" ? null : shown(r.entity, r.data);
    return {
      entity: r.entity,
      key: r.key,
      change: changeOf(r),
      fields: changedFields(before, after),
      before,
      after,
    };
  });

  return {
    reach: {
      stores: reached.length,
      pilot: reached.filter((s) => s.ring === "pilot").length,
      regions: [...new Set(reached.map((s) => s.region))].sort(),
    },
    storesAffected: affected,
    counts,
    skus: skus.size,
    items,
    itemsTotal: listed.length,
    prices,
    storesWithPriceChange: moved.size,
    priceSkusChecked: checked.length,
    priceSkusTotal: priceSkus.length,
  };
}

function shelfPrice(
  sku: string,
  schedules: readonly PriceSchedule[],
  store: PreviewStore,
  at: number,
): number | null {
  const own = schedules.filter((s) => applies(store, priceKey(s)));
  const price = resolvePrice(sku, own);
  return price ? (priceAt(price, at)?.price ?? null) : null;
}
