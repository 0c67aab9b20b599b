// The promotion editor beyond the change-set screen's quick form (promotion.ts): a held
// PromotionV1 read back into the form (fen -> yuan text, instants -> the chain's local time),
// the extra gates an editor sets (coupon code, member tiers, stores, priority), and a promotion
// said in words for the list ("满 ¥100.00 减 ¥20.00"). Pure, integer fen throughout.
import {
  emptyPromotionForm,
  type PromotionForm,
  type PromotionKind,
  promotionFromForm,
} from "./promotion.ts";

export interface PromotionEditForm extends PromotionForm {
  couponCode: string;
  tiers: string;
  stores: string;
  priority: string;
}

export interface HeldPromotion {
  id: string;
  kind: string;
  name?: string;
  percent?: number;
  price?: number;
  count?: number;
  buy?: number;
  get?: number;
  min?: number;
  off?: number;
  repeat?: boolean;
  cap?: number;
  skus?: string[];
  categories?: string[];
  stores?: string[];
  tiers?: string[];
  couponCode?: string;
  priority?: number;
  startsAt?: string;
  endsAt?: string;
}

export const emptyEditForm = (): PromotionEditForm => ({
  ...emptyPromotionForm(),
  couponCode: "",
  tiers: "",
  stores: "",
  priority: "",
});

/** 1234 -> "12.34" (what a yuan field shows), by integer math. */
export function yuanText(fen: number): string {
  const sign = fen < 0 ? "-" : "";
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

const CHAIN_OFFSET_MS = 8 * 3_600_000;
/** An instant -> "2026-12-05T08:00" in the chain's zone (+08:00), for <input type=datetime-local>. */
export function chainLocal(instant: string | undefined): string {
  if (!instant) return "";
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) return "";
  return new Date(ms + CHAIN_OFFSET_MS).toISOString().slice(0, 16);
}

export function formFromPromotion(p: HeldPromotion): PromotionEditForm {
  const n = (v: number | undefined) => (v === undefined ? "" : String(v));
  const y = (v: number | undefined) => (v === undefined ? "" : yuanText(v));
  return {
    id: p.id,
    name: p.name ?? "",
    kind: p.kind as PromotionKind,
    percent: n(p.percent),
    price: y(p.price),
    count: n(p.count),
    buy: n(p.buy),
    get: n(p.get),
    min: y(p.min),
    off: y(p.off),
    repeat: p.repeat === true,
    skus: (p.skus ?? []).join(", "),
    categories: (p.categories ?? []).join(", "),
    startsAt: chainLocal(p.startsAt),
    endsAt: chainLocal(p.endsAt),
    couponCode: p.couponCode ?? "",
    tiers: (p.tiers ?? []).join(", "),
    stores: (p.stores ?? []).join(", "),
    priority: n(p.priority),
  };
}

const list = (s: string) =>
  s
    .split(/[\s,，、]+/)
    .map((x) => x.trim())
    .filter(Boolean);

/** The PromotionV1 body: the quick form's fields plus the gates; a bad amount throws naming it. */
export function promotionFromEditForm(f: PromotionEditForm): Record<string, unknown> {
  const out = promotionFromForm(f);
  if (f.couponCode.trim()) out.couponCode = f.couponCode.trim();
  const tiers = list(f.tiers);
  if (tiers.length && f.kind === "member_price") out.tiers = tiers;
  const stores = list(f.stores);
  if (stores.length) out.stores = stores;
  if (f.priority.trim())
    out.priority = /^-?\d+$/.test(f.priority.trim()) ? Number(f.priority.trim()) : f.priority.trim();
  return out;
}

const yuan = (fen: number | undefined) => (fen === undefined ? "?" : `¥${yuanText(fen)}`);

/** What a promotion gives, in words (zh-CN or English). */
export function promotionWords(p: HeldPromotion, lang: "zh-CN" | "en"): string {
  const zh = lang === "zh-CN";
  switch (p.kind) {
    case "percent_off":
      return zh ? `优惠 ${p.percent}%` : `${p.percent}% off`;
    case "special_price":
      return zh ? `特价 ${yuan(p.price)}` : `special price ${yuan(p.price)}`;
    case "member_price":
      return zh ? `会员价 ${yuan(p.price)}` : `member price ${yuan(p.price)}`;
    case "multi_buy":
      return zh ? `${p.count} 件 ${yuan(p.price)}` : `${p.count} for ${yuan(p.price)}`;
    case "buy_x_get_y": {
      const pct = p.percent ?? 100;
      if (pct === 100) return zh ? `买 ${p.buy} 赠 ${p.get}` : `buy ${p.buy} get ${p.get} free`;
      return zh ? `买 ${p.buy} 件，另 ${p.get} 件优惠 ${pct}%` : `buy ${p.buy}, ${p.get} more at ${pct}% off`;
    }
    case "threshold":
      return zh
        ? `${p.repeat ? "每满" : "满"} ${yuan(p.min)} 减 ${yuan(p.off)}${p.cap !== undefined ? `，最多减 ${yuan(p.cap)}` : ""}`
        : `${yuan(p.off)} off ${p.repeat ? "every" : "over"} ${yuan(p.min)}${p.cap !== undefined ? `, at most ${yuan(p.cap)}` : ""}`;
    case "threshold_percent":
      return zh ? `满 ${yuan(p.min)} 优惠 ${p.percent}%` : `${p.percent}% off over ${yuan(p.min)}`;
    default:
      return p.kind;
  }
}
