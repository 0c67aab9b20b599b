// The imported sales history's texts (需求预测 screen: history from before the stores ran on this
// system), zh-CN first, English beside it; `sh` reads the same locale rune as `t`.
import { locale } from "./i18n.svelte.ts";

const zh = {
  title: "导入历史销量",
  hint: "启用本系统之前的每日销量（旧收银系统导出），预测从门店第一笔库存变动之前的这些天学习。列：store,sku,day,units,stockout（stockout 可省略，填 1/0 或 是/否）；日期须早于今天，最多两年；同一天再次导入会覆盖；有错误行则整份不导入。",
  file: "选择 CSV 文件",
  import: "导入",
  imported: "已导入 {n} 行",
  store: "门店",
  skus: "商品数",
  rows: "行数",
  from: "最早日期",
  to: "最晚日期",
  none: "尚未导入历史销量",
};

const en: Record<keyof typeof zh, string> = {
  title: "Import sales history",
  hint: "Daily sales from before the stores ran on this system (an export of the old POS); the forecast learns from these days before a store's first stock movement. Columns: store,sku,day,units,stockout (stockout optional: 1/0, yes/no); days before today, two years at most; a day imported again is replaced; a file with a bad row is not imported at all.",
  file: "Choose a CSV file",
  import: "Import",
  imported: "{n} rows imported",
  store: "Store",
  skus: "SKUs",
  rows: "Rows",
  from: "First day",
  to: "Last day",
  none: "No sales history imported yet",
};

export function sh(key: keyof typeof zh, vars: Record<string, string | number> = {}): string {
  const text = locale.current === "en" ? en[key] : zh[key];
  return text.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
}
