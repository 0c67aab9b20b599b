// A conflict is never acked as delivered (issue 13, row 2), with real processes: the hub from
// its CLI (embedded aedes), the edge from ours, a forger publishing with the store's own MQTT
// credentials. The forged sale takes the store's next seq + 2 first (while the store is cut off
// from HQ, selling); the real sale with that seq must stay
// undelivered at the edge (held), be listed at HQ with both versions, and after each of the
// three resolutions through the HTTP API reach the state that choice promises, acked at last.
import { Database } from "bun:sqlite";
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { uuidv7 } from "@retail/protocol";
import mqtt from "mqtt";
import { catalogItems, gtinOf, tempDir, until } from "../testing/fixtures.ts";
import { edgeCall, HubAdmin, type Proc, runEdgeCli, startEdge, startHub, stop } from "../testing/procs.ts";

// Real brokers and processes on a shared CI machine: generous, never a timed assertion.
setDefaultTimeout(180_000);

const hubDir = tempDir("hub-");
const edgeDir = tempDir("edge-");
let hub: Proc | undefined;
let edge: Proc | undefined;
let admin: HubAdmin;
let token = "";

type Status = {
  outbox: { lastSeq: number; ackedUpTo: number; backlog: number; held?: number; heldSeqs?: number[] };
  link: { state: string };
  catalog: { applied: number };
};
const http = () => edge!.ready.http!;
const status = async () => (await edgeCall<Status>(http(), "GET", "/status")).body;

function readonly<T>(file: string, sql: string, ...args: (string | number)[]): T[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.query<T, (string | number)[]>(sql).all(...args);
  } finally {
    db.close();
  }
}
const hq = <T>(sql: string, ...args: (string | number)[]) => readonly<T>(join(hubDir, "hq.db"), sql, ...args);
const local = <T>(sql: string, ...args: (string | number)[]) =>
  readonly<T>(join(edgeDir, "edge.db"), sql, ...args);

