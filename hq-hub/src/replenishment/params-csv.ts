// Reorder parameters from a CSV file, pure: one row per store and SKU, an empty cell leaves
// that parameter as it is; every bad row is named with its column and the reason, and the
// good rows are returned beside them (the service applies nothing while any row is bad).
import { Sku } from "@retail/protocol";
import { csvTable } from "../catalog/csv-table.ts";
import type { RowError } from "../catalog/import.ts";
import type { ParamOverrides } from "./auto-plan.ts";

export const PARAM_COLUMNS = [
  "store",
  "sku",
  "service_level",
  "lead_time_days",
  "review_days",
  "pack_size",
  "min_order_qty",
] as const;

export interface ParamRow {
  row: number;
  storeId: string;
  sku: string;
  set: ParamOverrides;
}

export const STORE_ID = /^[A-Z0-9]{1,16}$/;
export const MAX_PARAM_ROWS = 100_000;

/** Bounds of each parameter, shared with the bulk edit. */
export const PARAM_BOUNDS = {
  serviceLevelBp: [5000, 9990],
  leadTimeDays: [0, 365],
  reviewDays: [1, 90],
  packSize: [1, 10_000],
  minOrderQty: [1, 1_000_000],
} as const satisfies Record<keyof ParamOverrides, readonly [number, number]>;

/** "95", "97.5", "99.90" (percent, at most two decimals) -> basis points, exactly. */
export function parseServiceLevel(s: string): number | string {
  const m = /^(\d{1,2})(?:\.(\d{1,2}))?%?$/.exec(s.trim());
  if (!m) return `"${s}" is not a percentage like 95 or 97.5`;
  const bp = Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0"));
  const [lo, hi] = PARAM_BOUNDS.serviceLevelBp;
  if (bp < lo || bp > hi) return `${s}% is outside ${lo / 100}%..${hi / 100}%`;
  return bp;
}

function parseCount(s: string, [lo, hi]: readonly [number, number]): number | string {
  if (!/^\d{1,7}$/.test(s.trim())) return `"${s}" is not a whole number`;
  const n = Number(s.trim());
  if (n < lo || n > hi) return `${n} is outside ${lo}..${hi}`;
  return n;
}

export function parseParamsCsv(text: string): { rows: ParamRow[]; errors: RowError[] } {
  const {
    rows: table,
    errors,
    width,
    col,
  } = csvTable(text, {
    columns: PARAM_COLUMNS,
    required: ["store", "sku"],
    maxRows: MAX_PARAM_ROWS,
  });
  const rows: ParamRow[] = [];
  const seen = new Map<string, number>();
  for (const [i, r] of table.entries()) {
    const n = i + 1;
    const bad = (column: string, reason: string) => errors.push({ row: n, column, reason });
    const before = errors.length;
    if (r.length !== width) bad("", `${r.length} fields, the header has ${width}`);
    const storeId = col(r, "store");
    const sku = col(r, "sku");
    if (!STORE_ID.test(storeId)) bad("store", `"${storeId}" is not a store id`);
    if (!Sku.safeParse(sku).success) bad("sku", `"${sku}" is not a SKU`);
    const key = `${storeId}\u0000${sku}`;
    const dup = seen.get(key);
    if (dup !== undefined) bad("sku", `${storeId} ${sku} is already on row ${dup}`);
    seen.set(key, n);
    const set: ParamOverrides = {};
    const field = (column: string, prop: keyof ParamOverrides, parse: (s: string) => number | string) => {
      const v = col(r, column);
      if (v === "") return;
      const p = parse(v);
      if (typeof p === "string") bad(column, p);
      else set[prop] = p;
    };
    field("service_level", "serviceLevelBp", parseServiceLevel);
    field("lead_time_days", "leadTimeDays", (s) => parseCount(s, PARAM_BOUNDS.leadTimeDays));
    field("review_days", "reviewDays", (s) => parseCount(s, PARAM_BOUNDS.reviewDays));
    field("pack_size", "packSize", (s) => parseCount(s, PARAM_BOUNDS.packSize));
    field("min_order_qty", "minOrderQty", (s) => parseCount(s, PARAM_BOUNDS.minOrderQty));
    if (set.packSize !== undefined && set.minOrderQty !== undefined && set.minOrderQty % set.packSize !== 0)
      bad("min_order_qty", `minimum ${set.minOrderQty} is not a whole number of packs of ${set.packSize}`);
    if (errors.length === before) rows.push({ row: n, storeId, sku, set });
  }
  return { rows, errors };
}
