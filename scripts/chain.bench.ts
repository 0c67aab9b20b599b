// The chain benchmark (npm run bench -- chain): one HQ hub process on embedded defaults, and a
// thousand light store clients over MQTT (scripts/chain/load.ts, in a Worker) selling at a
// realistic peak rate while HQ pushes a price change to every store. Reports ingest rate, ack
// latency, price-change propagation, hub RSS and CPU; peers measured in the same run: raw QoS 1
// publish rate of a real Mosquitto, and raw durable insert rate of bun:sqlite.
import { Database } from "bun:sqlite";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { BenchRow } from "@retail/protocol";
import mqtt from "mqtt";
import type { Cred, LoadCommand, LoadReply } from "./chain/load.ts";
import { spawnReady } from "./proc.ts";

const root = resolve(import.meta.dir, "..");
const STORES = Number(process.env.CHAIN_STORES ?? 1000);
/** Peak: 0.5 sales/s per store is ~6 busy lanes each ringing a basket every 12 s. */
const RATE = Number(process.env.CHAIN_RATE ?? 0.5);
const SECONDS = Number(process.env.CHAIN_SECONDS ?? 20);
const PRICE_ITEMS = 1000;

const pct = (xs: number[], p: number) => {
  if (!xs.length) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

function procStats(pid: number): { rssMb: number; cpuTicks: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return { rssMb: rss, cpuTicks: Number(stat[11]) + Number(stat[12]) };
}

async function freePort(): Promise<number> {
  return new Promise((res) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const p = (srv.address() as { port: number }).port;
      srv.close(() => res(p));
    });
  });
}

/** Raw QoS 1 publish rate of a real Mosquitto on loopback (publisher waits for PUBACKs). */
async function mosquittoRate(): Promise<number | undefined> {
  const bin = ["/usr/sbin/mosquitto", "/usr/bin/mosquitto"].find(
    (p) => spawnSync("test", ["-x", p]).status === 0,
  );
  if (!bin) return undefined;
  const dir = mkdtempSync(join(tmpdir(), "chain-mosq-"));
  const port = await freePort();
  writeFileSync(
    join(dir, "m.conf"),
    `listener ${port} 127.0.0.1\nallow_anonymous true\nmax_inflight_messages 0\nmax_queued_messages 0\n`,
  );
  const proc = Bun.spawn([bin, "-c", join(dir, "m.conf")], { stdout: "ignore", stderr: "ignore" });
  try {
    let client: mqtt.MqttClient | undefined;
    for (let i = 0; i < 50 && !client; i++) {
      client = await mqtt
        .connectAsync(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 0 })
        .catch(() => undefined);
      if (!client) await Bun.sleep(100);
    }
    if (!client) return undefined;
    const payload = Buffer.alloc(1500, 1); // about one 5-line sale envelope
    const n = 20_000;
    const t0 = performance.now();
    const inflight: Promise<unknown>[] = [];
    for (let i = 0; i < n; i++) {
      inflight.push(client.publishAsync("bench/raw", payload, { qos: 1 }));
      if (inflight.length >= 500) await Promise.all(inflight.splice(0));
    }
    await Promise.all(inflight);
    const rate = n / ((performance.now() - t0) / 1000);
    await client.endAsync();
    return rate;
  } finally {
    proc.kill();
    await proc.exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Raw bun:sqlite rate: one durable commit (WAL, synchronous=FULL) per 5-line sale. */
function sqliteRate(): number {
  const dir = mkdtempSync(join(tmpdir(), "chain-sqlite-"));
  const db = new Database(join(dir, "raw.db"));
  db.run("PRAGMA journal_mode=WAL");
  db.run("PRAGMA synchronous=FULL");
  db.run("CREATE TABLE sale (id TEXT PRIMARY KEY, store TEXT, seq INT, net_fen INT, body TEXT)");
  db.run("CREATE TABLE line (sale TEXT, n INT, sku TEXT, net_fen INT)");
  const ins = db.prepare("INSERT INTO sale VALUES (?, ?, ?, ?, ?)");
  const insLine = db.prepare("INSERT INTO line VALUES (?, ?, ?, ?)");
  const tx = db.transaction((i: number) => {
    const id = `s${i}`;
    ins.run(id, "B1", i, 1000, "x".repeat(1200));
    for (let n = 0; n < 5; n++) insLine.run(id, n, `SKU${n}`, 200);
  });
  const n = 5000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) tx(i);
  const rate = n / ((performance.now() - t0) / 1000);
  db.close();
  rmSync(dir, { recursive: true, force: true });
  return rate;
}

