// Back-office stock work at the store: a stock count (counted vs. on hand, the difference booked
// as a count adjustment) and a receiving confirmation (goods in). Each writes its ledger moves
// and its outbox event in one transaction, like a sale.
import { type Payload, uuidv7 } from "@retail/protocol";
import type { CatalogReplica } from "./catalog/replica.ts";
import type { Clock } from "./clock.ts";
import type { EdgeDb } from "./db.ts";
import { invalid } from "./errors.ts";
import type { Outbox } from "./outbox/outbox.ts";
import type { StockLedger } from "./stock.ts";

export class Inventory {
  constructor(
    private readonly d: {
      db: EdgeDb;
      outbox: Outbox;
      stock: StockLedger;
      replica: CatalogReplica;
      clock: Clock;
      onLedger: () => void;
      /** The till's one PIN path (staff/verify-pin.ts), with its lockout and source limit. */
      verifyStaff: (cashierId: string, pin: string, purpose: "stock_count" | "receiving") => Promise<unknown>;
    },
  ) {}

  private checkSkus(lines: { sku: string }[]): void {
    if (lines.length === 0) throw invalid("lines", "at least one line");
    const seen = new Set<string>();
    lines.forEach((l, i) => {
      if (!this.d.replica.lookup.products.has(l.sku)) throw invalid(`lines.${i}.sku`, `no product ${l.sku}`);
      if (seen.has(l.sku)) throw invalid(`lines.${i}.sku`, `${l.sku} listed twice`);
      seen.add(l.sku);
    });
  }

  /** Books a count: each SKU's on hand becomes what was counted. */
  async count(
    cashierId: string,
    pin: string,
    lines: { sku: string; counted: number }[],
  ): Promise<Payload<"stock.counted">> {
    await this.d.verifyStaff(cashierId, pin, "stock_count");
    this.checkSkus(lines);
    const ms = this.d.clock.now();
    const at = new Date(ms).toISOString();
    const countId = uuidv7(ms);
    const event = this.d.db.write(() => {
      const counted = lines.map((l) => ({
        sku: l.sku,
        counted: l.counted,
        expected: this.d.stock.onHand(l.sku),
      }));
      // A loss of dated goods is drawn first-expiring first, and HQ is told which lots (batches/).
      const draws = this.d.stock.lots.draw(
        counted.map((l) => ({ sku: l.sku, qty: l.expected - l.counted })),
        at,
      );
      const payload: Payload<"stock.counted"> = {
        countId,
        countedBy: cashierId,
        lines: counted.map((l, i) => (draws[i] ? { ...l, batches: draws[i] } : l)),
        countedAt: at,
      };
      for (const l of payload.lines)
        this.d.stock.move(l.sku, l.counted - l.expected, "count_adjustment", countId, at);
      this.d.outbox.append("stock.counted", payload, at);
      return payload;
    });
    this.d.onLedger();
    return event;
  }

  /** Confirms goods received (against a purchase order when there is one). */
  async receive(
    cashierId: string,
    pin: string,
    input: {
      purchaseOrderId?: string;
      supplierId?: string;
      lines: Payload<"receiving.confirmed">["lines"];
    },
  ): Promise<Payload<"receiving.confirmed">> {
    await this.d.verifyStaff(cashierId, pin, "receiving");
    this.checkSkus(input.lines);
    input.lines.forEach((l, i) => {
      const lots = (l.lots ?? []).reduce((s, lot) => s + lot.qty, 0);
      if (lots > l.qty)
        throw invalid(`lines.${i}.lots`, `the lots hold ${lots}, more than the ${l.qty} received`);
    });
    const ms = this.d.clock.now();
    const at = new Date(ms).toISOString();
    const receivingId = uuidv7(ms);
    const event = this.d.db.write(() => {
      const payload: Payload<"receiving.confirmed"> = {
        receivingId,
        ...(input.purchaseOrderId ? { purchaseOrderId: input.purchaseOrderId } : {}),
        ...(input.supplierId ? { supplierId: input.supplierId } : {}),
        confirmedBy: cashierId,
        lines: input.lines,
        confirmedAt: at,
      };
      for (const l of input.lines) {
        if (l.lots) this.d.stock.lots.apply(l.sku, l.lots, at); // dated goods (batches/)
        this.d.stock.move(l.sku, l.qty, "receipt", input.purchaseOrderId ?? receivingId, at);
      }
      this.d.outbox.append("receiving.confirmed", payload, at);
      return payload;
    });
    this.d.onLedger();
    return event;
  }
}
