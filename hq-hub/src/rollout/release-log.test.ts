// The per-store release log around its edges: a hub upgraded from before the log (migration
// 0010), a store created after some releases, a store moved to another region.
import { afterEach, expect, test } from "bun:test";
import { createCatalog } from "../catalog/catalog.ts";
import { migrate, openDatabase, type Sqlite } from "../db/open.ts";
import { tempDir } from "../test-kit.ts";

const dirs: { remove: () => void }[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) d.remove();
});

function setup() {
  const dir = tempDir();
  dirs.push(dir);
  let t = Date.parse("2026-11-25T02:00:00.000Z");
  const now = () => {
    t += 1000;
    return new Date(t);
  };
  const db = openDatabase({ dataDir: dir.path });
  migrate(db, now);
  const addStore = (id: string, region: string, ring = "general") =>
    db
      .prepare("INSERT INTO stores (id, name, region, ring, created_at) VALUES (?, ?, ?, ?, ?)")
      .run(id, id, region, ring, now().toISOString());
  const pointers: Record<string, { version: number; snapshotFloor: number }> = {};
  const open = () =>
    createCatalog({
      db,
      now,
      publishPointer: (id, p) => {
        pointers[id] = p;
      },
    });
  return { db, now, addStore, open, pointers };
}

async function priced(
  catalog: ReturnType<ReturnType<typeof setup>["open"]>,
  sku: string,
  price: number,
  opts: { scope?: "chain" | "region"; scopeKey?: string } = {},
) {
  const cs = catalog.createChangeset("t", { description: `${sku} ${price}`, target: { kind: "all" } });
  if (!catalog.readMaster("product", sku))
    await catalog.edit(
      "t",
      "product",
      { sku, name: "可乐", category: ["10"], unit: "EA", taxRate: 13, weighed: false, status: "active" },
      cs.id,
    );
  await catalog.edit(
    "t",
    "price",
    {
      sku,
      scope: opts.scope ?? "chain",
      ...(opts.scopeKey ? { scopeKey: opts.scopeKey } : {}),
      windows: [{ price }],
    },
    cs.id,
  );
  return cs.id;
}

const order = (c: ReturnType<ReturnType<typeof setup>["open"]>, id: string) =>
  c.logOf(id).map((e) => e.changesetId);
function snapshotItems(c: ReturnType<ReturnType<typeof setup>["open"]>, id: string, fromVersion: number) {
  const page = JSON.parse(c.fetchPage(id, { fromVersion, page: 0 })!.toString("utf8"));
  return page as { kind: string; version: number; items: { entity: string; data: { windows?: unknown } }[] };
}

/** Forgets the release log, as a database from before migration 0010 had none. */
function asBeforeTheLog(db: Sqlite) {
  db.exec("DELETE FROM catalog_releases");
  db.exec("UPDATE changesets SET pilot_position = NULL, general_position = NULL");
  db.exec("UPDATE stores SET snapshot_floor = 0");
  db.exec("DELETE FROM settings WHERE key = 'release_log'");
}

test("a hub upgraded from before the log: logs in the order change sets reached each store, above every old version, one snapshot each", async () => {
  const w = setup();
  w.addStore("P1", "east", "pilot");
  w.addStore("G1", "east");
  const old = w.open();
  const a = await priced(old, "K1", 300);
  old.release("t", a, "all");
  const b = await priced(old, "K1", 350);
  old.release("t", b); // pilot
  const c = await priced(old, "K2", 500);
  old.release("t", c, "all");
  old.promote("t", b);
  asBeforeTheLog(w.db);

  const upgraded = w.open();
  // The general store got b at its promotion, after c: that is its order now.
  expect(order(upgraded, "G1")).toEqual([a, c, b]);
  expect(order(upgraded, "P1")).toEqual([a, b, c]);
  const maxVersion = Math.max(...upgraded.changesets().map((x) => x.version ?? 0));
  for (const id of ["P1", "G1"]) {
    const log = upgraded.logOf(id);
    expect(log[0]!.position).toBeGreaterThan(maxVersion);
    const p = upgraded.pointerOf(id);
    expect(p.snapshotFloor).toBe(log[0]!.position);
    // An edge in the field at the old version 3 (it may have skipped b): one snapshot of its fold.
    const page = snapshotItems(upgraded, id, 3);
    expect(page.kind).toBe("snapshot");
    expect(page.version).toBe(p.version);
    const k1 = page.items.find((i) => i.entity === "price" && (i.data as { sku?: string }).sku === "K1");
    expect(k1?.data.windows).toEqual([{ price: 350, source: "chain" }]);
  }
  // Once only: a second start leaves the logs as they are.
  const before = upgraded.logOf("G1");
  expect(w.open().logOf("G1")).toEqual(before);
});

test("a store created after releases gets its peers' log at their positions, and later releases after them", async () => {
  const w = setup();
  w.addStore("P1", "east", "pilot");
  w.addStore("G1", "east");
  const catalog = w.open();
  const a = await priced(catalog, "K1", 300);
  catalog.release("t", a);
  const b = await priced(catalog, "K2", 400);
  catalog.release("t", b, "all");
  catalog.promote("t", a);
  w.addStore("G2", "east");
  const c = await priced(catalog, "K1", 320);
  catalog.release("t", c, "all");
  expect(catalog.logOf("G2")).toEqual(catalog.logOf("G1"));
  expect(order(catalog, "G2")).toEqual([b, a, c]);
  expect(catalog.pointerOf("G2").snapshotFloor).toBe(0);
});

test("a store moved to another region: its log rebuilt at fresh positions, floor raised, snapshot with the new region's prices", async () => {
  const w = setup();
  w.addStore("E1", "east");
  w.addStore("W1", "west");
  const catalog = w.open();
  const a = await priced(catalog, "K1", 300);
  catalog.release("t", a, "all");
  const west = await priced(catalog, "K1", 280, { scope: "region", scopeKey: "west" });
  catalog.release("t", west, "all");
  const applied = catalog.pointerOf("E1").version;
  const maxBefore = Math.max(...catalog.logOf("W1").map((e) => e.position));
  w.db.prepare("UPDATE stores SET region = 'west' WHERE id = 'E1'").run();
  catalog.relistStore("E1");
  const log = catalog.logOf("E1");
  expect(log.map((e) => e.changesetId)).toEqual([a, west]);
  expect(log[0]!.position).toBeGreaterThan(maxBefore);
  expect(w.pointers.E1).toEqual({ version: log.at(-1)!.position, snapshotFloor: log[0]!.position });
  // The edge, still at its old position, is sent a snapshot with the west price.
  const page = snapshotItems(catalog, "E1", applied);
  expect(page.kind).toBe("snapshot");
  const k1 = page.items.find((i) => i.entity === "price");
  expect(k1?.data.windows).toEqual([
    { price: 300, source: "chain" },
    { price: 280, source: "region" },
  ]);
});
