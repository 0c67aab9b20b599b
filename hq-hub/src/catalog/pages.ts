// Serving stores: a catalog.fetch answered with a page of a delta (one change set of the
// store's log) or of a snapshot (the fold of its log), built once per view and reused for
// every store that has the same view, compressed on request.
import { type ChangeItem, gzipJson, MAX_MQTT_PAYLOAD_BYTES, makeEnvelope } from "@retail/protocol";
import { and, asc, eq, lte, sql } from "drizzle-orm";
import { catalogReleases, changesetItems } from "../db/schema.ts";
import { NotFoundError } from "../errors.ts";
import type { ChangesetStore } from "../rollout/changesets.ts";
import type { StoreLogs } from "../rollout/logs.ts";
import type { StoreLog } from "../rollout/release-log.ts";
import { type CatalogAsOf, prefixSig } from "./as-of.ts";
import type { CatalogContext, ChangesetRow, PageSet } from "./context.ts";
import { ENTITIES, type Entity, type PriceSchedule, priceKey } from "./rules.ts";
import {
  type FetchPlan,
  type ItemRow,
  MAX_PAGE_ITEMS,
  pageBounds,
  pagePayload,
  planFetch,
  pointerFor,
  type StoreRef,
  storeItems,
} from "./view.ts";

const ITEMS_KEY = Buffer.from(',"items":[');
const ENTITY_RANK = Object.fromEntries(ENTITIES.map((e, i) => [e, i])) as Record<Entity, number>;

/**
 * A page's payload with its items as `itemsGzip`. The head built by buildPages has no "items"
 * text of its own, so the first `,"items":[` is where the items begin; the items' JSON array
 * is compressed as it was serialised. A page whose base64 would outgrow a page's bound (items
 * that do not compress; never seen in a catalog) keeps its plain items.
 */
function gzipPage(plain: Buffer): Buffer {
  const at = plain.indexOf(ITEMS_KEY);
  if (at < 0) return plain;
  const itemsJson = plain.subarray(at + ITEMS_KEY.length - 1, plain.length - 1).toString("utf8");
  const gz = gzipJson(itemsJson);
  const out = Buffer.from(`${plain.subarray(0, at).toString("utf8")},"itemsGzip":"${gz}"}`);
  return out.length <= MAX_MQTT_PAYLOAD_BYTES - 4096 ? out : plain;
}

