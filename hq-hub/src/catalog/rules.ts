// Business rules of master data, as pure functions: each takes the raw input (and what it must
// be checked against) and returns the normalised record, or throws a ValidationError naming
// the field. The service layer looks things up and writes; the rules decide.
import {
  BarcodeError,
  BarcodeV1,
  type Cashier,
  type Coupon,
  CouponV1,
  IsoTime,
  type Member,
  MemberV1,
  normalizeGtin,
  POINTS_RULE_KEY,
  type PointsRule,
  PointsRuleV1,
  type Product,
  ProductV1,
  type Promotion,
  PromotionV1,
  pinyinInitials,
  Sku,
} from "@retail/protocol";
import { z } from "zod";
import { fromZod, ValidationError } from "../errors.ts";

export const ENTITIES = [
  "product",
  "barcode",
  "price",
  "promotion",
  "member",
  "cashier",
  "coupon",
  "points_rule",
] as const;
export type Entity = (typeof ENTITIES)[number];

export type PriceScope = "chain" | "region" | "store";

/** One window of an internal price schedule (fen, tax included). */
export interface ScheduleWindow {
  price: number;
  startsAt?: string;
  endsAt?: string;
}

/** The windows of one SKU at one scope: the unit a price-list edit replaces. */
export interface PriceSchedule {
  sku: string;
  scope: PriceScope;
  /** "" for chain, the region name, or the store id. */
  scopeKey: string;
  windows: ScheduleWindow[];
}

export function priceKey(s: Pick<PriceSchedule, "sku" | "scope" | "scopeKey">): string {
  return `${s.sku}|${s.scope}|${s.scopeKey}`;
}

export function parsePriceKey(key: string): Pick<PriceSchedule, "sku" | "scope" | "scopeKey"> {
  const [sku = "", scope = "chain", scopeKey = ""] = key.split("|");
  return { sku, scope: scope as PriceScope, scopeKey };
}

const ScheduleInput = z.strictObject({
  sku: Sku,
  scope: z.enum(["chain", "region", "store"]),
  scopeKey: z.string().max(40).optional(),
  windows: z
    .array(
      z.strictObject({
        price: z.int("must be an integer number of fen").min(0, "price below zero"),
        startsAt: IsoTime.optional(),
        endsAt: IsoTime.optional(),
      }),
    )
    .min(1)
    .max(50),
});

export function checkProduct(input: unknown): Product {
  const r = ProductV1.safeParse(input);
  if (!r.success) throw fromZod(r.error);
  const p = r.data;
  if (p.plu !== undefined && !p.weighed)
    throw new ValidationError("plu", "only weighed goods have a scale PLU");
  if (p.weighed && !["KG", "G"].includes(p.unit))
    throw new ValidationError("unit", "weighed goods are sold by KG or G");
  if (p.packs?.length && p.weighed)
    throw new ValidationError("packs", "weighed goods are sold by weight, not in packs");
  // Pack codes are stored like barcodes (GTINs normalised), so the till finds the code it scans.
  const packs = p.packs?.map((k, i) =>
    k.code === undefined ? k : { ...k, code: storedCode(k.code, `packs.${i}.code`) },
  );
  if (packs && new Set(packs.map((k) => k.code).filter(Boolean)).size !== packs.filter((k) => k.code).length)
    throw new ValidationError("packs", "two packs with the same code");
  const out = packs ? { ...p, packs } : p;
  // Written without initials: HQ derives them from the zh-CN name so every store gets them
  // (an explicit value, even "", is kept as given).
  if (out.pinyin === undefined) {
    const initials = pinyinInitials(out.name);
    if (initials !== "") return { ...out, pinyin: initials };
  }
  return out;
}

/**
 * A barcode: all-digit codes of GTIN length must carry a valid check digit and are stored
 * normalised (UPC-A as EAN-13, GTIN-14 with indicator 0 as EAN-13); anything else is an
 * in-store CODE128 code of letters, digits and dashes.
 */
export function checkBarcode(input: unknown): { code: string; sku: string } {
  const r = BarcodeV1.safeParse(input);
  if (!r.success) throw fromZod(r.error);
  const { code, sku } = r.data;
  return { code: storedCode(code, "code"), sku };
}

/** A barcode or pack code as HQ stores it (GTINs normalised), or a ValidationError on `field`. */
function storedCode(code: string, field: string): string {
  if (!/^[A-Za-z0-9-]+$/.test(code)) throw new ValidationError(field, "letters, digits and dashes only");
  if (/^\d+$/.test(code) && [8, 12, 13, 14].includes(code.length)) {
    try {
      return normalizeGtin(code).gtin;
    } catch (e) {
      if (e instanceof BarcodeError) throw new ValidationError(field, e.message.replace(/^code: /, ""));
      throw e;
    }
  }
  if (/^\d+$/.test(code) && code.length > 7)
    throw new ValidationError(
      field,
      `a numeric code of ${code.length} digits is not a GTIN length (8, 12, 13, 14)`,
    );
  return code;
}

