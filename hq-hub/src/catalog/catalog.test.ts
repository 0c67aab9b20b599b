// Change sets end to end: edits -> draft -> pilot release -> retained pointer -> paged fetch
// -> applied -> promote -> delta -> rollback; region/store prices; re-pricing audit.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import {
  type AnyEnvelope,
  type CatalogChangeSet,
  gunzipItems,
  ORDER_DISCOUNT_ID,
  priceBasket,
  ROUNDING_ID,
} from "@retail/protocol";
import { api, connectStore, enrollStore, type StoreClient, saleEvent, startTestHub } from "../test-kit.ts";

// Real processes and brokers on a shared 2-core machine: generous, never a timing assertion.
setDefaultTimeout(60_000);

let hub: Awaited<ReturnType<typeof startTestHub>>;
let pilot: StoreClient;
let general: StoreClient;
let west: StoreClient;

const product = (sku: string, name = `商品${sku}`) => ({
  sku,
  name,
  category: ["10", "1001"],
  unit: "EA",
  taxRate: 13,
  weighed: false,
  status: "active",
});

/** Fetches every page of the next version after `from`, as the edge does. */
async function fetchVersion(store: StoreClient, from: number, gzip = false): Promise<CatalogChangeSet[]> {
  const accept = gzip ? { accept: ["gzip" as const] } : {};
  await store.request("catalog.fetch", { fromVersion: from, page: 0, ...accept });
  const first = (
    await store.next(
      "catalog.changeset",
      (e) =>
        e.payload.page === 0 &&
        e.payload.fromVersion === from &&
        (!gzip || e.payload.itemsGzip !== undefined),
    )
  ).payload;
  const pages = [first];
  for (let p = 1; p < first.pages; p++) {
    await store.request("catalog.fetch", {
      fromVersion: from,
      page: p,
      ...(first.kind === "snapshot" ? { snapshotVersion: first.version } : {}),
      ...accept,
    });
    pages.push(
      (
        await store.next(
          "catalog.changeset",
          (e) =>
            e.payload.page === p &&
            e.payload.version === first.version &&
            (!gzip || e.payload.itemsGzip !== undefined),
        )
      ).payload,
    );
  }
  return pages;
}

beforeAll(async () => {
  hub = await startTestHub();
  pilot = await connectStore(await enrollStore(hub, "P1", { ring: "pilot", region: "east" }), { keep: true });
  general = await connectStore(await enrollStore(hub, "G1", { region: "east" }), { keep: true });
  west = await connectStore(await enrollStore(hub, "W1", { region: "west" }), { keep: true });
});
afterAll(async () => {
  for (const s of [pilot, general, west]) await s.close();
  await hub.cleanup();
});

const pointerOf = (s: StoreClient) =>
  [...s.received]
    .reverse()
    .find((e): e is Extract<AnyEnvelope, { type: "catalog.pointer" }> => e.type === "catalog.pointer")
    ?.payload;

