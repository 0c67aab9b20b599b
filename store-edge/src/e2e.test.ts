// End to end with real processes over loopback: the HQ hub spawned from its CLI (embedded
// aedes broker), the edge spawned from ours, enrolled with a one-time code, selling over HTTP.
import { Database } from "bun:sqlite";
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import { catalogItems, gtinOf, tempDir, until } from "./testing/fixtures.ts";
import { edgeCall, HubAdmin, type Proc, runEdgeCli, startEdge, startHub, stop } from "./testing/procs.ts";

// Real brokers and processes on a shared CI machine: generous, never a timed assertion.
setDefaultTimeout(120_000);

const hubDir = tempDir("hub-");
const edgeDir = tempDir("edge-");
let hub: Proc | undefined;
let edge: Proc | undefined;
let admin: HubAdmin;
let mqttPort = 0;

const http = () => edge!.ready.http!;
type Status = {
  outbox: { lastSeq: number; ackedUpTo: number; backlog: number };
  link: { state: string };
  catalog: { applied: number };
};
const status = async () => (await edgeCall<Status>(http(), "GET", "/status")).body;
const localSales = () => {
  const db = new Database(join(edgeDir, "edge.db"), { readonly: true });
  try {
    return db.query<{ n: number }, []>("SELECT count(*) AS n FROM sales WHERE training = 0").get()!.n;
  } finally {
    db.close();
  }
};
function hq<T>(sql: string): T[] {
  const db = new Database(join(hubDir, "hq.db"), { readonly: true });
  try {
    return db.query<T, []>(sql).all();
  } finally {
    db.close();
  }
}

/** Lane 1's cashier session (from the sign-in); it outlives every restart and kill -9 below. */
let token = "";
async function laneCall(method: string, path: string, body?: unknown) {
  const res = await fetch(`${http()}/api/v1${path}`, {
    method,
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function ok(method: string, path: string, body?: unknown) {
  const r = await laneCall(method, path, body);
  if (r.status !== 200) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  if (path.endsWith("/login")) token = (r.body.session as { token: string }).token;
  return r.body;
}

async function sale(skus: number[] = [10]): Promise<string> {
  for (const i of skus) await ok("POST", "/lanes/1/scan", { code: gtinOf(i) });
  const r = (await ok("POST", "/lanes/1/tenders", { kind: "cash", received: 100_000 })) as {
    sale?: { receiptNo: string };
  };
  return r.sale!.receiptNo;
}

async function allDelivered(ms = 30_000) {
  await until(
    async () => {
      const s = await status();
      return s.outbox.lastSeq > 0 && s.outbox.ackedUpTo === s.outbox.lastSeq;
    },
    ms,
    "outbox acked by HQ",
  );
}

/** Every ledger event of the store at HQ exactly once, gapless, committed in seq order. */
function expectExactlyOnceInOrder(lastSeq: number) {
  const rows = hq<{ seq: number }>("SELECT seq FROM inbox WHERE store_id = 'S001' ORDER BY rowid");
  expect(rows.length).toBe(lastSeq);
  expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: lastSeq }, (_, i) => i + 1));
  expect(hq<{ n: number }>("SELECT count(*) AS n FROM conflicts")[0]!.n).toBe(0);
  expect(hq<{ n: number }>("SELECT count(*) AS n FROM sales WHERE store_id = 'S001'")[0]!.n).toBe(
    localSales(),
  );
  // HQ re-prices every receipt with the same engine: it must agree with what the edge charged.
  expect(hq<{ field: string }>("SELECT field, expected, actual FROM price_findings")).toEqual([]);
}

beforeAll(async () => {
  hub = await startHub(hubDir);
  mqttPort = Number(new URL(hub.ready.mqtt!).port);
  admin = new HubAdmin(hub.ready.http!);
  const code = await admin.addStore("S001");
  await admin.release(catalogItems({ products: 20, weighed: 2, promotions: 8 }));
  const enrolled = await runEdgeCli(["enroll", "--hq", hub.ready.http!, "--code", code, "--data", edgeDir]);
  expect(enrolled.code).toBe(0);
  const again = await runEdgeCli(["enroll", "--hq", hub.ready.http!, "--code", code, "--data", edgeDir]);
  expect(again.code).not.toBe(0); // already enrolled (and the code is spent)
  edge = await startEdge(edgeDir);
}, 120_000);

