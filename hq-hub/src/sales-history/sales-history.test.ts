// Sales history imported at HQ through a real hub (issue 17: the forecast on a store's first
// day). Eight weeks of a yoghurt's daily sales from the old POS (10 a weekday, 20 a weekend day,
// one sold-out Sunday) make the forecast and the plan at once, with no sale through this system
// yet; a corrected day sent again replaces it; a bad file (unknown store or SKU, garbage) is
// refused whole, naming the row and column; only hq_admin writes.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { dayNumber, dayOfWeek, isoDay } from "../forecast/calendar.ts";
import { api, importCsv, startTestHub } from "../test-kit.ts";

setDefaultTimeout(60_000);

// The hub's clock: Tuesday 2026-12-08, 08:00 in Shanghai.
const clock = new Date("2026-12-08T00:00:00Z");
const today = dayNumber("2026-12-08");
let hub: Awaited<ReturnType<typeof startTestHub>>;
let auditor = "";

/** Eight weeks up to yesterday: 10 a weekday, 20 on Saturday and Sunday; 2026-11-29 sold out. */
function history(store: string, sku: string): string {
  const lines = ["store,sku,day,units,stockout"];
  for (let d = today - 56; d < today; d++) {
    const out = isoDay(d) === "2026-11-29";
    lines.push(`${store},${sku},${isoDay(d)},${out ? 3 : dayOfWeek(d) >= 5 ? 20 : 10},${out ? "yes" : ""}`);
  }
  return `${lines.join("\n")}\n`;
}

beforeAll(async () => {
  hub = await startTestHub({}, () => clock);
  auditor = (await api(hub, "POST", "/api/v1/tokens", { name: "audit", role: "auditor" })).body.token;
  for (const [id, region] of [
    ["E1", "east"],
    ["W1", "west"],
  ])
    expect((await api(hub, "POST", "/api/v1/stores", { id, name: `门店 ${id}`, region })).status).toBe(200);
  const job = await importCsv(
    hub,
    "products",
    "sku,name,category,unit,taxRate,weighed,status\nM4,原味酸奶,10/1003,EA,13,false,active\nM5,全脂牛奶,10/1003,EA,13,false,active\n",
  );
  expect(job.state).toBe("done");
  expect(
    (
      await api(hub, "POST", "/api/v1/suppliers", {
        id: "SUP-YILI",
        name: "伊利",
        leadTimeDays: 2,
        minOrderQty: 1,
        packSize: 1,
      })
    ).status,
  ).toBe(200);
  expect((await api(hub, "PUT", "/api/v1/suppliers/SUP-YILI/skus", { skus: ["M4", "M5"] })).status).toBe(200);
  expect(
    (
      await api(hub, "POST", "/api/v1/replenishment/params/bulk", {
        selector: { category: "10", storeIds: ["E1"] },
        set: { serviceLevelBp: 9500, reviewDays: 3 },
      })
    ).status,
  ).toBe(200);
});
afterAll(async () => {
  await hub?.cleanup();
});

test("before any import the SKU has no history: nothing to order", async () => {
  const plan = (await api(hub, "GET", "/api/v1/stores/E1/replenishment/plan")).body;
  expect(plan.find((i: { sku: string }) => i.sku === "M4")).toMatchObject({ observedDays: 0, qty: 0 });
});

