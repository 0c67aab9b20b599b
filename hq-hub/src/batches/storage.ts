// HQ's mirror of the stores' dated lots: the ingest's step (an event's lot deltas summed in its
// transaction, lot-deltas.ts), HQ's own movements' lots (transfers), and the reads (a SKU's lots
// with the undated rest from on-hand; the lots near expiry across the chain).
import {
  type AnyEnvelope,
  applyLotDeltas,
  daysToExpiry,
  drawFefo,
  type Lot,
  type LotDelta,
  lotView,
  UNDATED,
} from "@retail/protocol";
import { and, eq, inArray, lte, sql } from "drizzle-orm";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import { products, stockLevels, storeLots, stores } from "../db/schema.ts";
import { lotDeltasOf, type SkuLotDeltas } from "./lot-deltas.ts";

/** Ingest's lot step: prepared once, run inside the event's savepoint. */
export function createLotStep(db: Sqlite) {
  const orm = openDrizzle(db);
  const p = sql.placeholder;
  const upsert = orm
    .insert(storeLots)
    .values({
      storeId: p("storeId"),
      sku: p("sku"),
      batch: p("batch"),
      expiresOn: p("expiresOn"),
      qty: p("qty"),
      firstAt: p("at"),
    })
    .onConflictDoUpdate({
      target: [storeLots.storeId, storeLots.sku, storeLots.batch, storeLots.expiresOn],
      set: { qty: sql`${storeLots.qty} + excluded.qty` },
    })
    .prepare();
  function apply(storeId: string, moves: readonly SkuLotDeltas[], at: string) {
    for (const m of moves)
      for (const d of m.deltas)
        upsert.run({ storeId, sku: m.sku, batch: d.batch, expiresOn: d.expiresOn, qty: d.qty, at });
  }
  return {
    apply,
    /** The lots a store's event moved (sales, counts, receipts); nothing for other events. */
    record(env: AnyEnvelope, at: string) {
      const moves = lotDeltasOf(env);
      if (moves.length > 0) apply(env.storeId, moves, at);
    },
  };
}

export interface NearExpiryRow {
  storeId: string;
  storeName: string;
  region: string | null;
  sku: string;
  name: string;
  category: string[];
  batch: string;
  expiresOn: string;
  daysLeft: number;
  qty: number;
  onHand: number;
}

function pathOf(dataJson: string): string[] {
  const c = (JSON.parse(dataJson) as { category?: unknown }).category;
  return Array.isArray(c) ? c.map(String) : [];
}

export function createLotReads(db: Sqlite) {
  const orm = openDrizzle(db);
  const onHandOf = (storeId: string, sku: string) =>
    orm
      .select({ onHand: stockLevels.onHand })
      .from(stockLevels)
      .where(and(eq(stockLevels.storeId, storeId), eq(stockLevels.sku, sku)))
      .get()?.onHand ?? 0;

  /** A store's lots of a SKU, the undated rest included (it may be negative: oversold). */
  function lotsOf(storeId: string, sku: string): { onHand: number; lots: Lot[] } {
    const dated: Lot[] = orm
      .select({ batch: storeLots.batch, expiresOn: storeLots.expiresOn, qty: storeLots.qty })
      .from(storeLots)
      .where(and(eq(storeLots.storeId, storeId), eq(storeLots.sku, sku)))
      .all();
    const onHand = onHandOf(storeId, sku);
    const undated = onHand - dated.reduce((s, l) => s + l.qty, 0);
    return { onHand, lots: applyLotDeltas(dated, undated === 0 ? [] : [{ batch: UNDATED, qty: undated }]) };
  }

  /** What HQ believes is on the shelf, FEFO. */
  const shelfOf = (storeId: string, sku: string) => lotView(lotsOf(storeId, sku).lots);

  /** The FEFO draw of `qty` from HQ's mirror of a store's SKU (a transfer leaving it). */
  const drawOf = (storeId: string, sku: string, qty: number): LotDelta[] =>
    drawFefo(lotsOf(storeId, sku).lots, qty);

  /**
   * Lots on the shelf with at most `days` days left on `today` (past ones too), across the
   * chain or some stores; soonest first. Only (store, SKU) pairs with such a lot are read.
   */
  function nearExpiry(o: {
    today: string;
    days: number;
    storeIds?: string[];
    regions?: string[];
  }): NearExpiryRow[] {
    const until = new Date(Date.parse(`${o.today}T00:00:00Z`) + o.days * 86_400_000)
      .toISOString()
      .slice(0, 10);
    const where = [lte(storeLots.expiresOn, until)];
    if (o.storeIds) where.push(inArray(storeLots.storeId, o.storeIds));
    if (o.regions) where.push(inArray(stores.region, o.regions));
    const pairs = orm
      .selectDistinct({
        storeId: storeLots.storeId,
        sku: storeLots.sku,
        storeName: stores.name,
        region: stores.region,
        name: products.name,
        dataJson: products.dataJson,
      })
      .from(storeLots)
      .leftJoin(stores, eq(stores.id, storeLots.storeId))
      .leftJoin(products, eq(products.sku, storeLots.sku))
      .where(and(...where))
      .all();
    const out: NearExpiryRow[] = [];
    for (const p of pairs) {
      const { onHand, lots } = lotsOf(p.storeId, p.sku);
      for (const l of lotView(lots))
        if (l.expiresOn && l.expiresOn <= until)
          out.push({
            storeId: p.storeId,
            storeName: p.storeName ?? p.storeId,
            region: p.region ?? null,
            sku: p.sku,
            name: p.name ?? p.sku,
            category: p.dataJson ? pathOf(p.dataJson) : [],
            batch: l.batch,
            expiresOn: l.expiresOn,
            daysLeft: daysToExpiry(l.expiresOn, o.today),
            qty: l.qty,
            onHand,
          });
    }
    return out.sort(
      (a, b) =>
        a.expiresOn.localeCompare(b.expiresOn) ||
        a.storeId.localeCompare(b.storeId) ||
        a.sku.localeCompare(b.sku),
    );
  }

  return { lotsOf, shelfOf, drawOf, nearExpiry };
}
