// The packs section's texts (ProductPacks.svelte: a product's case / six-pack levels) in zh-CN
// and English, beside the shared dictionary like members-i18n.ts; `pk` reads the same locale
// rune as `t`. A missing English text is a type error.
import { locale } from "./i18n.svelte.ts";

const zh = {
  title: "包装规格",
  unit: "销售单位",
  name: "包装名称",
  qty: "每包数量",
  code: "包装条码",
  purchase: "采购包装",
  purchaseNote: "自动补货按采购包装整包订货；扫包装条码按整包数量销售、收货和盘点。",
  add: "添加包装",
  remove: "删除",
  save: "保存到草稿",
  saved: "已写入草稿变更集",
  none: "仅按单件",
  weighed: "称重商品按重量销售，不设包装",
  loading: "加载中…",
  importKind: "包装规格",
  importNote: "packs：sku,qty,name[,code,purchase]，每行一个包装层级；文件中同一商品的各行整体替换其包装规格",
};

const en: Record<keyof typeof zh, string> = {
  title: "Packs",
  unit: "Sold by",
  name: "Pack name",
  qty: "Units per pack",
  code: "Pack barcode",
  purchase: "Purchase pack",
  purchaseNote:
    "Automatic orders are rounded to whole purchase packs; scanning a pack's barcode sells, receives and counts its units.",
  add: "Add pack",
  remove: "Remove",
  save: "Save to draft",
  saved: "Written to draft change set",
  none: "Units only",
  weighed: "Weighed goods are sold by weight, without packs",
  loading: "Loading…",
  importKind: "Packs",
  importNote:
    "packs: sku,qty,name[,code,purchase], one row per pack level; a product's rows in the file replace its pack levels",
};

export type PacksKey = keyof typeof zh;

export function pk(key: PacksKey): string {
  return (locale.current === "en" ? en : zh)[key];
}