afterAll(async () => {
  await stop(edge);
  await stop(hub);
}, 30_000);

describe("edge and hub as processes", () => {
  test("enrollment, catalog bootstrap from HQ, a sale edge -> broker -> HQ and acked", async () => {
    await until(async () => (await status()).catalog.applied >= 1, 20_000, "catalog from HQ");
    await ok("POST", "/lanes/1/login", { cashierId: "1001", pin: "1234" });
    await ok("POST", "/lanes/1/shift/open", { float: 20_000 });
    const receiptNo = await sale([10, 11, 11, 12, 12, 12, 8, 14, 7, 7, 7]);
    await allDelivered();
    const sales = await admin.call<{ receipt_no: string; catalog_version: number }[]>(
      "GET",
      "/api/v1/stores/S001/sales",
    );
    expect(sales.map((s) => s.receipt_no)).toContain(receiptNo);
    expect(sales[0]!.catalog_version).toBeGreaterThanOrEqual(1);
    const cli = await runEdgeCli(["status", "--data", edgeDir]);
    expect(cli.out).toContain("HQ link online");
    expect(cli.out).toContain("backlog 0");
  });

  test("kill -9 mid-basket: the cart comes back", async () => {
    await ok("POST", "/lanes/1/scan", { code: gtinOf(12) });
    await ok("POST", "/lanes/1/scan", { code: gtinOf(13) });
    await stop(edge, "SIGKILL");
    edge = await startEdge(edgeDir);
    const lane = (await ok("GET", "/lanes/1")) as { cart: { lines: { sku: string }[] } };
    expect(lane.cart.lines.map((l) => l.sku)).toEqual(["SKU000012", "SKU000013"]);
  });

  test("kill -9 inside the sale transaction: no sale, cart intact; after the commit: the sale once, cart empty", async () => {
    const before = localSales();
    await stop(edge);
    edge = await startEdge(edgeDir, { STORE_EDGE_CRASH_AT: "sale.before_commit" });
    await expect(laneCall("POST", "/lanes/1/tenders", { kind: "cash", received: 100_000 })).rejects.toThrow();
    await edge.proc.exited;
    edge = await startEdge(edgeDir);
    expect(localSales()).toBe(before);
    const lane = (await ok("GET", "/lanes/1")) as { cart: { lines: unknown[] } };
    expect(lane.cart.lines.length).toBe(2);

    await stop(edge);
    edge = await startEdge(edgeDir, { STORE_EDGE_CRASH_AT: "sale.after_commit" });
    await expect(laneCall("POST", "/lanes/1/tenders", { kind: "cash", received: 100_000 })).rejects.toThrow();
    await edge.proc.exited;
    edge = await startEdge(edgeDir);
    expect(localSales()).toBe(before + 1);
    expect(((await ok("GET", "/lanes/1")) as { cart: { lines: unknown[] } }).cart.lines).toEqual([]);
    await allDelivered();
    expectExactlyOnceInOrder((await status()).outbox.lastSeq);
  });

  test("store.status retained with a last will: HQ sees the store online, and offline after kill -9", async () => {
    type Fleet = { storeId: string; state: string }[];
    const fleet = async () =>
      (await admin.call<Fleet>("GET", "/api/v1/fleet")).find((s) => s.storeId === "S001");
    await until(async () => (await fleet())?.state === "online", 20_000, "online at HQ");
    await stop(edge, "SIGKILL");
    await until(async () => (await fleet())?.state === "offline", 20_000, "offline at HQ (last will)");
    edge = await startEdge(edgeDir);
    await until(async () => (await fleet())?.state === "online", 20_000, "online again");
  });

  test("training mode: receipts marked training reach HQ only as training activity", async () => {
    await ok("POST", "/lanes/1/training", { on: true, supervisorId: "9001", pin: "9999" });
    const receiptNo = await sale([14]);
    await ok("POST", "/lanes/1/training", { on: false, supervisorId: "9001", pin: "9999" });
    await allDelivered();
    const training = hq<{ type: string }>("SELECT type FROM training_activity WHERE store_id = 'S001'");
    expect(training.map((t) => t.type)).toContain("sale.completed");
    expect(hq<{ n: number }>(`SELECT count(*) AS n FROM sales WHERE receipt_no = '${receiptNo}'`)[0]!.n).toBe(
      0,
    );
    expectExactlyOnceInOrder((await status()).outbox.lastSeq);
  });

  test("edge down while HQ releases two versions: on restart it catches up and sells at the new price", async () => {
    const before = (await status()).catalog.applied;
    await stop(edge);
    const price = (p: number) => ({
      op: "upsert" as const,
      entity: "price" as const,
      data: { sku: "SKU000009", windows: [{ price: p, source: "chain" as const }] },
    });
    await admin.release([price(4321)]);
    const v = await admin.release([price(1234)]);
    edge = await startEdge(edgeDir);
    await until(async () => (await status()).catalog.applied === v, 20_000, `catalog v${v}`);
    expect(v).toBe(before + 2);
    const r = (await ok("POST", "/lanes/1/scan", { code: gtinOf(9) })) as {
      view: { cart: { lines: { unitPrice: number; priceVersion: number }[] } };
    };
    expect(r.view.cart.lines.at(-1)).toMatchObject({ unitPrice: 1234, priceVersion: v });
    await ok("POST", "/lanes/1/tenders", { kind: "cash", received: 100_000 });
  });

  test("HQ down for 500 sales, then up: every sale at HQ exactly once, in order", async () => {
    await stop(hub);
    await until(async () => (await status()).link.state !== "online", 20_000, "link down");
    for (let i = 0; i < 500; i++) await sale([10 + (i % 8)]);
    const s = await status();
    expect(s.outbox.backlog).toBeGreaterThanOrEqual(500);
    hub = await startHub(hubDir, mqttPort);
    await allDelivered(60_000);
    expectExactlyOnceInOrder((await status()).outbox.lastSeq);
  }, 120_000);

  test("HQ killed -9 after committing a backlog's first events, before acking them: every sale, line and stock movement at HQ exactly once", async () => {
    await stop(hub);
    await until(async () => (await status()).link.state !== "online", 20_000, "link down");
    for (let i = 0; i < 400; i++) await sale([10 + (i % 8), 18]);
    const before = hq<{ n: number }>("SELECT count(*) AS n FROM inbox")[0]!.n;
    // This hub kills itself right after its first ingest commit, before publishing the acks:
    // the store resends those events, and HQ's append-only lines and ledger have no key of
    // their own to catch a second application; only the inbox does.
    hub = await startHub(hubDir, mqttPort, { HQ_CRASH_AT: "ingest.after_commit" });
    await hub.proc.exited;
    expect(hub.proc.signalCode).toBe("SIGKILL");
    expect(hq<{ n: number }>("SELECT count(*) AS n FROM inbox")[0]!.n).toBeGreaterThan(before);
    expect((await status()).outbox.ackedUpTo).toBeLessThan((await status()).outbox.lastSeq);
    hub = await startHub(hubDir, mqttPort);
    await allDelivered(60_000);
    expectExactlyOnceInOrder((await status()).outbox.lastSeq);
    const edge = new Database(join(edgeDir, "edge.db"), { readonly: true });
    const localLines = edge
      .query<{ n: number }, []>(
        "SELECT count(*) AS n FROM sale_lines l JOIN sales s ON s.sale_id = l.sale_id WHERE s.training = 0",
      )
      .get()!.n;
    edge.close();
    expect(hq<{ n: number }>("SELECT count(*) AS n FROM sale_lines WHERE store_id = 'S001'")[0]!.n).toBe(
      localLines,
    );
    expect(
      hq<{ n: number }>(
        "SELECT count(*) AS n FROM stock_ledger WHERE store_id = 'S001' AND kind = 'sale'",
      )[0]!.n,
    ).toBe(localLines);
    // Nothing stored twice under one line of one sale.
    expect(
      hq<{ n: number }>(
        "SELECT count(*) AS n FROM (SELECT 1 FROM sale_lines GROUP BY store_id, sale_id, line_id HAVING count(*) > 1)",
      )[0]!.n,
    ).toBe(0);
  }, 180_000);
});
