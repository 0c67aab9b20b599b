// Daily sales history from a CSV file, pure: one row per store, SKU and business day, the units
// sold that day (net of returns) and whether the shelf was empty. Every bad row is named with its
// column and the reason, and the good rows come back beside them (the service writes nothing
// while any row is bad).
import { Sku } from "@retail/protocol";
import { csvTable } from "../catalog/csv-table.ts";
import type { RowError } from "../catalog/import.ts";
import { dayNumber } from "../forecast/calendar.ts";

export const HISTORY_COLUMNS = ["store", "sku", "day", "units", "stockout"] as const;
const REQUIRED = ["store", "sku", "day", "units"] as const;

export const STORE_ID = /^[A-Z0-9]{1,16}$/;
/** A year of 500 SKUs at a store: larger files go in parts. */
export const MAX_HISTORY_ROWS = 200_000;
/** The forecast reads two years back (replenishment/demand.ts). */
export const MAX_HISTORY_DAYS = 730;
export const MAX_DAILY_UNITS = 1_000_000;

export interface HistoryRow {
  row: number;
  storeId: string;
  sku: string;
  /** Day number (days since 1970-01-01), China business day. */
  day: number;
  units: number;
  stockout: boolean;
}

const TRUE = new Set(["1", "true", "yes", "y", "是"]);
const FALSE = new Set(["", "0", "false", "no", "n", "否"]);

/** `today` is the China business day (a day number): history is the days before it. */
export function parseHistoryCsv(text: string, today: number): { rows: HistoryRow[]; errors: RowError[] } {
  const {
    rows: table,
    errors,
    width,
    col,
  } = csvTable(text, {
    columns: HISTORY_COLUMNS,
    required: REQUIRED,
    maxRows: MAX_HISTORY_ROWS,
  });
  const rows: HistoryRow[] = [];
  const seen = new Map<string, number>();
  for (const [i, r] of table.entries()) {
    const n = i + 1;
    const bad = (column: string, reason: string) => errors.push({ row: n, column, reason });
    const before = errors.length;
    if (r.length !== width) bad("", `${r.length} fields, the header has ${width}`);
    const storeId = col(r, "store");
    const sku = col(r, "sku");
    if (!STORE_ID.test(storeId)) bad("store", `"${storeId.slice(0, 40)}" is not a store id`);
    if (!Sku.safeParse(sku).success) bad("sku", `"${sku.slice(0, 40)}" is not a SKU`);
    const dayText = col(r, "day");
    let day = Number.NaN;
    try {
      day = dayNumber(dayText);
    } catch {
      bad("day", `"${dayText.slice(0, 40)}" is not a date like 2026-11-30`);
    }
    if (Number.isFinite(day)) {
      if (day >= today) bad("day", `${dayText} is not before today: history is days already sold`);
      else if (day < today - MAX_HISTORY_DAYS)
        bad("day", `${dayText} is more than ${MAX_HISTORY_DAYS} days ago; the forecast does not read it`);
    }
    const unitsText = col(r, "units");
    const units = /^\d{1,7}$/.test(unitsText) ? Number(unitsText) : Number.NaN;
    if (Number.isNaN(units)) bad("units", `"${unitsText.slice(0, 40)}" is not a whole number of units`);
    else if (units > MAX_DAILY_UNITS) bad("units", `${units} is more than ${MAX_DAILY_UNITS} in a day`);
    const outText = col(r, "stockout").toLowerCase();
    if (!TRUE.has(outText) && !FALSE.has(outText))
      bad("stockout", `"${outText.slice(0, 40)}" is not yes/no (1/0, true/false, 是/否)`);
    const key = `${storeId}\u0000${sku}\u0000${dayText}`;
    const dup = seen.get(key);
    if (dup !== undefined) bad("day", `${storeId} ${sku} ${dayText} is already on row ${dup}`);
    seen.set(key, n);
    if (errors.length === before)
      rows.push({ row: n, storeId, sku, day, units, stockout: TRUE.has(outText) });
  }
  return { rows, errors };
}