async function ok(method: string, path: string, body?: unknown) {
  const res = await fetch(`${http()}/api/v1${path}`, {
    method,
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const b = (await res.json()) as Record<string, unknown>;
  if (res.status !== 200) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(b)}`);
  if (path.endsWith("/login")) token = (b.session as { token: string }).token;
  return b;
}

/** A real cash sale on lane 1; its receipt number and seq. */
async function sale(skus: number[]): Promise<{ receiptNo: string; seq: number }> {
  for (const i of skus) await ok("POST", "/lanes/1/scan", { code: gtinOf(i) });
  const r = (await ok("POST", "/lanes/1/tenders", { kind: "cash", received: 100_000 })) as {
    sale: { receiptNo: string };
  };
  return { receiptNo: r.sale.receiptNo, seq: (await status()).outbox.lastSeq };
}

async function allDelivered() {
  await until(
    async () => {
      const o = (await status()).outbox;
      return o.lastSeq > 0 && o.ackedUpTo === o.lastSeq && !o.held;
    },
    30_000,
    "every outbox row delivered",
  );
}

/**
 * Publishes one sale.completed at `seq` on S001's events topic with S001's own credentials
 * (read from the edge's config, as a thief of the mini-PC's disk would): a copy of the store's
 * last sale under a new id, sale id and receipt number, for 888.00 yuan.
 */
async function forge(seq: number, receiptNo: string, url: string): Promise<string> {
  const cfg = JSON.parse(readFileSync(join(edgeDir, "store-edge.json"), "utf8")) as {
    enrollment: { mqtt: { url: string; username: string; password: string; clientId: string } };
  };
  const last = local<{ envelope: string }>(
    "SELECT envelope FROM outbox WHERE type = 'sale.completed' ORDER BY seq DESC LIMIT 1",
  )[0]!;
  const env = JSON.parse(last.envelope);
  env.id = uuidv7();
  env.seq = seq;
  env.payload.saleId = uuidv7();
  env.payload.receiptNo = receiptNo;
  env.payload.totals.net = 88_800;
  env.payload.tenders = [{ kind: "cash", amount: 88_800, received: 88_800, change: 0 }];
  const m = cfg.enrollment.mqtt;
  // The broker wants client id = username, so the forger takes the store's session over for a
  // moment (the edge reconnects by itself); tried again until HQ holds the forged event.
  await until(
    async () => {
      const c = mqtt.connect(url, {
        clientId: m.clientId,
        username: m.username,
        password: m.password,
        reconnectPeriod: 0,
        connectTimeout: 5000,
      });
      // Kicked off by the edge's reconnect before the PUBACK, a publish never settles: bounded.
      await Promise.race([
        (async () => {
          await new Promise<void>((ok, fail) => {
            c.once("connect", () => ok());
            c.once("error", fail);
            c.once("close", () => fail(new Error("closed")));
          });
          await c.publishAsync("retail/v1/s/S001/up/events", JSON.stringify([env]), { qos: 1 });
        })().catch(() => {}),
        Bun.sleep(3000),
      ]);
      c.end(true);
      await Bun.sleep(200);
      return hq<{ n: number }>("SELECT count(*) AS n FROM inbox WHERE event_id = ?", env.id)[0]!.n === 1;
    },
    30_000,
    "the forged event at HQ",
  );
  return env.id as string;
}

type ConflictDetail = {
  id: number;
  seq: number;
  status: string;
  store_id: string;
  resolved_by: string | null;
  committed: { found: boolean; document?: { kind: string; sale?: { receipt_no: string; net_fen: number } } };
  incoming: { seq: number; payload: { receiptNo: string; totals: { net: number } } };
  audit: { choice: string; actor: string; at: string }[];
};

/**
 * The row of the issue: forged sale at the next seq + 2, then three real sales. Returns what the
 * test resolves: the open conflict (with both versions) and the real held sale.
 */
async function forgedThenReal(tag: string) {
  await allDelivered();
  const next = (await status()).outbox.lastSeq + 1;
  const forgedReceipt = `FORGED-${tag}`;
  // HQ is out of the store's reach (down, then up on another port only the forger knows)
  // while the store sells three sales; the forger publishes at the store's next seq + 2 then.
  // (A forger connecting while the store is online drops the store's session, and the store's
  // reconnect handshake, seeing HQ ahead of it, moves its unsent seqs above the forged one
  // instead: no conflict. The store keeps running, so its offline sales are in the run HQ has
  // already acked from, and its handshake on return finds it in step.)
  const mqttPort = Number(new URL(hub!.ready.mqtt!).port);
  await stop(hub);
  const first = await sale([7, 8]);
  const second = await sale([10]);
  const real = await sale([11, 11, 12]);
  expect([first.seq, second.seq, real.seq]).toEqual([next, next + 1, next + 2]);
  hub = await startHub(hubDir);
  await forge(next + 2, forgedReceipt, hub.ready.mqtt!);
  await stop(hub);
  // HQ back where the store looks for it: the store sends its three sales.
  hub = await startHub(hubDir, mqttPort);
  admin = new HubAdmin(hub.ready.http!);
  // The edge hears HQ's ack up to the real sale's seq, but holds it: not delivered.
  await until(
    async () => (await status()).outbox.heldSeqs?.includes(real.seq) === true,
    30_000,
    `seq ${real.seq} held at the edge`,
  ).catch(async (e) => {
    // What the edge and HQ hold when it was not held (on the old code: delivered).
    console.error("edge outbox:", JSON.stringify((await status()).outbox));
    console.error("HQ conflicts:", JSON.stringify(hq("SELECT id, seq, event_id FROM conflicts")));
    throw e;
  });
  const o = (await status()).outbox;
  expect(o.ackedUpTo).toBe(real.seq);
  expect(o.held).toBe(1);
  expect(o.backlog).toBe(1);
  // The real sale is not at HQ; the forged one is.
  expect(hq("SELECT 1 FROM sales WHERE store_id = 'S001' AND receipt_no = ?", real.receiptNo)).toEqual([]);
  expect(hq("SELECT 1 FROM sales WHERE store_id = 'S001' AND receipt_no = ?", forgedReceipt)).toHaveLength(1);
  // Listed at HQ with both versions, readable.
  const open = await admin.call<{ id: number; seq: number; status: string }[]>(
    "GET",
    "/api/v1/conflicts?store=S001&status=open",
  );
  expect(open.map((c) => c.seq)).toEqual([real.seq]);
  const d = await admin.call<ConflictDetail>("GET", `/api/v1/conflicts/${open[0]!.id}`);
  expect(d.committed.found).toBe(true);
  expect(d.committed.document?.kind).toBe("sale");
  expect(d.committed.document?.sale?.receipt_no).toBe(forgedReceipt);
  expect(d.committed.document?.sale?.net_fen).toBe(88_800);
  expect(d.incoming.seq).toBe(real.seq);
  expect(d.incoming.payload.receiptNo).toBe(real.receiptNo);
  return { conflictId: d.id, real, forgedReceipt };
}

/** HQ's sales of the store against the edge's own (non-training) sales. */
function totals() {
  const h = hq<{ n: number; net: number }>(
    "SELECT count(*) AS n, COALESCE(sum(net_fen), 0) AS net FROM sales WHERE store_id = 'S001'",
  )[0]!;
  const e = local<{ n: number; net: number }>(
    "SELECT count(*) AS n, COALESCE(sum(net_fen), 0) AS net FROM sales WHERE training = 0",
  )[0]!;
  return { hq: h, edge: e };
}

/** Stock at HQ agrees with the documents HQ holds: on-hand is minus what its sales sold. */
function expectStockFollowsSales() {
  const rows = hq<{ sku: string; on_hand: number; sold: number }>(
    `SELECT l.sku, l.on_hand, COALESCE((SELECT sum(qty) FROM sale_lines s WHERE s.store_id = l.store_id AND s.sku = l.sku), 0) AS sold
     FROM stock_levels l WHERE l.store_id = 'S001' ORDER BY l.sku`,
  );
  expect(rows.length).toBeGreaterThan(0);
  for (const r of rows) expect({ sku: r.sku, onHand: r.on_hand }).toEqual({ sku: r.sku, onHand: -r.sold });
}

async function resolve(id: number, choice: string) {
  const d = await admin.call<ConflictDetail>("POST", `/api/v1/conflicts/${id}/resolve`, {
    choice,
    note: `test ${choice}`,
  });
  expect(d.status).toBe(choice);
  expect(d.resolved_by).toContain("admin");
  expect(d.audit.map((a) => a.choice)).toEqual([choice]);
  // The ack flows back: the held row is finally delivered, nothing is left in the outbox.
  await allDelivered();
  expect((await status()).outbox.backlog).toBe(0);
  // Nothing is held for the store any more.
  expect(await admin.call<unknown[]>("GET", "/api/v1/conflicts?store=S001&status=open")).toEqual([]);
  return d;
}

beforeAll(async () => {
  hub = await startHub(hubDir);
  admin = new HubAdmin(hub.ready.http!);
  const code = await admin.addStore("S001");
  await admin.release(catalogItems({ products: 20, weighed: 2, promotions: 0 }));
  const enrolled = await runEdgeCli(["enroll", "--hq", hub.ready.http!, "--code", code, "--data", edgeDir]);
  expect(enrolled.code).toBe(0);
  edge = await startEdge(edgeDir);
  await until(async () => (await status()).catalog.applied >= 1, 30_000, "catalog from HQ");
  await ok("POST", "/lanes/1/login", { cashierId: "1001", pin: "1234" });
  await ok("POST", "/lanes/1/shift/open", { float: 20_000 });
  await sale([13]);
}, 180_000);

afterAll(async () => {
  await stop(edge);
  await stop(hub);
}, 30_000);

describe("a sale conflicting with a forged event at its seq (store's own credentials)", () => {
  test("is held, not delivered; take the store's: the forged sale's effects reversed, the real one applied once", async () => {
    const { conflictId, real, forgedReceipt } = await forgedThenReal("A");
    await resolve(conflictId, "take_store");
    expect(hq("SELECT 1 FROM sales WHERE store_id = 'S001' AND receipt_no = ?", forgedReceipt)).toEqual([]);
    expect(hq("SELECT 1 FROM sales WHERE store_id = 'S001' AND receipt_no = ?", real.receiptNo)).toHaveLength(
      1,
    );
    // Count and sum now equal the store's own: exactly the real sales, once each.
    const t = totals();
    expect(t.hq).toEqual(t.edge);
    expectStockFollowsSales();
    // The inbox's row for that seq is now the real event: a resend of it is a duplicate.
    const inbox = hq<{ event_id: string }>(
      "SELECT event_id FROM inbox WHERE store_id = 'S001' AND seq = ?",
      real.seq,
    );
    const realId = local<{ id: string }>("SELECT id FROM outbox WHERE seq = ?", real.seq)[0]!.id;
    expect(inbox.map((r) => r.event_id)).toEqual([realId]);
  });

  test("keep HQ's: the forged sale stays, the real one is discarded, and the row is delivered", async () => {
    const before = totals();
    expect(before.hq).toEqual(before.edge);
    const { conflictId, real, forgedReceipt } = await forgedThenReal("B");
    await resolve(conflictId, "keep_hq");
    expect(hq("SELECT 1 FROM sales WHERE store_id = 'S001' AND receipt_no = ?", forgedReceipt)).toHaveLength(
      1,
    );
    expect(hq("SELECT 1 FROM sales WHERE store_id = 'S001' AND receipt_no = ?", real.receiptNo)).toEqual([]);
    // The person's choice: HQ's count equals the store's, its sum has the forged amount instead.
    const t = totals();
    expect(t.hq.n).toBe(t.edge.n);
    expect(t.hq.net).not.toBe(t.edge.net);
    expectStockFollowsSales();
  });

  test("keep both: the real sale is applied as its own document under a new identity beside the forged one", async () => {
    const before = totals();
    const { conflictId, real, forgedReceipt } = await forgedThenReal("C");
    const d = await resolve(conflictId, "keep_both");
    const rows = hq<{ receipt_no: string; event_id: string }>(
      "SELECT receipt_no, event_id FROM sales WHERE store_id = 'S001' AND receipt_no IN (?, ?) ORDER BY receipt_no",
      forgedReceipt,
      real.receiptNo,
    );
    expect(rows.map((r) => r.receipt_no).sort()).toEqual([forgedReceipt, real.receiptNo].sort());
    const realId = local<{ id: string }>("SELECT id FROM outbox WHERE seq = ?", real.seq)[0]!.id;
    const applied = rows.find((r) => r.receipt_no === real.receiptNo)!;
    expect(applied.event_id).not.toBe(realId); // a new identity
    expect((d as unknown as { applied_event_id: string }).applied_event_id).toBe(applied.event_id);
    // Both: HQ holds the store's sales plus the forged one of this round.
    const t = totals();
    expect(t.hq.n).toBe(t.edge.n + (before.hq.n - before.edge.n) + 1);
    expect(t.hq.net - t.edge.net).toBe(before.hq.net - before.edge.net + 88_800);
    expectStockFollowsSales();
  });
});
