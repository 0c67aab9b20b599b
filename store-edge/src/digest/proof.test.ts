// The completeness proof end to end with real processes: the hub spawned from its CLI
// (embedded aedes), an enrolled edge spawned from ours selling over HTTP, its day digests
// delivered over MQTT through the outbox. A complete day reads "complete" at HQ; a sale taken
// away from HQ's database is then named by receipt number.
import { Database } from "bun:sqlite";
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import { businessDay } from "../clock.ts";
import { catalogItems, gtinOf, tempDir, until } from "../testing/fixtures.ts";
import { HubAdmin, type Proc, runEdgeCli, startEdge, startHub, stop } from "../testing/procs.ts";

setDefaultTimeout(120_000);

const hubDir = tempDir("hub-");
const edgeDir = tempDir("edge-");
let hub: Proc | undefined;
let edge: Proc | undefined;
let admin: HubAdmin;
let token = "";

type Detail = {
  status: string;
  missing: string[];
  extra: string[];
  later: string[];
  store: { receiptCount: number };
  hq: { receiptCount: number };
};

async function lane(method: string, path: string, body?: unknown) {
  const res = await fetch(`${edge!.ready.http}/api/v1${path}`, {
    method,
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (res.status !== 200) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  if (path.endsWith("/login")) token = (json.session as { token: string }).token;
  return json;
}

async function sale(sku: number): Promise<string> {
  await lane("POST", "/lanes/1/scan", { code: gtinOf(sku) });
  const r = (await lane("POST", "/lanes/1/tenders", { kind: "cash", received: 100_000 })) as {
    sale: { receiptNo: string };
  };
  return r.sale.receiptNo;
}

const day = () => businessDay(Date.now());
const detail = () => admin.call<Detail>("GET", `/api/v1/completeness/S001/${day()}`);

beforeAll(async () => {
  hub = await startHub(hubDir);
  admin = new HubAdmin(hub.ready.http!);
  const code = await admin.addStore("S001");
  await admin.release(catalogItems({ products: 20 }));
  const enrolled = await runEdgeCli(["enroll", "--hq", hub.ready.http!, "--code", code, "--data", edgeDir]);
  expect(enrolled.code).toBe(0);
  // A running digest of today every second, looked for every second (default 15 min / 1 min).
  edge = await startEdge(edgeDir, { STORE_EDGE_DIGEST_INTERVAL_S: "1", STORE_EDGE_DIGEST_TICK_S: "1" });
  await until(
    async () => {
      const r = await fetch(`${edge!.ready.http}/api/v1/status`);
      return ((await r.json()) as { catalog: { applied: number } }).catalog.applied >= 1;
    },
    30_000,
    "catalog from HQ",
  );
  await lane("POST", "/lanes/1/login", { cashierId: "1001", pin: "1234" });
  await lane("POST", "/lanes/1/shift/open", { float: 20_000 });
}, 120_000);

afterAll(async () => {
  await stop(edge);
  await stop(hub);
}, 30_000);

describe("daily completeness proof, hub and edge as processes", () => {
  const receipts: string[] = [];

  test("every sale of the day at HQ: the store-day reads complete, in the grid too", async () => {
    for (const sku of [3, 4, 5]) receipts.push(await sale(sku));
    await until(
      async () => {
        const d = await detail().catch(() => undefined);
        return d?.status === "complete" && d.store.receiptCount === 3;
      },
      30_000,
      "a complete digest of 3 receipts at HQ",
    );
    const d = await detail();
    expect(d).toMatchObject({ missing: [], extra: [] });
    expect(d.hq.receiptCount).toBe(3);
    const grid = await admin.call<{ cells: { storeId: string; businessDay: string; status: string }[] }>(
      "GET",
      `/api/v1/completeness?from=${day()}&to=${day()}`,
    );
    expect(grid.cells).toEqual([
      expect.objectContaining({ storeId: "S001", businessDay: day(), status: "complete", missing: 0 }),
    ]);
  });

  test("a sale taken away from HQ's database is named by its receipt number, and stays named", async () => {
    const gone = receipts[1]!;
    const db = new Database(join(hubDir, "hq.db"));
    try {
      db.exec("PRAGMA busy_timeout = 10000");
      expect(db.query("DELETE FROM sales WHERE store_id = 'S001' AND receipt_no = ?").run(gone).changes).toBe(
        1,
      );
    } finally {
      db.close();
    }
    const d = await detail();
    expect(d.status).toBe("incomplete");
    expect(d.missing).toEqual([gone]);
    expect(d.extra).toEqual([]);
    // The store sells on; its next digest still names the lost one, and only that one.
    receipts.push(await sale(6));
    await until(async () => (await detail()).store.receiptCount === 4, 30_000, "the next digest at HQ");
    const again = await detail();
    expect(again).toMatchObject({ status: "incomplete", missing: [gone], extra: [] });
    const grid = await admin.call<{ cells: { status: string; missing: number }[] }>(
      "GET",
      `/api/v1/completeness?from=${day()}&to=${day()}&storeId=S001`,
    );
    expect(grid.cells[0]).toMatchObject({ status: "incomplete", missing: 1 });
  });
});
