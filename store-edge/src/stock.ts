// Local stock: an append-only movement ledger per SKU (units, or grams for weighed goods);
// on hand is the derived sum, kept in stock_on_hand by the same transaction that appends.
import type { Payload } from "@retail/protocol";
import { asc, eq, sql } from "drizzle-orm";
import { BatchStock } from "./batches/lots.ts";
import { appliedMovements, replenishment, stockAlerts, stockMoves, stockOnHand } from "./db/schema.ts";
import type { EdgeDb } from "./db.ts";

export class StockLedger {
  private readonly insert;
  private readonly bump;
  private readonly get;
  /** The dated lots of fresh and dated goods (batches/). */
  readonly lots: BatchStock;

  constructor(private readonly db: EdgeDb) {
    this.lots = new BatchStock(db, (sku) => this.onHand(sku));
    // Prepared once: every sale line moves stock inside the sale's transaction.
    this.insert = db.d
      .insert(stockMoves)
      .values({
        sku: sql.placeholder("sku"),
        qty: sql.placeholder("qty"),
        kind: sql.placeholder("kind"),
        reference: sql.placeholder("reference"),
        at: sql.placeholder("at"),
      })
      .prepare();
    this.bump = db.d
      .insert(stockOnHand)
      .values({ sku: sql.placeholder("sku"), qty: sql.placeholder("qty") })
      .onConflictDoUpdate({ target: stockOnHand.sku, set: { qty: sql`${stockOnHand.qty} + excluded.qty` } })
      .prepare();
    this.get = db.d
      .select({ qty: stockOnHand.qty })
      .from(stockOnHand)
      .where(eq(stockOnHand.sku, sql.placeholder("sku")))
      .prepare();
  }

  /** Appends one movement. Must run inside db.write. */
  move(sku: string, qty: number, kind: string, reference: string, at: string): void {
    if (qty === 0) return;
    this.insert.run({ sku, qty, kind, reference, at });
    this.bump.run({ sku, qty });
  }

  onHand(sku: string): number {
    return this.get.get({ sku })?.qty ?? 0;
  }

  /** A movement from HQ (transfer, receipt, adjustment), applied once per movementId. */
  applyMovement(m: Payload<"stock.movement">): boolean {
    return this.db.write(() => {
      const r = this.db.d
        .insert(appliedMovements)
        .values({ movementId: m.movementId, appliedAt: new Date().toISOString() })
        .onConflictDoNothing()
        .run() as { changes: number };
      if (r.changes === 0) return false;
      for (const line of m.lines) {
        // The lots HQ drew (a transfer out) or sends (a transfer in); without them the undated rest moves.
        if (line.batches) this.lots.apply(line.sku, line.batches, m.at);
        this.move(line.sku, line.qty, m.kind, m.reference || m.movementId, m.at);
      }
      return true;
    });
  }

  saveAlert(a: Payload<"stock.alert">): void {
    this.db.write(() =>
      this.db.d
        .insert(stockAlerts)
        .values({ sku: a.sku, data: JSON.stringify(a) })
        .onConflictDoUpdate({ target: stockAlerts.sku, set: { data: sql`excluded.data` } })
        .run(),
    );
  }

  alerts(): Payload<"stock.alert">[] {
    return this.db.d
      .select({ data: stockAlerts.data })
      .from(stockAlerts)
      .orderBy(asc(stockAlerts.sku))
      .all()
      .map((r) => JSON.parse(r.data));
  }

  saveReplenishment(r: Payload<"replenishment.status">): void {
    this.db.write(() => {
      for (const item of r.items)
        this.db.d
          .insert(replenishment)
          .values({ sku: item.sku, data: JSON.stringify(item) })
          .onConflictDoUpdate({ target: replenishment.sku, set: { data: sql`excluded.data` } })
          .run();
    });
  }

  /** Every SKU's replenishment state HQ sent (the receiving screen's expected deliveries). */
  replenishmentAll(): Payload<"replenishment.status">["items"] {
    return this.db.d
      .select({ data: replenishment.data })
      .from(replenishment)
      .all()
      .map((r) => JSON.parse(r.data));
  }

  replenishment(sku: string): unknown {
    const row = this.db.d
      .select({ data: replenishment.data })
      .from(replenishment)
      .where(eq(replenishment.sku, sku))
      .get();
    return row ? JSON.parse(row.data) : undefined;
  }
}
