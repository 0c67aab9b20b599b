// The price audit list through the real hub: a pilot store's sale at a price the released catalog
// does not list becomes findings HQ reads with the store's and product's names, the receipt and
// the amounts in fen with the difference; paged and filtered; a regional manager sees its region
// only; hostile paging refused.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { api, connectStore, enrollStore, type StoreClient, saleEvent, startTestHub } from "../test-kit.ts";

setDefaultTimeout(60_000);

let hub: Awaited<ReturnType<typeof startTestHub>>;
let store: StoreClient;
let version = 0;

beforeAll(async () => {
  hub = await startTestHub();
  store = await connectStore(await enrollStore(hub, "P1", { ring: "pilot", region: "east" }), { keep: true });
  await enrollStore(hub, "W1", { region: "west" });
  const cs = (await api(hub, "POST", "/api/v1/changesets", { description: "可乐", target: { kind: "all" } }))
    .body;
  await api(hub, "POST", `/api/v1/catalog/product?changeset=${cs.id}`, {
    sku: "100001",
    name: "可口可乐 330ml",
    category: ["10", "1001"],
    unit: "EA",
    taxRate: 13,
    weighed: false,
    status: "active",
  });
  await api(hub, "POST", `/api/v1/catalog/price?changeset=${cs.id}`, {
    sku: "100001",
    scope: "chain",
    windows: [{ price: 350 }],
  });
  version = (await api(hub, "POST", `/api/v1/changesets/${cs.id}/release`, {})).body.version;
  await store.next("catalog.pointer", (e) => e.payload.version === version);
});
afterAll(async () => {
  await store.close();
  await hub.cleanup();
});

test("a sale below the listed price: findings with names, receipt and amounts, newest first, paged", async () => {
  const sale = saleEvent("P1", 1, { lines: 1, catalogVersion: version, unitPrice: 300, skus: ["100001"] });
  await store.publishEvents([sale]);
  await store.next("events.ack", (a) => a.payload.upToSeq === 1);
  const page = await api(hub, "GET", "/api/v1/price-audit");
  expect(page.status).toBe(200);
  expect(page.body.total).toBeGreaterThan(0);
  const unit = page.body.rows.find((r: { field: string }) => r.field === "unitPrice");
  expect(unit).toMatchObject({
    storeId: "P1",
    storeName: expect.any(String),
    receiptNo: sale.payload.receiptNo,
    sku: "100001",
    productName: "可口可乐 330ml",
    kind: "money",
    expectedFen: 350,
    actualFen: 300,
    diffFen: -50,
  });
  const ids = page.body.rows.map((r: { id: number }) => r.id);
  expect(ids).toEqual([...ids].sort((a, b) => b - a));
  const one = await api(hub, "GET", "/api/v1/price-audit?limit=1&offset=1");
  expect(one.body).toMatchObject({ total: page.body.total, limit: 1, offset: 1 });
  expect(one.body.rows[0].id).toBe(ids[1]);
  const filtered = await api(hub, "GET", "/api/v1/price-audit?field=unitPrice");
  expect(filtered.body.rows.every((r: { field: string }) => r.field === "unitPrice")).toBe(true);
});

test("a regional manager sees its region's findings only; another region's store is 403; garbage paging is 400", async () => {
  const west = (
    await api(hub, "POST", "/api/v1/tokens", { name: "li", role: "regional_manager", region: "west" })
  ).body.token;
  expect((await api(hub, "GET", "/api/v1/price-audit", undefined, west)).body).toMatchObject({
    total: 0,
    rows: [],
  });
  expect((await api(hub, "GET", "/api/v1/price-audit?store=P1", undefined, west)).status).toBe(403);
  for (const q of ["limit=0", "limit=100000", "offset=-1", "limit=abc"])
    expect((await api(hub, "GET", `/api/v1/price-audit?${q}`)).status).toBe(400);
});
