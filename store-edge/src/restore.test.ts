// A restored, replaced or re-enrolled edge loses nothing (issue 13 item 3), with real processes:
// the HQ hub spawned from its CLI (embedded aedes broker), edges spawned from ours over MQTT,
// enrolled with one-time codes and selling over HTTP. HQ must end up holding every sale of
// every edge database exactly once (ids and totals compared with the databases themselves).
import { Database } from "bun:sqlite";
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { copyFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { catalogItems, gtinOf, tempDir, until } from "./testing/fixtures.ts";
import { edgeCall, HubAdmin, type Proc, runEdgeCli, startEdge, startHub, stop } from "./testing/procs.ts";

// Real brokers and processes on a shared CI machine: generous, never a timed assertion.
setDefaultTimeout(240_000);

const hubDir = tempDir("hub-");
let hub: Proc | undefined;
let admin: HubAdmin;
let mqttPort = 0;
const edges: Proc[] = [];

type Status = {
  outbox: { lastSeq: number; ackedUpTo: number; backlog: number };
  link: { state: string };
  catalog: { applied: number };
  identity: { instanceId: string; lastResync?: { kind: string; moved: number; hqMaxSeq: number } };
};

/** One running edge process and lane 1's cashier session on it. */
class Till {
  token = "";
  constructor(
    readonly dir: string,
    readonly proc: Proc,
  ) {}
  get http() {
    return this.proc.ready.http!;
  }
  async status() {
    return (await edgeCall<Status>(this.http, "GET", "/status")).body;
  }
  async ok(method: string, path: string, body?: unknown) {
    const res = await fetch(`${this.http}/api/v1${path}`, {
      method,
      headers: { "content-type": "application/json", authorization: `Bearer ${this.token}` },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const out = (await res.json()) as Record<string, unknown>;
    if (res.status !== 200) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(out)}`);
    if (path.endsWith("/login")) this.token = (out.session as { token: string }).token;
    return out;
  }
  async signIn(openShift: boolean) {
    await until(async () => (await this.status()).catalog.applied >= 1, 30_000, "catalog from HQ");
    await this.ok("POST", "/lanes/1/login", { cashierId: "1001", pin: "1234" });
    if (openShift) await this.ok("POST", "/lanes/1/shift/open", { float: 20_000 });
  }
  async sell(n: number, from = 0) {
    for (let i = 0; i < n; i++) {
      const k = from + i;
      for (const sku of [10 + (k % 8), 11 + (k % 5)])
        await this.ok("POST", "/lanes/1/scan", { code: gtinOf(sku) });
      await this.ok("POST", "/lanes/1/tenders", { kind: "cash", received: 100_000 });
    }
  }
  async delivered() {
    await until(
      async () => {
        const s = await this.status();
        return s.link.state === "online" && s.outbox.lastSeq > 0 && s.outbox.ackedUpTo === s.outbox.lastSeq;
      },
      60_000,
      `outbox of ${this.dir} acked by HQ`,
    );
  }
}

async function startTill(dir: string): Promise<Till> {
  const p = await startEdge(dir);
  edges.push(p);
  return new Till(dir, p);
}

async function enroll(dir: string, code: string) {
  const r = await runEdgeCli(["enroll", "--hq", hub!.ready.http!, "--code", code, "--data", dir]);
  expect(r.code).toBe(0);
}

/** (sale id, net fen) of the real sales in an edge database, sorted. */
function localSales(dbPath: string): [string, number][] {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db
      .query<{ sale_id: string; net_fen: number }, []>(
        "SELECT sale_id, net_fen FROM sales WHERE training = 0 ORDER BY sale_id",
      )
      .all()
      .map((r) => [r.sale_id, r.net_fen]);
  } finally {
    db.close();
  }
}

function hq<T>(sql: string): T[] {
  const db = new Database(join(hubDir, "hq.db"), { readonly: true });
  try {
    return db.query<T, []>(sql).all();
  } finally {
    db.close();
  }
}

/** What HQ holds of a store: its sales (id, net fen) sorted, conflicts, dead letters, seqs. */
function atHq(storeId: string) {
  return {
    sales: hq<{ sale_id: string; net_fen: number }>(
      `SELECT sale_id, net_fen FROM sales WHERE store_id = '${storeId}' ORDER BY sale_id`,
    ).map((r) => [r.sale_id, r.net_fen] as [string, number]),
    conflicts: hq<{ n: number }>(`SELECT count(*) AS n FROM conflicts WHERE store_id = '${storeId}'`)[0]!.n,
    deadLetters: hq<{ reason: string }>(`SELECT reason FROM dead_letters WHERE store_id = '${storeId}'`),
    seqs: hq<{ seq: number }>(`SELECT seq FROM inbox WHERE store_id = '${storeId}' ORDER BY seq`).map(
      (r) => r.seq,
    ),
  };
}

type ResyncRow = { kind: string; lost: { from: number; to: number }[]; storeId: string };

beforeAll(async () => {
  hub = await startHub(hubDir);
  mqttPort = Number(new URL(hub.ready.mqtt!).port);
  admin = new HubAdmin(hub.ready.http!);
  await admin.release(catalogItems({ products: 20, weighed: 2, promotions: 8 }));
}, 120_000);

afterAll(async () => {
  for (const e of edges) await stop(e, "SIGKILL");
  await stop(hub);
}, 30_000);

describe("a restored, replaced or re-enrolled edge loses nothing", () => {
  test("the mini-PC is replaced: a fresh edge.db enrolled again sells on; HQ holds both machines' sales once", async () => {
    const dirA = tempDir("edge-a-");
    await enroll(dirA, await admin.addStore("S001"));
    const a = await startTill(dirA);
    await a.signIn(true);
    await a.sell(12);
    await a.delivered();
    const firstSeqs = (await a.status()).outbox.lastSeq;
    await stop(a.proc, "SIGKILL");

    // A new data directory (a replaced mini-PC), enrolled again with a new code.
    const { code } = await admin.call<{ code: string }>("POST", "/api/v1/stores/S001/enrollment-code");
    const dirB = tempDir("edge-b-");
    await enroll(dirB, code);
    const b = await startTill(dirB);
    await b.signIn(true);
    await b.sell(9, 100);
    await b.delivered();

    const expected = [...localSales(join(dirA, "edge.db")), ...localSales(join(dirB, "edge.db"))].sort(
      (x, y) => (x[0] < y[0] ? -1 : 1),
    );
    expect(expected.length).toBe(21);
    const held = atHq("S001");
    expect(held.sales).toEqual(expected);
    expect(held.conflicts).toBe(0);
    expect(held.deadLetters).toEqual([]);
    // Nor did it print again today's receipt numbers of the machine it replaces.
    expect(
      hq<{ receipt_no: string }>(
        "SELECT receipt_no FROM sales WHERE store_id = 'S001' GROUP BY receipt_no HAVING count(*) > 1",
      ),
    ).toEqual([]);
    // The new database numbered its events above HQ's: one gapless run, each seq once.
    const s = await b.status();
    expect(held.seqs).toEqual(Array.from({ length: s.outbox.lastSeq }, (_, i) => i + 1));
    expect(held.seqs.length).toBeGreaterThan(firstSeqs);
    // The store is told (edge status), and HQ shows a fleet alert for a person.
    expect(s.identity.lastResync?.kind).toBe("behind");
    expect(s.identity.lastResync?.hqMaxSeq).toBe(firstSeqs);
    const alerts = await admin.call<ResyncRow[]>("GET", "/api/v1/fleet/resyncs?store=S001");
    expect(alerts.map((r) => r.kind).sort()).toEqual(["re_enrolled", "replaced"]);
    expect(alerts.every((r) => r.lost.length === 0)).toBe(true);
    const fleet = await admin.call<{ storeId: string; instanceId?: string; openResyncs: number }[]>(
      "GET",
      "/api/v1/fleet",
    );
    expect(fleet.find((f) => f.storeId === "S001")).toMatchObject({
      instanceId: s.identity.instanceId,
      openResyncs: 2,
    });
    await stop(b.proc);
  });

  test("a backup put back while HQ holds later seqs, selling offline before it reconnects: every sale of both databases at HQ once", async () => {
    const dir = tempDir("edge-c-");
    await enroll(dir, await admin.addStore("S002"));
    let c = await startTill(dir);
    await c.signIn(true);
    await c.sell(8);
    await c.delivered();
    // The nightly backup: a consistent copy of the live database.
    const backup = join(tempDir("backup-"), "edge.db");
    const live = new Database(join(dir, "edge.db"));
    live.exec(`VACUUM INTO '${backup}'`);
    live.close();
    // The store sells on; HQ commits and acks all of it.
    await c.sell(7, 8);
    await c.delivered();
    const hqHeldBefore = atHq("S002").seqs.length;
    // The disk dies (kill -9); what the lost database sold is known only to it and to HQ.
    await stop(c.proc, "SIGKILL");
    const lost = localSales(join(dir, "edge.db"));
    expect(lost.length).toBe(15);

    // The backup is put back while HQ is unreachable, and the store sells before it reconnects.
    for (const f of ["edge.db", "edge.db-wal", "edge.db-shm"]) rmSync(join(dir, f), { force: true });
    copyFileSync(backup, join(dir, "edge.db"));
    await stop(hub);
    c = await startTill(dir);
    await c.signIn(false);
    expect((await c.status()).link.state).not.toBe("online");
    await c.sell(6, 40);
    expect((await c.status()).outbox.lastSeq).toBeLessThan(hqHeldBefore);
    hub = await startHub(hubDir, mqttPort);
    admin = new HubAdmin(hub.ready.http!);
    await c.delivered();

    const restored = localSales(join(dir, "edge.db"));
    expect(restored.length).toBe(8 + 6);
    const union = new Map([...lost, ...restored]);
    expect(union.size).toBe(15 + 6);
    const expected = [...union.entries()].sort((x, y) => (x[0] < y[0] ? -1 : 1));
    const held = atHq("S002");
    expect(held.sales).toEqual(expected);
    expect(held.conflicts).toBe(0);
    expect(held.deadLetters).toEqual([]);
    expect(new Set(held.seqs).size).toBe(held.seqs.length);
    // Told at the store and at HQ; nothing had to be listed as lost.
    const s = await c.status();
    expect(s.identity.lastResync?.kind).toBe("diverged");
    expect(s.identity.lastResync?.moved).toBeGreaterThanOrEqual(6);
    const alerts = await admin.call<ResyncRow[]>("GET", "/api/v1/fleet/resyncs?store=S002");
    expect(alerts.map((r) => r.kind)).toEqual(["diverged"]);
    expect(alerts[0]!.lost).toEqual([]);
    await stop(c.proc);
  });
});
