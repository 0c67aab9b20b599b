// Over 400 lines because it holds the three hub bench suites (ingest, fan-out, bootstrap) and their shared load driver.
// Hub benchmarks (npm run bench -- hub): ingest throughput beside its peer, the same rows
// inserted raw through the same driver in the same batches (bench-raw-rows.ts), with the raw
// QoS 1 rate of the same broker; change-set fan-out to 1,000 store clients, and a 100k-SKU
// bootstrap. The simulated stores run in a Worker (bench-load.ts), so they do not share the
// hub's thread.
import { appendFileSync, readdirSync, readFileSync } from "node:fs";
import { loadavg } from "node:os";
import type { BenchRow } from "@retail/protocol";
import type { Cred, LoadCommand } from "./bench-load.ts";
import { rawRowsRate } from "./bench-raw-rows.ts";
import { startEmbeddedBroker } from "./broker/embedded.ts";
import type { Hub } from "./hub.ts";
import { storeIdOfUsername } from "./stores/stores.ts";
import { startTestHub } from "./test-kit.ts";

const PASSWORD = "bench-password-not-secret";
const t0 = Date.now();
/**
 * Progress goes to a log of this run (several checkouts bench on one machine): HUB_BENCH_LOG,
 * or /tmp/hub-bench-<time>-<pid>.log, named on stderr at the start.
 */
const LOG_PATH =
  process.env.HUB_BENCH_LOG ??
  `/tmp/hub-bench-${new Date().toISOString().replace(/[:.]/g, "-")}-${process.pid}.log`;
const log = (line: string) =>
  appendFileSync(LOG_PATH, `[hub bench +${((Date.now() - t0) / 1000).toFixed(1)}s] ${line}\n`);
console.error(`hub bench: progress in ${LOG_PATH}`);

/** Inserts enrolled stores directly (one shared argon2 hash: enrollment is not what we measure). */
async function seedStores(hub: Hub, n: number, prefix: string, ring = "general"): Promise<Cred[]> {
  const hash = await Bun.password.hash(PASSWORD, { algorithm: "argon2id", memoryCost: 19456, timeCost: 2 });
  const insert = hub.db.prepare(
    "INSERT INTO stores (id, name, region, ring, enrollment_state, mqtt_password_hash, created_at) VALUES (?, ?, 'east', ?, 'enrolled', ?, ?)",
  );
  const creds: Cred[] = [];
  hub.db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const id = `${prefix}${String(i).padStart(4, "0")}`;
      insert.run(id, `门店${id}`, ring, hash, new Date().toISOString());
      creds.push({ storeId: id, username: `store-${id}`, password: PASSWORD });
    }
  })();
  return creds;
}

/**
 * CPU seconds of this (the hub's) thread and of the whole process so far: the rest is the load
 * Worker (plus Bun's helper threads), to check the simulated stores are not the bottleneck.
 */
function cpu(): { hub: number; all: number } {
  const f = readFileSync("/proc/thread-self/stat", "utf8").split(") ")[1]!.split(" ");
  const ticks = Number(f[11]) + Number(f[12]); // utime + stime, fields 14 and 15
  const u = process.cpuUsage();
  return { hub: ticks / 100, all: (u.user + u.system) / 1e6 };
}

/** CPU seconds per thread name (comm) of this process. */
function threadCpu(): Map<string, number> {
  const m = new Map<string, number>();
  for (const tid of readdirSync("/proc/self/task")) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const f = stat.slice(stat.lastIndexOf(") ") + 2).split(" ");
      m.set(name, (m.get(name) ?? 0) + (Number(f[11]) + Number(f[12])) / 100);
    } catch {
      // the thread ended
    }
  }
  return m;
}

/** Logs wall and CPU time of a phase: hub thread vs the rest (the clients). */
async function timed<T>(what: string, f: () => Promise<T>): Promise<T> {
  const t0 = threadCpu();
  const c0 = cpu();
  const w0 = performance.now();
  const r = await f();
  const wall = (performance.now() - w0) / 1000;
  const c1 = cpu();
  const t1 = threadCpu();
  const byThread = [...t1]
    .map(([k, v]) => [k, v - (t0.get(k) ?? 0)] as const)
    .filter(([, v]) => v >= 0.05)
    .map(([k, v]) => `${k} ${v.toFixed(2)}`)
    .join(", ");
  const hub = c1.hub - c0.hub;
  const rest = c1.all - c0.all - hub;
  log(
    `${what}: wall ${wall.toFixed(2)} s, hub thread CPU ${hub.toFixed(2)} s (${((hub / wall) * 100).toFixed(0)}%), clients + other threads ${rest.toFixed(2)} s (${((rest / wall) * 100).toFixed(0)}%), load avg ${loadavg()
      .map((x) => x.toFixed(2))
      .join(" ")}; by thread: ${byThread}`,
  );
  return r;
}

