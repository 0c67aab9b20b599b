// Over 400 lines because each benchmark row sets up its own real processes, peer and ratio; one file keeps `npm run bench -- edge` one suite.
// Store edge benchmarks (npm run bench -- edge; standalone: bun store-edge/src/edge.bench.ts):
//  - scan -> priced cart over HTTP, against an edge PROCESS holding 100k SKUs and 500 active
//    promotions (peer: a bare Hono echo route over HTTP in this process);
//  - sale commit (price, sale + lines + tenders + stock + outbox, one durable transaction;
//    peer: one raw insert per transaction through the same `libsql` driver the edge uses, with
//    the edge's pragmas: WAL + synchronous=FULL + busy_timeout);
//  - a 100k-SKU snapshot applied in steps while a lane rings up (a scan every 5 ms, a sale every
//    5th scan): how long the apply takes, and each lane write's latency from when it was due,
//    so a stalled event loop counts in full;
//  - drain of 20,000 queued sales after an outage to an acking stub HQ on a real MQTT broker
//    (aedes on loopback; the stub commits in memory, so this measures the edge's side);
//  - RSS of that edge process with 100k SKUs loaded, and after 20,000 sales through it, enrolled
//    (peer: the same edge not enrolled, after the same sales).
import { cpSync } from "node:fs";
import { join } from "node:path";
import type { BenchRow } from "@retail/protocol";
import { Hono } from "hono";
import Database from "libsql";
import { manualClock } from "./clock.ts";
import { saveConfig } from "./config.ts";
import { Edge } from "./edge.ts";
import {
  applyPages,
  catalogItems,
  gtinOf,
  laneWhile,
  openLane,
  pagesOf,
  T0,
  tempDir,
  testConfig,
  until,
} from "./testing/fixtures.ts";
import { HubAdmin, startEdge, startHub, stop } from "./testing/procs.ts";
import { StubHq } from "./testing/stub-hq.ts";

// EDGE_BENCH_SKUS (default 100k), EDGE_BENCH_RSS_SALES and EDGE_BENCH_ONLY=scan|rss|apply|hub are for profiling; the report uses defaults.
const SKUS = Number(process.env.EDGE_BENCH_SKUS ?? 100_000);
const PROMOTIONS = 500;

function stats(xs: number[]): { median: number; p99: number } {
  const s = [...xs].sort((a, b) => a - b);
  return {
    median: s[Math.floor(s.length / 2)]!,
    p99: s[Math.min(s.length - 1, Math.floor(s.length * 0.99))]!,
  };
}

function row(
  figure: string,
  unit: string,
  m: { median: number; p99: number },
  target: string,
  pass: boolean,
  peer?: { name: string; median: number },
): BenchRow {
  const r: BenchRow = { figure, unit, median: m.median, p99: m.p99, target, pass };
  if (peer) {
    r.peer = peer.name;
    r.peerMedian = peer.median;
    r.ratio = m.median / peer.median;
  }
  return r;
}

/** Last server-timing the edge reported (its own handling time, without the wire). */
let lastServerMs = 0;
/** Lane 1's cashier session in the edge process (its sign-in over HTTP). */
let laneToken = "";

