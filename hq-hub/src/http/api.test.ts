// The admin API's gate (roles, 401/403 with a reason), OpenAPI, imports, stock and members.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import {
  api,
  connectStore,
  enrollStore,
  type StoreClient,
  saleEvent,
  startTestHub,
  waitFor,
} from "../test-kit.ts";

// Real processes and brokers on a shared 2-core machine: generous, never a timing assertion.
setDefaultTimeout(60_000);

let hub: Awaited<ReturnType<typeof startTestHub>>;
let auditor: string;
let eastManager: string;
let s1: StoreClient;

beforeAll(async () => {
  hub = await startTestHub();
  auditor = (await api(hub, "POST", "/api/v1/tokens", { name: "audit", role: "auditor" })).body.token;
  eastManager = (
    await api(hub, "POST", "/api/v1/tokens", { name: "zhang", role: "regional_manager", region: "east" })
  ).body.token;
  s1 = await connectStore(await enrollStore(hub, "E1", { region: "east", lat: 31.23, lng: 121.47 }));
  await enrollStore(hub, "E2", { region: "east", lat: 31.3, lng: 121.5 });
  await enrollStore(hub, "W1", { region: "west", lat: 30.57, lng: 104.07 });
});
afterAll(async () => {
  await s1.close();
  await hub.cleanup();
});