class Load {
  private worker = new Worker(new URL("./bench-load.ts", import.meta.url));
  private waiting: ((m: Record<string, unknown>) => void)[] = [];
  constructor() {
    this.worker.onmessage = (e) => {
      if (e.data.type === "error") {
        log(`load worker failed: ${e.data.message}`);
        process.exit(1);
      }
      this.waiting.shift()?.(e.data);
    };
    this.worker.onerror = (e) => {
      log(`load worker crashed: ${e.message}`);
      process.exit(1);
    };
  }
  next(): Promise<Record<string, unknown>> {
    return new Promise((r) => this.waiting.push(r));
  }
  async send(c: LoadCommand | { cmd: "go" }): Promise<void> {
    this.worker.postMessage(c);
  }
  async call(c: LoadCommand): Promise<Record<string, unknown>> {
    const p = this.next();
    this.worker.postMessage(c);
    return p;
  }
  terminate() {
    this.worker.terminate();
  }
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};

const STORES = 50;
/**
 * Sustained, not first-second, rates: each series starts with a warm-up round that is not
 * counted (JIT compilation alone took most of a core in 1-second rounds), then ROUNDS rounds
 * of SUSTAINED_MESSAGES per store (20,000 messages, 3-5 s of ingest each).
 */
const WARMUP_MESSAGES = 100;
const SUSTAINED_MESSAGES = 400;
/** Backlog rounds: 100 messages of 10 sales per store (50,000 sales, ~7 s each). */
const BATCHED_MESSAGES = 100;
const ROUNDS = 3;

async function publishRound(
  load: Load,
  messagesPerStore: number,
  firstSeq: number,
  waitAcks: boolean,
  salesPerMessage = 1,
): Promise<number> {
  const ready = load.next();
  load.send({ cmd: "publish", messagesPerStore, firstSeq, waitAcks, salesPerMessage });
  await ready;
  const done = load.next();
  load.send({ cmd: "go" });
  const r = await done;
  return r.ms as number;
}

