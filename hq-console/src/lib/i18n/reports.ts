// The reports screens (报表 and 毛利): zh-CN first, English beside it. Pure data, merged into the console's one
// dictionary by index.ts; a missing English text is a type error.

export const zh = {
  excludedStores: "以下门店的金额超出上限（总额已无法精确计算），未计入本报表：",
  by: "维度",
  byDay: "按日",
  byStore: "按门店",
  byCategory: "按分类",
  saleCount: "销售笔数",
  returnCount: "退货笔数",
  method: "支付方式",
  byRegion: "按区域",
  bySku: "按商品",
  byPromotion: "按促销",
  revenueExVat: "收入（不含税，扣除退货）",
  costOfSales: "销售成本",
  grossMargin: "毛利",
  marginRate: "毛利率",
  soldQty: "销量",
  returnedQty: "退货量",
  promotionDiscount: "促销让利",
} as const;

export const en: Record<keyof typeof zh, string> = {
  excludedStores: "Left out of this report (figures beyond the money caps, sums no longer exact):",
  by: "By",
  byDay: "Day",
  byStore: "Store",
  byCategory: "Category",
  saleCount: "Sales",
  returnCount: "Returns",
  method: "Method",
  byRegion: "Region",
  bySku: "SKU",
  byPromotion: "Promotion",
  revenueExVat: "Revenue (ex VAT, net of returns)",
  costOfSales: "Cost of sales",
  grossMargin: "Gross margin",
  marginRate: "Margin %",
  soldQty: "Sold",
  returnedQty: "Returned",
  promotionDiscount: "Discount given",
};
