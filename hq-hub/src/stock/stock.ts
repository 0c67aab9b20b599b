// Stock at HQ: on-hand per store and SKU (derived from the append-only ledger), reorder
// points, HQ-originated movements (transfers, receipts due) sent down to stores, and answers
// to a till's "who nearby has this?".
import { randomUUID } from "node:crypto";
import type { Payload } from "@retail/protocol";
import { Sku } from "@retail/protocol";
import { z } from "zod";
import { createDeferredIndex, STOCK_LEDGER_BY_SKU } from "../db/deferred-index.ts";
import type { Sqlite } from "../db/open.ts";
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

  function onHand(storeId: string, sku?: string) {
    return (
      sku
        ? db.prepare("SELECT sku, on_hand FROM stock_levels WHERE store_id = ? AND sku = ?").all(storeId, sku)
        : db.prepare("SELECT sku, on_hand FROM stock_levels WHERE store_id = ? ORDER BY sku").all(storeId)
    ) as {
      sku: string;
      on_hand: number;
    }[];
  }

  /** The ledger's (store, SKU) look-up, built in batches behind ingest (migration 0004). */
  const ledgerIndex = createDeferredIndex(db, STOCK_LEDGER_BY_SKU);
  const ledgerIds = `id IN (${ledgerIndex.idsWhereKey})`;

  /** On-hand recomputed from the ledger itself (the cache in stock_levels must agree). */
  function ledgerOnHand(storeId: string, sku: string): number {
    const r = db
      .prepare(`SELECT COALESCE(SUM(qty_delta), 0) AS n FROM stock_ledger WHERE ${ledgerIds}`)
      .get(storeId, sku, storeId, sku) as { n: number };
    return r.n;
  }

  /** A store's movements of one SKU (its stock card), oldest first; the latest `limit` if given. */
  function movements(storeId: string, sku: string, limit?: number) {
    const rows = db
      .prepare(
        `SELECT id, qty_delta, kind, ref, event_id, at FROM stock_ledger WHERE ${ledgerIds} ORDER BY id DESC LIMIT ?`,
      )
      .all(storeId, sku, storeId, sku, limit ?? -1) as {
      id: number;
      qty_delta: number;
      kind: string;
      ref: string;
      event_id: string | null;
      at: string;
    }[];
    return rows.reverse();
  }

  function setReorderPoint(storeId: string, input: unknown) {
    const r = ReorderInput.safeParse(input);
    if (!r.success) throw fromZod(r.error);
    db.prepare(
      "INSERT INTO reorder_points (store_id, sku, reorder_point) VALUES (?, ?, ?) ON CONFLICT (store_id, sku) DO UPDATE SET reorder_point = excluded.reorder_point, alerted = 0",
    ).run(storeId, r.data.sku, r.data.reorderPoint);
    return r.data;
  }

  function nearby(storeId: string, sku: string): Payload<"stock.reply">["stores"] {
    const origin = db.prepare("SELECT id, region, lat_e6, lng_e6 FROM stores WHERE id = ?").get(storeId) as
      | Record<string, unknown>
      | undefined;
    if (!origin) throw new NotFoundError("store", storeId);
    const rows = db
      .prepare(
        "SELECT s.id, s.name, s.region, s.lat_e6, s.lng_e6, l.on_hand FROM stock_levels l JOIN stores s ON s.id = l.store_id WHERE l.sku = ?",
      )
      .all(sku) as Record<string, unknown>[];
    const geo = (r: Record<string, unknown>) =>
      r.lat_e6 !== null && r.lng_e6 !== null
        ? { lat: (r.lat_e6 as number) / 1e6, lng: (r.lng_e6 as number) / 1e6 }
        : {};
    return rankNearby(
      { id: origin.id as string, region: origin.region as string, ...geo(origin) },
      rows.map((r) => ({
        id: r.id as string,
        name: r.name as string,
        region: r.region as string,
        onHand: r.on_hand as number,
        ...geo(r),
      })),
    );
  }

  /**
   * A transfer decided at HQ: a transfer_out movement for the sender and transfer_in for the
   * receiver, written to the HQ ledger now and returned for publishing to both stores.
   */
  function transfer(input: unknown): { storeId: string; movement: Payload<"stock.movement"> }[] {
    const r = TransferInput.safeParse(input);
    if (!r.success) throw fromZod(r.error);
    const t = r.data;
    for (const id of [t.from, t.to])
      if (!db.prepare("SELECT 1 FROM stores WHERE id = ?").get(id)) throw new NotFoundError("store", id);
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
        for (const l of o.movement.lines) {
          db.prepare(
            "INSERT INTO stock_ledger (store_id, sku, qty_delta, kind, ref, event_id, at) VALUES (?,?,?,?,?,NULL,?)",
          ).run(o.storeId, l.sku, l.qty, o.movement.kind, t.reference, at);
          db.prepare(
            "INSERT INTO stock_levels (store_id, sku, on_hand) VALUES (?,?,?) ON CONFLICT (store_id, sku) DO UPDATE SET on_hand = on_hand + excluded.on_hand",
          ).run(o.storeId, l.sku, l.qty);
        }
    })();
    return out;
  }

  return { onHand, ledgerOnHand, movements, ledgerIndex, setReorderPoint, nearby, transfer };
}

export type Stock = ReturnType<typeof createStock>;
