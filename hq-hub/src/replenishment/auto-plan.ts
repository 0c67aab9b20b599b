// Automatic replenishment, pure: how much to order from the forecast (a periodic-review
// order-up-to rule with safety stock for a service level), which parameters apply to a store's
// SKU, whether an order goes out by itself or waits for approval, and which stores' scheduled
// runs are due. Quantities are integers (units, or grams for weighed goods); money is fen.
import { roundUpToPack } from "./plan.ts";

/** Reorder parameters of one store's SKU; service level in basis points (9500 = 95%). */
export interface ReorderParams {
  serviceLevelBp: number;
  leadTimeDays: number;
  reviewDays: number;
  packSize: number;
  minOrderQty: number;
}

/**
 * What a store's SKU row overrides; missing fields come from the product's purchase pack (the
 * pack size only), the supplier, then the defaults.
 */
export type ParamOverrides = Partial<ReorderParams>;

export const DEFAULT_SERVICE_LEVEL_BP = 9500;
export const DEFAULT_REVIEW_DAYS = 7;

export function resolveParams(
  supplier: { leadTimeDays: number; packSize: number; minOrderQty: number },
  row: ParamOverrides | undefined,
  /** Units in the product's purchase pack (ProductV1.packs, the one marked purchase). */
  purchasePack?: number,
): ReorderParams {
  return {
    serviceLevelBp: row?.serviceLevelBp ?? DEFAULT_SERVICE_LEVEL_BP,
    leadTimeDays: row?.leadTimeDays ?? supplier.leadTimeDays,
    reviewDays: row?.reviewDays ?? DEFAULT_REVIEW_DAYS,
    packSize: row?.packSize ?? purchasePack ?? supplier.packSize,
    minOrderQty: row?.minOrderQty ?? supplier.minOrderQty,
  };
}

/**
 * The standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9):
 * the safety factor z of a cycle service level p (0.95 -> 1.645).
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`service level ${p} is not between 0 and 1`);
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
    );
  }
  if (p > 1 - lo) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

export interface PlanInputs {
  sku: string;
  /** Forecast mean demand per day from tomorrow; at least lead time + review days long. */
  forecast: readonly number[];
  /** The forecast's one-day error, standard deviation in units. */
  sigmaDaily: number;
  params: ReorderParams;
  onHand: number;
  /** Open purchase order lines not shipped yet (drafts and ordered) minus their receipts. */
  onOrder: number;
  /** Shipped by the supplier, not received yet. */
  inTransit: number;
}

export interface PlanLine {
  sku: string;
  /** Forecast demand over lead time + review period. */
  demandOverCover: number;
  safetyStock: number;
  /** The level an order brings the position up to: demand over the cover + safety stock. */
  orderUpTo: number;
  position: number;
  /** Units to order: 0 when the position covers the level. */
  qty: number;
  reason: "order" | "covered";
}

/**
 * Periodic review, order up to S: S = forecast demand over lead time + review period + safety
 * stock z(service level) x sigma x sqrt(lead time + review); when on hand + on order + in
 * transit is below S, order the difference, at least the minimum, in whole packs.
 */
export function planOrder(i: PlanInputs): PlanLine {
  const { leadTimeDays, reviewDays, serviceLevelBp, packSize, minOrderQty } = i.params;
  const cover = leadTimeDays + reviewDays;
  if (i.forecast.length < cover)
    throw new RangeError(
      `${i.sku}: forecast of ${i.forecast.length} days is shorter than the cover of ${cover}`,
    );
  let demand = 0;
  for (let d = 0; d < cover; d++) demand += Math.max(0, i.forecast[d]!);
  const z = normalQuantile(serviceLevelBp / 10_000);
  const safetyStock = Math.max(0, Math.ceil(z * Math.max(0, i.sigmaDaily) * Math.sqrt(cover)));
  const orderUpTo = Math.ceil(demand) + safetyStock;
  const position = i.onHand + i.onOrder + i.inTransit;
  const base = { sku: i.sku, demandOverCover: Math.ceil(demand), safetyStock, orderUpTo, position };
  if (position >= orderUpTo || orderUpTo === 0) return { ...base, qty: 0, reason: "covered" };
  const qty = roundUpToPack(Math.max(orderUpTo - position, minOrderQty), packSize);
  return { ...base, qty, reason: "order" };
}

export type Decision = "auto_sent" | "awaiting_approval";

/**
 * The approval rule: an order whose value is known and at most the store's threshold goes out
 * by itself; a dearer one, or one with an unpriced line, waits for someone to approve it.
 */
export function decide(order: { valueFen: number | null }, autoMaxFen: number): Decision {
  return order.valueFen !== null && order.valueFen <= autoMaxFen ? "auto_sent" : "awaiting_approval";
}

export interface Schedule {
  storeId: string;
  /** Run every N days ... */
  everyDays: number;
  /** ... at this hour, China time (UTC+8, no daylight saving). */
  atHour: number;
  enabled: boolean;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const CHINA_MS = 8 * HOUR_MS;

/** When a schedule runs next after its last run (or its first slot at or before now, if it never ran). */
export function nextRunAt(s: Schedule, lastRunAt: Date | null, now: Date): Date {
  // The slot of today (China time) at the hour.
  const local = now.getTime() + CHINA_MS;
  const todaySlot = Math.floor(local / DAY_MS) * DAY_MS + s.atHour * HOUR_MS - CHINA_MS;
  if (!lastRunAt) return new Date(todaySlot <= now.getTime() ? todaySlot : todaySlot - DAY_MS);
  const lastLocal = lastRunAt.getTime() + CHINA_MS;
  const lastSlotDay = Math.floor((lastLocal - s.atHour * HOUR_MS) / DAY_MS);
  return new Date((lastSlotDay + s.everyDays) * DAY_MS + s.atHour * HOUR_MS - CHINA_MS);
}

/** Stores whose scheduled run is due at `now` (each once, however long the hub was down). */
export function dueStores(
  schedules: readonly Schedule[],
  lastRuns: ReadonlyMap<string, Date>,
  now: Date,
): string[] {
  return schedules
    .filter((s) => s.enabled && nextRunAt(s, lastRuns.get(s.storeId) ?? null, now).getTime() <= now.getTime())
    .map((s) => s.storeId);
}
