// The lane's receipt journal: its last receipts (newest first) for the till's 小票记录 screen,
// and what became of the sale the till was paying when the edge went away (kill -9, power):
// committed (receipt number and amount: the sale and the emptied cart are one transaction, so a
// sale row means it went through) or not committed (the basket is restored on the lane).
import type { SaleCompleted } from "@retail/protocol";
import { and, desc, eq, sql } from "drizzle-orm";
import { sales } from "../db/schema.ts";
import type { EdgeDb } from "../db.ts";

export interface JournalEntry {
  receiptNo: string;
  saleId: string;
  completedAt: string;
  cashierId: string;
  /** Amount of the sale (fen). */
  net: number;
  lines: number;
  tenders: SaleCompleted["tenders"][number]["kind"][];
  training: boolean;
}

export type SaleOutcome =
  | { outcome: "committed"; sale: JournalEntry }
  | {
      outcome: "not_committed";
      basketRestored: boolean;
      lines: number;
      cartId: string;
      /** The cart was read back from disk when the edge started (it restarted meanwhile). */
      afterRestart: boolean;
    }
  | { outcome: "unknown" };

function entryOf(s: SaleCompleted): JournalEntry {
  return {
    receiptNo: s.receiptNo,
    saleId: s.saleId,
    completedAt: s.completedAt,
    cashierId: s.cashierId,
    net: s.totals.net,
    lines: s.lines.length,
    tenders: s.tenders.map((t) => t.kind),
    training: s.training,
  };
}

export class ReceiptJournal {
  private readonly lastOfLane;
  private readonly bySaleId;

  constructor(private readonly db: EdgeDb) {
    const p = (n: string) => sql.placeholder(n);
    this.lastOfLane = db.d
      .select({ data: sales.data })
      .from(sales)
      .where(eq(sales.lane, p("lane")))
      .orderBy(desc(sales.completedAt), desc(sales.receiptNo))
      .limit(p("limit"))
      .prepare();
    this.bySaleId = db.d
      .select({ data: sales.data, lane: sales.lane })
      .from(sales)
      .where(and(eq(sales.saleId, p("saleId"))))
      .prepare();
  }

  /** The lane's last `limit` receipts, newest first. */
  lane(lane: string, limit = 20): JournalEntry[] {
    return this.lastOfLane.all({ lane, limit }).map((r) => entryOf(JSON.parse(r.data) as SaleCompleted));
  }

  /**
   * What became of cart `cartId` (the sale id it would have had) on `lane`. `current` is the
   * lane's cart now and `restored` maps cart ids read back at start to the restored basket's id.
   */
  outcome(
    lane: string,
    cartId: string,
    current: { cartId: string; lines: number },
    restored: ReadonlyMap<string, string>,
  ): SaleOutcome {
    const row = this.bySaleId.get({ saleId: cartId });
    if (row && row.lane === lane) return { outcome: "committed", sale: entryOf(JSON.parse(row.data)) };
    if (cartId === current.cartId || restored.get(cartId) === current.cartId)
      return {
        outcome: "not_committed",
        basketRestored: current.lines > 0,
        lines: current.lines,
        cartId: current.cartId,
        afterRestart: restored.has(cartId),
      };
    return { outcome: "unknown" };
  }
}