const ms = (t: string | undefined, open: number) => (t === undefined ? open : Date.parse(t));

/** Validates a price schedule: non-negative integer fen, proper windows that do not overlap. */
export function checkPriceSchedule(input: unknown): PriceSchedule {
  const r = ScheduleInput.safeParse(input);
  if (!r.success) throw fromZod(r.error);
  const s = r.data;
  const scopeKey = s.scope === "chain" ? "" : (s.scopeKey ?? "");
  if (s.scope !== "chain" && !scopeKey)
    throw new ValidationError("scopeKey", `a ${s.scope} price names its ${s.scope}`);
  const windows = s.windows.map((w, i) => {
    if (w.startsAt && w.endsAt && !(Date.parse(w.startsAt) < Date.parse(w.endsAt)))
      throw new ValidationError(`windows.${i}.endsAt`, "must be later than startsAt");
    return w;
  });
  const sorted = windows
    .map((w, i) => ({ w, i }))
    .sort((a, b) => ms(a.w.startsAt, -Infinity) - ms(b.w.startsAt, -Infinity));
  for (let k = 1; k < sorted.length; k++) {
    const prev = sorted[k - 1]!;
    const cur = sorted[k]!;
    if (ms(cur.w.startsAt, -Infinity) < ms(prev.w.endsAt, Infinity))
      throw new ValidationError(`windows.${cur.i}.startsAt`, `overlaps window ${prev.i}`);
  }
  return { sku: s.sku, scope: s.scope, scopeKey, windows };
}

export function checkPromotion(input: unknown): Promotion {
  const r = PromotionV1.safeParse(input);
  if (!r.success) throw fromZod(r.error);
  return r.data;
}

export function checkMember(input: unknown): Member {
  const r = MemberV1.safeParse(input);
  if (!r.success) throw fromZod(r.error);
  return r.data;
}

export const CashierInput = z.strictObject({
  id: z.string().regex(/^\d{3,8}$/, "cashier code: 3-8 digits"),
  name: z.string().min(1).max(40),
  role: z.enum(["cashier", "supervisor", "manager"]),
  pin: z
    .string()
    .regex(/^\d{4,8}$/, "PIN: 4-8 digits")
    .optional(),
  pinHash: z.string().min(10).max(200).optional(),
  status: z.enum(["active", "inactive"]),
});

/**
 * A cashier; a clear-text PIN is hashed here and never stored. Without a PIN or hash the
 * cashier keeps `currentPinHash` (an edit of name, role or status), since the API never hands
 * the hash out to be sent back.
 */
export async function checkCashier(input: unknown, currentPinHash?: string): Promise<Cashier> {
  const r = CashierInput.safeParse(input);
  if (!r.success) throw fromZod(r.error);
  const { pin, pinHash, ...rest } = r.data;
  if (!pin && !pinHash && !currentPinHash) throw new ValidationError("pin", "a cashier needs a PIN");
  // bcrypt with a low cost: a PIN has little entropy whatever the hash, and tills verify offline.
  const hash = pin
    ? await Bun.password.hash(pin, { algorithm: "bcrypt", cost: 6 })
    : (pinHash ?? currentPinHash!);
  return { ...rest, pinHash: hash };
}

/**
 * A cashier as the admin API shows it: without the PIN hash. A 4-8 digit PIN's bcrypt hash
 * falls to a brute force in minutes, so only the stores (over their own MQTT topics) get it.
 */
export function cashierForApi<T extends { pinHash?: string }>(
  c: T,
): Omit<T, "pinHash"> & { hasPin: boolean } {
  const { pinHash, ...rest } = c;
  return { ...rest, hasPin: Boolean(pinHash) };
}

export function checkCoupon(input: unknown): Coupon {
  const r = CouponV1.safeParse(input);
  if (!r.success) throw fromZod(r.error);
  return r.data;
}

/** The key of a record of `entity`, as change items and the store's deletes use it. */
export function keyOf(entity: Entity, data: unknown): string {
  const d = data as Record<string, string>;
  switch (entity) {
    case "product":
      return d.sku!;
    case "barcode":
      return d.code!;
    case "price":
      return priceKey(data as PriceSchedule);
    case "promotion":
    case "member":
    case "cashier":
      return d.id!;
    case "coupon":
      return d.code!;
    case "points_rule":
      return POINTS_RULE_KEY;
  }
}

/** The chain's points redemption rule (protocol/src/points.ts). */
export function checkPointsRule(input: unknown): PointsRule {
  const r = PointsRuleV1.safeParse(input);
  if (!r.success) throw fromZod(r.error);
  return r.data;
}
