// Near-expiry at the store (issue 17 item 5): the list of dated lots close to or past their date
// (the till's 临期商品 screen), one SKU's lots, and the write-off of what is past its date (报损):
// one stock.counted event (reason "expired") naming the lots, booked at HQ as a count loss.
import { type Payload, uuidv7 } from "@retail/protocol";
import type { CatalogReplica } from "../catalog/replica.ts";
import { businessDay, type Clock } from "../clock.ts";
import type { EdgeDb } from "../db.ts";
import { EdgeError, invalid } from "../errors.ts";
import type { Outbox } from "../outbox/outbox.ts";
import type { StockLedger } from "../stock.ts";

export interface BatchDeskDeps {
  db: EdgeDb;
  outbox: Outbox;
  stock: StockLedger;
  replica: CatalogReplica;
  clock: Clock;
  onLedger: () => void;
  verifyStaff: (cashierId: string, pin: string) => Promise<unknown>;
}

export class BatchDesk {
  constructor(private readonly d: BatchDeskDeps) {}

  today(): string {
    return businessDay(this.d.clock.now());
  }

  /** Lots expiring within `days` (0..60) of today, past ones too, with the product's name. */
  nearExpiry(days: number) {
    if (!Number.isInteger(days) || days < 0 || days > 60) throw invalid("days", "a whole number 0..60");
    const today = this.today();
    const items = this.d.stock.lots.nearExpiry(today, days).map((i) => ({
      ...i,
      name: this.d.replica.lookup.products.get(i.sku)?.name ?? i.sku,
      onHand: this.d.stock.onHand(i.sku),
    }));
    return { today, days, items };
  }

  lotsOf(sku: string) {
    if (!this.d.replica.lookup.products.has(sku))
      throw new EdgeError("not_found", "sku", `no product ${sku}`);
    return { sku, onHand: this.d.stock.onHand(sku), lots: this.d.stock.lots.shelf(sku) };
  }

  /** Writes off every lot past its date (what the shelf holds of it); refused when there is none. */
  async writeOffExpired(cashierId: string, pin: string): Promise<Payload<"stock.counted">> {
    await this.d.verifyStaff(cashierId, pin);
    const ms = this.d.clock.now();
    const at = new Date(ms).toISOString();
    const countId = uuidv7(ms);
    const event = this.d.db.write(() => {
      const expired = this.d.stock.lots.nearExpiry(businessDay(ms), 0).filter((i) => i.daysLeft < 0);
      if (expired.length === 0) throw new EdgeError("conflict", "lots", "nothing is past its date");
      const bySku = new Map<string, typeof expired>();
      for (const i of expired) bySku.set(i.sku, [...(bySku.get(i.sku) ?? []), i]);
      const lines = [...bySku].map(([sku, lots]) => {
        const expected = this.d.stock.onHand(sku);
        const gone = lots.reduce((s, l) => s + l.qty, 0);
        const batches = lots.map((l) => ({ batch: l.batch, expiresOn: l.expiresOn, qty: -l.qty }));
        this.d.stock.lots.apply(sku, batches, at);
        this.d.stock.move(sku, -gone, "count_adjustment", countId, at);
        return { sku, counted: Math.max(0, expected - gone), expected, batches };
      });
      const payload: Payload<"stock.counted"> = {
        countId,
        countedBy: cashierId,
        lines,
        countedAt: at,
        reason: "expired",
      };
      this.d.outbox.append("stock.counted", payload, at);
      return payload;
    });
    this.d.onLedger();
    return event;
  }
}
