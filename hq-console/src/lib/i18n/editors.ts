// The editors' navigation words (价格、促销、收银员); their screens' texts are in
// lib/editors-i18n.ts. Merged into the console's one dictionary by index.ts.

export const zh = {
  pricesNav: "价格",
  promotionsNav: "促销",
  cashiersNav: "收银员",
} as const;

export const en: Record<keyof typeof zh, string> = {
  pricesNav: "Prices",
  promotionsNav: "Promotions",
  cashiersNav: "Cashiers",
};