async function benchIngest(): Promise<BenchRow[]> {
  const total = STORES * SUSTAINED_MESSAGES;
  // The raw rate: the same embedded broker (same auth, ACL and size guard), an in-process
  // subscriber that does nothing, the same payloads, QoS 1 until every PUBACK is in.
  const raw = await startEmbeddedBroker({
    host: "127.0.0.1",
    port: 0,
    verify: async (u) => storeIdOfUsername(u),
    onMessage: () => {},
  });
  const creds = Array.from({ length: STORES }, (_, i) => {
    const id = `R${String(i).padStart(4, "0")}`;
    return { storeId: id, username: `store-${id}`, password: PASSWORD };
  });
  log(`raw broker at ${raw.url}`);
  const rawLoad = new Load();
  await rawLoad.call({ cmd: "connect", url: raw.url, stores: creds });
  log("raw: connect returned");
  await timed("raw warm-up", () => publishRound(rawLoad, WARMUP_MESSAGES, 1, false));
  const rawRates: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const first = 1 + WARMUP_MESSAGES + r * SUSTAINED_MESSAGES;
    rawRates.push(
      (total * 1000) /
        (await timed(`raw round ${r}`, () => publishRound(rawLoad, SUSTAINED_MESSAGES, first, false))),
    );
    log(`raw round ${r}: ${rawRates.at(-1)!.toFixed(0)} msgs/s`);
  }
  await rawLoad.call({ cmd: "close" });
  rawLoad.terminate();
  await raw.close();

  // HUB_INGEST_WORKER=1 runs ingest in its Worker (the hub's ingestWorker option) to compare.
  const ingestWorker = process.env.HUB_INGEST_WORKER === "1";
  // HUB_CATCH_UP_WORKER=0 keeps the look-ups' and cost catch-up on the hub thread (before/after).
  const catchUpWorker = process.env.HUB_CATCH_UP_WORKER !== "0";
  log(
    `ingest: starting hub (ingest ${ingestWorker ? "in its Worker" : "on the main thread"}, catch-ups ${catchUpWorker ? "in their Worker" : "on the hub thread"})`,
  );
  const hub = await startTestHub({ ingestWorker, catchUpWorker });
  const stores = await seedStores(hub, STORES, "I");
  // The five SKUs the simulated sales sell, at the price they charge: every sale is re-priced
  // against this version and agrees (no findings), as in a healthy chain.
  for (let i = 1; i <= 5; i++) {
    await hub.catalog.edit("bench", "product", {
      sku: `SKU${i}`,
      name: `商品 ${i}`,
      category: ["10", "1001"],
      unit: "EA",
      taxRate: 13,
      weighed: false,
      status: "active",
    });
    await hub.catalog.edit("bench", "price", { sku: `SKU${i}`, scope: "chain", windows: [{ price: 100 }] });
  }
  const draft = hub.catalog.changesets().find((c) => c.state === "draft")!;
  const version = hub.catalog.release("bench", draft.id, "all").version!;
  const load = new Load();
  await load.call({ cmd: "connect", url: hub.mqtt.url, stores, catalogVersion: version });
  log("ingest: connected");
  await timed("ingest warm-up", () => publishRound(load, WARMUP_MESSAGES, 1, true));
  const rates: number[] = [];
  const cpuPerSale: number[] = [];
  let seq = 1 + WARMUP_MESSAGES;
  const s0 = { ...hub.stats };
  for (let r = 0; r < ROUNDS; r++) {
    const first = seq;
    const c0 = cpu().hub;
    rates.push(
      (total * 1000) /
        (await timed(`ingest round ${r}`, () => publishRound(load, SUSTAINED_MESSAGES, first, true))),
    );
    cpuPerSale.push(((cpu().hub - c0) * 1e6) / total);
    seq += SUSTAINED_MESSAGES;
    log(
      `ingest round ${r}: ${rates.at(-1)!.toFixed(0)} sales/s, hub thread ${cpuPerSale.at(-1)!.toFixed(0)} µs CPU per sale`,
    );
  }
  const s1 = { ...hub.stats };
  // A draining backlog: 10 sales per MQTT message, as the edge sends after an outage.
  const batched: number[] = [];
  const batchedTotal = STORES * BATCHED_MESSAGES * 10;
  for (let r = 0; r < ROUNDS; r++) {
    const first = seq;
    batched.push(
      (batchedTotal * 1000) /
        (await timed(`ingest batched round ${r}`, () =>
          publishRound(load, BATCHED_MESSAGES, first, true, 10),
        )),
    );
    seq += BATCHED_MESSAGES * 10;
    log(`ingest batched round ${r}: ${batched.at(-1)!.toFixed(0)} sales/s`);
  }
  log(
    `ingest: ${hub.stats.batches} messages in ${hub.stats.groups} commits (${(hub.stats.batches / hub.stats.groups).toFixed(1)} per commit)`,
  );
  // Messages per commit in each phase: the raw peer commits the same batches.
  const perCommit = Math.max(1, Math.round((s1.batches - s0.batches) / Math.max(1, s1.groups - s0.groups)));
  const perCommitBatched = Math.max(
    1,
    Math.round((hub.stats.batches - s1.batches) / Math.max(1, hub.stats.groups - s1.groups)),
  );
  const sales = (hub.db.prepare("SELECT COUNT(*) AS n FROM sales").get() as { n: number }).n;
  const expected = seq - 1;
  if (sales !== STORES * expected)
    throw new Error(`ingest bench: ${sales} sales stored, expected ${STORES * expected}`);
  await load.call({ cmd: "close" });
  load.terminate();
  await hub.cleanup();

  // The peer that bounds ingest: the same rows of each sale inserted raw through the same
  // driver in the same batches and transactions (bench-raw-rows.ts), after the hub stopped.
  const rows = rawRowsRate({
    stores: STORES,
    messagesPerStore: SUSTAINED_MESSAGES,
    salesPerMessage: 1,
    perCommit,
    rounds: ROUNDS,
    catalogVersion: version,
  });
  const rowsBatched = rawRowsRate({
    stores: STORES,
    messagesPerStore: BATCHED_MESSAGES,
    salesPerMessage: 10,
    perCommit: perCommitBatched,
    rounds: ROUNDS,
    catalogVersion: version,
  });
  log(
    `raw rows peer: ${rows.map((r) => r.toFixed(0)).join(", ")} sales/s (${perCommit} msgs/commit); batched ${rowsBatched.map((r) => r.toFixed(0)).join(", ")} sales/s (${perCommitBatched} msgs/commit)`,
  );
  const rawMedian = quantile(rawRates, 0.5);
  const rowsMedian = quantile(rows, 0.5);
  const rowsBMedian = quantile(rowsBatched, 0.5);
  const median = quantile(rates, 0.5);
  const bMedian = quantile(batched, 0.5);
  const mode = `${ingestWorker ? " [ingest Worker]" : ""}${catchUpWorker ? "" : " [catch-ups on the hub thread]"}`;
  const peer = (n: number) =>
    `same rows inserted raw, same driver, ${n} msgs per transaction (raw QoS1 of the broker: ${Math.round(rawMedian)} msgs/s)`;
  return [
    {
      figure: `ingest ${STORES} stores, 1 sale (5 lines) per QoS1 message, committed + acked, sustained (hub thread ~${Math.round(quantile(cpuPerSale, 0.5))} µs CPU/sale)${mode}`,
      unit: "sales/s",
      median,
      // For a rate the bad tail is the low end.
      p99: Math.min(...rates),
      peer: peer(perCommit),
      peerMedian: rowsMedian,
      ratio: median / rowsMedian,
      target: ">= 0.5x raw rows (issue 15)",
      pass: median >= 0.5 * rowsMedian,
    },
    {
      figure: `ingest ${STORES} stores, 10 sales per message (backlog drain), committed + acked${mode}`,
      unit: "sales/s",
      median: bMedian,
      p99: Math.min(...batched),
      peer: peer(perCommitBatched),
      peerMedian: rowsBMedian,
      ratio: bMedian / rowsBMedian,
      target: ">= 0.5x raw rows (issue 15)",
      pass: bMedian >= 0.5 * rowsBMedian,
    },
    // The hub's own aim since the first bench, kept as its own row so the ratio the issue asks
    // for and the absolute rate each say pass or fail (they used to share one "ok" column).
    {
      figure: `ingest ${STORES} stores, absolute rate: the slower of 1 sale/message and 10 sales/message${mode}`,
      unit: "sales/s",
      median: Math.min(median, bMedian),
      p99: Math.min(...rates, ...batched),
      target: ">= 5,000 sales/s (the hub's own aim, one SQLite writer)",
      pass: Math.min(median, bMedian) >= 5000,
    },
  ];
}

