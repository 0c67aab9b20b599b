// The editors' hub side through a real hub: the product picker (SKU, barcode, name, pinyin,
// category, paging), a draft's preview (stores reached, shelf prices old -> new, records), the
// editors' records equal to what a CSV import of the same rows writes, and hostile queries.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { api, startTestHub } from "../test-kit.ts";

setDefaultTimeout(60_000);
let hub: Awaited<ReturnType<typeof startTestHub>>;

const product = (sku: string, name: string, category: string[], extra: Record<string, unknown> = {}) => ({
  sku,
  name,
  category,
  unit: "EA",
  taxRate: 13,
  weighed: false,
  status: "active",
  ...extra,
});

beforeAll(async () => {
  hub = await startTestHub();
  for (const [id, region, ring] of [
    ["S001", "east", "pilot"],
    ["S002", "east", "general"],
    ["S003", "east", "general"],
    ["S004", "west", "general"],
  ] as const)
    expect((await api(hub, "POST", "/api/v1/stores", { id, name: `门店${id}`, region, ring })).status).toBe(
      200,
    );
  await api(hub, "PUT", "/api/v1/reports/categories/10", { name: "饮料" });
  const cs = (await api(hub, "POST", "/api/v1/changesets", { description: "开店", target: { kind: "all" } }))
    .body.id;
  const edits: [string, unknown][] = [
    ["product", product("100001", "可口可乐 500ml", ["10", "1001"], { nameEn: "Coca-Cola 500ml" })],
    ["product", product("100002", "雪碧 500ml", ["10", "1001"])],
    ["product", product("200001", "农夫山泉 550ml", ["20", "2001"], { status: "inactive" })],
    ["product", product("300001", "100%橙汁", ["10", "1002"])],
    ["barcode", { code: "6901234567892", sku: "100001" }],
    ["price", { sku: "100001", scope: "chain", windows: [{ price: 300 }] }],
    ["price", { sku: "100001", scope: "region", scopeKey: "west", windows: [{ price: 320 }] }],
    ["price", { sku: "100002", scope: "chain", windows: [{ price: 280 }] }],
  ];
  for (const [entity, body] of edits)
    expect((await api(hub, "POST", `/api/v1/catalog/${entity}?changeset=${cs}`, body)).status).toBe(200);
  expect((await api(hub, "POST", `/api/v1/changesets/${cs}/release`, { stage: "all" })).status).toBe(200);
});
afterAll(async () => {
  await hub?.cleanup();
});

const search = async (q: string) => (await api(hub, "GET", `/api/v1/products/search?${q}`)).body;

describe("the product picker", () => {
  test("by SKU prefix, barcode, zh-CN and English name, pinyin initials; with price, barcodes, category words", async () => {
    const bySku = await search("q=1000");
    expect(bySku.total).toBe(2);
    expect(bySku.rows[0]).toMatchObject({
      sku: "100001",
      name: "可口可乐 500ml",
      categoryNames: ["饮料", "1001"],
      barcodes: ["6901234567892"],
      chainPriceFen: 300,
      overrides: 1,
    });
    expect((await search("q=69012345")).rows.map((r: { sku: string }) => r.sku)).toEqual(["100001"]);
    expect((await search(`q=${encodeURIComponent("雪碧")}`)).rows.map((r: { sku: string }) => r.sku)).toEqual(
      ["100002"],
    );
    expect((await search("q=coca")).rows.map((r: { sku: string }) => r.sku)).toEqual(["100001"]);
    expect((await search("q=nfsq")).rows.map((r: { sku: string }) => r.sku)).toEqual(["200001"]);
  });

  test("filters, sort and paging with the real total", async () => {
    expect((await search("category=10")).total).toBe(3);
    expect((await search("category=1002")).rows.map((r: { sku: string }) => r.sku)).toEqual(["300001"]);
    expect((await search("status=inactive")).rows.map((r: { sku: string }) => r.sku)).toEqual(["200001"]);
    const page = await search("sort=-sku&limit=2&offset=1");
    expect(page.total).toBe(4);
    expect(page.rows.map((r: { sku: string }) => r.sku)).toEqual(["200001", "100002"]);
    expect((await search("limit=1")).rows[0].chainPriceFen).toBe(300);
    expect((await search("q=3000")).rows[0].chainPriceFen).toBe(null);
  });

  test("hostile: a typed % or _ is a letter, not a wildcard; huge pages and garbage are 400", async () => {
    expect((await search("q=%25")).rows.map((r: { sku: string }) => r.sku)).toEqual(["300001"]);
    expect((await search("q=_")).total).toBe(0);
    expect((await search(`q=${encodeURIComponent("' OR 1=1 --")}`)).total).toBe(0);
    for (const [q, field] of [
      ["limit=100000", "limit"],
      ["sort=price", "sort"],
      ["category=10%25", "category"],
      [`q=${"x".repeat(101)}`, "q"],
    ]) {
      const r = await api(hub, "GET", `/api/v1/products/search?${q}`);
      expect(r.status).toBe(400);
      expect(r.body.field).toContain(field);
    }
  });
});

