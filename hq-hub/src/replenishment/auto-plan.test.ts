import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { decide, dueStores, nextRunAt, normalQuantile, planOrder, resolveParams } from "./auto-plan.ts";
import { dailySales } from "./history.ts";
import { parseParamsCsv, parseServiceLevel } from "./params-csv.ts";
import { promoDays } from "./promo-days.ts";

const params = { serviceLevelBp: 9500, leadTimeDays: 3, reviewDays: 7, packSize: 12, minOrderQty: 24 };

describe("planOrder: order up to forecast over lead time + review + safety stock", () => {
  test("by hand: 10 a day over 10 days, sigma 4, 95% -> S = 100 + ceil(1.645 x 4 x sqrt 10) = 121", () => {
    const l = planOrder({
      sku: "M1",
      forecast: Array(14).fill(10),
      sigmaDaily: 4,
      params,
      onHand: 30,
      onOrder: 12,
      inTransit: 24,
    });
    expect(l.safetyStock).toBe(Math.ceil(1.6448536 * 4 * Math.sqrt(10)));
    expect(l.safetyStock).toBe(21);
    expect(l.orderUpTo).toBe(121);
    expect(l.position).toBe(66);
    expect(l.qty).toBe(60); // 55 missing -> 5 cases of 12
    expect(
      planOrder({
        sku: "M1",
        forecast: Array(14).fill(10),
        sigmaDaily: 4,
        params,
        onHand: 130,
        onOrder: 0,
        inTransit: 0,
      }).reason,
    ).toBe("covered");
    // At least the minimum: 3 missing -> 24.
    expect(
      planOrder({
        sku: "M1",
        forecast: Array(14).fill(10),
        sigmaDaily: 4,
        params,
        onHand: 118,
        onOrder: 0,
        inTransit: 0,
      }).qty,
    ).toBe(24);
    // Negative on hand (sold before a delivery was booked) counts.
    expect(
      planOrder({
        sku: "M1",
        forecast: Array(14).fill(1),
        sigmaDaily: 0,
        params,
        onHand: -5,
        onOrder: 0,
        inTransit: 0,
      }).qty,
    ).toBe(24);
    expect(() =>
      planOrder({ sku: "M1", forecast: [1, 2], sigmaDaily: 1, params, onHand: 0, onOrder: 0, inTransit: 0 }),
    ).toThrow(/shorter than the cover/);
  });

  test("property: whole packs, at least the minimum, and the position reaches the level", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 500, noNaN: true }), { minLength: 40, maxLength: 40 }),
        fc.double({ min: 0, max: 50, noNaN: true }),
        fc.integer({ min: 5000, max: 9990 }),
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 48 }),
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: -100, max: 5000 }),
        fc.integer({ min: 0, max: 500 }),
        fc.integer({ min: 0, max: 500 }),
        (forecast, sigma, sl, lead, review, pack, minPacks, onHand, onOrder, inTransit) => {
          const p = {
            serviceLevelBp: sl,
            leadTimeDays: lead,
            reviewDays: review,
            packSize: pack,
            minOrderQty: pack * minPacks,
          };
          const l = planOrder({
            sku: "X",
            forecast,
            sigmaDaily: sigma,
            params: p,
            onHand,
            onOrder,
            inTransit,
          });
          expect(l.safetyStock).toBeGreaterThanOrEqual(0);
          if (l.reason === "covered") expect(l.position).toBeGreaterThanOrEqual(l.orderUpTo);
          else {
            expect(l.qty % pack).toBe(0);
            expect(l.qty).toBeGreaterThanOrEqual(p.minOrderQty);
            expect(l.position + l.qty).toBeGreaterThanOrEqual(l.orderUpTo);
            expect(l.position + l.qty - pack).toBeLessThan(Math.max(l.orderUpTo, l.position + p.minOrderQty));
          }
        },
      ),
    );
  });

  test("a higher service level never orders less", () => {
    const at = (bp: number) =>
      planOrder({
        sku: "M",
        forecast: Array(20).fill(7),
        sigmaDaily: 5,
        params: { ...params, serviceLevelBp: bp },
        onHand: 10,
        onOrder: 0,
        inTransit: 0,
      });
    expect(at(9900).orderUpTo).toBeGreaterThan(at(9500).orderUpTo);
    expect(at(9500).orderUpTo).toBeGreaterThan(at(8000).orderUpTo);
    expect(normalQuantile(0.95)).toBeCloseTo(1.644854, 5);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
    expect(normalQuantile(0.999)).toBeCloseTo(3.090232, 5);
    expect(() => normalQuantile(1)).toThrow(RangeError);
  });

  test("parameters: the row's, else the supplier's, else the defaults", () => {
    const sup = { leadTimeDays: 2, packSize: 6, minOrderQty: 6 };
    expect(resolveParams(sup, undefined)).toEqual({
      serviceLevelBp: 9500,
      leadTimeDays: 2,
      reviewDays: 7,
      packSize: 6,
      minOrderQty: 6,
    });
    expect(resolveParams(sup, { reviewDays: 3, serviceLevelBp: 9800 })).toEqual({
      serviceLevelBp: 9800,
      leadTimeDays: 2,
      reviewDays: 3,
      packSize: 6,
      minOrderQty: 6,
    });
  });
});

