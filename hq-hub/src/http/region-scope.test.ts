// A regional manager sees and edits only its region: every list it can reach is filtered to
// its region's stores (or to what concerns them), a read of another region's record is 403
// with a reason, and so is a write outside its region.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { api, enrollStore, saleEvent, startTestHub } from "../test-kit.ts";

// Real processes and brokers on a shared 2-core machine: generous, never a timing assertion.
setDefaultTimeout(60_000);

let hub: Awaited<ReturnType<typeof startTestHub>>;
let east: string;
const cs = {} as Record<"all" | "ring" | "west" | "east" | "storesW" | "storesE", number>;

const product = {
  sku: "400001",
  name: "苹果",
  category: ["20"],
  unit: "EA",
  taxRate: 9,
  weighed: false,
  status: "active",
};

async function changeset(name: keyof typeof cs, target: unknown): Promise<number> {
  const r = await api(hub, "POST", "/api/v1/changesets", { description: name, target });
  expect(r.status).toBe(200);
  cs[name] = r.body.id;
  return r.body.id;
}
async function price(changesetId: number, scope: string, scopeKey: string | undefined, fen: number) {
  const r = await api(hub, "POST", `/api/v1/catalog/price?changeset=${changesetId}`, {
    sku: "400001",
    scope,
    ...(scopeKey ? { scopeKey } : {}),
    windows: [{ price: fen }],
  });
  expect(r.status).toBe(200);
}
const ids = (rows: { id: number }[]) => rows.map((r) => r.id);

beforeAll(async () => {
  hub = await startTestHub();
  east = (
    await api(hub, "POST", "/api/v1/tokens", { name: "zhang", role: "regional_manager", region: "east" })
  ).body.token;
  await enrollStore(hub, "E1", { region: "east" });
  await enrollStore(hub, "W1", { region: "west" });

  await api(hub, "POST", "/api/v1/catalog/product", product);
  const all = await changeset("all", { kind: "all" });
  await price(all, "chain", undefined, 500);
  await changeset("ring", { kind: "ring", ring: "pilot" });
  const west = await changeset("west", { kind: "region", regions: ["west"] });
  await price(west, "region", "west", 450);
  await price(west, "store", "W1", 440);
  const eastCs = await changeset("east", { kind: "region", regions: ["east"] });
  await price(eastCs, "region", "east", 480);
  await price(eastCs, "store", "E1", 470);
  await changeset("storesW", { kind: "stores", stores: ["W1"] });
  await changeset("storesE", { kind: "stores", stores: ["E1", "W1"] });
  for (const name of ["all", "west", "east"] as const)
    expect((await api(hub, "POST", `/api/v1/changesets/${cs[name]}/release`, { stage: "all" })).status).toBe(
      200,
    );

  // Ingest records of both regions, as ingest writes them.
  const at = new Date().toISOString();
  const dead = hub.db.prepare(
    "INSERT INTO dead_letters (store_id, seq, topic, reason, field, raw, received_at) VALUES (?, 1, 't', 'invalid', 'x', '{}', ?)",
  );
  dead.run("E1", at);
  dead.run("W1", at);
  const conflict = hub.db.prepare(
    `INSERT INTO conflicts (store_id, seq, event_id, existing_event_id, reason, existing_hash, incoming_hash, raw, received_at)
     VALUES (?, 1, 'a', 'b', 'same_seq_different_content', 'h1', 'h2', '{}', ?)`,
  );
  conflict.run("E1", at);
  conflict.run("W1", at);
  const finding = hub.db.prepare(
    `INSERT INTO price_findings (store_id, sale_id, event_id, catalog_version, line_id, field, expected, actual, found_at)
     VALUES (?, 's', 'e', 1, 'l1', 'net', '1', '2', ?)`,
  );
  finding.run("E1", at);
  finding.run("W1", at);
  const sale = saleEvent("W1", 1).payload;
  hub.db
    .prepare(
      `INSERT INTO sales (store_id, sale_id, event_id, receipt_no, lane_id, cashier_id, shift_id, business_day, catalog_version,
       gross_fen, discount_fen, net_fen, tax_fen, completed_at) VALUES ('W1', ?, 'e', 'r', '1', '1', 's', '2026-11-25', 1, 1, 0, 1, 0, ?)`,
    )
    .run(sale.saleId, at);
});
afterAll(async () => {
  await hub.cleanup();
});