/** A base catalog of `n` SKUs (product + barcode + chain price each), released to all. */
async function seedCatalog(
  hub: Hub,
  n: number,
  withBarcodes: boolean,
): Promise<{ version: number; importMs: number }> {
  const header = "sku,name,category,unit,taxRate,weighed,status,pinyin\n";
  const rows: string[] = [];
  for (let i = 0; i < n; i++) rows.push(`${100000 + i},商品${i} 500ml,10/1001,BTL,13,false,active,sp${i}`);
  const t0 = performance.now();
  const products = await hub.imports.runToEnd("bench", "products", header + rows.join("\n"));
  const importMs = performance.now() - t0;
  if (products.state !== "done")
    throw new Error(`bench import failed: ${JSON.stringify(products.errors.slice(0, 3))}`);
  const cs = products.changesetId!;
  if (withBarcodes) {
    const codes: string[] = [];
    for (let i = 0; i < n; i++) {
      const body = `69${String(10000000000 + i).slice(1)}`;
      let sum = 0;
      for (let k = body.length - 1, w = 3; k >= 0; k--, w = w === 3 ? 1 : 3)
        sum += (body.charCodeAt(k) - 48) * w;
      codes.push(`${body}${(10 - (sum % 10)) % 10},${100000 + i}`);
    }
    const b = await hub.imports.runToEnd("bench", "barcodes", `code,sku\n${codes.join("\n")}`, cs);
    if (b.state !== "done") throw new Error(`bench barcodes failed: ${JSON.stringify(b.errors.slice(0, 3))}`);
  }
  const prices = Array.from({ length: n }, (_, i) => `${100000 + i},${300 + (i % 500)}`);
  const p = await hub.imports.runToEnd("bench", "prices", `sku,price\n${prices.join("\n")}`, cs);
  if (p.state !== "done") throw new Error(`bench prices failed: ${JSON.stringify(p.errors.slice(0, 3))}`);
  const released = hub.catalog.release("bench", cs, "all");
  return { version: released.version!, importMs };
}

