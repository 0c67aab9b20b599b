// The near-expiry screen's texts (routes/expiry) in zh-CN and English, beside the shared
// dictionary (i18n.svelte.ts); `ex` reads the same locale rune as `t`. A missing English text is
// a type error.
import { i18n } from "./i18n.svelte.ts";

const zh = {
  title: "临期商品",
  days: "显示剩余天数不超过",
  daysUnit: "天",
  none: "没有临期商品",
  sku: "商品编码",
  name: "品名",
  batch: "批次",
  expiresOn: "到期日",
  left: "剩余",
  expired: "已过期",
  lastDay: "今天到期",
  qty: "本批数量",
  onHand: "库存",
  writeOffTitle: "过期商品报损",
  writeOffHint: "将所有已过期批次报损出库（店长或员工编号 + 密码）",
  staff: "员工编号",
  pin: "密码",
  writeOff: "报损出库",
  writtenOff: "已报损",
  units: "件",
  nothingExpired: "没有已过期的批次",
  today: "今天",
};

const en: Record<keyof typeof zh, string> = {
  title: "Near expiry",
  days: "Show days left up to",
  daysUnit: "days",
  none: "Nothing near expiry",
  sku: "SKU",
  name: "Name",
  batch: "Batch",
  expiresOn: "Expires",
  left: "Left",
  expired: "Expired",
  lastDay: "Last day",
  qty: "Lot qty",
  onHand: "On hand",
  writeOffTitle: "Write off expired goods",
  writeOffHint: "Writes off every lot past its date (staff code + PIN)",
  staff: "Staff code",
  pin: "PIN",
  writeOff: "Write off",
  writtenOff: "Written off",
  units: "units",
  nothingExpired: "Nothing is past its date",
  today: "Today",
};

export type ExpiryKey = keyof typeof zh;

export function ex(key: ExpiryKey): string {
  return (i18n.locale === "en" ? en : zh)[key];
}

/** Days left in words: past, the last day, or n days. */
export function daysLeftWords(d: number): string {
  return d < 0 ? ex("expired") : d === 0 ? ex("lastDay") : `${d} ${ex("daysUnit")}`;
}