export function createPages(
  ctx: CatalogContext,
  changesets: ChangesetStore,
  logs: StoreLogs,
  asOf: CatalogAsOf,
) {
  const { orm, caches, now } = ctx;

  /** The change set at a position of a store's log. */
  function changesetAt(log: StoreLog, position: number): ChangesetRow | undefined {
    const i = log.index.get(position);
    if (i === undefined) return undefined;
    return changesets.find(log.entries[i]!.changesetId);
  }

  const scheduledOf = new WeakMap<StoreLog, { position: number; at: number }[]>();
  /** The position of the first change set of a store's log still scheduled ahead (HQ's clock). */
  function pendingFrom(log: StoreLog): number | undefined {
    // The entries scheduled at all, once per log (usually none): a fetch looks at those only.
    let list = scheduledOf.get(log);
    if (!list) {
      list = log.entries.flatMap((e) => {
        const at = changesets.find(e.changesetId)?.effectiveAt;
        return at ? [{ position: e.position, at: Date.parse(at) }] : [];
      });
      scheduledOf.set(log, list);
    }
    const t = now().getTime();
    return list.find((x) => x.at > t)?.position;
  }

  const foldRows = orm
    .select({
      entity: changesetItems.entity,
      key: changesetItems.key,
      op: changesetItems.op,
      dataJson: changesetItems.dataJson,
    })
    .from(changesetItems)
    .innerJoin(
      catalogReleases,
      and(
        eq(catalogReleases.changesetId, changesetItems.changesetId),
        eq(catalogReleases.storeId, sql.placeholder("storeId")),
        lte(catalogReleases.position, sql.placeholder("upTo")),
      ),
    )
    .orderBy(asc(catalogReleases.position))
    .prepare();

  /** The whole catalog a store has at a position: the fold of its log up to it, in log order. */
  function snapshotRows(s: StoreRef, version: number): Map<string, ItemRow & { raw: string }> {
    const folded = new Map<string, ItemRow & { raw: string }>();
    for (const r of foldRows.all({ storeId: s.id, upTo: version })) {
      const entity = r.entity as Entity;
      const k = `${entity}\u0000${r.key}`;
      if (r.op === "delete") folded.delete(k);
      // Only prices need parsing (they are resolved per store); the rest travel as stored.
      else
        folded.set(k, {
          entity,
          key: r.key,
          op: "upsert",
          data: entity === "price" ? JSON.parse(r.dataJson!) : null,
          raw: r.dataJson!,
        });
    }
    return folded;
  }

  function buildPages(s: StoreRef, log: StoreLog, plan: Exclude<FetchPlan, { kind: "up_to_date" }>): PageSet {
    const key = `${plan.kind}|${plan.fromVersion}|${plan.version}|${s.region}|${asOf.hasStoreOverrides(s.id) ? s.id : ""}|${prefixSig(log, plan.version)}`;
    const hit = caches.pages.get(key);
    if (hit) return hit.value;
    let items: ChangeItem[];
    let itemJson: string[];
    let effectiveAt: string | null | undefined;
    if (plan.kind === "snapshot") {
      const folded = [...snapshotRows(s, plan.version).values()];
      const byPriceKey = new Map<string, PriceSchedule>();
      for (const r of folded) if (r.entity === "price") byPriceKey.set(r.key, r.data as PriceSchedule);
      const schedulesOf = (sku: string) =>
        [
          priceKey({ sku, scope: "chain", scopeKey: "" }),
          priceKey({ sku, scope: "region", scopeKey: s.region }),
          priceKey({ sku, scope: "store", scopeKey: s.id }),
        ]
          .map((k) => byPriceKey.get(k))
          .filter((x): x is PriceSchedule => x !== undefined);
      const prices = storeItems(
        s,
        folded.filter((r) => r.entity === "price"),
        schedulesOf,
        true,
      );
      // Everything but prices goes out as stored (validated when written), in the same order
      // storeItems uses: entity order, then key.
      const others = folded
        .filter((r) => r.entity !== "price")
        .sort(
          (a, b) =>
            ENTITY_RANK[a.entity] - ENTITY_RANK[b.entity] || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
        );
      const json = (r: { entity: Entity; raw: string }) =>
        `{"op":"upsert","entity":"${r.entity}","data":${r.raw}}`;
      const before = others.filter((r) => ENTITY_RANK[r.entity] < ENTITY_RANK.price);
      const after = others.filter((r) => ENTITY_RANK[r.entity] > ENTITY_RANK.price);
      itemJson = [...before.map(json), ...prices.map((i) => JSON.stringify(i)), ...after.map(json)];
      // Page 0's items are validated below; parse only those back.
      items = itemJson.slice(0, MAX_PAGE_ITEMS).map((j) => JSON.parse(j) as ChangeItem);
    } else {
      const cs = changesetAt(log, plan.version);
      if (!cs) throw new NotFoundError("version", String(plan.version));
      effectiveAt = cs.effectiveAt;
      items = storeItems(
        s,
        changesets.rowsOf(cs.id),
        (sku) => asOf.schedulesAsOf(s, log, plan.version, sku),
        false,
      );
      itemJson = items.map((i) => JSON.stringify(i));
    }
    const bounds = pageBounds(itemJson);
    const pagesJson = bounds.map(([from, to], i) => {
      const frame = pagePayload(plan, [i === 0 ? items.slice(from, to) : []], 0, effectiveAt)!;
      // The items were validated by the same protocol schemas when they were written; the
      // frame (and the first page's items) is checked here once, then the bytes are reused
      // for every store with the same view.
      const head = { ...frame, page: i, pages: bounds.length };
      makeEnvelope("catalog.changeset", i === 0 ? head : { ...head, items: [] }, { storeId: s.id });
      const { items: _items, ...rest } = head;
      return Buffer.from(
        `${JSON.stringify(rest).slice(0, -1)},"items":[${itemJson.slice(from, to).join(",")}]}`,
      );
    });
    const value: PageSet = { plan, pagesJson, gzipJson: [] };
    if (caches.pages.size >= 16) caches.pages.delete(caches.pages.keys().next().value!);
    caches.pages.set(key, { value, at: Date.now() });
    return value;
  }

  /**
   * Answers a catalog.fetch: the JSON of the requested page's payload, or undefined when the
   * store is up to date or asked for a page that does not exist.
   */
  function fetchPage(
    storeId: string,
    fetch: { fromVersion: number; page: number; snapshotVersion?: number; accept?: readonly string[] },
  ): Buffer | undefined {
    const s = ctx.store(storeId);
    const log = logs.logOf(s);
    const pointer = pointerFor(s, log.positions, ctx.globalFloor());
    let plan = planFetch(log.positions, pointer, fetch, pendingFrom(log));
    if (plan.kind === "up_to_date") return undefined;
    // A snapshot being collected at a position this store's log no longer has (it was moved
    // and relisted meanwhile): page 0 of a snapshot of the latest instead; the edge drops the
    // stale pages and collects this one.
    if (plan.kind === "snapshot" && plan.version !== 0 && !log.index.has(plan.version)) {
      if (pointer.version === 0) return undefined;
      plan = { kind: "snapshot", version: pointer.version, fromVersion: fetch.fromVersion };
      fetch = { ...fetch, page: 0 };
    }
    const set = buildPages(s, log, plan);
    const plain = set.pagesJson[fetch.page];
    if (plain === undefined || !fetch.accept?.includes("gzip")) return plain;
    // Compressed once per page and view, then reused for every store that accepts gzip.
    let gz = set.gzipJson[fetch.page];
    if (gz === undefined) {
      gz = gzipPage(plain);
      set.gzipJson[fetch.page] = gz;
    }
    return gz;
  }

  return { fetchPage };
}
