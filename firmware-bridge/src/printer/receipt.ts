// The customer receipt: a plain Receipt object -> ESC/POS bytes for 58 mm (32 columns) or 80 mm
// (48 columns) paper. Money is integer fen throughout, formatted by @retail/protocol.
import { formatYuan } from "@retail/protocol";
import { type Bitmap, EscPos } from "./escpos.ts";
import { displayWidth } from "./text.ts";

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
  /** Promotions' discounts; the order-level adjustments are listed on their own below. */
  discountFen: number;
  /** 整单折扣 / 抹零, each printed as its own line between the discount and the total. */
  adjustments?: { label: string; amountFen: number }[];
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

// Amounts repeat from receipt to receipt: each is formatted once (a bounded cache).
const YUAN = new Map<number, string>();
const yuan = (fen: number): string => {
  let s = YUAN.get(fen);
  if (s === undefined) {
    s = formatYuan(fen);
    if (YUAN.size >= 8192) YUAN.clear();
    YUAN.set(fen, s);
  }
  return s;
};

let scratch: Uint8Array = new Uint8Array(16384);

export function layoutReceipt(r: Receipt, paper: PaperWidth = 80): Uint8Array {
  const cols = columnsFor(paper);
  const rule = "-".repeat(cols);
  // Built in one scratch buffer kept between receipts (layout is synchronous, so never shared),
  // grown when a receipt needs more; the job's bytes are copied out of it at the end.
  const p = new EscPos(scratch).init();
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
  p.lineWrapped(r.storeName, Math.floor(cols / 2));
  p.size(1, 1).bold(false);
  if (r.storeAddress) p.lineWrapped(r.storeAddress, cols);
  if (r.reprint) p.bold(true).line("** 重印 REPRINT **").bold(false);
  p.align("left");
  p.lineLR(`单号 ${r.receiptNo}`, "", cols);
  const who = [r.lane && `收银台 ${r.lane}`, r.cashier && `收银员 ${r.cashier}`].filter(Boolean).join(" ");
  // On 58 mm paper time and lane/cashier do not share a line: never cut either.
  if (displayWidth(r.time) + 1 + displayWidth(who) <= cols) p.lineLR(r.time, who, cols);
  else p.line(r.time).line(who);
  p.line(rule);

  // Columns: name on its own line(s), then qty x unit price and the amount right-aligned.
  const amountCols = paper === 58 ? 10 : 12;
  p.lineLR("商品/数量x单价", "金额", cols, amountCols);
  for (const line of r.lines) {
    p.lineWrapped(line.name, cols);
    p.lineLR(`  ${line.qty} x ${yuan(line.unitPriceFen)}`, yuan(line.amountFen), cols, amountCols);
    if (line.discounts)
      for (const d of line.discounts) p.lineLR(`  ${d.label}`, yuan(-d.amountFen), cols, amountCols);
  }
  p.line(rule);
  p.lineLR("小计 Subtotal", yuan(r.subtotalFen), cols);
  if (r.discountFen) p.lineLR("优惠 Discount", yuan(-r.discountFen), cols);
  for (const a of r.adjustments ?? []) p.lineLR(a.label, yuan(-a.amountFen), cols);
  p.bold(true).size(1, 2).lineLR("合计 TOTAL", yuan(r.totalFen), cols).size(1, 1).bold(false);
  for (const t of r.tenders) p.lineLR(t.label, yuan(t.amountFen), cols);
  p.lineLR("找零 Change", yuan(r.changeFen), cols);
  if (r.member) p.lineLR("会员 Member", r.member, cols);
  p.line(rule);

  p.align("center").code128(r.receiptNo, { moduleWidth: paper === 58 ? 1 : 2 });
  if (r.qrUrl) {
    p.qr(r.qrUrl, { moduleSize: paper === 58 ? 4 : 6 }).line();
    if (r.qrCaption) p.line(r.qrCaption);
  }
  for (const f of r.footer ?? []) p.line(f);
  if (r.training) trainingBanner();
  const bytes = p.feed(2).cut().bytes();
  scratch = p.scratch;
  return bytes;
}

/** For tests: the widest line a layout produced fits the paper. */
export function fitsPaper(lines: string[], paper: PaperWidth): boolean {
  return lines.every((l) => displayWidth(l) <= columnsFor(paper));
}
