// Stock at HQ: on-hand per store and SKU (derived from the append-only ledger), reorder
// points, HQ-originated movements (transfers, receipts due) sent down to stores, and answers
// to a till's "who nearby has this?".
import { randomUUID } from "node:crypto";
import type { Payload } from "@retail/protocol";
import { Sku } from "@retail/protocol";
import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import { createDeferredIndex, STOCK_LEDGER_BY_SKU } from "../db/deferred-index.ts";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import { reorderPoints, stockLedger, stockLevels, stores } from "../db/schema.ts";
import { fromZod, NotFoundError } from "../errors.ts";

/** Great-circle distance in whole km (haversine), for "nearby stores". */
export function distanceKm(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const rad = (d: number) => (d * Math.PI) / 180;
  const dLat = rad(b.lat - a.lat);
  const dLng = rad(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2;
  return Math.round(2 * 6371 * Math.asin(Math.sqrt(h)));
}

/** Nearby stores first (same region when coordinates are missing), stores without stock left out. */
export function rankNearby(
  origin: { id: string; region: string; lat?: number; lng?: number },
  candidates: { id: string; name: string; region: string; lat?: number; lng?: number; onHand: number }[],
  limit = 10,
): Payload<"stock.reply">["stores"] {
  return candidates
    .filter((c) => c.id !== origin.id && c.onHand > 0)
    .map((c) => {
      const km =
        origin.lat !== undefined && origin.lng !== undefined && c.lat !== undefined && c.lng !== undefined
          ? distanceKm({ lat: origin.lat, lng: origin.lng }, { lat: c.lat, lng: c.lng })
          : undefined;
      return { c, km, sameRegion: c.region === origin.region };
    })
    .sort(
      (a, b) =>
        (a.km ?? Number.MAX_SAFE_INTEGER) - (b.km ?? Number.MAX_SAFE_INTEGER) ||
        Number(b.sameRegion) - Number(a.sameRegion) ||
        (a.c.id < b.c.id ? -1 : 1),
    )
    .slice(0, limit)
    .map(({ c, km }) => ({
      storeId: c.id,
      name: c.name,
      onHand: c.onHand,
      ...(km !== undefined ? { distanceKm: km } : {}),
    }));
}

export const ReorderInput = z.strictObject({ sku: Sku, reorderPoint: z.int().nonnegative() });
export const TransferInput = z.strictObject({
  from: z.string().regex(/^[A-Z0-9]{1,16}$/),
  to: z.string().regex(/^[A-Z0-9]{1,16}$/),
  reference: z.string().min(1).max(64),
  lines: z
    .array(z.strictObject({ sku: Sku, qty: z.int().positive() }))
    .min(1)
    .max(2000),
});

export function createStock(deps: { db: Sqlite; now: () => Date }) {
  const { db, now } = deps;
  const orm = openDrizzle(db);

  function onHand(storeId: string, sku?: string): { sku: string; on_hand: number }[] {
    return orm
      .select({ sku: stockLevels.sku, on_hand: stockLevels.onHand })
      .from(stockLevels)
      .where(and(eq(stockLevels.storeId, storeId), sku ? eq(stockLevels.sku, sku) : undefined))
      .orderBy(asc(stockLevels.sku))
      .all();
  }

  /** The ledger's (store, SKU) look-up, built in batches behind ingest (migration 0004). */
  const ledgerIndex = createDeferredIndex(db, STOCK_LEDGER_BY_SKU);
  const ledgerIds = (storeId: string, sku: string) =>
    inArray(stockLedger.id, ledgerIndex.idsWhere(storeId, sku));

  /** On-hand recomputed from the ledger itself (the cache in stock_levels must agree). */
  function ledgerOnHand(storeId: string, sku: string): number {
    const r = orm
      .select({ n: sql<number>`COALESCE(SUM(${stockLedger.qtyDelta}), 0)` })
      .from(stockLedger)
      .where(ledgerIds(storeId, sku))
      .get();
    return r?.n ?? 0;
  }

  /** A store's movements of one SKU (its stock card), oldest first; the latest `limit` if given. */
  function movements(storeId: string, sku: string, limit?: number) {
    const rows = orm
      .select({
        id: stockLedger.id,
        qty_delta: stockLedger.qtyDelta,
        kind: stockLedger.kind,
        ref: stockLedger.ref,
        event_id: stockLedger.eventId,
        at: stockLedger.at,
      })
      .from(stockLedger)
      .where(ledgerIds(storeId, sku))
      .orderBy(desc(stockLedger.id))
      .limit(limit ?? -1)
      .all();
    return rows.reverse();
  }

  function setReorderPoint(storeId: string, input: unknown) {
    const r = ReorderInput.safeParse(input);
    if (!r.success) throw fromZod(r.error);
    orm
      .insert(reorderPoints)
      .values({ storeId, sku: r.data.sku, reorderPoint: r.data.reorderPoint })
      .onConflictDoUpdate({
        target: [reorderPoints.storeId, reorderPoints.sku],
        set: { reorderPoint: r.data.reorderPoint, alerted: 0 },
      })
      .run();
    return r.data;
  }

  function nearby(storeId: string, sku: string): Payload<"stock.reply">["stores"] {
    const place = { id: stores.id, region: stores.region, latE6: stores.latE6, lngE6: stores.lngE6 };
    const origin = orm.select(place).from(stores).where(eq(stores.id, storeId)).get();
    if (!origin) throw new NotFoundError("store", storeId);
    const rows = orm
      .select({ ...place, name: stores.name, onHand: stockLevels.onHand })
      .from(stockLevels)
      .innerJoin(stores, eq(stores.id, stockLevels.storeId))
      .where(eq(stockLevels.sku, sku))
      .all();
    const geo = (r: { latE6: number | null; lngE6: number | null }) =>
      r.latE6 !== null && r.lngE6 !== null ? { lat: r.latE6 / 1e6, lng: r.lngE6 / 1e6 } : {};
    return rankNearby(
      { id: origin.id, region: origin.region, ...geo(origin) },
      rows.map((r) => ({ id: r.id, name: r.name, region: r.region, onHand: r.onHand, ...geo(r) })),
    );
  }

  /**
   * Appends movements to HQ's ledger and its on-hand cache (inside the caller's transaction):
   * each row a store's SKU moving by qty, of `kind`, naming the document `ref`.
   */
  function append(
    rows: readonly { storeId: string; sku: string; qty: number; kind: string }[],
    ref: string,
    at: string,
  ) {
    for (const l of rows) {
      if (l.qty === 0) continue;
      orm
        .insert(stockLedger)
        .values({ storeId: l.storeId, sku: l.sku, qtyDelta: l.qty, kind: l.kind, ref, at })
        .run();
      orm
        .insert(stockLevels)
        .values({ storeId: l.storeId, sku: l.sku, onHand: l.qty })
        .onConflictDoUpdate({
          target: [stockLevels.storeId, stockLevels.sku],
          set: { onHand: sql`${stockLevels.onHand} + excluded.on_hand` },
        })
        .run();
    }
  }

  /**
   * An instant transfer decided at HQ (the API's first form; transfers/ keeps them as documents):
   * a transfer_out movement for the sender and transfer_in for the receiver, written to the HQ
   * ledger now and returned for publishing to both stores.
   */
  function transfer(input: unknown): { storeId: string; movement: Payload<"stock.movement"> }[] {
    const r = TransferInput.safeParse(input);
    if (!r.success) throw fromZod(r.error);
    const t = r.data;
    for (const id of [t.from, t.to])
      if (!orm.select({ id: stores.id }).from(stores).where(eq(stores.id, id)).get())
        throw new NotFoundError("store", id);
    const at = now().toISOString();
    const out = [
      {
        storeId: t.from,
        movement: {
          movementId: randomUUID(),
          kind: "transfer_out" as const,
          reference: t.reference,
          lines: t.lines.map((l) => ({ sku: l.sku, qty: -l.qty })),
          at,
        },
      },
      {
        storeId: t.to,
        movement: {
          movementId: randomUUID(),
          kind: "transfer_in" as const,
          reference: t.reference,
          lines: t.lines.map((l) => ({ sku: l.sku, qty: l.qty })),
          at,
        },
      },
    ];
    db.transaction(() => {
      for (const o of out)
        append(
          o.movement.lines.map((l) => ({
            storeId: o.storeId,
            sku: l.sku,
            qty: l.qty,
            kind: o.movement.kind,
          })),
          t.reference,
          at,
        );
    })();
    return out;
  }

  return { onHand, ledgerOnHand, movements, ledgerIndex, setReorderPoint, nearby, transfer, append };
}

export type Stock = ReturnType<typeof createStock>;