describe("a regional manager's reads", () => {
  test("change sets: only those whose target concerns its region; another region's is 403", async () => {
    const seen = ids((await api(hub, "GET", "/api/v1/changesets", undefined, east)).body);
    expect(seen).toContain(cs.all);
    expect(seen).toContain(cs.ring);
    expect(seen).toContain(cs.east);
    expect(seen).toContain(cs.storesE); // names one of its stores
    expect(seen).not.toContain(cs.west);
    expect(seen).not.toContain(cs.storesW);
    expect(ids((await api(hub, "GET", "/api/v1/changesets")).body)).toContain(cs.west); // the admin sees all

    const other = await api(hub, "GET", `/api/v1/changesets/${cs.west}`, undefined, east);
    expect(other.status).toBe(403);
    expect(other.body.reason).toMatch(/targets other regions/);
    // A chain-wide one: the stores it reached are only its own.
    const mine = await api(hub, "GET", `/api/v1/changesets/${cs.all}`, undefined, east);
    expect(mine.status).toBe(200);
    expect(mine.body.stores.map((s: { storeId: string }) => s.storeId)).toEqual(["E1"]);
    const admin = await api(hub, "GET", `/api/v1/changesets/${cs.all}`);
    expect(admin.body.stores.map((s: { storeId: string }) => s.storeId)).toEqual(["E1", "W1"]);
  });

  test("prices: chain, its region and its stores only; another region's or store's is 403", async () => {
    const keys = (rows: { sku: string; scope: string; scopeKey: string }[]) =>
      rows.map((r) => `${r.scope}:${r.scopeKey}`).sort();
    expect(keys((await api(hub, "GET", "/api/v1/catalog/price", undefined, east)).body)).toEqual([
      "chain:",
      "region:east",
      "store:E1",
    ]);
    expect((await api(hub, "GET", "/api/v1/catalog/price")).body).toHaveLength(5);
    const enc = (k: string) => encodeURIComponent(k);
    expect(
      (await api(hub, "GET", `/api/v1/catalog/price/${enc("400001|region|east")}`, undefined, east)).status,
    ).toBe(200);
    const w = await api(hub, "GET", `/api/v1/catalog/price/${enc("400001|region|west")}`, undefined, east);
    expect(w.status).toBe(403);
    expect(w.body.reason).toMatch(/region west/);
    expect(
      (await api(hub, "GET", `/api/v1/catalog/price/${enc("400001|store|W1")}`, undefined, east)).status,
    ).toBe(403);
    // Chain-wide master data stays readable.
    expect((await api(hub, "GET", "/api/v1/catalog/product/400001", undefined, east)).status).toBe(200);
  });

  test("dead letters, conflicts and price findings: its stores' only; another store's is 403", async () => {
    const stores = (rows: { store_id: string }[]) => rows.map((r) => r.store_id);
    const dl = (await api(hub, "GET", "/api/v1/dead-letters", undefined, east)).body;
    expect(stores(dl)).toEqual(["E1"]);
    const all = (await api(hub, "GET", "/api/v1/dead-letters")).body as { id: number; store_id: string }[];
    const westDl = all.find((d) => d.store_id === "W1")!;
    const r = await api(hub, "GET", `/api/v1/dead-letters/${westDl.id}`, undefined, east);
    expect(r.status).toBe(403);
    expect(r.body.reason).toMatch(/store W1 \(region west\)/);

    expect(stores((await api(hub, "GET", "/api/v1/conflicts", undefined, east)).body)).toEqual(["E1"]);
    expect(stores((await api(hub, "GET", "/api/v1/conflicts")).body)).toEqual(["E1", "W1"]);
    expect((await api(hub, "GET", "/api/v1/conflicts?store=W1", undefined, east)).status).toBe(403);

    expect(stores((await api(hub, "GET", "/api/v1/price-findings", undefined, east)).body)).toEqual(["E1"]);
    expect(stores((await api(hub, "GET", "/api/v1/price-findings")).body)).toEqual(["E1", "W1"]);
    expect(stores((await api(hub, "GET", "/api/v1/price-findings?store=W1")).body)).toEqual(["W1"]);
    expect((await api(hub, "GET", "/api/v1/price-findings?store=W1", undefined, east)).status).toBe(403);
  });

  test("stores, fleet, sales and stock of another region: filtered or 403", async () => {
    const list = (await api(hub, "GET", "/api/v1/stores", undefined, east)).body as { id: string }[];
    expect(list.map((s) => s.id)).toEqual(["E1"]);
    const fleet = (await api(hub, "GET", "/api/v1/fleet", undefined, east)).body as {
      storeId?: string;
      id?: string;
    }[];
    expect(fleet.map((s) => s.storeId ?? s.id)).toEqual(["E1"]);
    const sales = await api(hub, "GET", "/api/v1/stores/W1/sales", undefined, east);
    expect(sales.status).toBe(403);
    expect(sales.body.reason).toMatch(/region west/);
    expect((await api(hub, "GET", "/api/v1/stores/W1/sales")).body).toHaveLength(1);
    expect((await api(hub, "GET", "/api/v1/stores/W1/stock", undefined, east)).status).toBe(403);
    expect((await api(hub, "GET", "/api/v1/stores/E1/stock", undefined, east)).status).toBe(200);
  });
});

