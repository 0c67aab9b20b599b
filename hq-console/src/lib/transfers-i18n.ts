// The transfers screen's texts (调拨) in zh-CN and English, kept beside the shared dictionary;
// `tt` reads the same locale rune as `t`; a missing English text is a type error.
import { locale } from "./i18n.svelte.ts";

const zh = {
  title: "门店调拨",
  hint: "调拨单：申请（总部或门店收银台）→ 审批 → 发货（调出门店库存按移动平均成本转入调拨在途 1402）→ 收货（差异记入调入门店盘亏/盘盈）",
  newTransfer: "新建调拨单",
  from: "调出门店",
  to: "调入门店",
  sku: "商品编码",
  qty: "数量",
  note: "备注",
  addLine: "加一行",
  create: "提交申请",
  store: "门店",
  status: "状态",
  all: "全部",
  open: "未完成",
  show: "查询",
  id: "单号",
  origin: "来源",
  origin_hq: "总部",
  origin_till: "门店收银台",
  lines: "行数",
  requested: "申请数",
  shipped: "发货数",
  received: "收货数",
  difference: "差异",
  inTransit: "在途金额",
  shippedValue: "发货成本",
  differenceValue: "差异金额",
  created: "创建时间",
  requestedBy: "申请人",
  total: "共",
  approve: "审批通过",
  reject: "驳回",
  cancel: "取消",
  ship: "发货",
  receive: "收货",
  shipHint: "按实际发货数填写（不得超过申请数）",
  receiveHint: "按实际收到的数量填写，与发货数的差异记入调入门店",
  none: "没有调拨单",
  done: "已更新",
  st_requested: "待审批",
  st_approved: "已批准",
  st_shipped: "在途",
  st_received: "已收货",
  st_rejected: "已驳回",
  st_cancelled: "已取消",
} as const;

const en: Record<keyof typeof zh, string> = {
  title: "Store transfers",
  hint: "A transfer: requested (at HQ or a store's till) → approved → shipped (the sender's stock leaves at its moving-average cost into 1402 in transit) → received (a difference is a loss or gain at the receiver)",
  newTransfer: "New transfer",
  from: "From store",
  to: "To store",
  sku: "SKU",
  qty: "Qty",
  note: "Note",
  addLine: "Add line",
  create: "Request",
  store: "Store",
  status: "Status",
  all: "All",
  open: "Open",
  show: "Show",
  id: "No.",
  origin: "Origin",
  origin_hq: "HQ",
  origin_till: "Store till",
  lines: "Lines",
  requested: "Requested",
  shipped: "Shipped",
  received: "Received",
  difference: "Difference",
  inTransit: "In transit",
  shippedValue: "Cost shipped",
  differenceValue: "Difference value",
  created: "Created",
  requestedBy: "Requested by",
  total: "Total",
  approve: "Approve",
  reject: "Reject",
  cancel: "Cancel",
  ship: "Ship",
  receive: "Receive",
  shipHint: "Enter what is shipped (at most what was requested)",
  receiveHint: "Enter what arrived; the difference against shipped is booked at the receiver",
  none: "No transfers",
  done: "Updated",
  st_requested: "awaiting approval",
  st_approved: "approved",
  st_shipped: "in transit",
  st_received: "received",
  st_rejected: "rejected",
  st_cancelled: "cancelled",
};

export type TransfersKey = keyof typeof zh;

export function tt(key: TransfersKey): string {
  return locale.current === "en" ? en[key] : zh[key];
}

/** A transfer status or origin code as words. */
export function statusName(s: string): string {
  const k = `st_${s}` as TransfersKey;
  return k in zh ? tt(k) : s;
}
export function originName(s: string): string {
  const k = `origin_${s}` as TransfersKey;
  return k in zh ? tt(k) : s;
}
