// The stock screen (库存: stock card, recent sales and their receipts): zh-CN first, English beside it. Pure data, merged into the console's one
// dictionary by index.ts; a missing English text is a type error.

export const zh = {
  transfersNav: "门店调拨",
  onHand: "库存量",
  stockCard: "库存卡",
  movement: "变动",
  ref: "单据",
  sales: "最近销售",
  receipt: "小票",
  receiptNo: "小票号",
  lane: "款台",
  cashier: "收银员",
  businessDay: "营业日",
  gross: "原价",
  discount: "优惠",
  net: "实收",
  tax: "税额",
  refund: "退款",
  unitPrice: "单价",
  tenders: "支付",
} as const;

export const en: Record<keyof typeof zh, string> = {
  transfersNav: "Transfers",
  onHand: "On hand",
  stockCard: "Stock card",
  movement: "Change",
  ref: "Reference",
  sales: "Recent sales",
  receipt: "Receipt",
  receiptNo: "Receipt no.",
  lane: "Lane",
  cashier: "Cashier",
  businessDay: "Business day",
  gross: "Gross",
  discount: "Discount",
  net: "Net",
  tax: "Tax",
  refund: "Refunds",
  unitPrice: "Unit price",
  tenders: "Tenders",
};
