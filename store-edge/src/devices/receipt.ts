// The edge's sale and return records -> firmware-bridge's `Receipt` (what `layoutReceipt` turns
// into ESC/POS bytes): store name, lines with names, quantities, unit prices and discounts,
// totals, tenders, change, the receipt number (printed as CODE128), a QR link and the training
// marker. Pure: the bridge adapter looks the records up and hands them in.

import type { Receipt, ReceiptLine } from "@retail/firmware-bridge";
import {
  isAdjustmentDiscount,
  ORDER_DISCOUNT_ID,
  ROUNDING_ID,
  type SaleCompleted,
  type SaleReturned,
} from "@retail/protocol";

export interface ReceiptContext {
  storeName: string;
  /** Cashier's display name by id (the receipt shows the name, not the code). */
  cashierName?: (id: string) => string | undefined;
  /** Product name by SKU (return lines carry only the SKU). */
  productName?: (sku: string) => string | undefined;
  /** Promotion kind by id, for the discount label when the promotion has no name. */
  promotionKind?: (id: string) => string | undefined;
  /** Promotion display name (zh-CN) by id, printed instead of the id when HQ gave one. */
  promotionName?: (id: string) => string | undefined;
  /** A link for the QR code (e-invoice or member sign-up); `{receiptNo}` is replaced. */
  qrUrl?: string;
  qrCaption?: string;
  footer?: string[];
}

const PROMOTION_LABEL: Record<string, string> = {
  percent_off: "折扣",
  special_price: "特价",
  member_price: "会员价",
  multi_buy: "多买优惠",
  buy_x_get_y: "买赠",
  threshold: "满减",
  threshold_percent: "满折",
};

/** The promotion's name ("满100减20"), else "满减 P-MANJIAN-100": what kind of offer, which one. */
export function discountLabel(promotionId: string, ctx: ReceiptContext): string {
  const name = ctx.promotionName?.(promotionId);
  if (name) return name;
  const kind = ctx.promotionKind?.(promotionId);
  return `${(kind && PROMOTION_LABEL[kind]) || "优惠"} ${promotionId}`;
}

const TENDER_LABEL: Record<string, string> = {
  cash: "现金 Cash",
  card: "银行卡 Card",
  wechat: "微信支付 WeChat",
  alipay: "支付宝 Alipay",
  voucher: "券 Voucher",
};

/** Store-local time (China Standard Time, UTC+8, no DST) as printed: "2026-11-25 10:00". */
export function storeTime(iso: string): string {
  return new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 16).replace("T", " ");
}

/** 1234 g -> "1.234kg"; 3 units -> "3". */
export function qtyText(qty: number, weighed: boolean): string {
  if (!weighed) return String(qty);
  return `${Math.trunc(qty / 1000)}.${String(qty % 1000).padStart(3, "0")}kg`;
}

function common(ctx: ReceiptContext, receiptNo: string) {
  const extra: Partial<Receipt> = {};
  if (ctx.qrUrl) extra.qrUrl = ctx.qrUrl.replaceAll("{receiptNo}", encodeURIComponent(receiptNo));
  if (ctx.qrUrl && ctx.qrCaption) extra.qrCaption = ctx.qrCaption;
  if (ctx.footer?.length) extra.footer = [...ctx.footer];
  return extra;
}

/** "9折" for 1000 basis points off, "8.75折" for 1250, "免单" for all of it. */
export function zheText(basisPoints: number): string {
  const left = 10000 - basisPoints;
  if (left <= 0) return "免单";
  const frac = String(left % 1000)
    .padStart(3, "0")
    .replace(/0+$/, "");
  return `${Math.trunc(left / 1000)}${frac ? `.${frac}` : ""}折`;
}

