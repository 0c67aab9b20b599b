// A promotion as typed on the change-set screen -> the PromotionV1 JSON the hub validates
// (protocol/src/pricing/schema.ts). Amounts are typed in yuan and sent as integer fen; counts
// and percents as whole numbers; SKU and category lists comma- or space-separated; times are
// the chain's local time (China, +08:00), since an instant without an offset would mean
// different moments at HQ and a store. What is not a number is sent as typed, so the hub's
// error names the field; a yuan amount that is not one is refused here, naming it.
import type { PromotionKind as WireKind } from "@retail/protocol";
import { parseYuan } from "./money.ts";

export const PROMOTION_KINDS = [
  "percent_off",
  "special_price",
  "member_price",
  "multi_buy",
  "buy_x_get_y",
  "threshold",
  "threshold_percent",
] as const satisfies readonly WireKind[];
export type PromotionKind = (typeof PROMOTION_KINDS)[number];

/** Which fields each kind asks for (the rest are hidden and not sent). */
export const KIND_FIELDS: Record<PromotionKind, readonly PromotionField[]> = {
  percent_off: ["percent"],
  special_price: ["price"],
  member_price: ["price"],
  multi_buy: ["count", "price"],
  buy_x_get_y: ["buy", "get", "percent"],
  threshold: ["min", "off", "repeat"],
  threshold_percent: ["min", "percent"],
};
export type PromotionField = "percent" | "price" | "count" | "buy" | "get" | "min" | "off" | "repeat";

export interface PromotionForm {
  id: string;
  name: string;
  kind: PromotionKind;
  percent: string;
  price: string;
  count: string;
  buy: string;
  get: string;
  min: string;
  off: string;
  repeat: boolean;
  skus: string;
  categories: string;
  startsAt: string;
  endsAt: string;
}

export function emptyPromotionForm(): PromotionForm {
  return {
    id: "",
    name: "",
    kind: "percent_off",
    percent: "",
    price: "",
    count: "",
    buy: "",
    get: "",
    min: "",
    off: "",
    repeat: false,
    skus: "",
    categories: "",
    startsAt: "",
    endsAt: "",
  };
}

export class PromotionFormError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

const CHAIN_OFFSET = "+08:00";
const YUAN_FIELDS = new Set<PromotionField>(["price", "min", "off"]);

const list = (s: string) =>
  s
    .split(/[\s,，、]+/)
    .map((x) => x.trim())
    .filter(Boolean);

const whole = (s: string): number | string => (/^\d+$/.test(s.trim()) ? Number(s.trim()) : s.trim());

/** "2026-12-05T08:00" (an <input type=datetime-local>) -> "2026-12-05T08:00:00+08:00". */
export function chainInstant(local: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::(\d{2}))?$/.exec(local.trim());
  if (!m) return local.trim();
  return `${m[1]}T${m[2]}:${m[3] ?? "00"}${CHAIN_OFFSET}`;
}

/** The PromotionV1 body for POST /catalog/promotion; throws PromotionFormError on a bad amount. */
export function promotionFromForm(f: PromotionForm): Record<string, unknown> {
  const out: Record<string, unknown> = { id: f.id.trim(), kind: f.kind };
  if (f.name.trim()) out.name = f.name.trim();
  for (const field of KIND_FIELDS[f.kind]) {
    if (field === "repeat") {
      if (f.repeat) out.repeat = true;
      continue;
    }
    const text = f[field];
    // buy_x_get_y's percent is optional (omitted = the Y units free).
    if (!text.trim() && f.kind === "buy_x_get_y" && field === "percent") continue;
    if (YUAN_FIELDS.has(field)) {
      const fen = parseYuan(text);
      if (fen === undefined)
        throw new PromotionFormError(field, `${text || "(empty)"}: not an amount of yuan (12.34)`);
      out[field] = fen;
    } else out[field] = whole(text);
  }
  const skus = list(f.skus);
  const categories = list(f.categories);
  if (skus.length) out.skus = skus;
  if (categories.length) out.categories = categories;
  if (f.startsAt.trim()) out.startsAt = chainInstant(f.startsAt);
  if (f.endsAt.trim()) out.endsAt = chainInstant(f.endsAt);
  return out;
}
