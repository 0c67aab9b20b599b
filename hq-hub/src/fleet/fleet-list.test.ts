import { describe, expect, test } from "bun:test";
import { FleetListQuery, pageFleet } from "./fleet-list.ts";

// 300 stores in three regions; every seventh offline, every 50th with an open alert.
const rows = Array.from({ length: 300 }, (_, i) => ({
  storeId: `S${String(300 - i).padStart(3, "0")}`,
  name: i % 3 === 0 ? `上海店${i}` : `杭州店${i}`,
  region: ["east", "south", "north"][i % 3]!,
  state: i % 7 === 0 ? "offline" : "online",
  openResyncs: 0,
  openAlerts: i % 50 === 0 ? 1 : 0,
}));
const q = (raw: Record<string, string>) => FleetListQuery.parse(raw);

describe("the fleet at chain scale", () => {
  test("by store code, paged with the real total and every region for the filter", () => {
    const page = pageFleet(rows, q({ limit: "3" }));
    expect(page.total).toBe(300);
    expect(page.rows.map((r) => r.storeId)).toEqual(["S001", "S002", "S003"]);
    expect(pageFleet(rows, q({ limit: "3", offset: "297" })).rows.map((r) => r.storeId)).toEqual([
      "S298",
      "S299",
      "S300",
    ]);
    expect(page.regions).toEqual(["east", "north", "south"]);
    expect(page.online + page.offline).toBe(300);
  });

  test("searched by code, name or region; filtered by region, state and open alerts", () => {
    expect(pageFleet(rows, q({ q: "s12" })).rows.map((r) => r.storeId)).toEqual(
      Array.from({ length: 10 }, (_, i) => `S${120 + i}`),
    );
    expect(pageFleet(rows, q({ q: "上海" })).total).toBe(100);
    const east = pageFleet(rows, q({ region: "east", state: "offline" }));
    expect(east.rows.every((r) => r.region === "east" && r.state === "offline")).toBe(true);
    expect(east.total).toBe(rows.filter((r) => r.region === "east" && r.state === "offline").length);
    expect(pageFleet(rows, q({ alerts: "1" })).total).toBe(6);
    expect(pageFleet(rows, q({ q: "nothing" })).total).toBe(0);
  });

  test("hostile queries are refused: a huge page, a negative offset, an unknown state, long words", () => {
    expect(FleetListQuery.safeParse({ limit: "100000" }).success).toBe(false);
    expect(FleetListQuery.safeParse({ offset: "-5" }).success).toBe(false);
    expect(FleetListQuery.safeParse({ state: "burning" }).success).toBe(false);
    expect(FleetListQuery.safeParse({ q: "x".repeat(101) }).success).toBe(false);
  });
});
