// Reads for a change set's preview (draft-preview.ts decides): its items with the records they
// replaced, the chain's stores, and HQ's working copy of a SKU's price schedules.
import { asc, eq, inArray, sql } from "drizzle-orm";
import type { Drizzle } from "../db/open.ts";
import { changesetItems, priceSchedules, stores } from "../db/schema.ts";
import { type DraftPreview, MAX_PRICE_SKUS, type PreviewItemRow, previewDraft } from "./draft-preview.ts";
import type { Entity, PriceSchedule } from "./rules.ts";
import type { Target } from "./view.ts";

const p = sql.placeholder;

export function createPreviewStore(orm: Drizzle, now: () => Date) {
  const itemsOf = orm
    .select({
      entity: changesetItems.entity,
      key: changesetItems.key,
      op: changesetItems.op,
      dataJson: changesetItems.dataJson,
      prevJson: changesetItems.prevJson,
    })
    .from(changesetItems)
    .where(eq(changesetItems.changesetId, p("id")))
    .orderBy(asc(changesetItems.entity), asc(changesetItems.key))
    .prepare();
  const allStores = orm
    .select({ id: stores.id, name: stores.name, region: stores.region, ring: stores.ring })
    .from(stores)
    .orderBy(asc(stores.id))
    .prepare();

  function preview(
    changeset: { id: number; target: Target },
    page: { entity?: Entity; limit: number; offset: number },
  ): DraftPreview {
    const rows: PreviewItemRow[] = itemsOf.all({ id: changeset.id }).map((r) => ({
      entity: r.entity as Entity,
      key: r.key,
      op: r.op as "upsert" | "delete",
      data: r.dataJson === null ? null : JSON.parse(r.dataJson),
      prev: r.prevJson === null ? null : JSON.parse(r.prevJson),
    }));
    // The schedules of the SKUs whose shelf prices are worked out, read in one go.
    const skus = [...new Set(rows.filter((r) => r.entity === "price").map((r) => r.key.split("|")[0]!))]
      .sort()
      .slice(0, MAX_PRICE_SKUS);
    const schedules = new Map<string, PriceSchedule[]>();
    for (let i = 0; i < skus.length; i += 500)
      for (const s of orm
        .select()
        .from(priceSchedules)
        .where(inArray(priceSchedules.sku, skus.slice(i, i + 500)))
        .all()) {
        const list = schedules.get(s.sku) ?? [];
        list.push({
          sku: s.sku,
          scope: s.scope as PriceSchedule["scope"],
          scopeKey: s.scopeKey,
          windows: JSON.parse(s.windowsJson),
        });
        schedules.set(s.sku, list);
      }
    return previewDraft({
      target: changeset.target,
      stores: allStores.all(),
      rows,
      schedulesOf: (sku) => schedules.get(sku) ?? [],
      at: now().getTime(),
      page,
    });
  }

  return { preview };
}