describe("a regional manager's writes outside its region: 403 with a reason", () => {
  test("an own-region price into a change set aimed at another region", async () => {
    const r = await api(
      hub,
      "POST",
      `/api/v1/catalog/price?changeset=${cs.storesW}`,
      { sku: "400001", scope: "region", scopeKey: "east", windows: [{ price: 490 }] },
      east,
    );
    expect(r.status).toBe(403);
    expect(r.body.reason).toMatch(/may target only its own region/);
    const del = await api(
      hub,
      "DELETE",
      `/api/v1/catalog/price/${encodeURIComponent("400001|region|east")}?changeset=${cs.storesW}`,
      undefined,
      east,
    );
    expect(del.status).toBe(403);
  });

  test("another region's prices, releases, stores, reorder points and transfers", async () => {
    const cases: [string, string, unknown][] = [
      [
        "POST",
        "/api/v1/catalog/price",
        { sku: "400001", scope: "region", scopeKey: "west", windows: [{ price: 1 }] },
      ],
      [
        "POST",
        "/api/v1/catalog/price",
        { sku: "400001", scope: "store", scopeKey: "W1", windows: [{ price: 1 }] },
      ],
      ["POST", `/api/v1/changesets/${cs.storesW}/release`, {}],
      ["POST", `/api/v1/changesets/${cs.west}/rollback`, {}],
      ["PATCH", "/api/v1/stores/W1", { name: "x" }],
      ["PATCH", "/api/v1/stores/E1", { region: "west" }],
      ["PUT", "/api/v1/stores/W1/reorder-points", { sku: "400001", reorderPoint: 5 }],
      [
        "POST",
        "/api/v1/stock/transfers",
        { from: "E1", to: "W1", reference: "T1", lines: [{ sku: "400001", qty: 1 }] },
      ],
    ];
    for (const [method, path, body] of cases) {
      const r = await api(hub, method, path, body, east);
      expect({ method, path, status: r.status, error: r.body.error }).toEqual({
        method,
        path,
        status: 403,
        error: "forbidden",
      });
      expect(r.body.reason).toEqual(expect.any(String));
    }
  });
});