/** The order-level adjustment's own receipt lines (整单折扣, 抹零), summed over the sale's lines. */
export function adjustmentLines(sale: SaleCompleted): { label: string; amountFen: number }[] {
  const sum = (id: string) =>
    sale.lines.reduce(
      (a, l) => a + l.discounts.reduce((x, d) => x + (d.promotionId === id ? d.amount : 0), 0),
      0,
    );
  const out: { label: string; amountFen: number }[] = [];
  const bp = sale.adjustment?.discount?.basisPoints;
  const discount = sum(ORDER_DISCOUNT_ID);
  if (discount) out.push({ label: bp ? `整单折扣 ${zheText(bp)}` : "整单折扣", amountFen: discount });
  const rounding = sum(ROUNDING_ID);
  if (rounding) out.push({ label: "抹零", amountFen: rounding });
  return out;
}

export function saleToReceipt(sale: SaleCompleted, ctx: ReceiptContext): Receipt {
  const lines: ReceiptLine[] = sale.lines.map((l) => {
    const line: ReceiptLine = {
      name: l.name,
      qty: qtyText(l.qty, l.weighed),
      unitPriceFen: l.unitPrice,
      amountFen: l.gross,
    };
    // The order adjustment's shares are printed once, as their own lines under the subtotal.
    const discounts = l.discounts
      .filter((d) => !isAdjustmentDiscount(d.promotionId))
      .map((d) => ({ label: discountLabel(d.promotionId, ctx), amountFen: d.amount }));
    if (discounts.length) line.discounts = discounts;
    return line;
  });
  const cashier = ctx.cashierName?.(sale.cashierId);
  const adjustments = adjustmentLines(sale);
  const adjusted = adjustments.reduce((a, x) => a + x.amountFen, 0);
  const receipt: Receipt = {
    storeName: ctx.storeName,
    receiptNo: sale.receiptNo,
    time: storeTime(sale.completedAt),
    lane: sale.laneId,
    cashier: cashier ? `${cashier}(${sale.cashierId})` : sale.cashierId,
    lines,
    subtotalFen: sale.totals.gross,
    discountFen: sale.totals.discount - adjusted,
    ...(adjustments.length ? { adjustments } : {}),
    totalFen: sale.totals.net,
    // Cash shows what the customer handed over; the change line follows.
    tenders: sale.tenders.map((t) => ({
      label: TENDER_LABEL[t.kind] ?? t.kind,
      amountFen: t.kind === "cash" ? (t.received ?? t.amount) : t.amount,
    })),
    changeFen: sale.tenders.reduce((s, t) => s + (t.change ?? 0), 0),
    training: sale.training,
    ...common(ctx, sale.receiptNo),
  };
  if (sale.member) receipt.member = sale.member.id;
  return receipt;
}

/**
 * A refund slip: the returned lines with negative amounts, the refund as the total and the
 * tender it went back to, and the original receipt named in the footer.
 */
export function returnToReceipt(r: SaleReturned, ctx: ReceiptContext, original?: SaleCompleted): Receipt {
  const lines: ReceiptLine[] = r.lines.map((l) => {
    const sold = original?.lines.find((o) => o.lineId === l.lineId);
    return {
      name: sold?.name ?? ctx.productName?.(l.sku) ?? l.sku,
      qty: qtyText(l.qty, l.weighed),
      unitPriceFen: sold?.unitPrice ?? 0,
      amountFen: -l.refund,
    };
  });
  const cashier = ctx.cashierName?.(r.cashierId);
  const base = common(ctx, r.receiptNo);
  return {
    storeName: ctx.storeName,
    receiptNo: r.receiptNo,
    time: storeTime(r.returnedAt),
    lane: r.laneId,
    cashier: cashier ? `${cashier}(${r.cashierId})` : r.cashierId,
    lines,
    subtotalFen: -r.totals.refund,
    discountFen: 0,
    totalFen: -r.totals.refund,
    tenders: r.tenders.map((t) => ({
      label: `退款 ${TENDER_LABEL[t.kind] ?? t.kind}`,
      amountFen: -t.amount,
    })),
    changeFen: 0,
    training: r.training,
    ...base,
    footer: [
      "退货单 REFUND",
      r.original ? `原单 ${r.original.receiptNo}` : "无原单 (主管批准) NO RECEIPT",
      ...(base.footer ?? []),
    ],
  };
}