describe("roles", () => {
  test("no token: 401; bad token: 401", async () => {
    expect((await api(hub, "GET", "/api/v1/stores", undefined, "")).status).toBe(401);
    expect((await api(hub, "GET", "/api/v1/stores", undefined, "nope")).status).toBe(401);
  });

  test("an auditor reads but may not write: 403 with a reason", async () => {
    expect((await api(hub, "GET", "/api/v1/stores", undefined, auditor)).status).toBe(200);
    const r = await api(hub, "POST", "/api/v1/stores", { id: "X1", name: "x", region: "east" }, auditor);
    expect(r.status).toBe(403);
    expect(r.body).toEqual({ error: "forbidden", reason: "auditor is read-only" });
  });

  test("a regional manager sees and edits only its region", async () => {
    const list = await api(hub, "GET", "/api/v1/stores", undefined, eastManager);
    expect(list.body.map((s: { id: string }) => s.id)).toEqual(["E1", "E2"]);
    const other = await api(hub, "GET", "/api/v1/stores/W1", undefined, eastManager);
    expect(other.status).toBe(403);
    expect(other.body.reason).toMatch(/region west/);
    expect((await api(hub, "POST", "/api/v1/stores/W1/enrollment-code", {}, eastManager)).status).toBe(403);
    expect(
      (await api(hub, "POST", "/api/v1/stores", { id: "W9", name: "x", region: "west" }, eastManager)).status,
    ).toBe(403);
    expect(
      (await api(hub, "POST", "/api/v1/changesets", { target: { kind: "all" } }, eastManager)).status,
    ).toBe(403);
    const product = await api(
      hub,
      "POST",
      "/api/v1/catalog/product",
      { sku: "A1", name: "a", category: ["10"], unit: "EA", taxRate: 13, weighed: false, status: "active" },
      eastManager,
    );
    expect(product.status).toBe(403);
    expect(product.body.reason).toMatch(/only its region's prices/);
  });

  test("GET /me names the token's role, so a UI knows what to offer", async () => {
    expect((await api(hub, "GET", "/api/v1/me")).body).toMatchObject({ role: "hq_admin", canWrite: true });
    expect((await api(hub, "GET", "/api/v1/me", undefined, auditor)).body).toEqual({
      name: "audit",
      role: "auditor",
      canWrite: false,
    });
    expect((await api(hub, "GET", "/api/v1/me", undefined, eastManager)).body).toEqual({
      name: "zhang",
      role: "regional_manager",
      region: "east",
      canWrite: true,
    });
    expect((await api(hub, "GET", "/api/v1/me", undefined, "nope")).status).toBe(401);
  });

  test("a token is listed without its secret, revoked by an admin, and refused from then on", async () => {
    const made = (await api(hub, "POST", "/api/v1/tokens", { name: "temp", role: "auditor" })).body;
    expect(made.id).toBeGreaterThan(0);
    expect((await api(hub, "GET", "/api/v1/me", undefined, made.token)).status).toBe(200);
    const listed = (await api(hub, "GET", "/api/v1/tokens")).body as Record<string, unknown>[];
    const row = listed.find((t) => t.id === made.id)!;
    expect(row).toMatchObject({ name: "temp", role: "auditor", revokedAt: null });
    expect(JSON.stringify(listed)).not.toContain(made.token);
    expect(JSON.stringify(listed)).not.toMatch(/hash/i);
    expect((await api(hub, "GET", "/api/v1/tokens", undefined, auditor)).status).toBe(403);
    expect((await api(hub, "POST", `/api/v1/tokens/${made.id}/revoke`, {}, eastManager)).status).toBe(403);

    const revoked = await api(hub, "POST", `/api/v1/tokens/${made.id}/revoke`, {});
    expect(revoked.body).toMatchObject({ id: made.id, revokedBy: "admin (hq_admin)" });
    expect((await api(hub, "GET", "/api/v1/me", undefined, made.token)).status).toBe(401);
    expect((await api(hub, "GET", "/api/v1/stores", undefined, made.token)).status).toBe(401);
    const again = await api(hub, "POST", `/api/v1/tokens/${made.id}/revoke`, {});
    expect(again.status).toBe(409);
    expect(again.body.message).toMatch(/was revoked/);
    expect((await api(hub, "POST", "/api/v1/tokens/99999/revoke", {})).status).toBe(404);
    expect((await api(hub, "POST", "/api/v1/tokens/x/revoke", {})).body).toMatchObject({ field: "id" });
    // The other tokens still work.
    expect((await api(hub, "GET", "/api/v1/me", undefined, auditor)).status).toBe(200);
  });

  test("?sku= lists one SKU's barcodes and prices wherever they sort; a regional manager's prices stay its own", async () => {
    const product = (sku: string) => ({
      sku,
      name: `商品${sku}`,
      category: ["20"],
      unit: "EA",
      taxRate: 9,
      weighed: false,
      status: "active",
    });
    for (const sku of ["SK1", "SK2"]) await api(hub, "POST", "/api/v1/catalog/product", product(sku));
    // Codes that sort apart: SK1's are first and last of the list, SK2's between them.
    for (const [code, sku] of [
      ["10000007", "SK1"],
      ["50000005", "SK2"],
      ["99999995", "SK1"],
    ])
      expect((await api(hub, "POST", "/api/v1/catalog/barcode", { code, sku })).status).toBe(200);
    for (const [scope, scopeKey] of [
      ["chain", undefined],
      ["region", "east"],
      ["region", "west"],
    ])
      await api(hub, "POST", "/api/v1/catalog/price", {
        sku: "SK1",
        scope,
        ...(scopeKey ? { scopeKey } : {}),
        windows: [{ price: 700 }],
      });
    await api(hub, "POST", "/api/v1/catalog/price", {
      sku: "SK2",
      scope: "chain",
      windows: [{ price: 800 }],
    });

    const codes = (await api(hub, "GET", "/api/v1/catalog/barcode?sku=SK1")).body as { code: string }[];
    expect(codes.map((b) => b.code)).toEqual(["10000007", "99999995"]);
    const prices = (await api(hub, "GET", "/api/v1/catalog/price?sku=SK1")).body as { scopeKey?: string }[];
    expect(prices).toHaveLength(3);
    const east = (await api(hub, "GET", "/api/v1/catalog/price?sku=SK1", undefined, eastManager)).body as {
      scope: string;
      scopeKey?: string;
    }[];
    expect(east.map((p) => `${p.scope}:${p.scopeKey ?? ""}`).sort()).toEqual(["chain:", "region:east"]);
    const bad = await api(hub, "GET", "/api/v1/catalog/product?sku=SK1");
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe("query.sku");
  });

  test("cashiers: the PIN is hashed, the API never shows the hash, an edit without a PIN keeps it", async () => {
    const made = await api(hub, "POST", "/api/v1/catalog/cashier", {
      id: "2001",
      name: "王芳",
      role: "cashier",
      pin: "4321",
      status: "active",
    });
    expect(made.status).toBe(200);
    expect(JSON.stringify(made.body)).not.toContain("$2");
    expect(made.body.data).toMatchObject({ id: "2001", hasPin: true });
    const one = (await api(hub, "GET", "/api/v1/catalog/cashier/2001", undefined, auditor)).body;
    expect(one).toEqual({ id: "2001", name: "王芳", role: "cashier", status: "active", hasPin: true });
    const all = (await api(hub, "GET", "/api/v1/catalog/cashier", undefined, auditor)).body as object[];
    expect(JSON.stringify(all)).not.toMatch(/pinHash|\$2[aby]\$/);
    const hash = (hub.catalog.readMaster("cashier", "2001") as { pinHash: string }).pinHash;
    expect(await Bun.password.verify("4321", hash)).toBe(true);

    // Promoted to supervisor, no PIN sent: the PIN the till checks stays the one she knows.
    const edit = await api(hub, "POST", "/api/v1/catalog/cashier", {
      id: "2001",
      name: "王芳",
      role: "supervisor",
      status: "active",
    });
    expect(edit.status).toBe(200);
    const after = hub.catalog.readMaster("cashier", "2001") as { pinHash: string; role: string };
    expect(after).toMatchObject({ role: "supervisor", pinHash: hash });

    const noPin = await api(hub, "POST", "/api/v1/catalog/cashier", {
      id: "2002",
      name: "李雷",
      role: "cashier",
      status: "active",
    });
    expect(noPin.status).toBe(400);
    expect(noPin.body.field).toBe("pin");
    const shortPin = await api(hub, "POST", "/api/v1/catalog/cashier", {
      id: "2002",
      name: "李雷",
      role: "cashier",
      pin: "12",
      status: "active",
    });
    expect(shortPin.body.field).toBe("pin");
  });

  test("admin-only routes refuse the others", async () => {
    const r = await api(hub, "POST", "/api/v1/tokens", { name: "x", role: "auditor" }, eastManager);
    expect(r.status).toBe(403);
    expect(r.body.reason).toMatch(/needs hq_admin/);
  });

  test("a regional manager may price its region and release to it", async () => {
    await api(hub, "POST", "/api/v1/catalog/product", {
      sku: "A1",
      name: "苹果",
      category: ["20"],
      unit: "EA",
      taxRate: 9,
      weighed: false,
      status: "active",
    });
    const cs = await api(
      hub,
      "POST",
      "/api/v1/changesets",
      { description: "east prices", target: { kind: "region", regions: ["east"] } },
      eastManager,
    );
    expect(cs.status).toBe(200);
    const ok = await api(
      hub,
      "POST",
      `/api/v1/catalog/price?changeset=${cs.body.id}`,
      { sku: "A1", scope: "region", scopeKey: "east", windows: [{ price: 500 }] },
      eastManager,
    );
    expect(ok.status).toBe(200);
    const west = await api(
      hub,
      "POST",
      `/api/v1/catalog/price?changeset=${cs.body.id}`,
      { sku: "A1", scope: "region", scopeKey: "west", windows: [{ price: 500 }] },
      eastManager,
    );
    expect(west.status).toBe(403);
    const chain = await api(
      hub,
      "POST",
      `/api/v1/catalog/price?changeset=${cs.body.id}`,
      { sku: "A1", scope: "chain", windows: [{ price: 500 }] },
      eastManager,
    );
    expect(chain.status).toBe(403);
  });
});

describe("openapi", () => {
  test("/openapi.json documents every route with schemas", async () => {
    const doc = (await api(hub, "GET", "/openapi.json", undefined, "")).body;
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/api/v1/enroll",
        "/api/v1/changesets/{id}/promote",
        "/api/v1/dead-letters/{id}/replay",
      ]),
    );
    expect(
      doc.paths["/api/v1/stores"].post.requestBody.content["application/json"].schema.properties.id,
    ).toBeDefined();
  });
});

