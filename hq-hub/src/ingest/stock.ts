// Ingest's stock step: an event's moves go to the stock ledger and the on-hand levels; a SKU
// with a reorder point has its new on-hand read back at once, and crossing the point raises
// (or re-arms) a stock alert that the caller publishes after the commit.
// Raw SQL: the ingest hot path (see rows.ts); `RETURNING on_hand` on an upsert.
import type { Sqlite } from "../db/open.ts";
import { reorderTransition, type StockMove } from "./effects.ts";
import type { IngestMode, RowWriter } from "./rows.ts";

export interface StockAlertOut {
  storeId: string;
  sku: string;
  onHand: number;
  reorderPoint: number;
}

export function createStockStep(db: Sqlite, rows: RowWriter, mode: IngestMode, shared: boolean) {
  const q = {
    level: db.prepare(
      `INSERT INTO stock_levels (store_id, sku, on_hand) VALUES (?, ?, ?)
       ON CONFLICT (store_id, sku) DO UPDATE SET on_hand = on_hand + excluded.on_hand RETURNING on_hand`,
    ),
    reorderAll: db.prepare("SELECT sku, reorder_point, alerted FROM reorder_points WHERE store_id = ?"),
    reorderFlag: db.prepare("UPDATE reorder_points SET alerted = ? WHERE store_id = ? AND sku = ?"),
  };

  /** Reorder points per store (sku -> point and alert flag); not cached with shared workers. */
  const reorderCache = new Map<string, Map<string, { point: number; alerted: boolean }>>();
  function reorderPointsOf(storeId: string) {
    let m = shared ? undefined : reorderCache.get(storeId);
    if (!m) {
      m = new Map();
      for (const r of q.reorderAll.all(storeId) as { sku: string; reorder_point: number; alerted: number }[])
        m.set(r.sku, { point: r.reorder_point, alerted: r.alerted === 1 });
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
      const { on_hand } = q.level.get(storeId, m.sku, m.qty) as { on_hand: number };
      const rp = points.get(m.sku)!;
      const t = reorderTransition(on_hand, rp.point, rp.alerted);
      if (t === "alert") {
        q.reorderFlag.run(1, storeId, m.sku);
        rp.alerted = true;
        alerts.push({ storeId, sku: m.sku, onHand: on_hand, reorderPoint: rp.point });
      } else if (t === "rearm") {
        q.reorderFlag.run(0, storeId, m.sku);
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
