// The sales history CSV's rules, pure: good rows read exactly, every bad row named with its
// column (garbage, negative, fractional and huge units, impossible and future dates, days the
// forecast would never read, duplicates, unknown columns, too many fields).
import { expect, test } from "bun:test";
import { dayNumber } from "../forecast/calendar.ts";
import { MAX_HISTORY_ROWS, parseHistoryCsv } from "./history-csv.ts";

const today = dayNumber("2026-12-08");

test("good rows: units, the stock-out flag in its spellings, a BOM and CRLF", () => {
  const { rows, errors } = parseHistoryCsv(
    "\uFEFFstore,sku,day,units,stockout\r\nS001,100234,2026-12-07,12,\r\nS001,100234,2026-12-06,0,1\r\nS002,100234,2026-10-01,7,是\r\nS002,100235,2026-10-01,3,no\r\n",
    today,
  );
  expect(errors).toEqual([]);
  expect(rows).toEqual([
    { row: 1, storeId: "S001", sku: "100234", day: dayNumber("2026-12-07"), units: 12, stockout: false },
    { row: 2, storeId: "S001", sku: "100234", day: dayNumber("2026-12-06"), units: 0, stockout: true },
    { row: 3, storeId: "S002", sku: "100234", day: dayNumber("2026-10-01"), units: 7, stockout: true },
    { row: 4, storeId: "S002", sku: "100235", day: dayNumber("2026-10-01"), units: 3, stockout: false },
  ]);
});

test("the stockout column may be left out", () => {
  const { rows, errors } = parseHistoryCsv("sku,store,units,day\n100234,S001,4,2026-12-01\n", today);
  expect(errors).toEqual([]);
  expect(rows[0]).toMatchObject({ storeId: "S001", units: 4, stockout: false });
});

test("every bad row is named with its column and reason", () => {
  const csv = [
    "store,sku,day,units,stockout",
    "s001,100234,2026-12-01,1,", // 1 lower-case store
    "S001,<script>,2026-12-01,1,", // 2 garbage SKU
    "S001,100234,2026-02-30,1,", // 3 no such date
    "S001,100234,12/01/2026,1,", // 4 not ISO
    "S001,100234,2026-12-08,1,", // 5 today
    "S001,100234,2027-01-01,1,", // 6 future
    "S001,100234,2024-01-01,1,", // 7 past the forecast's two years
    "S001,100234,2026-12-02,-3,", // 8 negative
    "S001,100234,2026-12-03,2.5,", // 9 fractional
    "S001,100234,2026-12-04,99999999,", // 10 huge
    "S001,100234,2026-12-05,1e3,", // 11 exponent
    "S001,100234,2026-12-06,1,maybe", // 12 flag
    "S001,100234,2026-12-07,1,", // 13 good
    "S001,100234,2026-12-07,2,", // 14 the same day again
    "S001,100234,2026-11-30", // 15 too few fields
  ].join("\n");
  const { rows, errors } = parseHistoryCsv(csv, today);
  expect(rows.map((r) => r.row)).toEqual([13]);
  expect(errors.map((e) => [e.row, e.column])).toEqual([
    [1, "store"],
    [2, "sku"],
    [3, "day"],
    [4, "day"],
    [5, "day"],
    [6, "day"],
    [7, "day"],
    [8, "units"],
    [9, "units"],
    [10, "units"],
    [11, "units"],
    [12, "stockout"],
    [14, "day"],
    [15, ""],
    [15, "units"],
  ]);
  expect(errors.find((e) => e.row === 14)!.reason).toContain("already on row 13");
  expect(errors.find((e) => e.row === 5)!.reason).toContain("not before today");
});

test("the header: required columns, unknown columns, too many rows", () => {
  expect(parseHistoryCsv("store,sku,units\nS001,1,1\n", today).errors).toEqual([
    { row: 0, column: "day", reason: "the header has no day column" },
  ]);
  expect(parseHistoryCsv("store,sku,day,units,price\n", today).errors[0]).toMatchObject({
    row: 0,
    column: "price",
  });
  expect(parseHistoryCsv("", today).errors.map((e) => e.column)).toEqual(["store", "sku", "day", "units"]);
  const many = `store,sku,day,units\n${"S001,100234,2026-12-01,1\n".repeat(MAX_HISTORY_ROWS + 1)}`;
  expect(parseHistoryCsv(many, today).errors[0]!.reason).toContain("at most");
}, 30_000);
