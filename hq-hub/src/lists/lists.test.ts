// The chain-scale lists through a real hub: promotions, cashiers, suppliers, members and coupons
// searched, filtered, sorted and paged by the hub with the real total; hostile queries are 400s
// naming the field; `%` typed into the search box is a letter, not a wildcard.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { api, startTestHub } from "../test-kit.ts";

setDefaultTimeout(60_000);
let hub: Awaited<ReturnType<typeof startTestHub>>;

beforeAll(async () => {
  hub = await startTestHub();
  const ok = async (path: string, body: unknown) =>
    expect((await api(hub, "POST", path, body)).status).toBe(200);
  for (let i = 1; i <= 12; i++)
    await ok("/api/v1/catalog/promotion", {
      id: `P-${String(i).padStart(2, "0")}`,
      name: i % 2 ? `饮料满减${i}` : `Snack ${i}`,
      kind: "multi_buy",
      skus: ["100001"],
      count: 2,
      price: 500 + i,
      ...(i === 3 ? { couponCode: "SPRING50" } : {}),
    });
  for (const [id, name, role, status] of [
    ["1001", "王芳", "cashier", "active"],
    ["1002", "李娜", "supervisor", "active"],
    ["1003", "张伟", "cashier", "inactive"],
    ["1004", "100%张", "manager", "active"],
  ])
    await ok("/api/v1/catalog/cashier", { id, name, role, status, pin: "4321" });
  for (const [id, name, leadTimeDays] of [
    ["SUP-A", "华东饮料", 3],
    ["SUP-B", "华南日化", 1],
    ["SUP-C", "北方粮油", 7],
  ] as const)
    await ok("/api/v1/suppliers", { id, name, leadTimeDays, minOrderQty: 1, packSize: 1 });
  expect((await api(hub, "POST", "/api/v1/suppliers/SUP-B/deactivate", {})).status).toBe(200);
  for (let i = 1; i <= 5; i++)
    await ok("/api/v1/catalog/member", {
      id: `M${i}`,
      phone: `1380000000${i}`,
      name: i === 2 ? "赵敏" : `会员${i}`,
      tier: i === 5 ? "gold" : "basic",
      points: 0,
      status: "active",
    });
});
afterAll(async () => {
  await hub?.cleanup();
});

const get = async (path: string) => {
  const r = await api(hub, "GET", path);
  expect(r.status).toBe(200);
  return r.body;
};

describe("promotions", () => {
  test("paged with the total, in the order asked", async () => {
    const first = await get("/api/v1/promotions/page?limit=5");
    expect(first.total).toBe(12);
    expect(first.rows.map((p: { id: string }) => p.id)).toEqual(["P-01", "P-02", "P-03", "P-04", "P-05"]);
    const last = await get("/api/v1/promotions/page?limit=5&offset=10&sort=-id");
    expect(last.rows.map((p: { id: string }) => p.id)).toEqual(["P-02", "P-01"]);
    expect(last.total).toBe(12);
  });
  test("searched by name or coupon code, filtered by coupon", async () => {
    expect((await get(`/api/v1/promotions/page?q=${encodeURIComponent("饮料")}`)).total).toBe(6);
    expect((await get("/api/v1/promotions/page?q=spring")).rows.map((p: { id: string }) => p.id)).toEqual([
      "P-03",
    ]);
    expect((await get("/api/v1/promotions/page?coupon=1")).total).toBe(1);
    expect((await get("/api/v1/promotions/page?coupon=0")).total).toBe(11);
    const byName = await get("/api/v1/promotions/page?sort=name&limit=1");
    expect(byName.rows[0].name).toBe("Snack 10");
  });
});

describe("cashiers", () => {
  test("filtered by role and status, never a PIN hash", async () => {
    const all = await get("/api/v1/cashiers/page");
    expect(all.total).toBe(4);
    expect(JSON.stringify(all)).not.toContain("pinHash");
    expect(all.rows[0]).toEqual({
      id: "1001",
      name: "王芳",
      role: "cashier",
      status: "active",
      hasPin: true,
    });
    expect((await get("/api/v1/cashiers/page?role=cashier")).total).toBe(2);
    expect((await get("/api/v1/cashiers/page?role=cashier&status=inactive")).rows[0].id).toBe("1003");
    expect((await get("/api/v1/cashiers/page?sort=-id&limit=1")).rows[0].id).toBe("1004");
  });
  test("'%' and '_' are letters in the search, not wildcards", async () => {
    expect((await get("/api/v1/cashiers/page?q=%25")).rows.map((c: { id: string }) => c.id)).toEqual([
      "1004",
    ]);
    expect((await get("/api/v1/cashiers/page?q=_")).total).toBe(0);
  });
});

describe("suppliers", () => {
  test("by status, searched, sorted by lead time", async () => {
    expect((await get("/api/v1/suppliers/page")).total).toBe(3);
    expect((await get("/api/v1/suppliers/page?status=active")).total).toBe(2);
    expect((await get("/api/v1/suppliers/page?status=inactive")).rows[0]).toMatchObject({
      id: "SUP-B",
      active: false,
    });
    const quick = await get("/api/v1/suppliers/page?sort=-leadTimeDays");
    expect(quick.rows.map((s: { id: string }) => s.id)).toEqual(["SUP-C", "SUP-A", "SUP-B"]);
    expect((await get(`/api/v1/suppliers/page?q=${encodeURIComponent("粮油")}`)).rows[0].id).toBe("SUP-C");
    // A supplier's own path still answers it.
    expect((await api(hub, "GET", "/api/v1/suppliers/SUP-A")).body.name).toBe("华东饮料");
  });
});

describe("members and coupons", () => {
  test("members paged with the total, searched by name, sorted", async () => {
    const page = await get("/api/v1/members?limit=2&offset=2");
    expect(page.total).toBe(5);
    expect(page.members.map((m: { id: string }) => m.id)).toEqual(["M3", "M4"]);
    expect((await get(`/api/v1/members?q=${encodeURIComponent("赵")}`)).members[0].id).toBe("M2");
    expect((await get("/api/v1/members?tier=gold")).total).toBe(1);
    expect((await get("/api/v1/members?sort=-id&limit=1")).members[0].id).toBe("M5");
  });
  test("coupons answer their total", async () => {
    const page = await get("/api/v1/coupons?limit=1");
    expect(page.total).toBe(0);
    expect(page.coupons).toEqual([]);
  });
});

describe("hostile queries", () => {
  test.each([
    ["/api/v1/promotions/page?sort=dataJson", "query.sort"],
    ["/api/v1/promotions/page?limit=100000", "query.limit"],
    ["/api/v1/cashiers/page?offset=-1", "query.offset"],
    ["/api/v1/cashiers/page?role=root", "query.role"],
    ["/api/v1/suppliers/page?status=deleted", "query.status"],
    [`/api/v1/suppliers/page?q=${"x".repeat(500)}`, "query.q"],
    ["/api/v1/members?sort=phone", "query.sort"],
    ["/api/v1/coupons?offset=abc", "query.offset"],
  ])("%s is a 400 naming %s", async (path, field) => {
    const r = await api(hub, "GET", path);
    expect(r.status).toBe(400);
    expect(r.body.field).toBe(field);
  });
  test("a token is needed", async () => {
    expect((await api(hub, "GET", "/api/v1/cashiers/page", undefined, "nope")).status).toBe(401);
  });
});
