// A sale's receipt: its number (gapless per lane and day, above the day's floor after a restore)
// and the document the lane's printer prints.
import {
  formatReceiptNo,
  isAdjustmentDiscount,
  type SaleCompleted,
  formatYuanPlain as yuan,
} from "@retail/protocol";
import { businessDay } from "../clock.ts";
import type { EdgeDb } from "../db.ts";
import type { ReceiptDoc } from "../devices/port.ts";
import { adjustmentLines, qtyText } from "../devices/receipt.ts";
import { nextReceiptCounter } from "../outbox/receipt-floor.ts";

/** The next receipt number of the lane today (a sale or a return; inside its transaction). */
export function nextReceiptNo(db: EdgeDb, storeId: string, laneId: string, ms: number): string {
  const day = businessDay(ms).replace(/-/g, "");
  // Above today's floor after a restore or replacement (outbox/receipt-floor.ts).
  const n = nextReceiptCounter(db, laneId, businessDay(ms));
  return formatReceiptNo({ storeId, lane: Number(laneId), day, number: n % 1_000_000 });
}

export function saleReceipt(sale: SaleCompleted, storeId: string): ReceiptDoc {
  const lines: ReceiptDoc["lines"] = [];
  for (const l of sale.lines) {
    const qty = l.weighed ? qtyText(l.qty, true) : `x${l.qty}`;
    lines.push({ left: `${l.name} ${qty}`, right: yuan(l.gross) });
    for (const d of l.discounts)
      if (!isAdjustmentDiscount(d.promotionId))
        lines.push({ left: `  优惠 ${d.promotionId}`, right: `-${yuan(d.amount)}` });
  }
  for (const a of adjustmentLines(sale)) lines.push({ left: a.label, right: `-${yuan(a.amountFen)}` });
  lines.push({ left: "合计 TOTAL", right: yuan(sale.totals.net) });
  lines.push({ left: "其中税额 TAX", right: yuan(sale.totals.tax) });
  for (const t of sale.tenders) {
    lines.push({
      left: t.kind === "points" ? `积分抵现 ${t.points}分` : t.kind,
      right: yuan(t.received ?? t.amount),
    });
    if (t.change) lines.push({ left: "找零 CHANGE", right: yuan(t.change) });
  }
  return {
    receiptNo: sale.receiptNo,
    training: sale.training,
    title: `${sale.training ? "*** 培训 TRAINING *** " : ""}${storeId} ${sale.completedAt}`,
    lines,
    barcode: sale.receiptNo,
  };
}