test("approval rule: priced and at most the threshold goes out, dearer or unpriced waits", () => {
  expect(decide({ valueFen: 50_000 }, 50_000)).toBe("auto_sent");
  expect(decide({ valueFen: 50_001 }, 50_000)).toBe("awaiting_approval");
  expect(decide({ valueFen: null }, 1_000_000)).toBe("awaiting_approval");
});

test("schedules: due once at the hour China time, every N days, never twice for one slot", () => {
  const s = { storeId: "E1", everyDays: 1, atHour: 6, enabled: true };
  // 06:00 in Shanghai is 22:00 UTC the day before.
  const t = (iso: string) => new Date(iso);
  expect(nextRunAt(s, null, t("2026-12-06T22:30:00Z")).toISOString()).toBe("2026-12-06T22:00:00.000Z");
  expect(dueStores([s], new Map(), t("2026-12-06T21:59:00Z"))).toEqual(["E1"]); // yesterday's slot never ran
  const ran = new Map([["E1", t("2026-12-06T22:00:05Z")]]);
  expect(dueStores([s], ran, t("2026-12-07T21:59:59Z"))).toEqual([]);
  expect(dueStores([s], ran, t("2026-12-07T22:00:00Z"))).toEqual(["E1"]);
  // The hub down for three days runs once when it comes back, not three times.
  expect(dueStores([s], ran, t("2026-12-10T03:00:00Z"))).toEqual(["E1"]);
  const weekly = { ...s, everyDays: 7 };
  expect(dueStores([weekly], ran, t("2026-12-12T22:00:00Z"))).toEqual([]);
  expect(dueStores([weekly], ran, t("2026-12-13T22:00:00Z"))).toEqual(["E1"]);
  expect(dueStores([{ ...s, enabled: false }], new Map(), t("2026-12-13T22:00:00Z"))).toEqual([]);
});