async function benchFanout(): Promise<BenchRow[]> {
  const N = 1000;
  const ITEMS = 10_000;
  const hub = await startTestHub();
  const { version: v1 } = await seedCatalog(hub, ITEMS, false);
  log("fan-out: catalog seeded");
  const stores = await seedStores(hub, N, "F");
  // The stores already have v1 (their edge applied it earlier).
  hub.db.transaction(() => {
    for (const s of stores) hub.catalog.recordApplied(s.storeId, v1, new Date().toISOString());
  })();
  const load = new Load();
  await load.call({ cmd: "connect", url: hub.mqtt.url, stores });
  // The price change: every SKU 10 fen up, one change set to the whole chain.
  const cs = hub.catalog.createChangeset("bench", { description: "price change", target: { kind: "all" } });
  hub.db.transaction(() => {
    for (let i = 0; i < ITEMS; i++)
      hub.catalog.putItem(cs.id, "price", `${100000 + i}|chain|`, "upsert", {
        sku: `${100000 + i}`,
        scope: "chain",
        scopeKey: "",
        windows: [{ price: 310 + (i % 500) }],
      });
  })();
  hub.catalog.invalidate();
  const ready = load.next();
  load.send({ cmd: "fanout", fromVersion: v1, toVersion: v1 + 1 });
  await ready;
  const done = load.next();
  const t0 = Date.now();
  hub.catalog.release("bench", cs.id, "all");
  // When the hub has handed the last page to the broker (the rest is transport and clients).
  let publishedAt = 0;
  const sentBefore = hub.stats.pagesSent;
  const watch = setInterval(() => {
    if (!publishedAt && hub.stats.pagesSent - sentBefore >= 2 * N) publishedAt = Date.now() - t0;
  }, 5);
  const r = await timed("fan-out", () => done);
  clearInterval(watch);
  const lat = (r.doneAt as number[]).map((t) => t - t0);
  log(`fan-out: ${hub.stats.pagesSent} pages sent; p50 ${quantile(lat, 0.5)} ms, max ${Math.max(...lat)} ms`);
  await load.call({ cmd: "close" });
  load.terminate();
  const applied = (
    hub.db.prepare("SELECT COUNT(*) AS n FROM catalog_applied WHERE version = ?").get(v1 + 1) as { n: number }
  ).n;
  await hub.cleanup();
  const p99 = quantile(lat, 0.99);
  return [
    {
      figure: `fan-out ${ITEMS.toLocaleString("en")}-price change to ${N} store clients (1 socket each, ${(Number(r.bytes) / 1e6).toFixed(0)} MB received; hub published every page by ${publishedAt} ms; ${applied} applied recorded)`,
      unit: "ms to applied",
      median: quantile(lat, 0.5),
      p99,
      target: "p99 < 3,000 ms",
      pass: p99 < 3000,
    },
  ];
}

async function benchBootstrap(): Promise<BenchRow[]> {
  const SKUS = 100_000;
  const hub = await startTestHub();
  const { importMs } = await seedCatalog(hub, SKUS, true);
  log(`bootstrap: 100k catalog seeded (product import ${importMs.toFixed(0)} ms)`);
  const [store] = await seedStores(hub, 1, "B");
  const times: number[] = [];
  let items = 0;
  let pages = 0;
  for (let r = 0; r < 3; r++) {
    const load = new Load();
    await load.call({ cmd: "connect", url: hub.mqtt.url, stores: [store!] });
    const ready = load.next();
    load.send({ cmd: "bootstrap", storeIndex: 0 });
    await ready;
    const done = load.next();
    load.send({ cmd: "go" });
    const res = await done;
    times.push(res.ms as number);
    log(`bootstrap run ${r}: ${res.ms} ms, ${res.pages} pages`);
    items = res.items as number;
    pages = res.pages as number;
    await load.call({ cmd: "close" });
    load.terminate();
    // Only the first run builds the snapshot; later runs show the cached path. Report both.
  }
  await hub.cleanup();
  return [
    {
      figure: `CSV import ${SKUS.toLocaleString("en")} product rows (validated, one transaction)`,
      unit: "ms",
      median: importMs,
      p99: importMs,
      target: "< 60,000 ms",
      pass: importMs < 60_000,
    },
    {
      figure: `bootstrap ${SKUS.toLocaleString("en")}-SKU catalog to a new store (${items.toLocaleString("en")} items, ${pages} pages, parsed); first run builds the snapshot`,
      unit: "ms",
      median: quantile(times, 0.5),
      p99: Math.max(...times),
      target: "< 10,000 ms",
      pass: Math.max(...times) < 10_000,
    },
  ];
}

export async function benchHub(): Promise<BenchRow[]> {
  const only = (process.env.HUB_BENCH ?? "ingest,fanout,bootstrap").split(",");
  const rows: BenchRow[] = [];
  if (only.includes("ingest")) rows.push(...(await benchIngest()));
  if (only.includes("fanout")) rows.push(...(await benchFanout()));
  if (only.includes("bootstrap")) rows.push(...(await benchBootstrap()));
  return rows;
}

if (import.meta.main) {
  const rows = await benchHub();
  for (const r of rows) console.log(JSON.stringify(r));
  process.exit(0);
}
