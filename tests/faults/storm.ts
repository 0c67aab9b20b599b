// The reconnect storm (issue 21): a real hub (its embedded aedes, or an external Mosquitto) and
// N simulated stores (tests/faults/sim-store.ts SimStore: real MQTT clients with their own enrolled
// credentials, the edge's hello/welcome, outbox with seq, HQ's acks, status, catalog pointer).
// The stores connect and sell; the hub is killed with -9 (every store's link drops at once);
// each store goes on selling offline into a backlog; the hub comes back and every store
// reconnects at the same moment with its backlog. After the drain, from HQ's database: every
// event of every store at HQ exactly once (same event id at the same seq, its sale once), seqs
// gapless up to the head, every store acked up to its last seq, nothing dead-lettered.
import { Database } from "bun:sqlite";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type Violation, withReadonly } from "./invariants.ts";
import { freePort, kill9, type Proc, startHub, stopGently as stop } from "./procs.ts";
import { percentile, SimStore } from "./sim-store.ts";
import { skuOf } from "./traffic.ts";

export interface StormOptions {
  stores: number;
  /** Sales each store makes while the hub is down (its backlog at the reconnect). */
  backlog: number;
  /** Sales each store makes (acked) before the storm. */
  before?: number;
  dir: string;
  log?: (line: string) => void;
  /**
   * How the links drop: the hub killed with -9 (default; its verify cache is gone, so every
   * reconnect checks the store's password hash again), or every store's link cut at once with
   * the hub up (a chain-wide WAN outage: the cache stays warm).
   */
  outage?: "hub-kill" | "link-drop";
  /**
   * Stores enrolled through the API with one-time codes (default: each its own password hash, as
   * in production), or inserted into hq.db while the hub is stopped with one shared argon2 hash,
   * the form hubs stored before stores/secret.ts (each store's first login replaces it with the
   * fast form, so the upgrade path is exercised too).
   */
  enroll?: "api" | "direct";
}

export interface StormReport {
  stores: number;
  outage: "hub-kill" | "link-drop";
  enroll: "api" | "direct";
  events: number;
  backlogEvents: number;
  /** Hub back (READY) -> every store connected (CONNACK + SUBACK), and -> every backlog acked. */
  connectedMs: number;
  drainedMs: number;
  /** Connect attempts that failed and were retried (refused, timed out). */
  retries: number;
  /** made -> HQ ack, for the backlog events (ms). */
  ackP50: number;
  ackP99: number;
  setupMs: number;
  violations: Violation[];
}

const ADMIN = "storm-admin-token-0123456789abcdef";
const PRODUCTS = 6;