describe("parameters CSV", () => {
  test("good rows parsed, empty cells leave a parameter, service level exact", () => {
    const r = parseParamsCsv(
      "store,sku,service_level,lead_time_days,review_days,pack_size,min_order_qty\nE1,M1,97.5,3,7,12,24\nE1,M2,,,,,\n",
    );
    expect(r.errors).toEqual([]);
    expect(r.rows).toEqual([
      {
        row: 1,
        storeId: "E1",
        sku: "M1",
        set: { serviceLevelBp: 9750, leadTimeDays: 3, reviewDays: 7, packSize: 12, minOrderQty: 24 },
      },
      { row: 2, storeId: "E1", sku: "M2", set: {} },
    ]);
    expect(parseServiceLevel("99.90")).toBe(9990);
    expect(parseServiceLevel("95%")).toBe(9500);
  });

  test("bad rows named with their column and reason", () => {
    const r = parseParamsCsv(
      [
        "store,sku,service_level,pack_size,min_order_qty",
        "E1,M1,100,12,24", // 100% is no service level
        "e1,M2,95,12,24", // lower-case store id
        "E1,M3,0.95,12,24", // a fraction, not a percentage
        "E1,M4,95,0,24", // pack of 0
        "E1,M5,95,12,30", // not whole packs
        "E1,M6,95,1e3,24",
        "E1,M1,95,12,24", // M1 twice
        "E1,M7,95",
        "E1,M8,95,12,24",
      ].join("\n"),
    );
    const named = r.errors.map((e) => `${e.row}:${e.column}`);
    expect(named).toEqual([
      "1:service_level",
      "2:store",
      "3:service_level",
      "4:pack_size",
      "5:min_order_qty",
      "6:pack_size",
      "7:sku",
      "8:",
    ]);
    expect(r.rows.map((x) => x.sku)).toEqual(["M8"]);
    expect(parseParamsCsv("store,sku,colour\n").errors[0]).toMatchObject({ row: 0, column: "colour" });
    expect(parseParamsCsv("sku\nM1\n").errors[0]).toMatchObject({ row: 0, column: "store" });
    expect(parseParamsCsv("").errors.length).toBeGreaterThan(0);
    // Huge and garbage files are refused without applying a row.
    const huge = `store,sku,review_days\n${"E1,M1,7\n".repeat(100_001)}`;
    expect(parseParamsCsv(huge)).toMatchObject({
      rows: [],
      errors: [{ row: 0, reason: "100001 rows, at most 100000" }],
    });
    const garbage = parseParamsCsv('store,sku\n\u0000\u0001,"unterminated\n');
    expect(garbage.rows).toEqual([]);
    expect(garbage.errors.map((e) => e.column)).toEqual(["store"]);
  });
});

describe("daily sales from the stock ledger", () => {
  test("net units per China business day; days at or below zero are stock-outs", () => {
    // Day numbers of 2026-12-01..2026-12-04 (China time); 2026-12-01T16:30Z is already the 2nd there.
    const d1 = Math.floor(Date.parse("2026-12-01T00:00:00Z") / 86_400_000);
    const rows = [
      { qtyDelta: 10, kind: "receipt", at: "2026-11-30T01:00:00Z" },
      { qtyDelta: -4, kind: "sale", at: "2026-12-01T02:00:00Z" },
      { qtyDelta: 1, kind: "return", at: "2026-12-01T03:00:00Z" },
      { qtyDelta: -7, kind: "sale", at: "2026-12-01T16:30:00Z" }, // the 2nd: runs out
      { qtyDelta: 12, kind: "receipt", at: "2026-12-03T23:00:00Z" }, // the 4th, early morning
      { qtyDelta: -5, kind: "sale", at: "2026-12-04T02:00:00Z" },
      { qtyDelta: -2, kind: "sale", at: "2026-12-05T02:00:00Z" }, // after the window
    ];
    const h = dailySales(rows, 5, d1, d1 + 3);
    expect(h.start).toBe("2026-12-01");
    expect(h.units).toEqual([3, 7, 0, 5]);
    expect(h.stockout).toEqual([false, true, true, false]);
  });
});

test("promotion days: the SKU's or its category's item offers at the store, by China business day", () => {
  const d0 = Math.floor(Date.parse("2026-12-01T00:00:00Z") / 86_400_000); // 12-01 .. 12-05
  const promos = [
    {
      kind: "percent_off",
      skus: ["M1"],
      startsAt: "2026-12-02T00:00:00+08:00",
      endsAt: "2026-12-03T00:00:00+08:00",
    },
    { kind: "special_price", categories: ["10"], stores: ["E1"], startsAt: "2026-12-04T20:00:00+08:00" },
    { kind: "member_price", skus: ["M1"] }, // members only
    { kind: "percent_off", skus: ["M1"], couponCode: "C1" }, // with a coupon only
    { kind: "threshold" }, // the basket, not the item
    { kind: "percent_off", skus: ["M1"], stores: ["W1"] }, // another store
    { kind: "percent_off", skus: ["M1"], startsAt: "garbage" },
  ];
  expect(promoDays(promos, "E1", "M1", ["10", "1001"], d0, 5)).toEqual([false, true, false, true, true]);
  expect(promoDays(promos, "E2", "M2", ["20"], d0, 5)).toEqual([false, false, false, false, false]);
});