async function post(url: string, body: unknown): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${laneToken}` },
    body: JSON.stringify(body),
  });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
  const t = performance.now() - t0;
  lastServerMs = Number(/dur=([\d.]+)/.exec(res.headers.get("server-timing") ?? "")?.[1] ?? Number.NaN);
  return t;
}

/** A data directory holding the 100k-SKU catalog with 500 promotions, and lane 1 ready to sell;
 * the look-up figure is measured on the way. */
async function bigStore(): Promise<{ dir: string; lookup: BenchRow }> {
  const dir = tempDir("edge-bench-");
  const edge = new Edge({ dataDir: dir, config: testConfig(), clock: manualClock(Date.now()) });
  applyPages(
    edge,
    pagesOf("snapshot", 1, 0, catalogItems({ products: SKUS, promotions: PROMOTIONS, weighed: 100 })),
  );
  await openLane(edge);
  await edge.stop();
  // Reopened as a store would be after a restart: the look-up is built from the tables.
  const reopened = new Edge({ dataDir: dir, config: testConfig(), clock: manualClock(Date.now()) });
  const l = reopened.replica.lookup;
  Bun.gc(true); // as `serve` does once the look-up is built
  const queries = (i: number) => [
    gtinOf(1 + ((i * 7919) % SKUS)),
    String(1 + (i % 100)),
    i % 2 ? "kkkl" : "bsklnn",
    "可乐牛奶",
    `SKU${String(1 + i).padStart(6, "0")}`,
    "雪碧",
  ];
  const samples: number[] = [];
  for (let i = 0; i < 3000; i++) {
    for (const q of queries(i)) {
      const t0 = performance.now();
      const hits = l.search(q, 20);
      const t = performance.now() - t0;
      if (hits.length === 0) throw new Error(`no hit for ${q}`);
      if (i >= 200) samples.push(t);
    }
  }
  await reopened.stop();
  const m = stats(samples);
  return {
    dir,
    lookup: row(
      `look-up by barcode, PLU, pinyin initials, name, SKU (${SKUS / 1000}k SKUs, in process)`,
      "ms",
      m,
      "p99 < 1 ms",
      m.p99 < 1,
    ),
  };
}

function rssOf(pid: number): number {
  const status = require("node:fs").readFileSync(`/proc/${pid}/status`, "utf8") as string;
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

async function scanBench(dir: string): Promise<BenchRow[]> {
  const edge = await startEdge(dir);
  try {
    const http = edge.ready.http!;
    // Let the process settle (GC after the index build) before reading RSS.
    await Bun.sleep(1500);
    const rss = rssOf(edge.proc.pid);
    const signIn = await fetch(`${http}/api/v1/lanes/1/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ cashierId: "1001", pin: "1234" }),
    });
    laneToken = ((await signIn.json()) as { session: { token: string } }).session.token;
    const scan = `${http}/api/v1/lanes/1/scan`;
    const samples: number[] = [];
    const server: number[] = [];
    // The client is this process, which just built and dropped a 100k catalog: collect that
    // garbage first so its pauses are not charged to the edge.
    Bun.gc(true);
    let n = 0;
    for (let basket = 0; basket < 60; basket++) {
      for (let i = 0; i < 25; i++) {
        // Spread over the catalog, with promoted SKUs (multiples of 7 and 13) often in the basket.
        const k = 101 + ((n++ * 7919) % (SKUS - 101));
        const t = await post(scan, { code: gtinOf(k) });
        if (basket >= 4) {
          samples.push(t);
          server.push(lastServerMs);
        }
      }
      await post(`${http}/api/v1/lanes/1/tenders`, { kind: "cash", received: 10_000_000 });
    }
    const peerApp = new Hono();
    peerApp.post("/echo", async (c) => c.json(await c.req.json()));
    const peerServer = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: peerApp.fetch });
    const peer: number[] = [];
    for (let i = 0; i < 1500; i++) {
      const t = await post(`http://127.0.0.1:${peerServer.port}/echo`, { code: gtinOf(i + 1) });
      if (i >= 100) peer.push(t);
    }
    peerServer.stop(true);
    const m = stats(samples);
    return [
      row(
        `scan -> priced cart over HTTP (${SKUS / 1000}k SKUs, ${PROMOTIONS} promotions, baskets of 25)`,
        "ms",
        m,
        "p99 < 5 ms",
        m.p99 < 5,
        { name: "bare Hono echo route over HTTP", median: stats(peer).median },
      ),
      row(
        "  of which inside the edge (its server-timing: parse, look-up, price, cart save, view)",
        "ms",
        stats(server),
        "(information)",
        true,
      ),
      row(
        `edge process RSS with ${SKUS / 1000}k SKUs`,
        "MB",
        { median: rss, p99: rss },
        "< 250 MB",
        rss < 250,
      ),
    ];
  } finally {
    await stop(edge);
  }
}

