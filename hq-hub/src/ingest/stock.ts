// Ingest's stock step: an event's moves go to the stock ledger and the on-hand levels; a SKU
// with a reorder point has its new on-hand read back at once, and crossing the point raises
// (or re-arms) a stock alert that the caller publishes after the commit.
import { and, eq, sql } from "drizzle-orm";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import { reorderPoints, stockLevels } from "../db/schema.ts";
import { reorderTransition, type StockMove } from "./effects.ts";
import type { IngestMode, RowWriter } from "./rows.ts";

export interface StockAlertOut {
  storeId: string;
  sku: string;
  onHand: number;
  reorderPoint: number;
}

export function createStockStep(db: Sqlite, rows: RowWriter, mode: IngestMode, shared: boolean) {
  // Prepared once with placeholders (the ingest hot path).
  const orm = openDrizzle(db);
  const p = sql.placeholder;
  const q = {
    // A watched SKU's new on-hand, read back from the upsert.
    level: orm
      .insert(stockLevels)
      .values({ storeId: p("storeId"), sku: p("sku"), onHand: p("qty") })
      .onConflictDoUpdate({
        target: [stockLevels.storeId, stockLevels.sku],
        set: { onHand: sql`${stockLevels.onHand} + excluded.on_hand` },
      })
      .returning({ onHand: stockLevels.onHand })
      .prepare(),
    reorderAll: orm
      .select({ sku: reorderPoints.sku, point: reorderPoints.reorderPoint, alerted: reorderPoints.alerted })
      .from(reorderPoints)
      .where(eq(reorderPoints.storeId, p("storeId")))
      .prepare(),
    reorderFlag: orm
      .update(reorderPoints)
      .set({ alerted: sql`${p("alerted")}` })
      .where(and(eq(reorderPoints.storeId, p("storeId")), eq(reorderPoints.sku, p("sku"))))
      .prepare(),
  };

  /** Reorder points per store (sku -> point and alert flag); not cached with shared workers. */
  const reorderCache = new Map<string, Map<string, { point: number; alerted: boolean }>>();
  function reorderPointsOf(storeId: string) {
    let m = shared ? undefined : reorderCache.get(storeId);
    if (!m) {
      m = new Map();
      for (const r of q.reorderAll.all({ storeId }))
        m.set(r.sku, { point: r.point, alerted: r.alerted === 1 });
      reorderCache.set(storeId, m);
    }
    return m;
  }

  function moveStock(
    storeId: string,
    moves: StockMove[],
    eventId: string,
    at: string,
    alerts: StockAlertOut[],
  ) {
    if (moves.length === 0) return;
    rows.appendRows(
      "INSERT INTO stock_ledger (store_id, sku, qty_delta, kind, ref, event_id, at)",
      7,
      moves.map((m) => [storeId, m.sku, m.qty, m.kind, m.ref, eventId, at]),
    );
    const points = reorderPointsOf(storeId);
    const watched = moves.filter((m) => points.has(m.sku));
    // Unwatched SKUs: summed for the group's end; watched ones need their new on-hand back at once.
    const unwatched = moves.filter((m) => !points.has(m.sku));
    if (mode.guarded || unwatched.length > 0) rows.addLevels(storeId, unwatched);
    for (const m of watched) {
      const on_hand = q.level.get({ storeId, sku: m.sku, qty: m.qty })!.onHand;
      const rp = points.get(m.sku)!;
      const t = reorderTransition(on_hand, rp.point, rp.alerted);
      if (t === "alert") {
        q.reorderFlag.run({ alerted: 1, storeId, sku: m.sku });
        rp.alerted = true;
        alerts.push({ storeId, sku: m.sku, onHand: on_hand, reorderPoint: rp.point });
      } else if (t === "rearm") {
        q.reorderFlag.run({ alerted: 0, storeId, sku: m.sku });
        rp.alerted = false;
      }
    }
  }

  return {
    moveStock,
    /** After an admin changed a store's reorder points. */
    forgetReorderPoints: (storeId: string) => reorderCache.delete(storeId),
    /** After a rollback: the alert flags went back with it. */
    forgetAllReorderPoints: () => reorderCache.clear(),
  };
}

export type StockStep = ReturnType<typeof createStockStep>;
