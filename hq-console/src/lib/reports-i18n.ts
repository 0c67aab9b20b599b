// The reports screen's texts added by issue 19 (periods, region and cashier roll-ups, SKU
// ranking, promotion results, returns and voids, export), beside i18n/reports.ts like
// books-i18n.ts. `rt` reads the same locale rune as `t`; a missing English text is a type error.
import { locale } from "./i18n.svelte.ts";

const zh = {
  byWeek: "按周",
  byMonth: "按月",
  byRegion: "按区域",
  byCashier: "按收银员",
  salesTab: "销售",
  skuTab: "商品排行",
  promoTab: "促销效果",
  returnsTab: "退货与作废",
  export: "导出",
  csv: "CSV",
  xlsx: "Excel",
  rank: "排名",
  sku: "商品",
  revenue: "收入（不含税）",
  margin: "毛利",
  marginRate: "毛利率",
  soldQty: "销量",
  discount: "促销让利",
  promotion: "促销",
  returnsByReason: "退货原因",
  reason: "原因",
  count: "笔数",
  refund: "退款",
  tillActions: "收银操作",
  action: "操作",
  amount: "金额",
  perCashier: "收银员",
  cashier: "收银员",
  returns: "退货",
  voids: "作废",
  actionAmount: "操作金额",
  a_line_void: "删除商品行",
  a_sale_void: "整单作废",
  a_price_override: "改价",
  a_no_sale: "无销售开钱箱",
  a_return_without_receipt: "无小票退货",
  a_refund_to_cash: "现金退款",
  a_drawer_open: "开钱箱",
};
type Key = keyof typeof zh;

const en: Record<Key, string> = {
  byWeek: "Week",
  byMonth: "Month",
  byRegion: "Region",
  byCashier: "Cashier",
  salesTab: "Sales",
  skuTab: "SKU ranking",
  promoTab: "Promotions",
  returnsTab: "Returns and voids",
  export: "Export",
  csv: "CSV",
  xlsx: "Excel",
  rank: "Rank",
  sku: "SKU",
  revenue: "Revenue (ex VAT)",
  margin: "Margin",
  marginRate: "Margin %",
  soldQty: "Sold",
  discount: "Discount given",
  promotion: "Promotion",
  returnsByReason: "Returns by reason",
  reason: "Reason",
  count: "Count",
  refund: "Refunded",
  tillActions: "Till actions",
  action: "Action",
  amount: "Amount",
  perCashier: "Per cashier",
  cashier: "Cashier",
  returns: "Returns",
  voids: "Voids",
  actionAmount: "Amount of actions",
  a_line_void: "Line void",
  a_sale_void: "Sale void",
  a_price_override: "Price override",
  a_no_sale: "No-sale drawer open",
  a_return_without_receipt: "Return without receipt",
  a_refund_to_cash: "Cash refund",
  a_drawer_open: "Drawer open",
};

export function rt(key: Key): string {
  return locale.current === "en" ? en[key] : zh[key];
}

/** A till action in words (the code itself when unknown). */
export function actionName(action: string): string {
  const key = `a_${action}` as Key;
  return key in zh ? rt(key) : action;
}