/**
 * RSS of the edge process after 20,000 sales over HTTP (3 scans each, cash), with the 100k-SKU
 * catalog, enrolled to a stub HQ that acks (so the outbox publisher, acks, status and day
 * digests run as in a store). Peer: the same edge from a copy of the same data directory, not
 * enrolled (no HQ link), after the same sales: what the link costs.
 */
async function rssAfterSalesBench(dir: string): Promise<BenchRow[]> {
  const SALES = Number(process.env.EDGE_BENCH_RSS_SALES ?? 20_000);
  const peerDir = tempDir("edge-bench-peer-");
  cpSync(dir, peerDir, { recursive: true });
  const peer = await rssAfterSales(peerDir, SALES, undefined);
  const hq = await StubHq.start("S001");
  hq.release({ version: 1, items: [] });
  // The stub keeps what it received; forget what it acked (it lives in this process, not the edge).
  const forget = setInterval(() => {
    for (const seq of hq.received.keys()) if (seq <= hq.upTo) hq.received.delete(seq);
  }, 2000);
  try {
    const m = await rssAfterSales(dir, SALES, hq);
    return [
      row(
        `edge process RSS after ${SALES.toLocaleString("en")} sales over HTTP (${SKUS / 1000}k SKUs, enrolled, acked)`,
        "MB",
        { median: m.after, p99: m.after },
        "< 250 MB",
        m.after < 250,
        { name: "the same edge not enrolled (no HQ link), same sales", median: peer.after },
      ),
      row(
        "  the enrolled edge right after start, before the first sale (not enrolled)",
        "MB",
        { median: m.atStart, p99: m.atStart },
        `(information; ${peer.atStart.toFixed(0)} MB)`,
        true,
      ),
    ];
  } finally {
    clearInterval(forget);
    await hq.stop();
  }
}

