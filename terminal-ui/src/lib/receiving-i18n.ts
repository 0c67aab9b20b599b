// The receiving screen's words (收货与调拨: a supplier's delivery, a transfer in or out counted
// at the till), zh-CN first; kept beside the screen, not in the shared dictionary
// (i18n.svelte.ts); it follows the same locale.
import { i18n } from "./i18n.svelte.ts";

const zh = {
  title: "收货与调拨",
  open: "收货/调拨",
  deliveries: "供应商到货",
  transfersIn: "调拨收货",
  transfersOut: "调拨发货",
  none: "暂无",
  order: "采购单",
  eta: "预计到货",
  from: "调出门店",
  to: "调入门店",
  count: "清点",
  sku: "商品",
  expected: "应到",
  toShip: "应发",
  counted: "实点",
  difference: "差异",
  scan: "扫描条码（整箱条码按整箱数量计）",
  qty: "数量",
  pin: "密码",
  confirmReceive: "确认收货",
  confirmShip: "确认发货",
  received: "已收货",
  shipped: "已发货",
  back: "返回",
  notOnDoc: "不在本单上的商品",
  hqOffline: "调拨需要连接总部",
  inTransit: "在途",
  ordered: "已下单",
  approved: "已批准，待发货",
  batch: "批号",
  expiresOn: "到期日",
  lotBoth: "批号和到期日要一起填写（或都不填）",
};

const en: Record<keyof typeof zh, string> = {
  title: "Receiving and transfers",
  open: "Receive / transfer",
  deliveries: "Supplier deliveries",
  transfersIn: "Transfers in",
  transfersOut: "Transfers out",
  none: "None",
  order: "Order",
  eta: "ETA",
  from: "From",
  to: "To",
  count: "Count",
  sku: "Item",
  expected: "Expected",
  toShip: "To ship",
  counted: "Counted",
  difference: "Difference",
  scan: "Scan a barcode (a case code counts the case)",
  qty: "Qty",
  pin: "PIN",
  confirmReceive: "Confirm receipt",
  confirmShip: "Confirm shipment",
  received: "Received",
  shipped: "Shipped",
  back: "Back",
  notOnDoc: "Not on this document",
  hqOffline: "Transfers need HQ online",
  inTransit: "In transit",
  ordered: "Ordered",
  approved: "Approved, to ship",
  batch: "Batch",
  expiresOn: "Expires",
  lotBoth: "Fill in the batch and the expiry together (or neither)",
};

export type ReceivingKey = keyof typeof zh;

export function rv(key: ReceivingKey): string {
  return (i18n.locale === "en" ? en : zh)[key];
}