export async function runStorm(o: StormOptions): Promise<StormReport> {
  const log = o.log ?? ((l: string) => console.log(l));
  const t0 = Date.now();
  const hubDir = join(o.dir, "hq");
  const [httpPort, mqttPort] = [await freePort(), await freePort()];
  const env = {
    HQ_ADMIN_TOKEN: ADMIN,
    HQ_MEMBER_SYNC_MS: "0",
    HQ_ENROLL_ATTEMPTS_PER_ADDRESS: String(o.stores * 2 + 10),
    HQ_ENROLL_ATTEMPTS_GLOBAL: String(o.stores * 2 + 10),
  };
  const outage = o.outage ?? "hub-kill";
  const enroll = o.enroll ?? "api";
  const ids = Array.from({ length: o.stores }, (_, i) => `R${String(i + 1).padStart(5, "0")}`);
  const PASSWORD = "storm-password-not-secret";
  if (enroll === "direct") {
    // The schema first (one start), then every store into hq.db with one shared (old-form) hash.
    await stop(await startHub(hubDir, httpPort, mqttPort, env));
    const hash = await Bun.password.hash(PASSWORD, { algorithm: "argon2id", memoryCost: 19456, timeCost: 2 });
    const db = new Database(join(hubDir, "hq.db"));
    db.run("PRAGMA busy_timeout = 30000");
    const ins = db.prepare(
      "INSERT INTO stores (id, name, region, ring, enrollment_state, mqtt_password_hash, created_at) VALUES (?, ?, 'SH', 'general', 'enrolled', ?, ?)",
    );
    db.transaction(() => {
      for (const id of ids) ins.run(id, `风暴店${id}`, hash, new Date().toISOString());
    })();
    db.close();
  }
  let hub: Proc | undefined = await startHub(hubDir, httpPort, mqttPort, env);
  const hq = `http://127.0.0.1:${httpPort}`;
  const api = async <T>(method: string, path: string, body?: unknown, auth = true): Promise<T> => {
    const res = await fetch(`${hq}${path}`, {
      method,
      headers: {
        ...(auth ? { authorization: `Bearer ${ADMIN}` } : {}),
        "content-type": "application/json",
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
    return JSON.parse(text) as T;
  };
  const sims: SimStore[] = [];
  try {
    const skus = Array.from({ length: PRODUCTS }, (_, i) => ({ sku: skuOf(i + 1), price: 260 + i * 110 }));
    const cs = await api<{ id: number }>("POST", "/api/v1/changesets", { target: { kind: "all" } });
    for (const p of skus) {
      await api("POST", `/api/v1/catalog/product?changeset=${cs.id}`, {
        sku: p.sku,
        name: `风暴商品${p.sku}`,
        category: ["10", "1001"],
        unit: "EA",
        taxRate: 13,
        weighed: false,
        status: "active",
      });
      await api("POST", `/api/v1/catalog/price?changeset=${cs.id}`, {
        sku: p.sku,
        scope: "chain",
        windows: [{ price: p.price }],
      });
    }
    await api("POST", `/api/v1/changesets/${cs.id}/release`, { stage: "all" });
    const url = `mqtt://127.0.0.1:${mqttPort}`;
    if (enroll === "direct")
      for (const id of ids)
        sims.push(
          new SimStore(
            {
              storeId: id,
              mqtt: { url, username: `store-${id}`, password: PASSWORD, clientId: `store-${id}` },
            },
            { skus, ackTimeoutMs: 15_000 },
          ),
        );
    for (let i = 0; i < (enroll === "api" ? ids.length : 0); i += 25)
      await Promise.all(
        ids.slice(i, i + 25).map(async (id) => {
          await api("POST", "/api/v1/stores", { id, name: `风暴店${id}`, region: "SH" });
          const { code } = await api<{ code: string }>("POST", `/api/v1/stores/${id}/enrollment-code`);
          const e = await api<{ mqtt: SimStore["cred"]["mqtt"] }>("POST", "/api/v1/enroll", { code }, false);
          sims.push(new SimStore({ storeId: id, mqtt: e.mqtt }, { skus, ackTimeoutMs: 15_000 }));
        }),
      );
    log(`storm: ${o.stores} stores enrolled in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    // Steady state: connected in waves (one store first: with a shared hash the hub's verify cache
    // then holds it), a few sales each, acked.
    let retries = 0;
    const connect = async (s: SimStore) => {
      for (let attempt = 0; ; attempt++) {
        try {
          await s.connect(30_000);
          return;
        } catch (e) {
          retries++;
          if (attempt >= 20)
            throw new Error(`${s.storeId}: no connection after 20 attempts: ${(e as Error).message}`);
          await Bun.sleep(500 + Math.random() * 1000);
        }
      }
    };
    await connect(sims[0]!);
    for (let i = 1; i < sims.length; i += 100) await Promise.all(sims.slice(i, i + 100).map(connect));
    const steadyRetries = retries;
    log(`storm: ${o.stores} stores connected at ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    for (let k = 0; k < (o.before ?? 2); k++) for (const s of sims) s.sell();
    await waitFor(() => sims.every((s) => s.acked === s.seq), 120_000);
    const acked = sims.filter((s) => s.acked === s.seq).length;
    log(`storm: ${acked} stores acked at ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    if (acked < sims.length)
      throw new Error(
        `storm: only ${acked}/${sims.length} stores acked before the storm; the hub's last output:\n${hub?.log().slice(-3000)}`,
      );
    const setupMs = Date.now() - t0;

    // The outage: the hub dies (every link drops with it), or every store's link drops at once
    // (no goodbye: the broker fires each will). The stores sell on offline.
    if (outage === "hub-kill") {
      await kill9(hub);
      hub = undefined;
      await waitFor(() => sims.every((s) => !s.online), 30_000);
    }
    for (const s of sims) s.drop();
    for (let k = 0; k < o.backlog; k++) for (const s of sims) s.sell();
    const backlogEvents = sims.reduce((n, s) => n + s.backlog, 0);
    // STORM_PROFILE_DIR: the hub that takes the storm writes a CPU profile there (bun --cpu-prof,
    // markdown too) when it is stopped gently at the end.
    const profile = process.env.STORM_PROFILE_DIR;
    const profArgs = profile ? ["--cpu-prof", "--cpu-prof-md", "--cpu-prof-dir", profile] : undefined;
    if (outage === "hub-kill") hub = await startHub(hubDir, httpPort, mqttPort, env, profArgs);
    else await Bun.sleep(2000);
    const back = Date.now();
    log(
      `storm: ${outage === "hub-kill" ? "hub back" : "links back"}; ${sims.length} stores reconnect at once with ${backlogEvents} events`,
    );
    // Every store at once, no backoff, no waves; a refused or timed-out connect is tried again.
    retries = 0;
    await Promise.all(sims.map(connect));
    const connectedMs = Date.now() - back;
    await waitFor(() => sims.every((s) => s.acked === s.seq), 300_000);
    const drainedMs = Date.now() - back;
    log(
      `storm: connected in ${connectedMs} ms, drained in ${drainedMs} ms, ${retries} connect retries (${steadyRetries} before the storm)`,
    );
    await Bun.sleep(200);
    const violations = checkStorm(join(hubDir, "hq.db"), sims);
    const ackMs = sims.flatMap((s) => s.ackMs.slice(-o.backlog));
    return {
      stores: sims.length,
      outage,
      enroll,
      events: sims.reduce((n, s) => n + s.seq, 0),
      backlogEvents,
      connectedMs,
      drainedMs,
      retries,
      ackP50: percentile(ackMs, 50),
      ackP99: percentile(ackMs, 99),
      setupMs,
      violations,
    };
  } finally {
    await Promise.all(sims.map((s) => s.close()));
    if (hub && process.env.STORM_PROFILE_DIR) await stop(hub);
    else if (hub) await kill9(hub);
  }
}

async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await Bun.sleep(50);
  }
  return cond();
}

/** Every event of every simulated store at HQ exactly once, gapless, acked, nothing dead-lettered. */
export function checkStorm(hqDb: string, sims: SimStore[]): Violation[] {
  const out: Violation[] = [];
  withReadonly(hqDb, (db) => {
    const inbox = new Map<string, Map<number, string>>();
    for (const r of db
      .query<{ store_id: string; seq: number; event_id: string }, []>(
        "SELECT store_id, seq, event_id FROM inbox",
      )
      .all()) {
      const m = inbox.get(r.store_id) ?? new Map<number, string>();
      m.set(r.seq, r.event_id);
      inbox.set(r.store_id, m);
    }
    const sales = new Map<string, Map<string, number>>();
    for (const r of db
      .query<{ store_id: string; sale_id: string }, []>("SELECT store_id, sale_id FROM sales")
      .all()) {
      const m = sales.get(r.store_id) ?? new Map<string, number>();
      m.set(r.sale_id, (m.get(r.sale_id) ?? 0) + 1);
      sales.set(r.store_id, m);
    }
    const heads = new Map(
      db
        .query<{ store_id: string; up_to_seq: number }, []>("SELECT store_id, up_to_seq FROM store_seq")
        .all()
        .map((r) => [r.store_id, r.up_to_seq]),
    );
    const dead = new Map(
      db
        .query<{ store_id: string; n: number }, []>(
          "SELECT store_id, COUNT(*) AS n FROM dead_letters GROUP BY store_id",
        )
        .all()
        .map((r) => [r.store_id, r.n]),
    );
    for (const s of sims) {
      const v = (invariant: string, detail: string) => out.push({ invariant, storeId: s.storeId, detail });
      const held = inbox.get(s.storeId) ?? new Map<number, string>();
      const sold = sales.get(s.storeId) ?? new Map<string, number>();
      const missing: number[] = [];
      const other: number[] = [];
      for (const [seq, e] of s.made) {
        const at = held.get(seq);
        if (at === undefined) missing.push(seq);
        else if (at !== e.id) other.push(seq);
        if ((sold.get(e.saleId) ?? 0) !== 1)
          v(
            "sale at HQ exactly once",
            `seq ${seq}: sale ${e.saleId} at HQ ${sold.get(e.saleId) ?? 0} time(s)`,
          );
      }
      if (missing.length)
        v(
          "every event at HQ",
          `${missing.length} seq(s) not in HQ's inbox: ${missing.slice(0, 8).join(", ")}`,
        );
      if (other.length)
        v("same event at the same seq", `seq(s) ${other.slice(0, 8).join(", ")} hold another event`);
      if (held.size !== s.made.size)
        v("nothing else at HQ", `HQ holds ${held.size} seqs, the store made ${s.made.size}`);
      if (sold.size !== s.made.size)
        v("sale at HQ exactly once", `HQ holds ${sold.size} sales, the store made ${s.made.size}`);
      if ((heads.get(s.storeId) ?? 0) !== s.seq)
        v(
          "HQ seq gapless up to its ack",
          `HQ's head ${heads.get(s.storeId) ?? 0}, the store's last seq ${s.seq}`,
        );
      if (s.acked !== s.seq) v("store acked", `acked up to ${s.acked} of ${s.seq}`);
      if (dead.get(s.storeId)) v("nothing dead-lettered", `${dead.get(s.storeId)} dead letter(s)`);
      for (const e of s.errors.slice(0, 3)) v("protocol", e);
    }
  });
  return out;
}

export function formatStorm(r: StormReport): string {
  const load = (() => {
    try {
      return readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
    } catch {
      return "?";
    }
  })();
  return [
    `reconnect storm (${r.outage}, stores enrolled ${r.enroll === "api" ? "through the API, one password hash each" : "directly, one shared old argon2 hash, upgraded at first login"}): ${r.stores} simulated stores, ${r.backlogEvents} backlog events (${r.events} in all), load average ${load}`,
    `  ${r.outage === "hub-kill" ? "hub back" : "links back"} -> every store connected ${(r.connectedMs / 1000).toFixed(1)} s (${r.retries} connect retries), -> every backlog acked ${(r.drainedMs / 1000).toFixed(1)} s`,
    `  backlog event made -> HQ ack: p50 ${(r.ackP50 / 1000).toFixed(1)} s, p99 ${(r.ackP99 / 1000).toFixed(1)} s (made while the hub was down)`,
    `  setup ${(r.setupMs / 1000).toFixed(0)} s; ${r.violations.length} violation(s)`,
    ...r.violations.slice(0, 20).map((v) => `  VIOLATION [${v.invariant}] ${v.storeId ?? ""} ${v.detail}`),
  ].join("\n");
}
