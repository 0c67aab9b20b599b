// The customer receipt: a plain Receipt object -> ESC/POS bytes for 58 mm (32 columns) or 80 mm
// (48 columns) paper. Money is integer fen throughout, formatted by @retail/protocol.
import { formatYuan } from "@retail/protocol";
import { type Bitmap, EscPos } from "./escpos.ts";
import { displayWidth, leftRight, padStartToWidth, wrapToWidth } from "./text.ts";

export interface ReceiptLine {
  name: string;
  /** "2" for pieces, "0.456kg" for weighed goods: already formatted by the pricing engine. */
  qty: string;
  unitPriceFen: number;
  /** Line amount before line discounts. */
  amountFen: number;
  discounts?: { label: string; amountFen: number }[];
}

export interface Receipt {
  storeName: string;
  storeAddress?: string;
  receiptNo: string;
  /** Local time as printed, e.g. "2025-03-01 14:05". */
  time: string;
  lane?: string;
  cashier?: string;
  lines: ReceiptLine[];
  subtotalFen: number;
  discountFen: number;
  totalFen: number;
  tenders: { label: string; amountFen: number }[];
  changeFen: number;
  member?: string;
  qrUrl?: string;
  qrCaption?: string;
  footer?: string[];
  /** Training mode: a receipt nobody may take for a real one. */
  training?: boolean;
  /** A reprint on demand is marked so the customer's copy cannot be mistaken for a second sale. */
  reprint?: boolean;
  logo?: Bitmap;
}

export type PaperWidth = 58 | 80;

export function columnsFor(paper: PaperWidth): number {
  return paper === 58 ? 32 : 48;
}

const yuan = (fen: number) => formatYuan(fen);

export function layoutReceipt(r: Receipt, paper: PaperWidth = 80): Uint8Array {
  const cols = columnsFor(paper);
  const rule = "-".repeat(cols);
  const p = new EscPos().init();
  const trainingBanner = () => {
    p.align("center")
      .bold(true)
      .size(2, 2)
      .line("培训 TRAINING")
      .size(1, 1)
      .line("*** 非销售单据 NOT A SALE ***")
      .bold(false);
  };

  if (r.logo) p.align("center").raster(r.logo);
  if (r.training) trainingBanner();
  p.align("center").bold(true).size(2, 2);
  // A double-width store name takes twice the columns; wrap it at half the line.
  for (const l of wrapToWidth(r.storeName, Math.floor(cols / 2))) p.line(l);
  p.size(1, 1).bold(false);
  if (r.storeAddress) for (const l of wrapToWidth(r.storeAddress, cols)) p.line(l);
  if (r.reprint) p.bold(true).line("** 重印 REPRINT **").bold(false);
  p.align("left");
  p.line(leftRight(`单号 ${r.receiptNo}`, "", cols));
  const who = [r.lane && `收银台 ${r.lane}`, r.cashier && `收银员 ${r.cashier}`].filter(Boolean).join(" ");
  // On 58 mm paper time and lane/cashier do not share a line: never cut either.
  if (displayWidth(r.time) + 1 + displayWidth(who) <= cols) p.line(leftRight(r.time, who, cols));
  else p.line(r.time).line(who);
  p.line(rule);

  // Columns: name on its own line(s), then qty x unit price and the amount right-aligned.
  const amountCols = paper === 58 ? 10 : 12;
  p.line(leftRight("商品/数量x单价", padStartToWidth("金额", amountCols), cols));
  for (const line of r.lines) {
    for (const l of wrapToWidth(line.name, cols)) p.line(l);
    p.line(
      leftRight(
        `  ${line.qty} x ${yuan(line.unitPriceFen)}`,
        padStartToWidth(yuan(line.amountFen), amountCols),
        cols,
      ),
    );
    for (const d of line.discounts ?? []) {
      p.line(leftRight(`  ${d.label}`, padStartToWidth(yuan(-d.amountFen), amountCols), cols));
    }
  }
  p.line(rule);
  p.line(leftRight("小计 Subtotal", yuan(r.subtotalFen), cols));
  if (r.discountFen) p.line(leftRight("优惠 Discount", yuan(-r.discountFen), cols));
  p.bold(true)
    .size(1, 2)
    .line(leftRight("合计 TOTAL", yuan(r.totalFen), cols))
    .size(1, 1)
    .bold(false);
  for (const t of r.tenders) p.line(leftRight(t.label, yuan(t.amountFen), cols));
  p.line(leftRight("找零 Change", yuan(r.changeFen), cols));
  if (r.member) p.line(leftRight("会员 Member", r.member, cols));
  p.line(rule);

  p.align("center").code128(r.receiptNo, { moduleWidth: paper === 58 ? 1 : 2 });
  if (r.qrUrl) {
    p.qr(r.qrUrl, { moduleSize: paper === 58 ? 4 : 6 }).line();
    if (r.qrCaption) p.line(r.qrCaption);
  }
  for (const f of r.footer ?? []) p.line(f);
  if (r.training) trainingBanner();
  return p.feed(2).cut().bytes();
}

/** For tests: the widest line a layout produced fits the paper. */
export function fitsPaper(lines: string[], paper: PaperWidth): boolean {
  return lines.every((l) => displayWidth(l) <= columnsFor(paper));
}