describe("a draft's preview", () => {
  test("a chain price change: the stores whose shelf price moves (the west override holds), records and fields", async () => {
    const cs = (
      await api(hub, "POST", "/api/v1/changesets", { description: "调价", target: { kind: "all" } })
    ).body.id;
    await api(hub, "POST", `/api/v1/catalog/price?changeset=${cs}`, {
      sku: "100001",
      scope: "chain",
      windows: [{ price: 350 }],
    });
    await api(hub, "POST", `/api/v1/catalog/price?changeset=${cs}`, {
      sku: "100002",
      scope: "store",
      scopeKey: "S002",
      windows: [{ price: 250 }],
    });
    await api(
      hub,
      "POST",
      `/api/v1/catalog/product?changeset=${cs}`,
      product("100002", "雪碧 汽水 500ml", ["10", "1001"]),
    );
    const r = await api(hub, "GET", `/api/v1/changesets/${cs}/preview`);
    expect(r.status).toBe(200);
    const p = r.body;
    expect(p.changeset.state).toBe("draft");
    expect(p.reach).toEqual({ stores: 4, pilot: 1, regions: ["east", "west"] });
    expect(p.storesAffected).toBe(4);
    expect(p.skus).toBe(2);
    expect(p.prices).toEqual([
      {
        sku: "100001",
        name: "可口可乐 500ml",
        fromFen: 300,
        toFen: 350,
        stores: 3,
        sample: ["S001", "S002", "S003"],
      },
      { sku: "100002", name: "雪碧 汽水 500ml", fromFen: 280, toFen: 250, stores: 1, sample: ["S002"] },
    ]);
    expect(p.storesWithPriceChange).toBe(3);
    expect(p.counts.price).toEqual({ add: 1, change: 1, delete: 0 });
    const prod = p.items.find((i: { entity: string }) => i.entity === "product");
    expect(prod).toMatchObject({ key: "100002", change: "change", fields: ["name", "pinyin"] });
    const onlyPrices = await api(hub, "GET", `/api/v1/changesets/${cs}/preview?entity=price&limit=1`);
    expect(onlyPrices.body.itemsTotal).toBe(2);
    expect(onlyPrices.body.items.length).toBe(1);
  });

  test("a region's draft reaches its stores only; a regional manager may not preview another region's", async () => {
    const cs = (
      await api(hub, "POST", "/api/v1/changesets", {
        description: "西区",
        target: { kind: "region", regions: ["west"] },
      })
    ).body.id;
    await api(hub, "POST", `/api/v1/catalog/price?changeset=${cs}`, {
      sku: "100001",
      scope: "region",
      scopeKey: "west",
      windows: [{ price: 330 }],
    });
    const p = (await api(hub, "GET", `/api/v1/changesets/${cs}/preview`)).body;
    expect(p.reach).toEqual({ stores: 1, pilot: 0, regions: ["west"] });
    expect(p.prices).toEqual([
      { sku: "100001", name: "可口可乐 500ml", fromFen: 320, toFen: 330, stores: 1, sample: ["S004"] },
    ]);
    const east = (
      await api(hub, "POST", "/api/v1/tokens", { name: "li", role: "regional_manager", region: "east" })
    ).body.token;
    expect((await api(hub, "GET", `/api/v1/changesets/${cs}/preview`, undefined, east)).status).toBe(403);
    expect((await api(hub, "GET", "/api/v1/changesets/999999/preview")).status).toBe(404);
    expect((await api(hub, "GET", `/api/v1/changesets/${cs}/preview?limit=100000`)).status).toBe(400);
    expect((await api(hub, "GET", `/api/v1/changesets/${cs}/preview?entity=stock`)).status).toBe(400);
  });

  test("the editors write the records a CSV import of the same rows writes (one validation)", async () => {
    const csv =
      "sku,name,category,unit,taxRate,weighed,status,nameEn,plu,pinyin\n400001,旺仔牛奶,10/1003,EA,13,false,active,,,\n";
    const imported = await api(hub, "POST", "/api/v1/imports/products", csv);
    expect(imported.status).toBe(200);
    let job = imported.body;
    for (let i = 0; job.state === "running" && i < 300; i++) {
      await new Promise((r) => setTimeout(r, 100));
      job = (await api(hub, "GET", `/api/v1/imports/${job.id}`)).body;
    }
    expect(job.state).toBe("done");
    const viaCsv = (await api(hub, "GET", `/api/v1/changesets/${job.changesetId}/preview`)).body.items;
    const cs = (
      await api(hub, "POST", "/api/v1/changesets", { description: "编辑", target: { kind: "all" } })
    ).body.id;
    const edit = await api(
      hub,
      "POST",
      `/api/v1/catalog/product?changeset=${cs}`,
      product("400001", "旺仔牛奶", ["10", "1003"]),
    );
    expect(edit.status).toBe(200);
    const viaEditor = (await api(hub, "GET", `/api/v1/changesets/${cs}/preview`)).body.items;
    expect(viaCsv[0].after).toEqual(viaEditor[0].after);
    // Saved again unchanged: the preview says so (no field differs).
    expect(viaEditor[0]).toMatchObject({ change: "change", fields: [] });
  });
});
