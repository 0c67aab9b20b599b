// Local stock: an append-only movement ledger per SKU (units, or grams for weighed goods);
// on hand is the derived sum, kept in stock_on_hand by the same transaction that appends.
import type { Payload } from "@retail/protocol";
import type { EdgeDb } from "./db.ts";

export class StockLedger {
  private readonly insert;
  private readonly bump;
  private readonly get;

  constructor(private readonly db: EdgeDb) {
    this.insert = db.sql.query(
      "INSERT INTO stock_moves (sku, qty, kind, reference, at) VALUES (?, ?, ?, ?, ?)",
    );
    this.bump = db.sql.query(
      "INSERT INTO stock_on_hand (sku, qty) VALUES (?1, ?2) ON CONFLICT (sku) DO UPDATE SET qty = qty + ?2",
    );
    this.get = db.sql.query<{ qty: number }, [string]>("SELECT qty FROM stock_on_hand WHERE sku = ?");
  }

  /** Appends one movement. Must run inside db.write. */
  move(sku: string, qty: number, kind: string, reference: string, at: string): void {
    if (qty === 0) return;
    this.insert.run(sku, qty, kind, reference, at);
    this.bump.run(sku, qty);
  }

  onHand(sku: string): number {
    return this.get.get(sku)?.qty ?? 0;
  }

  /** A movement from HQ (transfer, receipt, adjustment), applied once per movementId. */
  applyMovement(m: Payload<"stock.movement">): boolean {
    return this.db.write(() => {
      const r = this.db.sql
        .query("INSERT OR IGNORE INTO applied_movements (movement_id, applied_at) VALUES (?, ?)")
        .run(m.movementId, new Date().toISOString());
      if (r.changes === 0) return false;
      for (const line of m.lines) this.move(line.sku, line.qty, m.kind, m.reference || m.movementId, m.at);
      return true;
    });
  }

  saveAlert(a: Payload<"stock.alert">): void {
    this.db.write(() =>
      this.db.sql
        .query("INSERT OR REPLACE INTO stock_alerts (sku, data) VALUES (?, ?)")
        .run(a.sku, JSON.stringify(a)),
    );
  }

  alerts(): Payload<"stock.alert">[] {
    return this.db.sql
      .query<{ data: string }, []>("SELECT data FROM stock_alerts ORDER BY sku")
      .all()
      .map((r) => JSON.parse(r.data));
  }

  saveReplenishment(r: Payload<"replenishment.status">): void {
    this.db.write(() => {
      const q = this.db.sql.query("INSERT OR REPLACE INTO replenishment (sku, data) VALUES (?, ?)");
      for (const item of r.items) q.run(item.sku, JSON.stringify(item));
    });
  }

  replenishment(sku: string): unknown {
    const row = this.db.sql
      .query<{ data: string }, [string]>("SELECT data FROM replenishment WHERE sku = ?")
      .get(sku);
    return row ? JSON.parse(row.data) : undefined;
  }
}
