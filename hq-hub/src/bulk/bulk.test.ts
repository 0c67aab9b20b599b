// Bulk actions through a real hub: SKUs repriced by a percentage at the chain and to one price
// for a region (dry run first, nothing written), into the named draft whose preview shows the
// price moves; cashiers disabled at once with their PINs kept; one bad row refuses them all;
// a regional manager may not reprice the chain.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { api, startTestHub } from "../test-kit.ts";

setDefaultTimeout(60_000);
let hub: Awaited<ReturnType<typeof startTestHub>>;
let draft = 0;
let east = "";

beforeAll(async () => {
  hub = await startTestHub();
  const ok = async (path: string, body: unknown) => {
    const r = await api(hub, "POST", path, body);
    expect(r.status).toBe(200);
    return r.body;
  };
  await ok("/api/v1/stores", { id: "E1", name: "东一", region: "east" });
  draft = (await ok("/api/v1/changesets", { description: "调价", target: { kind: "all" } })).id;
  for (const [sku, price] of [
    ["100001", 1299],
    ["100002", 350],
  ] as const) {
    await ok(`/api/v1/catalog/product?changeset=${draft}`, {
      sku,
      name: `商品${sku}`,
      category: ["10"],
      unit: "EA",
      taxRate: 13,
      weighed: false,
      status: "active",
    });
    await ok(`/api/v1/catalog/price?changeset=${draft}`, { sku, scope: "chain", windows: [{ price }] });
  }
  for (const id of ["3001", "3002", "3003"])
    await ok("/api/v1/catalog/cashier", {
      id,
      name: `员工${id}`,
      role: "cashier",
      status: "active",
      pin: "4321",
    });
  east = (await ok("/api/v1/tokens", { name: "zhao", role: "regional_manager", region: "east" })).token;
});
afterAll(async () => {
  await hub?.cleanup();
});

const chainPrice = async (sku: string) =>
  (await api(hub, "GET", `/api/v1/catalog/price/${encodeURIComponent(`${sku}|chain|`)}`)).body.windows[0]
    .price;

test("a dry run answers old -> new and writes nothing; the real run writes into the named draft", async () => {
  const body = { skus: ["100001", "100002"], scope: "chain", percentBp: -1000, dryRun: true };
  const dry = await api(hub, "POST", `/api/v1/prices/reprice?changeset=${draft}`, body);
  expect(dry.status).toBe(200);
  expect(dry.body).toEqual({
    changesetId: null,
    lines: [
      { sku: "100001", name: "商品100001", fromFen: 1299, toFen: 1169 },
      { sku: "100002", name: "商品100002", fromFen: 350, toFen: 315 },
    ],
  });
  expect(await chainPrice("100001")).toBe(1299);
  const done = await api(hub, "POST", `/api/v1/prices/reprice?changeset=${draft}`, {
    ...body,
    dryRun: false,
  });
  expect(done.body.changesetId).toBe(draft);
  expect(await chainPrice("100001")).toBe(1169);
  expect(await chainPrice("100002")).toBe(315);
});

test("to one price for a region: a new override from the chain's price", async () => {
  const r = await api(hub, "POST", `/api/v1/prices/reprice?changeset=${draft}`, {
    skus: ["100002"],
    scope: "region",
    scopeKey: "east",
    priceFen: 299,
  });
  expect(r.status).toBe(200);
  expect(r.body.lines).toEqual([{ sku: "100002", name: "商品100002", fromFen: 315, toFen: 299 }]);
  const own = await api(hub, "GET", `/api/v1/catalog/price/${encodeURIComponent("100002|region|east")}`);
  expect(own.body.windows).toEqual([{ price: 299 }]);
});

test("one bad row refuses them all, naming it; nonsense is a 400", async () => {
  const before = await chainPrice("100001");
  const unknown = await api(hub, "POST", "/api/v1/prices/reprice", {
    skus: ["100001", "NOPE"],
    scope: "chain",
    percentBp: 500,
  });
  expect(unknown.status).toBe(404);
  expect(unknown.body.message).toContain("skus.1");
  expect(await chainPrice("100001")).toBe(before);
  for (const body of [
    { skus: ["100001"], scope: "chain", percentBp: 500, priceFen: 100 },
    { skus: ["100001"], scope: "chain" },
    { skus: ["100001"], scope: "region", percentBp: 500 },
    { skus: ["100001"], scope: "chain", percentBp: -10_000 },
    { skus: ["100001"], scope: "chain", priceFen: 1.5 },
    { skus: [], scope: "chain", priceFen: 100 },
    { skus: Array.from({ length: 501 }, (_, i) => String(i)), scope: "chain", priceFen: 100 },
  ])
    expect((await api(hub, "POST", "/api/v1/prices/reprice", body)).status).toBe(400);
});

test("a regional manager may not reprice the chain", async () => {
  const r = await api(
    hub,
    "POST",
    "/api/v1/prices/reprice",
    { skus: ["100001"], scope: "chain", priceFen: 1 },
    east,
  );
  expect(r.status).toBe(403);
});

test("cashiers disabled at once, PINs kept; an unknown one refuses them all", async () => {
  const r = await api(hub, "POST", "/api/v1/cashiers/bulk-status", {
    ids: ["3001", "3002"],
    status: "inactive",
  });
  expect(r.status).toBe(200);
  expect(r.body.ids).toEqual(["3001", "3002"]);
  const page = (await api(hub, "GET", "/api/v1/cashiers/page?status=inactive")).body;
  expect(page.rows.map((c: { id: string; hasPin: boolean }) => [c.id, c.hasPin])).toEqual([
    ["3001", true],
    ["3002", true],
  ]);
  const bad = await api(hub, "POST", "/api/v1/cashiers/bulk-status", {
    ids: ["3003", "9999"],
    status: "inactive",
  });
  expect(bad.status).toBe(404);
  expect((await api(hub, "GET", "/api/v1/catalog/cashier/3003")).body.status).toBe("active");
  expect(
    (await api(hub, "POST", "/api/v1/cashiers/bulk-status", { ids: ["x"], status: "inactive" })).status,
  ).toBe(400);
  expect(
    (await api(hub, "POST", "/api/v1/cashiers/bulk-status", { ids: ["3003"], status: "gone" })).status,
  ).toBe(400);
  expect(
    (await api(hub, "POST", "/api/v1/cashiers/bulk-status", { ids: ["3003"], status: "inactive" }, east))
      .status,
  ).toBe(403);
});
