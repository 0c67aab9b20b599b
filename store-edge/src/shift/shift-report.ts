// The X report (mid-shift, on demand) and the Z report (printed by the close) as the lane's
// printer gets them: the cash figures, the loss-prevention counts (voids, discounts, refunds)
// and, for Z, the count and over/short. Pure: the lane hands in the figures and the times.
import { formatYuanPlain as yuan } from "@retail/protocol";
import type { ReceiptDoc } from "../devices/port.ts";
import { storeTime } from "../devices/receipt.ts";
import type { ShiftSummary } from "./shift.ts";
import type { ShiftCounts } from "./shift-counts.ts";

const TENDER: Record<string, string> = {
  cash: "现金",
  card: "银行卡",
  wechat: "微信支付",
  alipay: "支付宝",
  voucher: "购物券",
};

export interface ShiftReportInput {
  kind: "X" | "Z";
  storeId: string;
  /** The store's name for the report's head (the store id when it has none). */
  storeName?: string;
  lane: string;
  shiftId: string;
  cashier: string;
  openedAt: string;
  /** When the report is made (X) or the shift closed (Z). */
  at: string;
  training: boolean;
  summary: ShiftSummary;
  counts: ShiftCounts;
  close?: { counted: number; overShort: number };
}

export function shiftReportDoc(r: ShiftReportInput): ReceiptDoc {
  const s = r.summary;
  const c = r.counts;
  const lines: ReceiptDoc["lines"] = [
    { left: `门店 ${r.storeId} 款台 ${r.lane}` },
    { left: `收银员 ${r.cashier}` },
    { left: `开班 ${storeTime(r.openedAt)}` },
    { left: `${r.kind === "Z" ? "交班" : "打印"} ${storeTime(r.at)}` },
    { left: "备用金", right: yuan(s.float) },
    { left: `销售 ${s.sales.count} 笔`, right: yuan(s.sales.net) },
    ...Object.entries(s.byTender).map(([k, v]) => ({ left: `  ${TENDER[k] ?? k}`, right: yuan(v ?? 0) })),
    { left: `退款 ${c.refunds.count} 笔`, right: `-${yuan(c.refunds.amount)}` },
    { left: `优惠 ${c.discounts.sales} 笔`, right: `-${yuan(c.discounts.amount)}` },
    { left: `删除商品 ${c.voids.lines} 次` },
    { left: `整单取消 ${c.voids.sales} 次` },
    { left: "取消金额合计", right: yuan(c.voids.amount) },
    { left: "存入现金", right: yuan(s.cashIn) },
    { left: "取出现金", right: yuan(s.cashOut) },
    { left: "应有现金", right: yuan(s.expectedCash) },
  ];
  if (r.close) {
    lines.push({ left: "清点合计", right: yuan(r.close.counted) });
    lines.push({
      left: `长短款 ${r.close.overShort > 0 ? "长款" : r.close.overShort < 0 ? "短款" : "无差异"}`,
      right: yuan(r.close.overShort),
    });
  }
  const ref = `${r.kind}-${r.shiftId}`;
  return {
    receiptNo: ref,
    training: r.training,
    title: `${r.training ? "*** 培训 TRAINING *** " : ""}${r.kind} 报表 ${r.kind === "Z" ? "交班" : "班中"}`,
    lines,
    barcode: ref,
    report: { storeName: r.storeName ?? r.storeId, time: storeTime(r.at) },
  };
}