describe("change sets", () => {
  let v1 = 0;
  /** Where the promotion of v1 sits in the logs of the stores outside the pilot. */
  let g1 = 0;
  test("edits are validated with the field named", async () => {
    const bad = await api(hub, "POST", "/api/v1/catalog/product", { ...product("X1"), unit: "BARREL" });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe("unit");
    const badGtin = await api(hub, "POST", "/api/v1/catalog/barcode", { code: "6901234567890", sku: "X1" });
    expect(badGtin.status).toBe(400);
    expect(badGtin.body.field).toBe("code");
    const overlap = await api(hub, "POST", "/api/v1/catalog/price", {
      sku: "X1",
      scope: "chain",
      windows: [
        { price: 100, startsAt: "2026-01-01T00:00:00+08:00", endsAt: "2026-02-01T00:00:00+08:00" },
        { price: 90, startsAt: "2026-01-15T00:00:00+08:00" },
      ],
    });
    expect(overlap.status).toBe(400);
    expect(overlap.body.field).toBe("windows.1.startsAt");
    const negative = await api(hub, "POST", "/api/v1/catalog/price", {
      sku: "X1",
      scope: "chain",
      windows: [{ price: -1 }],
    });
    expect(negative.body.field).toBe("windows.0.price");
  });

  test("a change set goes to the pilot ring first, with a retained pointer, and the pilot bootstraps by snapshot", async () => {
    const cs = (
      await api(hub, "POST", "/api/v1/changesets", { description: "first catalog", target: { kind: "all" } })
    ).body;
    for (const sku of ["100001", "100002"])
      expect(
        (await api(hub, "POST", `/api/v1/catalog/product?changeset=${cs.id}`, product(sku))).status,
      ).toBe(200);
    // UPC-A is stored as its EAN-13.
    const bc = await api(hub, "POST", `/api/v1/catalog/barcode?changeset=${cs.id}`, {
      code: "036000291452",
      sku: "100001",
    });
    expect(bc.body.key).toBe("0036000291452");
    const dupe = await api(hub, "POST", `/api/v1/catalog/barcode?changeset=${cs.id}`, {
      code: "0036000291452",
      sku: "100002",
    });
    expect(dupe.status).toBe(400);
    expect(dupe.body.message).toMatch(/already belongs to SKU 100001/);
    await api(hub, "POST", `/api/v1/catalog/price?changeset=${cs.id}`, {
      sku: "100001",
      scope: "chain",
      windows: [{ price: 350 }],
    });
    await api(hub, "POST", `/api/v1/catalog/price?changeset=${cs.id}`, {
      sku: "100001",
      scope: "region",
      scopeKey: "west",
      windows: [{ price: 380 }],
    });
    await api(hub, "POST", `/api/v1/catalog/price?changeset=${cs.id}`, {
      sku: "100002",
      scope: "chain",
      windows: [{ price: 1200 }],
    });
    await api(hub, "POST", `/api/v1/catalog/promotion?changeset=${cs.id}`, {
      id: "P-3FOR9",
      kind: "multi_buy",
      skus: ["100001"],
      count: 3,
      price: 900,
    });
    const released = await api(hub, "POST", `/api/v1/changesets/${cs.id}/release`, {});
    expect(released.body).toMatchObject({
      state: "pilot",
      pilotStores: ["P1"],
      releasedBy: "admin (hq_admin)",
    });
    v1 = released.body.version;
    await pilot.next("catalog.pointer", (e) => e.payload.version === v1);
    expect(pointerOf(general)?.version ?? 0).toBe(0);

    const pages = await fetchVersion(pilot, 0);
    expect(pages[0]!.kind).toBe("snapshot");
    const items = pages.flatMap((p) => p.items!);
    expect(items.map((i) => `${i.op}:${i.entity}`)).toEqual([
      "upsert:product",
      "upsert:product",
      "upsert:barcode",
      "upsert:price",
      "upsert:price",
      "upsert:promotion",
    ]);
    // East store: chain price only; the west region price is not its business.
    expect(items.find((i) => i.op === "upsert" && i.entity === "price" && i.data.sku === "100001")).toEqual({
      op: "upsert",
      entity: "price",
      data: { sku: "100001", windows: [{ price: 350, source: "chain" }] },
    });
    await pilot.request("catalog.applied", { version: v1, appliedAt: new Date().toISOString() });
    await Bun.sleep(0);
    const rollout = await api(hub, "GET", `/api/v1/changesets/${cs.id}`);
    await new Promise((r) => setTimeout(r, 50));
    const after = await api(hub, "GET", `/api/v1/changesets/${cs.id}`);
    expect(after.body.stores).toEqual([{ storeId: "P1", position: v1, applied: true, appliedVersion: v1 }]);
    expect(rollout.body.auditTrail.map((a: { action: string }) => a.action)).toEqual(
      expect.arrayContaining(["create", "edit", "release"]),
    );
  });

  test("promotion releases to the rest; a west store sees its region price", async () => {
    const cs = hub.catalog.changesets().find((c) => c.version === v1)!;
    const promoted = await api(hub, "POST", `/api/v1/changesets/${cs.id}/promote`, {});
    expect(promoted.body).toMatchObject({ state: "released", promotedBy: "admin (hq_admin)" });
    // The rest of the target gets it at the promotion's own position of their release logs.
    g1 = promoted.body.generalPosition;
    expect(g1).toBeGreaterThan(v1);
    await general.next("catalog.pointer", (e) => e.payload.version === g1);
    await west.next("catalog.pointer", (e) => e.payload.version === g1);
    const items = (await fetchVersion(west, 0)).flatMap((p) => p.items!);
    expect(items.find((i) => i.op === "upsert" && i.entity === "price" && i.data.sku === "100001")).toEqual({
      op: "upsert",
      entity: "price",
      data: {
        sku: "100001",
        windows: [
          { price: 350, source: "chain" },
          { price: 380, source: "region" },
        ],
      },
    });
  });

  test("a fetch that accepts gzip gets the same items as itemsGzip; a plain fetch still gets items", async () => {
    const plain = await fetchVersion(west, 0);
    const gz = await fetchVersion(west, 0, true);
    expect(plain.every((p) => p.items !== undefined && p.itemsGzip === undefined)).toBe(true);
    expect(gz.every((p) => p.itemsGzip !== undefined && p.items === undefined)).toBe(true);
    expect(gz.map(({ itemsGzip: _, ...head }) => head)).toEqual(plain.map(({ items: _, ...head }) => head));
    expect(gz.flatMap((p) => gunzipItems(p.itemsGzip!))).toEqual(plain.flatMap((p) => p.items!));
  });

  test("a later change is a delta from the store's version; a rollback undoes it in a newer version", async () => {
    const cs = (
      await api(hub, "POST", "/api/v1/changesets", { description: "price up", target: { kind: "all" } })
    ).body;
    await api(hub, "POST", `/api/v1/catalog/price?changeset=${cs.id}`, {
      sku: "100002",
      scope: "chain",
      windows: [{ price: 1500 }],
    });
    const v2 = (await api(hub, "POST", `/api/v1/changesets/${cs.id}/release`, {})).body.version;
    await pilot.next("catalog.pointer", (e) => e.payload.version === v2);
    const delta = await fetchVersion(pilot, v1);
    expect(delta[0]).toMatchObject({ kind: "delta", version: v2, fromVersion: v1, pages: 1 });
    expect(delta[0]!.items).toEqual([
      { op: "upsert", entity: "price", data: { sku: "100002", windows: [{ price: 1500, source: "chain" }] } },
    ]);

    const rb = await api(hub, "POST", `/api/v1/changesets/${cs.id}/rollback`, {});
    expect(rb.body.rolledBack).toMatchObject({ state: "rolled_back", rolledBackBy: "admin (hq_admin)" });
    const v3 = rb.body.compensation.version;
    await pilot.next("catalog.pointer", (e) => e.payload.version === v3);
    const undo = await fetchVersion(pilot, v2);
    expect(undo[0]!.items).toEqual([
      { op: "upsert", entity: "price", data: { sku: "100002", windows: [{ price: 1200, source: "chain" }] } },
    ]);
    // The general store never saw v2 or v3: its pointer stays at the promotion of v1, and it cannot promote a rolled-back set.
    expect(pointerOf(general)?.version).toBe(g1);
    expect((await api(hub, "POST", `/api/v1/changesets/${cs.id}/promote`, {})).status).toBe(409);
  });

  test("every received sale is re-priced against the catalog of its version; differences become findings", async () => {
    const store = general;
    // Three colas at 350 with the 3-for-9 promotion: the till charged 1050 (forgot the promotion).
    const sale = saleEvent("G1", 1, { lines: 1, catalogVersion: g1, unitPrice: 350, skus: ["100001"] });
    sale.payload.lines[0]!.qty = 3;
    sale.payload.lines[0]!.gross = 1050;
    sale.payload.lines[0]!.net = 1050;
    sale.payload.lines[0]!.tax = 121;
    sale.payload.totals = { gross: 1050, discount: 0, net: 1050, tax: 121 };
    sale.payload.tenders = [{ kind: "cash", amount: 1050 }];
    await store.publishEvents([sale]);
    await store.next("events.ack", (a) => a.payload.upToSeq === 1);
    const findings = (await api(hub, "GET", "/api/v1/price-findings")).body as {
      field: string;
      expected: string;
      actual: string;
    }[];
    expect(findings.find((f) => f.field === "net")).toMatchObject({ expected: "900", actual: "1050" });
    expect(findings.find((f) => f.field === "applied")).toMatchObject({
      expected: '["P-3FOR9"]',
      actual: "[]",
    });
    expect(
      hub.db.prepare("SELECT price_version FROM sale_lines WHERE sale_id = ?").get(sale.payload.saleId),
    ).toEqual({ price_version: g1 });
  });

  test("a parent-category promotion is re-priced over the leaves under it, as the till prices it", async () => {
    const cs = (
      await api(hub, "POST", "/api/v1/changesets", { description: "饮料九折", target: { kind: "all" } })
    ).body;
    // 100003 sits in a leaf ("1002") no earlier promotion or product used; the promotion names "10".
    await api(hub, "POST", `/api/v1/catalog/product?changeset=${cs.id}`, {
      ...product("100003", "乌龙茶"),
      category: ["10", "1002"],
    });
    await api(hub, "POST", `/api/v1/catalog/price?changeset=${cs.id}`, {
      sku: "100003",
      scope: "chain",
      windows: [{ price: 500 }],
    });
    const promo = await api(hub, "POST", `/api/v1/catalog/promotion?changeset=${cs.id}`, {
      id: "P-DRINKS",
      kind: "percent_off",
      percent: 10,
      categories: ["10"],
    });
    expect(promo.status).toBe(200);
    const v = (await api(hub, "POST", `/api/v1/changesets/${cs.id}/release`, {})).body.version as number;
    const g = (await api(hub, "POST", `/api/v1/changesets/${cs.id}/promote`, {})).body
      .generalPosition as number;
    expect(g).toBeGreaterThan(v);
    const view = hub.catalog.catalogAt("G1", g);
    if ("error" in view.promotions) throw new Error(view.promotions.error);
    expect(view.promotions.list.find((p) => p.id === "P-DRINKS")?.categories?.toSorted()).toEqual([
      "10",
      "1001",
      "1002",
    ]);

    // The till charged 450 for the 500 tea (10% off via 饮料): no finding for that sale.
    const before = ((await api(hub, "GET", "/api/v1/price-findings")).body as unknown[]).length;
    const sale = saleEvent("G1", 2, { lines: 1, catalogVersion: g, unitPrice: 500, skus: ["100003"] });
    const line = sale.payload.lines[0]!;
    line.category = "1002";
    line.discounts = [{ promotionId: "P-DRINKS", amount: 50 }] as never;
    line.net = 450;
    line.tax = 52;
    sale.payload.totals = { gross: 500, discount: 50, net: 450, tax: 52 };
    sale.payload.applied = ["P-DRINKS"];
    sale.payload.tenders = [{ kind: "cash", amount: 450 }];
    await general.publishEvents([sale]);
    await general.next("events.ack", (a) => a.payload.upToSeq === 2);
    const after = (await api(hub, "GET", "/api/v1/price-findings")).body as {
      saleId?: string;
      sale_id?: string;
    }[];
    expect(after.length).toBe(before);
  });

  test("整单折扣/抹零 re-priced through ingest: the till's sale gives no finding, a forged one does", async () => {
    // One cola at 350 (version g1), the engine's 0.25 off and 抹零 to the yuan: 300, as the till prices it.
    const adjustment = { discount: { amount: 25 }, rounding: "yuan" as const };
    const adjusted = (seq: number) => {
      const sale = saleEvent("G1", seq, { lines: 1, catalogVersion: g1, unitPrice: 350, skus: ["100001"] });
      const l = sale.payload.lines[0]!;
      const r = priceBasket({
        at: sale.payload.completedAt,
        storeId: "G1",
        promotions: [],
        adjustment,
        lines: [{ lineId: l.lineId, sku: l.sku, category: l.category, unitPrice: 350, qty: 1, taxRate: 13 }],
      });
      Object.assign(l, { discounts: r.lines[0]!.discounts, net: r.lines[0]!.net, tax: r.lines[0]!.tax });
      sale.payload.totals = r.totals;
      sale.payload.adjustment = { ...adjustment, approvedBy: "9001" };
      sale.payload.tenders = [{ kind: "cash", amount: r.totals.net }];
      return sale;
    };
    const honest = adjusted(3);
    expect(honest.payload.totals.net).toBe(300);
    // The forger's sale claims the same approval but takes 1.00 more off the line and the totals.
    const forged = adjusted(4);
    const fl = forged.payload.lines[0]!;
    fl.discounts = [
      { promotionId: ORDER_DISCOUNT_ID, amount: 125 },
      { promotionId: ROUNDING_ID, amount: 25 },
    ] as never;
    fl.net = 200;
    forged.payload.totals = { ...forged.payload.totals, discount: 150, net: 200 };
    forged.payload.tenders = [{ kind: "cash", amount: 200 }];
    await general.publishEvents([honest, forged]);
    await general.next("events.ack", (a) => a.payload.upToSeq === 4);
    const findings = (await api(hub, "GET", "/api/v1/price-findings")).body as {
      sale_id: string;
      field: string;
      expected: string;
      actual: string;
    }[];
    expect(findings.filter((f) => f.sale_id === honest.payload.saleId)).toEqual([]);
    const mine = findings.filter((f) => f.sale_id === forged.payload.saleId);
    expect(mine.find((f) => f.field === "totals.net")).toMatchObject({ expected: "300", actual: "200" });
    expect(mine.find((f) => f.field === "totals.discount")).toMatchObject({ expected: "50", actual: "150" });
  });
});