describe("CSV import", () => {
  test("all-or-nothing with a per-row report naming row and column", async () => {
    const csv =
      "sku,name,category,unit,taxRate,weighed,status\nB1,面包,10/1001,EA,13,false,active\nB2,牛奶,10/1002,LITRE,13,false,active\nB3,,10,EA,7,false,active\n";
    const job = (await api(hub, "POST", "/api/v1/imports/products", csv)).body;
    const done = await waitFor(async () => {
      const j = (await api(hub, "GET", `/api/v1/imports/${job.id}`)).body;
      return j.state !== "running" ? j : undefined;
    }, "import job");
    expect(done.state).toBe("failed");
    expect(done.errors).toEqual([
      { row: 2, column: "unit", reason: expect.stringContaining("unit") },
      { row: 3, column: "name", reason: expect.any(String) },
    ]);
    expect((await api(hub, "GET", "/api/v1/catalog/product/B1")).status).toBe(404);
  });

  test("a valid file lands in one draft change set; barcodes and prices follow", async () => {
    const run = async (kind: string, csv: string) => {
      const job = (await api(hub, "POST", `/api/v1/imports/${kind}`, csv)).body;
      return waitFor(async () => {
        const j = (await api(hub, "GET", `/api/v1/imports/${job.id}`)).body;
        return j.state !== "running" ? j : undefined;
      }, "import");
    };
    const p = await run(
      "products",
      'sku,name,category,unit,taxRate,weighed,status,plu\nB1,"面包, 全麦",10/1001,EA,13,false,active,\nF1,富士苹果,20/2003,KG,9,true,active,1234\n',
    );
    expect(p).toMatchObject({ state: "done", percent: 100, totalRows: 2 });
    const b = await run("barcodes", "code,sku\n6901234567892,B1\n6901234567892,F1\n");
    expect(b.errors).toEqual([
      { row: 2, column: "code", reason: expect.stringContaining("duplicates row 1") },
    ]);
    const pr = await run("prices", "sku,price\nB1,650\nF1,1280\n");
    expect(pr.state).toBe("done");
    expect((await api(hub, "GET", "/api/v1/catalog/price/F1%7Cchain%7C")).body).toEqual({
      sku: "F1",
      scope: "chain",
      scopeKey: "",
      windows: [{ price: 1280 }],
    });
    expect((await api(hub, "GET", "/api/v1/catalog/product/B1")).body.name).toBe("面包, 全麦");
  });
});

