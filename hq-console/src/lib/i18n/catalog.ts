// The catalog screen (商品: search, product detail, CSV import): zh-CN first, English beside it. Pure data, merged into the console's one
// dictionary by index.ts; a missing English text is a type error.

export const zh = {
  searchHint: "编码、名称或拼音",
  barcodes: "条码",
  prices: "价格",
  taxRate: "税率",
  import: "导入",
  importCsv: "CSV 导入",
  importKind: "类型",
  products: "商品",
  csvFile: "CSV 文件",
  csvText: "或粘贴 CSV 内容",
  progress: "进度",
  importDone: "导入完成",
  importFailed: "导入失败，未写入任何数据",
} as const;

export const en: Record<keyof typeof zh, string> = {
  searchHint: "SKU, name or pinyin",
  barcodes: "Barcodes",
  prices: "Prices",
  taxRate: "Tax rate",
  import: "Import",
  importCsv: "CSV import",
  importKind: "Kind",
  products: "Products",
  csvFile: "CSV file",
  csvText: "or paste CSV",
  progress: "Progress",
  importDone: "Import complete",
  importFailed: "Import failed; nothing was written",
};
