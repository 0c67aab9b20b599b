// The supply panel's words (issue 17 item 7), zh-CN first: the item's replenishment state, its
// forecast, nearby stores' stock and the transfer request. Kept beside the screen, not in the
// shared dictionary (i18n.svelte.ts); it follows the same locale.
import { i18n } from "./i18n.svelte.ts";

const zh = {
  supplyTitle: "供货",
  eta: "预计到货",
  orderedQty: "数量",
  forecast: "未来 7 天预计销量",
  forecastNone: "暂无预测（销售记录不足）",
  forecastTotal: "合计",
  transfers: "调拨单",
  transferIn: "调入自",
  transferOut: "调出至",
  transfersNone: "没有进行中的调拨",
  request: "申请调拨",
  requestQty: "调拨数量",
  requestSend: "提交申请",
  requestCancel: "取消",
  requested: "已提交调拨申请",
  askingHq: "正在询问总部…",
  tr_requested: "待审批",
  tr_approved: "已批准",
  tr_shipped: "在途",
  tr_received: "已收货",
  tr_rejected: "已驳回",
  tr_cancelled: "已取消",
  weekday: "日一二三四五六",
  lots: "批次",
  undated: "无批次（退货、盘盈等）",
  expires: "到期",
};

const en: Record<keyof typeof zh, string> = {
  supplyTitle: "Supply",
  eta: "ETA",
  orderedQty: "qty",
  forecast: "Expected sales, next 7 days",
  forecastNone: "No forecast yet (too little sales history)",
  forecastTotal: "total",
  transfers: "Transfers",
  transferIn: "in from",
  transferOut: "out to",
  transfersNone: "No open transfers",
  request: "Request transfer",
  requestQty: "Quantity",
  requestSend: "Send request",
  requestCancel: "Cancel",
  requested: "Transfer requested",
  askingHq: "Asking HQ…",
  tr_requested: "awaiting approval",
  tr_approved: "approved",
  tr_shipped: "in transit",
  tr_received: "received",
  tr_rejected: "rejected",
  tr_cancelled: "cancelled",
  weekday: "SMTWTFS",
  lots: "Lots",
  undated: "Undated (returns, count gains...)",
  expires: "expires",
};

export type SupplyKey = keyof typeof zh;

export function st(key: SupplyKey): string {
  return (i18n.locale === "en" ? en : zh)[key];
}

/** A transfer status as words ("shipped" -> 在途). */
export function transferStatusName(status: string): string {
  const key = `tr_${status}` as SupplyKey;
  return key in zh ? st(key) : status;
}

/** "2026-11-26" -> "周四 11-26" (zh) / "T 11-26" (en). */
export function dayLabel(day: string): string {
  const dow = new Date(`${day}T00:00:00Z`).getUTCDay();
  const w = st("weekday")[dow] ?? "";
  return i18n.locale === "en" ? `${w} ${day.slice(5)}` : `周${w} ${day.slice(5)}`;
}