describe("stock and members", () => {
  test("crossing a reorder point sends stock.alert to the store, once", async () => {
    expect(
      (await api(hub, "PUT", "/api/v1/stores/E1/reorder-points", { sku: "SKU1", reorderPoint: 0 })).status,
    ).toBe(200);
    await s1.publishEvents([saleEvent("E1", 1), saleEvent("E1", 2)]);
    const alert = await s1.next("stock.alert");
    expect(alert.payload).toMatchObject({ sku: "SKU1", onHand: -1, reorderPoint: 0 });
    await s1.publishEvents([saleEvent("E1", 3)]);
    await s1.next("events.ack", (a) => a.payload.upToSeq === 3);
    expect(s1.received.filter((e) => e.type === "stock.alert")).toHaveLength(1);
  });

  test("stock.query is answered with nearby stores that have it, nearest first", async () => {
    const moved = await api(hub, "POST", "/api/v1/stock/transfers", {
      from: "W1",
      to: "E2",
      reference: "T-1",
      lines: [{ sku: "SKU1", qty: 5 }],
    });
    expect(moved.status).toBe(200);
    await s1.request("stock.query", { queryId: "q1", sku: "SKU1" });
    const reply = await s1.next("stock.reply");
    expect(reply.payload.stores).toEqual([{ storeId: "E2", name: "门店 E2", onHand: 5, distanceKm: 8 }]);
  });

  test("member points from sales flow down to every store as a change set", async () => {
    await api(hub, "POST", "/api/v1/catalog/member", {
      id: "M9",
      phone: "13900000009",
      tier: "silver",
      points: 0,
      status: "active",
    });
    await s1.publishEvents([
      saleEvent("E1", 4, { member: { id: "M9", tier: "silver" }, unitPrice: 2000, lines: 1 }),
    ]);
    await s1.next("events.ack", (a) => a.payload.upToSeq === 4);
    const sync = await api(hub, "POST", "/api/v1/members/sync", {});
    expect(sync.body.members).toBe(1);
    const pointer = await s1.next("catalog.pointer", (p) => p.payload.version > 0);
    await s1.request("catalog.fetch", { fromVersion: 0, page: 0 });
    const page = await s1.next("catalog.changeset");
    expect(page.payload.version).toBe(pointer.payload.version);
    expect(page.payload.items).toContainEqual({
      op: "upsert",
      entity: "member",
      data: { id: "M9", phone: "13900000009", tier: "silver", points: 20, status: "active" },
    });
  });

  test("a SKU's stock card lists its movements, including ones not yet in the batch-built look-up", async () => {
    await s1.publishEvents([saleEvent("E1", 5, { lines: 1 })]);
    await s1.next("events.ack", (a) => a.payload.upToSeq >= 5);
    const card = async () =>
      (await api(hub, "GET", "/api/v1/stores/E1/stock/SKU1/movements?limit=2")).body as {
        kind: string;
        qty_delta: number;
      }[];
    const before = await card();
    hub.stock.ledgerIndex.catchUp();
    expect(hub.stock.ledgerIndex.lag()).toBe(0);
    const after = await card();
    expect(after).toEqual(before);
    expect(after).toHaveLength(2);
    expect(after.at(-1)).toMatchObject({ kind: "sale", qty_delta: -1 });
    expect((await api(hub, "GET", "/api/v1/stores/E1/stock/SKU1/movements?limit=0")).status).toBe(400);
  });

  test("a sale is looked up at HQ with its lines and tenders, before and after the look-ups catch up", async () => {
    const sale = saleEvent("E1", 6, { lines: 3, catalogVersion: 0 });
    await s1.publishEvents([sale]);
    await s1.next("events.ack", (a) => a.payload.upToSeq >= 6);
    const get = async () => (await api(hub, "GET", `/api/v1/stores/E1/sales/${sale.payload.saleId}`)).body;
    const before = await get();
    for (const l of [hub.sales.linesIndex, hub.sales.tendersIndex]) l.catchUp();
    const after = await get();
    expect(after).toEqual(before);
    expect(after).toMatchObject({
      sale_id: sale.payload.saleId,
      receipt_no: sale.payload.receiptNo,
      net_fen: sale.payload.totals.net,
    });
    expect(
      after.lines.map((l: { line_id: string; price_version: number }) => [l.line_id, l.price_version]),
    ).toEqual([
      ["l1", 0],
      ["l2", 0],
      ["l3", 0],
    ]);
    expect(after.tenders).toEqual(
      sale.payload.tenders.map((t, idx) => ({
        idx,
        kind: t.kind,
        amount_fen: t.amount,
        received_fen: t.received ?? null,
        change_fen: t.change ?? null,
        reference: t.reference ?? null,
      })),
    );
    const missing = await api(hub, "GET", "/api/v1/stores/E1/sales/no-such-sale");
    expect(missing.status).toBe(404);
    expect(missing.body.message).toContain("no-such-sale");
  });
});