export async function benchChain(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), "chain-"));
  const token = randomBytes(16).toString("hex");
  const hub = await spawnReady<{ http: string; mqtt: string }>(
    "hq",
    [
      process.execPath,
      join(root, "hq-hub/src/cli.ts"),
      "serve",
      "--port",
      "0",
      "--mqtt-port",
      "0",
      "--data",
      join(dir, "hq"),
    ],
    "HQ_READY",
    {
      // Every store enrolls from 127.0.0.1: above the hub's default ration of 10 per address
      // (and 300 in all) per 10 minutes, which would answer the 11th with 429.
      env: {
        HQ_ADMIN_TOKEN: token,
        HQ_ENROLL_ATTEMPTS_PER_ADDRESS: String(STORES * 2),
        HQ_ENROLL_ATTEMPTS_GLOBAL: String(STORES * 2),
      },
      echo: false,
    },
  );
  const worker = new Worker(join(import.meta.dir, "chain/load.ts"));
  const ask = (m: LoadCommand, want: LoadReply["reply"]) =>
    new Promise<LoadReply>((res) => {
      const on = (ev: MessageEvent<LoadReply>) => {
        if (ev.data.reply === want) {
          worker.removeEventListener("message", on);
          res(ev.data);
        }
      };
      worker.addEventListener("message", on);
      worker.postMessage(m);
    });
  const api = async <T>(method: string, path: string, body?: unknown, csv?: string): Promise<T> => {
    const res = await fetch(`${hub.info.http}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": csv ? "text/csv" : "application/json" },
      ...(csv ? { body: csv } : body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
    return JSON.parse(text) as T;
  };
  const importCsv = async (kind: string, csv: string, changeset: number) => {
    const job = await api<{ id: string }>(
      "POST",
      `/api/v1/imports/${kind}?changeset=${changeset}`,
      undefined,
      csv,
    );
    for (;;) {
      const j = await api<{ state: string; errors?: unknown }>("GET", `/api/v1/imports/${job.id}`);
      if (j.state === "failed") throw new Error(`import ${kind}: ${JSON.stringify(j.errors).slice(0, 300)}`);
      if (j.state !== "running" && j.state !== "queued" && j.state !== "pending") return;
      await Bun.sleep(100);
    }
  };
  try {
    console.error(`chain: enrolling ${STORES} stores ...`);
    const skus = Array.from({ length: PRICE_ITEMS }, (_, i) => ({
      sku: `C${String(i).padStart(5, "0")}`,
      price: 100 + ((i * 37) % 5000),
    }));
    const cs1 = await api<{ id: number }>("POST", "/api/v1/changesets", {
      description: "chain catalog",
      target: { kind: "all" },
    });
    await importCsv(
      "products",
      [
        "sku,name,category,unit,taxRate,weighed,status",
        ...skus.map((s) => `${s.sku},商品${s.sku},10/1001,EA,13,false,active`),
      ].join("\n"),
      cs1.id,
    );
    await importCsv("prices", ["sku,price", ...skus.map((s) => `${s.sku},${s.price}`)].join("\n"), cs1.id);
    await api("POST", `/api/v1/changesets/${cs1.id}/release`, { stage: "all" });

    const creds: Cred[] = [];
    const ids = Array.from({ length: STORES }, (_, i) => `B${String(i + 1).padStart(4, "0")}`);
    for (let i = 0; i < ids.length; i += 20) {
      await Promise.all(
        ids.slice(i, i + 20).map(async (id, j) => {
          await api("POST", "/api/v1/stores", {
            id,
            name: `门店${id}`,
            region: (i + j) % 2 ? "EAST" : "NORTH",
            ring: i + j < STORES / 20 ? "pilot" : "general",
          });
          const { code } = await api<{ code: string }>("POST", `/api/v1/stores/${id}/enrollment-code`);
          const res = await fetch(`${hub.info.http}/api/v1/enroll`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ code }),
          });
          if (!res.ok) throw new Error(`enroll ${id}: ${res.status} ${await res.text()}`);
          const e = (await res.json()) as { mqtt: Cred["mqtt"] };
          creds.push({ storeId: id, mqtt: e.mqtt });
        }),
      );
    }
    console.error("chain: connecting and bootstrapping the fleet ...");
    const conn = (await ask({ cmd: "connect", stores: creds, skus }, "caught-up")) as Extract<
      LoadReply,
      { reply: "caught-up" }
    >;
    if (conn.stores < STORES) console.error(`chain: only ${conn.stores}/${STORES} stores caught up`);

    const before = procStats(hub.proc.pid);
    const t0 = performance.now();
    const selling = ask({ cmd: "sell", salesPerStorePerSec: RATE, seconds: SECONDS }, "sold");
    // Halfway through the selling, HQ pushes a price change of every item to every store.
    await Bun.sleep((SECONDS * 1000) / 2);
    const cs2 = await api<{ id: number }>("POST", "/api/v1/changesets", {
      description: "price change",
      target: { kind: "all" },
    });
    await importCsv(
      "prices",
      ["sku,price", ...skus.map((s) => `${s.sku},${s.price + 10}`)].join("\n"),
      cs2.id,
    );
    const releasedAt = Date.now();
    const rel = await api<{ version: number }>("POST", `/api/v1/changesets/${cs2.id}/release`, {
      stage: "all",
    });
    const applied = (await ask({ cmd: "expect", version: rel.version, releasedAt }, "applied")) as Extract<
      LoadReply,
      { reply: "applied" }
    >;
    const sold = (await selling) as Extract<LoadReply, { reply: "sold" }>;
    const secs = (performance.now() - t0) / 1000;
    const after = procStats(hub.proc.pid);
    const cpuPct = ((after.cpuTicks - before.cpuTicks) / 100 / secs) * 100; // CLK_TCK is 100 on Linux x86-64

    console.error("chain: measuring peers ...");
    const mosq = await mosquittoRate();
    const raw = sqliteRate();
    const ingest = sold.acked / sold.seconds;
    const offeredRate = sold.offered / SECONDS;
    const rows: BenchRow[] = [
      {
        figure: `chain ingest: ${STORES} stores selling ${RATE} sales/s each (5 lines), acked by HQ`,
        unit: "sales/s",
        median: ingest,
        p99: ingest,
        peer: "bun:sqlite raw durable commits (one per 5-line sale)",
        peerMedian: raw,
        ratio: ingest / raw,
        target: `every offered sale acked (${sold.offered} offered, ${sold.acked} acked)`,
        pass: sold.acked === sold.offered,
      },
      {
        figure: "chain ack latency: sale published -> HQ events.ack received",
        unit: "ms",
        median: pct(sold.ackLatencyMs, 50),
        p99: pct(sold.ackLatencyMs, 99),
        target: "p99 < 1000 ms",
        pass: pct(sold.ackLatencyMs, 99) < 1000,
      },
      {
        figure: `price change of ${PRICE_ITEMS} items -> applied by ${STORES} stores, while selling`,
        unit: "ms",
        median: pct(applied.latenciesMs, 50),
        p99: pct(applied.latenciesMs, 99),
        target: `p99 < 3000 ms, all stores (${applied.missing} missing)`,
        pass: applied.missing === 0 && pct(applied.latenciesMs, 99) < 3000,
      },
      {
        figure: "hub RSS at the end of the run",
        unit: "MB",
        median: after.rssMb,
        p99: after.rssMb,
        target: "< 1024 MB",
        pass: after.rssMb < 1024,
      },
      {
        figure: "hub CPU while selling + propagating",
        unit: "% of a core",
        median: cpuPct,
        p99: cpuPct,
        target: "< 100% (headroom on one core)",
        pass: cpuPct < 100,
      },
    ];
    if (mosq !== undefined) {
      rows.push({
        figure: "peer: Mosquitto raw QoS 1 publish rate (1.5 KB payloads, one client)",
        unit: "msg/s",
        median: mosq,
        p99: mosq,
        peer: "chain offered sales/s",
        peerMedian: offeredRate,
        ratio: mosq / offeredRate,
        target: "headroom over the offered rate",
        pass: mosq > offeredRate,
      });
    }
    return rows;
  } finally {
    await ask({ cmd: "close" }, "closed").catch(() => {});
    worker.terminate();
    await hub.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  for (const r of await benchChain()) console.log(JSON.stringify(r));
  process.exit(0);
}