test("eight imported weeks: the forecast learns the week, the plan orders from it", async () => {
  const r = await api(hub, "POST", "/api/v1/sales-history/import", history("E1", "M4"));
  expect(r.status).toBe(200);
  expect(r.body).toEqual({
    imported: 56,
    stores: [{ storeId: "E1", skus: 1, rows: 56, from: isoDay(today - 56), to: "2026-12-07" }],
  });
  const f = (await api(hub, "GET", "/api/v1/stores/E1/forecast/M4?days=7")).body;
  expect(f.history).toHaveLength(56);
  expect(f.history.at(-1)).toEqual({ day: "2026-12-07", units: 10, stockout: false });
  expect(f.history.find((h: { day: string }) => h.day === "2026-11-29")).toEqual({
    day: "2026-11-29",
    units: 3,
    stockout: true,
  });
  expect(f.model).toMatchObject({ observedDays: 55, censoredDays: 1 });
  const week = f.forecast.reduce((a: number, d: { units: number }) => a + d.units, 0);
  expect(Math.abs(week - 90)).toBeLessThan(90 * 0.15);
  const weekend = (d: { day: string }) => dayOfWeek(dayNumber(d.day)) >= 5;
  const mean = (xs: { units: number }[]) => xs.reduce((a, d) => a + d.units, 0) / xs.length;
  expect(mean(f.forecast.filter(weekend))).toBeGreaterThan(
    1.5 * mean(f.forecast.filter((d: { day: string }) => !weekend(d))),
  );
  // Nothing on hand, nothing on order: the plan orders lead time + review days of demand and more.
  const plan = (await api(hub, "GET", "/api/v1/stores/E1/replenishment/plan")).body;
  const m4 = plan.find((i: { sku: string }) => i.sku === "M4");
  expect(m4).toMatchObject({ reason: "order", onHand: 0, observedDays: 55, censoredDays: 1 });
  expect(m4.qty).toBeGreaterThanOrEqual(Math.floor(m4.demandOverCover));
  expect(m4.demandOverCover).toBeGreaterThan(40); // 5 days of about 13
});

test("a corrected day sent again replaces it; nothing is counted twice", async () => {
  const fixed = "store,sku,day,units\nE1,M4,2026-12-07,14\n";
  expect((await api(hub, "POST", "/api/v1/sales-history/import", fixed)).status).toBe(200);
  expect((await api(hub, "POST", "/api/v1/sales-history/import", fixed)).status).toBe(200);
  const f = (await api(hub, "GET", "/api/v1/stores/E1/forecast/M4?days=1")).body;
  expect(f.history).toHaveLength(56);
  expect(f.history.at(-1)).toEqual({ day: "2026-12-07", units: 14, stockout: false });
  expect((await api(hub, "GET", "/api/v1/sales-history?store=E1")).body).toEqual([
    { storeId: "E1", skus: 1, rows: 56, from: isoDay(today - 56), to: "2026-12-07" },
  ]);
});

test("a bad file is refused whole, naming the row and column; nothing written", async () => {
  for (const [csv, field, row] of [
    ["store,sku,day,units\nE1,M5,2026-12-01,3\nZZ9,M5,2026-12-01,3\n", "store", 2],
    ["store,sku,day,units\nE1,M5,2026-12-01,3\nE1,NOPE,2026-12-01,3\n", "sku", 2],
    ["store,sku,day,units\nE1,M5,2026-12-01,-3\n", "units", 1],
    ["store,sku,day,units\nE1,M5,2026-12-08,3\n", "day", 1],
    ["\u0000\u0001garbage", "store", undefined],
    ["store,sku,day,units\n", "csv", undefined],
  ] as const) {
    const r = await api(hub, "POST", "/api/v1/sales-history/import", csv);
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: "validation", field });
    if (row) expect(r.body.row).toBe(row);
  }
  const unknown = await api(
    hub,
    "POST",
    "/api/v1/sales-history/import",
    "store,sku,day,units\nE1,M5,2026-12-01,3\nZZ9,M5,2026-12-01,3\n",
  );
  expect(unknown.body.message).toContain("unknown store ZZ9");
  // M5's good row was not written either.
  expect((await api(hub, "GET", "/api/v1/sales-history")).body).toEqual([
    { storeId: "E1", skus: 1, rows: 56, from: isoDay(today - 56), to: "2026-12-07" },
  ]);
  expect((await api(hub, "GET", "/api/v1/sales-history?store=NOPE")).status).toBe(404);
});

test("only hq_admin imports; an auditor reads", async () => {
  const r = await api(hub, "POST", "/api/v1/sales-history/import", history("W1", "M4"), auditor);
  expect(r.status).toBe(403);
  const read = await api(hub, "GET", "/api/v1/sales-history", undefined, auditor);
  expect(read.status).toBe(200);
  expect(read.body.map((s: { storeId: string }) => s.storeId)).toEqual(["E1"]);
});