/** Starts the edge process on `dir` (enrolled to `hq` when given), sells, reads its RSS. */
async function rssAfterSales(
  dir: string,
  sales: number,
  hq: StubHq | undefined,
): Promise<{ atStart: number; after: number }> {
  saveConfig(dir, (raw) => {
    if (!hq) delete raw.enrollment;
    else
      raw.enrollment = {
        hq: "http://unused",
        storeId: "S001",
        storeName: "bench",
        mqtt: hq.creds(),
        enrolledAt: new Date().toISOString(),
      };
  });
  const edge = await startEdge(dir);
  try {
    const http = edge.ready.http!;
    await Bun.sleep(1500);
    const atStart = rssOf(edge.proc.pid);
    const signIn = await fetch(`${http}/api/v1/lanes/1/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ cashierId: "1001", pin: "1234" }),
    });
    laneToken = ((await signIn.json()) as { session: { token: string } }).session.token;
    let n = 0;
    for (let i = 0; i < sales; i++) {
      for (let k = 0; k < 3; k++)
        await post(`${http}/api/v1/lanes/1/scan`, { code: gtinOf(101 + ((n++ * 7919) % (SKUS - 101))) });
      await post(`${http}/api/v1/lanes/1/tenders`, { kind: "cash", received: 10_000_000 });
    }
    await Bun.sleep(2000);
    return { atStart, after: rssOf(edge.proc.pid) };
  } finally {
    await stop(edge);
  }
}

async function commitBench(): Promise<BenchRow> {
  const edge = new Edge({ dataDir: tempDir(), config: testConfig(), clock: manualClock(T0) });
  applyPages(edge, pagesOf("snapshot", 1, 0, catalogItems({ products: 1000, promotions: PROMOTIONS })));
  await openLane(edge);
  const samples: number[] = [];
  for (let i = 0; i < 1500; i++) {
    for (let k = 0; k < 5; k++) await edge.scanner.scan("1", gtinOf(1 + ((i * 5 + k) % 1000)));
    const t0 = performance.now();
    edge.sales.tenderCash("1", 10_000_000);
    if (i >= 100) samples.push(performance.now() - t0);
  }
  await edge.stop();
  const db = new Database(join(tempDir(), "peer.db"));
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = FULL");
  db.exec("PRAGMA busy_timeout = 5000");
  db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, data TEXT)");
  const ins = db.prepare("INSERT INTO t (data) VALUES (?)");
  const tx = db.transaction((s: string) => ins.run(s));
  const peer: number[] = [];
  for (let i = 0; i < 1500; i++) {
    const t0 = performance.now();
    tx("x".repeat(1500));
    if (i >= 100) peer.push(performance.now() - t0);
  }
  db.close();
  const m = stats(samples);
  return row(
    "sale commit, 5 lines (price + sale/lines/tenders/stock/outbox, one durable transaction)",
    "ms",
    m,
    "p99 < 15 ms",
    m.p99 < 15,
    { name: "raw libsql insert, WAL + synchronous=FULL", median: stats(peer).median },
  );
}

/** A 100k-SKU snapshot staged on a store selling on v1, applied in steps while lane 1 rings up. */
async function snapshotApplyBench(): Promise<BenchRow[]> {
  const edge = new Edge({ dataDir: tempDir(), config: testConfig(), clock: manualClock(T0) });
  applyPages(edge, pagesOf("snapshot", 1, 0, catalogItems({ products: 1000, promotions: 50 })));
  await openLane(edge);
  for (const p of pagesOf("snapshot", 2, 1, catalogItems({ products: SKUS, promotions: PROMOTIONS })))
    edge.replica.stage(p);
  Bun.gc(true);
  const t0 = performance.now();
  const applying = edge.replica.applyStagedInSteps();
  const { samples, sales } = await laneWhile(edge, applying, { skus: 1000 });
  const secs = (performance.now() - t0) / 1000;
  if (edge.replica.applied !== 2 || edge.replica.lookup.products.size !== SKUS)
    throw new Error("snapshot not applied");
  await edge.stop();
  const m = stats(samples);
  return [
    row(
      `${SKUS / 1000}k-SKU snapshot applied in steps while a lane sells (one transaction before: ~3.7 s stall)`,
      "s",
      { median: secs, p99: secs },
      "(information)",
      true,
    ),
    row(
      `  lane write latency during it (cart save every 5 ms, a sale every 5th; ${samples.length} writes, ${sales} sales)`,
      "ms",
      m,
      "p99 < 50 ms",
      m.p99 < 50,
    ),
  ];
}

async function drainBench(): Promise<BenchRow> {
  const hq = await StubHq.start("S001");
  const config = testConfig({
    enrollment: {
      hq: "http://unused",
      storeId: "S001",
      storeName: "bench",
      mqtt: hq.creds(),
      enrolledAt: new Date().toISOString(),
    },
  });
  const edge = new Edge({ dataDir: tempDir(), config, clock: manualClock(T0) });
  applyPages(edge, pagesOf("snapshot", 1, 0, catalogItems({ products: 1000, promotions: 50 })));
  await openLane(edge);
  // The outage: 20,000 sales pile up while the link is not running.
  const SALES = 20_000;
  for (let i = 0; i < SALES; i++) {
    for (let k = 0; k < 3; k++) await edge.scanner.scan("1", gtinOf(1 + ((i * 3 + k) % 1000)));
    edge.sales.tenderCash("1", 10_000_000);
  }
  const last = edge.outbox.lastSeq;
  hq.release({ version: 1, items: [] });
  const t0 = performance.now();
  edge.start();
  await until(() => edge.outbox.ackedUpTo === last, 120_000, "drain");
  const secs = (performance.now() - t0) / 1000;
  const inOrder = hq.seqs().every((s, i) => s === i + 1) && hq.received.size === last;
  await edge.stop();
  await hq.stop();
  return row(
    `drain of ${SALES.toLocaleString("en")} queued sales to an acking stub HQ over aedes (loopback)`,
    "s",
    { median: secs, p99: secs },
    "< 20 s, all in order",
    secs < 20 && inOrder,
  );
}

/** The same drain against the real hub process (its embedded aedes, ingest, audit and acks). */
async function drainHubBench(sales: number): Promise<BenchRow> {
  const hubDir = tempDir("hub-bench-");
  const hub = await startHub(hubDir);
  try {
    const admin = new HubAdmin(hub.ready.http!);
    const code = await admin.addStore("S001");
    const items = catalogItems({ products: 50 });
    await admin.release(items);
    const res = await fetch(`${hub.ready.http}/api/v1/enroll`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ code }),
    });
    const enrolled = (await res.json()) as { storeId: string; storeName: string; mqtt: EnrollMqtt };
    const config = testConfig({
      enrollment: {
        hq: hub.ready.http!,
        storeId: enrolled.storeId,
        storeName: enrolled.storeName,
        mqtt: enrolled.mqtt,
        enrolledAt: new Date().toISOString(),
      },
    });
    const edge = new Edge({ dataDir: tempDir(), config, clock: manualClock(Date.now()) });
    // HQ's version 1 is this very catalog; the edge has it already (it sold through the outage).
    applyPages(edge, pagesOf("snapshot", 1, 0, items));
    await openLane(edge);
    for (let i = 0; i < sales; i++) {
      for (let k = 0; k < 3; k++) await edge.scanner.scan("1", gtinOf(1 + ((i * 3 + k) % 50)));
      edge.sales.tenderCash("1", 10_000_000);
    }
    const last = edge.outbox.lastSeq;
    const t0 = performance.now();
    edge.start();
    await until(() => edge.outbox.ackedUpTo === last, 600_000, "drain to the hub");
    const secs = (performance.now() - t0) / 1000;
    await edge.stop();
    return row(
      `drain of ${sales.toLocaleString("en")} queued sales to the real hub process (embedded aedes, ingest, audit)`,
      "s",
      { median: secs, p99: secs },
      "< 20 s",
      secs < 20,
    );
  } finally {
    await stop(hub);
  }
}

type EnrollMqtt = { url: string; username: string; password: string; clientId: string };

export async function benchEdge(): Promise<BenchRow[]> {
  if (process.env.EDGE_BENCH_ONLY === "commit") return [await commitBench()];
  if (process.env.EDGE_BENCH_ONLY === "apply") return snapshotApplyBench();
  if (process.env.EDGE_BENCH_ONLY === "hub")
    return [await drainHubBench(Number(process.env.EDGE_BENCH_HUB_SALES ?? 20_000))];
  const { dir, lookup } = await bigStore();
  const rows = await scanBench(dir);
  rows.push(lookup);
  if (process.env.EDGE_BENCH_ONLY === "scan") return rows;
  rows.push(...(await rssAfterSalesBench(dir)));
  if (process.env.EDGE_BENCH_ONLY === "rss") return rows;
  rows.push(await commitBench());
  rows.push(...(await snapshotApplyBench()));
  rows.push(await drainBench());
  rows.push(await drainHubBench(Number(process.env.EDGE_BENCH_HUB_SALES ?? 20_000)));
  return rows;
}

if (import.meta.main) {
  // Figures are only as good as the machine is idle: say how busy it was.
  const load = () => (require("node:os") as typeof import("node:os")).loadavg()[0]!.toFixed(2);
  console.error(`load average before: ${load()}`);
  for (const r of await benchEdge()) console.log(JSON.stringify(r));
  console.error(`load average after: ${load()}`);
}
