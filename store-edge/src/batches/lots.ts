// The store's dated lots (issue 17 item 5): received with their batch and expiry, drawn
// first-expiring first by sales, counts and write-offs (protocol batches.ts has the rules). Only
// SKUs that ever had a dated lot here are tracked; the undated rest of a SKU is its on-hand less
// its dated lots, so nothing else (returns, HQ's adjustments without lots) needs to touch them.
// Every write runs inside the caller's db.write, in the same transaction as the stock move and
// the outbox row that tells HQ which lots moved.
import {
  applyLotDeltas,
  daysToExpiry,
  drawFefo,
  type Lot,
  type LotDelta,
  lotView,
  UNDATED,
} from "@retail/protocol";
import { and, asc, eq, sql } from "drizzle-orm";
import { stockLots } from "../db/schema.ts";
import type { EdgeDb } from "../db.ts";

export interface NearExpiryItem {
  sku: string;
  batch: string;
  expiresOn: string;
  /** 0 on the last day, below 0 once past it. */
  daysLeft: number;
  qty: number;
}

export class BatchStock {
  private readonly upsert;
  private readonly ofSku;
  /** SKUs with a lot row (tracked); loaded once, grown by receipts. */
  private tracked: Set<string> | undefined;

  constructor(
    private readonly db: EdgeDb,
    private readonly onHand: (sku: string) => number,
  ) {
    this.upsert = db.d
      .insert(stockLots)
      .values({
        sku: sql.placeholder("sku"),
        batch: sql.placeholder("batch"),
        expiresOn: sql.placeholder("expiresOn"),
        qty: sql.placeholder("qty"),
        receivedAt: sql.placeholder("at"),
      })
      .onConflictDoUpdate({
        target: [stockLots.sku, stockLots.batch, stockLots.expiresOn],
        set: { qty: sql`${stockLots.qty} + excluded.qty` },
      })
      .prepare();
    this.ofSku = db.d
      .select({ batch: stockLots.batch, expiresOn: stockLots.expiresOn, qty: stockLots.qty })
      .from(stockLots)
      .where(eq(stockLots.sku, sql.placeholder("sku")))
      .prepare();
  }

  isTracked(sku: string): boolean {
    if (!this.tracked)
      this.tracked = new Set(
        this.db.d
          .selectDistinct({ sku: stockLots.sku })
          .from(stockLots)
          .all()
          .map((r) => r.sku),
      );
    return this.tracked.has(sku);
  }

  /** A SKU's lots, the undated rest included (it may be negative: oversold). */
  lots(sku: string): Lot[] {
    const dated: Lot[] = this.ofSku.all({ sku }).map((r) => ({ ...r }));
    const undated = this.onHand(sku) - dated.reduce((s, l) => s + l.qty, 0);
    return applyLotDeltas(dated, undated === 0 ? [] : [{ batch: UNDATED, qty: undated }]);
  }

  /** What the shelf holds of a SKU, FEFO (an oversell netted against the first lots). */
  shelf(sku: string): Lot[] {
    return lotView(this.lots(sku));
  }

  /** Writes the dated part of deltas (inside db.write); the undated part is implied by on-hand. */
  apply(sku: string, deltas: readonly LotDelta[], at: string): void {
    for (const d of deltas) {
      if (d.batch === UNDATED || !d.expiresOn || d.qty === 0) continue;
      this.upsert.run({ sku, batch: d.batch, expiresOn: d.expiresOn, qty: d.qty, at });
      this.isTracked(sku);
      this.tracked!.add(sku);
    }
  }

  /**
   * FEFO draws for lines leaving the store (a sale's, a count's losses), in order, written; a
   * line of an untracked SKU gets undefined. Call before the lines' stock moves: the undated
   * rest is read from on-hand as it was before them.
   */
  draw(lines: readonly { sku: string; qty: number }[], at: string): (LotDelta[] | undefined)[] {
    const running = new Map<string, Lot[]>();
    return lines.map((l) => {
      if (l.qty <= 0 || !this.isTracked(l.sku)) return undefined;
      const lots = running.get(l.sku) ?? this.lots(l.sku);
      const deltas = drawFefo(lots, l.qty);
      running.set(l.sku, applyLotDeltas(lots, deltas));
      this.apply(l.sku, deltas, at);
      return deltas;
    });
  }

  /** Dated lots on the shelf expiring within `days` of `today` (past ones included), soonest first. */
  nearExpiry(today: string, days: number): NearExpiryItem[] {
    const until = new Date(Date.parse(`${today}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
    const skus = this.db.d
      .selectDistinct({ sku: stockLots.sku })
      .from(stockLots)
      .where(and(sql`${stockLots.expiresOn} <= ${until}`))
      .orderBy(asc(stockLots.sku))
      .all();
    const out: NearExpiryItem[] = [];
    for (const { sku } of skus)
      for (const l of this.shelf(sku))
        if (l.expiresOn && l.expiresOn <= until)
          out.push({
            sku,
            batch: l.batch,
            expiresOn: l.expiresOn,
            daysLeft: daysToExpiry(l.expiresOn, today),
            qty: l.qty,
          });
    return out.sort((a, b) => a.expiresOn.localeCompare(b.expiresOn) || a.sku.localeCompare(b.sku));
  }
}
