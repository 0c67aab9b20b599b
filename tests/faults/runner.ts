// Over 600 lines because it is one run of the suite end to end (start, schedule, inject, drain, check); fault mechanisms live beside it (proxy, disk, powerloss, traffic).
// The fault runner (npm run faults; docs/development.md "Fault suite"): a real hub and several
// real edges, each edge's MQTT through its own LinkProxy, cashiers selling on every edge, and
// faults injected one after another from a seeded schedule. After each fault the traffic pauses,
// the stores drain, and the invariants are checked from both databases; at the end once more.

import { Database } from "bun:sqlite";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { upTopic } from "@retail/protocol";
import mqtt from "mqtt";
import { Volume } from "./disk.ts";
import { host } from "./host.ts";
import {
  checkHq,
  checkStore,
  type EdgeView,
  halfChangeSets,
  poisonNotDeadLettered,
  type Release,
  readEdge,
  resyncCount,
  snapshot,
  storeSeq,
  type Violation,
  vouchersCount,
  withReadonly,
} from "./invariants.ts";
import { CheckBatcher, runLanes } from "./lanes.ts";
import { cutPower, forgetUnsynced, shimEnv } from "./powerloss.ts";
import {
  type Broker,
  enrollEdge,
  freePort,
  HUB_CLI,
  kill9,
  type Proc,
  startEdge,
  startHub,
  startMosquitto,
  stopGently,
} from "./procs.ts";
import { LinkProxy } from "./proxy.ts";
import { ReplayNotConnected, replayAcked } from "./replay.ts";
import {
  CHAIN_CLASSES,
  classesFor,
  drawSchedule,
  FAULT_CLASSES,
  type Fault,
  type FaultClass,
  type Mix,
  prng,
  roundsOf,
} from "./schedule.ts";
import { gtinOf, LAST_UNITS, type Lane, PRODUCTS, sellCodes, sellOnce, skuOf } from "./traffic.ts";

export interface RunOptions {
  seed: number;
  faults: number;
  stores: number;
  only?: FaultClass[];
  /** Planted bugs (test hooks) passed to the processes' environment. */
  env?: Record<string, string>;
  /** A planted edge bug per store (store id -> STORE_EDGE_PLANT_BUG), e.g. { F002: "skip_fsync" }. */
  plants?: Record<string, string>;
  log?: (line: string) => void;
  keepDir?: boolean;
  /** The hub's broker: its embedded aedes (default) or an external Mosquitto by MQTT_URL. */
  broker?: "embedded" | "mosquitto";
  /** Mosquitto's on-disk persistence (default on, as a chain runs it). */
  brokerPersistence?: boolean;
  /**
   * A power cut drops every unsynced write (false), or in half the cuts keeps an in-order prefix
   * of them (true, the default).
   */
  powerCutKeepsPrefix?: boolean;
  /** Faults on different stores injected at once, one check per round (default true). */
  parallel?: boolean;
  /** The long mode's pace: shorter faults and gaps, tighter polling (the schedule changes too). */
  fast?: boolean;
  /**
   * The long mode's mix: mostly cheap faults (processes stay up) at the fast pace, stores in
   * shuffled turns, an incremental check after a round of cheap and store faults (only the stores
   * struck, no pause, no drain), a full check (pause, drain, every store, chain-wide) after a
   * chain fault, every `fullEvery` faults and at the end.
   */
  mix?: Mix;
  /** With `mix`: faults between full checks (default 200). */
  fullEvery?: number;
  /** Stop drawing faults after this long (ms since start); the report says how many ran. */
  deadlineMs?: number;
  /** True: stop drawing faults now (a SIGTERM): the end's check, the table and the cleanup still run. */
  stopRequested?: () => boolean;
}

export interface Row {
  fault: FaultClass | "final";
  count: number;
  violations: number;
  /** Findings listed in KNOWN_FINDINGS: shown, not counted. */
  known: number;
}

export interface Report {
  seed: number;
  /** The command line that replays the run (planted bugs, classes, counts). */
  replay: string;
  rows: Row[];
  violations: (Violation & { after: string })[];
  known: (Violation & { after: string })[];
  sales: number;
  elapsedMs: number;
  dir: string;
  /** Where the time went (ms), and how many rounds the faults were injected in. */
  phases: {
    setupMs: number;
    gapMs: number;
    injectMs: number;
    checkMs: number;
    rounds: number;
    fullChecks: number;
    incrementalChecks: number;
    /** The long mode's lanes: stores checked per batched pass, summed (/ incrementalChecks: the batch size). */
    storesChecked: number;
    /** Per fault class: how many, the time its injection took (summed, and the longest). */
    byClass: Partial<Record<FaultClass, { n: number; ms: number; maxMs: number }>>;
  };
  /** Faults injected (may be fewer than asked when the deadline stopped the run). */
  injected: number;
  /** Faults asked for. */
  planned: number;
  /** Faults that could not be injected (the rogue client never connected), with why. */
  notInjected: string[];
  /** Injected faults per minute of the fault phase (after setup). */
  faultsPerMin: number;
  /**
   * After the first cover of every class (kills, disks, restores, chain faults, each once): the
   * faults injected and the rate from then on, the long mix's steady pace.
   */
  afterCover?: { faults: number; perMin: number };
  /** Sale steps an edge refused with storage_full while its disk was full. */
  storageFull: number;
  /** Classes this machine cannot inject, with the reason (printed). */
  skipped: Partial<Record<FaultClass, string>>;
}

const ADMIN = "faults-admin-token-0123456789abcdef";
/** A fault whose injection could not start (its rogue client never connected): not counted. */
class NotInjected extends Error {}
/** A poison message must be in HQ's dead letters this long after it was sent (liveness on a loaded machine). */
const POISON_WITHIN_MS = 30_000;

interface Store {
  id: string;
  dir: string;
  proxy: LinkProxy;
  edge?: Proc;
  lane: Lane;
  skewFile: string;
  restoredAt: number;
  /** When the store last lost power (0: never). */
  powerCutAt: number;
  lastApplied: number;
  /** The applied version whose prices the last check read (the long mode reads a version once). */
  checkedVersion?: number;
  /** Poison messages sent (each carries a token) whose dead letters a later check must find by `by`. */
  pendingPoison: { tokens: string[]; by: number; label: string }[];
}

export async function runFaults(opts: RunOptions): Promise<Report> {
  // The mix implies the fast pace (shorter holds, tighter polling).
  const o: RunOptions = opts.mix ? { ...opts, fast: true } : opts;
  const t0 = Date.now();
  const log = o.log ?? ((l: string) => console.log(l));
  const dir = mkdtempSync(join(tmpdir(), "faults-"));
  const hubDir = join(dir, "hq");
  const hqDb = join(hubDir, "hq.db");
  const [httpPort, mqttPort] = [await freePort(), await freePort()];
  const mode = o.broker ?? "embedded";
  const hubEnv: Record<string, string> = {
    HQ_ADMIN_TOKEN: ADMIN,
    HQ_MEMBER_SYNC_MS: "0",
    HQ_FINANCE_POST_MS: "2000",
    // Every store enrolls from 127.0.0.1: above the hub's default ration of 10 per address.
    HQ_ENROLL_ATTEMPTS_PER_ADDRESS: String(Math.max(10, o.stores * 2)),
    HQ_ENROLL_ATTEMPTS_GLOBAL: String(Math.max(300, o.stores * 2)),
    ...o.env,
  };
  const h = host();
  const allowed = classesFor(mode, h.skipped);
  for (const [c, why] of Object.entries(h.skipped))
    if (!o.only?.length || o.only.includes(c as FaultClass)) log(`faults: ${c} skipped: ${why}`);
  const skipped = Object.fromEntries(
    Object.entries(h.skipped).filter(([c]) => !o.only?.length || o.only.includes(c as FaultClass)),
  );
  // Full and read-only disks: the hub's and each store's data on their own loop-mounted ext4.
  const classes = o.only?.length ? o.only : allowed;
  const withDisks = classes.some((c) => c.startsWith("disk-") && allowed.includes(c));
  const volumes = new Map<string, Volume>();
  const mountData = (name: string, at: string) => {
    if (!withDisks) return;
    const v = new Volume(join(dir, `${name}.img`), at, 256);
    const err = v.mount();
    if (err) throw new Error(`mount ${at}: ${err}`);
    volumes.set(name, v);
  };
  mountData("hq", hubDir);
  // With --broker mosquitto the hub runs against an external Mosquitto on mqttPort (its own
  // user, the password and ACL files the hub exports); the edges' proxies point there too.
  const brokerDir = join(dir, "mosquitto");
  let broker: Broker | undefined;
  if (mode === "mosquitto") {
    hubEnv.MQTT_URL = `mqtt://hub:faults-hub-secret@127.0.0.1:${mqttPort}`;
    hubEnv.HQ_WORKER_ID = "faults"; // one stable session across hub restarts
    mkdirSync(brokerDir, { recursive: true });
    const exp = Bun.spawnSync(
      [process.execPath, HUB_CLI, "broker", "mosquitto-config", "--out-dir", brokerDir, "--data", hubDir],
      { env: { ...process.env, ...hubEnv } },
    );
    if (exp.exitCode !== 0) throw new Error(`hq-hub broker mosquitto-config: ${exp.stderr.toString()}`);
    broker = await startMosquitto(brokerDir, mqttPort, o.brokerPersistence ?? true);
  }
  let hub: Proc | undefined = await startHub(hubDir, httpPort, mqttPort, hubEnv);
  const hq = `http://127.0.0.1:${httpPort}`;
  const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${hq}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
    return JSON.parse(text) as T;
  };
  const stores: Store[] = [];
  const rand = prng(o.seed ^ 0x5eed);
  let paused = false;
  let running = true;
  const violations: Report["violations"] = [];
  const known: Report["known"] = [];
  const knownSeen = new Set<string>();
  /** Violations already recorded (invariant, store, detail): each is counted once. */
  const seen = new Set<string>();
  const rows = new Map<Row["fault"], Row>();
  const row = (f: Row["fault"]) => {
    const r = rows.get(f) ?? { fault: f, count: 0, violations: 0, known: 0 };
    rows.set(f, r);
    return r;
  };
  const sellers: Promise<void>[] = [];
  let storageFull = 0;
  /** Where the time went: traffic between rounds, injecting (faults held), drain + checks. */
  const phases = {
    setupMs: 0,
    gapMs: 0,
    injectMs: 0,
    checkMs: 0,
    rounds: 0,
    fullChecks: 0,
    incrementalChecks: 0,
    storesChecked: 0,
    byClass: {} as Report["phases"]["byClass"],
  };
  let injected = 0;
  let faultPhaseMs = 0;
  const notInjected: string[] = [];
  /** When the first cover of every class had been injected (0: not yet), the count then, the fault phase's end. */
  const cover = { at: 0, injected: 0, end: 0, finished: 0, coverDone: 0 };
  /** Every catalog version the run released with the prices it set (the first: all of them). */
  const history: Release[] = [];
  try {
    // The chain: a catalog for every store, one cashier, the stores enrolled with their codes.
    const cs = await api<{ id: number }>("POST", "/api/v1/changesets", { target: { kind: "all" } });
    for (let i = 1; i <= LAST_UNITS; i++) {
      await api("POST", `/api/v1/catalog/product?changeset=${cs.id}`, {
        sku: skuOf(i),
        name: `测试商品${i}`,
        category: ["10", "1001"],
        unit: "EA",
        taxRate: 13,
        weighed: false,
        status: "active",
      });
      await api("POST", `/api/v1/catalog/barcode?changeset=${cs.id}`, { code: gtinOf(i), sku: skuOf(i) });
      await api("POST", `/api/v1/catalog/price?changeset=${cs.id}`, {
        sku: skuOf(i),
        scope: "chain",
        windows: [{ price: 150 + i * 110 }],
      });
    }
    await api("POST", `/api/v1/catalog/cashier?changeset=${cs.id}`, {
      id: "1001",
      name: "王芳",
      role: "cashier",
      pin: "1234",
      status: "active",
    });
    const first = await api<{ version: number }>("POST", `/api/v1/changesets/${cs.id}/release`, {
      stage: "all",
    });
    history.push({
      version: first.version,
      prices: Object.fromEntries(
        Array.from({ length: PRODUCTS }, (_, i) => [skuOf(i + 1), 150 + (i + 1) * 110]),
      ),
    });
    for (let k = 0; k < o.stores; k++) {
      const id = `F${String(k + 1).padStart(3, "0")}`;
      await api("POST", "/api/v1/stores", { id, name: `故障店${k + 1}`, region: "SH" });
      const { code } = await api<{ code: string }>("POST", `/api/v1/stores/${id}/enrollment-code`);
      const sdir = join(dir, id);
      mountData(id, sdir);
      await enrollEdge(hq, code, sdir);
      const proxy = new LinkProxy(mqttPort, rand);
      await proxy.listen();
      const s: Store = {
        id,
        dir: sdir,
        proxy,
        skewFile: join(dir, `${id}.skew`),
        restoredAt: 0,
        powerCutAt: 0,
        lastApplied: 0,
        pendingPoison: [],
        lane: { storeId: id, http: () => undefined, committed: new Map(), errors: 0, refusals: [] },
      };
      writeFileSync(s.skewFile, "0");
      s.lane.http = () => s.edge?.ready.http;
      stores.push(s);
    }
    if (broker) {
      // Mosquitto learns the enrolled stores from the hub's export, then a SIGHUP.
      const files = await api<{ passwordFile: string; aclFile: string }>(
        "GET",
        "/api/v1/broker/mosquitto-config",
      );
      writeFileSync(join(brokerDir, "mosquitto.passwd"), files.passwordFile);
      writeFileSync(join(brokerDir, "mosquitto.acl"), files.aclFile);
      broker.proc.kill("SIGHUP");
      await Bun.sleep(500);
    }
    // Every edge runs under the power-loss shim when the run may cut its power: what a killed
    // process never synced stays undoable until a later process syncs it, as in a page cache.
    const edgeEnv = (s: Store) => ({
      STORE_EDGE_MQTT_URL: `mqtt://127.0.0.1:${s.proxy.port}`,
      STORE_EDGE_CLOCK_SKEW_FILE: s.skewFile,
      ...(h.shim && allowed.includes("power-cut")
        ? shimEnv(h.shim, s.dir, join(dir, "powerloss", s.id))
        : {}),
      ...o.env,
      ...(o.plants?.[s.id] ? { STORE_EDGE_PLANT_BUG: o.plants[s.id]! } : {}),
    });
    const startStoreEdge = async (s: Store) => {
      s.edge = await startEdge(s.dir, edgeEnv(s));
    };
    for (const s of stores) await startStoreEdge(s);
    const status = async (s: Store) => {
      const res = await fetch(`${s.edge!.ready.http}/api/v1/status`, { signal: AbortSignal.timeout(10_000) });
      return (await res.json()) as {
        catalog: { applied: number };
        outbox: { lastSeq: number; ackedUpTo: number };
      };
    };
    /** A stock count or a goods receiving at the store (the cashier's code and PIN). */
    const edgeStock = async (s: Store, what: "counts" | "receivings", body: object) => {
      const res = await fetch(`${s.edge!.ready.http}/api/v1/stock/${what}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ cashierId: "1001", pin: "1234", ...body }),
      });
      if (!res.ok) throw new Error(`${s.id} stock/${what}: ${res.status} ${await res.text()}`);
    };
    const until = async (cond: () => Promise<boolean>, ms: number): Promise<boolean> => {
      const end = Date.now() + ms;
      while (Date.now() < end) {
        if (await cond().catch(() => false)) return true;
        await Bun.sleep(o.fast ? 50 : 200);
      }
      return false;
    };
    for (const s of stores)
      if (!(await until(async () => (await status(s)).catalog.applied > 0, 60_000)))
        throw new Error(`${s.id}: the catalog never arrived`);
    // Goods in: the random traffic never runs a store out, so only the oversell fault oversells.
    for (const s of stores)
      await edgeStock(s, "receivings", {
        lines: Array.from({ length: PRODUCTS }, (_, i) => ({ sku: skuOf(i + 1), qty: 1_000_000 })),
      });
    log(`faults: seed ${o.seed}, ${o.faults} fault(s), ${o.stores} store(s), broker ${mode}, data in ${dir}`);
    phases.setupMs = Date.now() - t0;

    // One cashier per store, selling until the end, pausing while a check runs.
    for (const s of stores)
      sellers.push(
        (async () => {
          while (running) {
            if (paused) {
              await Bun.sleep(50);
              continue;
            }
            await sellOnce(s.lane, rand);
            // The long mix sells slower per store (more stores): the CPU goes to the faults.
            await Bun.sleep(o.mix ? 200 + rand() * 600 : 50 + rand() * 250);
          }
        })(),
      );
    const pause = async () => {
      paused = true;
      await Bun.sleep(o.fast ? 150 : 500); // a sale in flight finishes
    };

    /**
     * No store runs half a change set: at the version a store says it applied, each price it
     * sells at is the one the last release up to that version set (two prices per release).
     */
    const wholeChangeSets = async (s: Store): Promise<Violation[]> => {
      for (let attempt = 0; attempt < 5; attempt++) {
        const before = (await status(s).catch(() => undefined))?.catalog.applied;
        if (!before) return [];
        const prices: Record<string, number | undefined> = {};
        for (let i = 1; i <= PRODUCTS; i++) {
          const res = await fetch(`${s.edge!.ready.http}/api/v1/products/${skuOf(i)}`).catch(() => undefined);
          prices[skuOf(i)] = (
            (await res?.json().catch(() => undefined)) as { price?: { price: number } } | undefined
          )?.price?.price;
        }
        if ((await status(s).catch(() => undefined))?.catalog.applied !== before) continue; // moved on: read again
        return halfChangeSets(s.id, before, prices, history);
      }
      return [];
    };

    /** An oversell is a visible record: HQ's list names every (store, SKU) below zero, no other. */
    const oversellsListed = async (): Promise<Violation[]> => {
      const listed = await api<{ storeId: string; sku: string; onHand: number }[]>(
        "GET",
        "/api/v1/stock/oversells",
      ).catch((e: Error) => e);
      if (listed instanceof Error)
        return [
          { invariant: "an oversell is a visible record", detail: `the list failed: ${listed.message}` },
        ];
      const below = withReadonly(hqDb, (d) =>
        d
          .query<{ store_id: string; sku: string; on_hand: number }, []>(
            "SELECT store_id, sku, on_hand FROM stock_levels WHERE on_hand < 0",
          )
          .all(),
      );
      const key = (a: string, b: string, n: number) => `${a} ${b} ${n}`;
      const shown = new Set(listed.map((l) => key(l.storeId, l.sku, l.onHand)));
      const held = new Set(below.map((b) => key(b.store_id, b.sku, b.on_hand)));
      return [
        ...below
          .filter((b) => !shown.has(key(b.store_id, b.sku, b.on_hand)))
          .map((b) => ({
            invariant: "an oversell is a visible record",
            storeId: b.store_id,
            detail: `${b.sku} at ${b.on_hand} at HQ is not in GET /api/v1/stock/oversells`,
          })),
        ...listed
          .filter((l) => !held.has(key(l.storeId, l.sku, l.onHand)))
          .map((l) => ({
            invariant: "an oversell is a visible record",
            storeId: l.storeId,
            detail: `listed ${l.sku} at ${l.onHand}, HQ holds another on-hand`,
          })),
      ];
    };

    /**
     * The same last units sold at two stores while both are offline: each counts 2 on its shelf,
     * both links are cut, each sells 3, the links come back. HQ must show both below zero in its
     * oversell list, with the offline sales that took them there.
     */
    const oversell = async (a: Store): Promise<Violation[]> => {
      const pair = [...new Set([a, stores[(stores.indexOf(a) + 1) % stores.length]!])];
      const sku = skuOf(LAST_UNITS);
      const hqOnHand = (s: Store) =>
        withReadonly(
          hqDb,
          (d) =>
            d
              .query<{ n: number }, [string, string]>(
                "SELECT on_hand AS n FROM stock_levels WHERE store_id = ? AND sku = ?",
              )
              .get(s.id, sku)?.n,
        );
      for (const s of pair) await edgeStock(s, "counts", { lines: [{ sku, counted: 2 }] });
      const out: Violation[] = [];
      if (!(await until(async () => pair.every((s) => hqOnHand(s) === 2), 30_000)))
        return [
          {
            invariant: "HQ on-hand agrees with the edge",
            storeId: pair.find((s) => hqOnHand(s) !== 2)?.id,
            detail: `${sku} counted 2 on the shelf, HQ holds ${pair.map((s) => hqOnHand(s)).join("/")} after 30 s`,
          },
        ];
      for (const s of pair) s.proxy.set({ kind: "cut" });
      const sold = await Promise.all(
        pair.map((s) =>
          sellCodes(
            {
              storeId: s.id,
              http: () => s.edge?.ready.http,
              committed: s.lane.committed,
              errors: 0,
              laneId: "2",
            },
            [gtinOf(LAST_UNITS), gtinOf(LAST_UNITS), gtinOf(LAST_UNITS)],
          ),
        ),
      );
      for (const s of pair) s.proxy.heal();
      if (sold.some((x) => !x)) {
        log(`  oversell: a store did not sell offline (${sold.join(", ")})`);
        return out;
      }
      if (!(await until(async () => pair.every((s) => hqOnHand(s) === -1), 60_000))) {
        out.push({
          invariant: "HQ on-hand agrees with the edge",
          detail: `${sku}: 2 on the shelf, 3 sold offline at ${pair.map((s) => s.id).join(" and ")}, HQ holds ${pair.map((s) => hqOnHand(s)).join("/")} after 60 s`,
        });
        return out;
      }
      const listed = await api<{ storeId: string; onHand: number; movements: { ref: string }[] }[]>(
        "GET",
        `/api/v1/stock/oversells?sku=${sku}`,
      );
      for (const [i, s] of pair.entries()) {
        const l = listed.find((x) => x.storeId === s.id);
        if (!l || l.onHand !== -1 || !l.movements.some((m) => m.ref === sold[i]))
          out.push({
            invariant: "an oversell is a visible record",
            storeId: s.id,
            detail: `${sku} sold 3 of 2 offline (sale ${sold[i]}): listed ${JSON.stringify(l ?? null).slice(0, 300)}`,
          });
      }
      log(`  oversell: ${sku} 3 sold of 2 at ${pair.map((s) => s.id).join(" and ")}, both listed at HQ`);
      return out;
    };

    /**
     * Waits for every store to drain, then checks every invariant; records what it found. With
     * `touched` (the long mode's incremental check): only those stores, traffic running, no
     * drain; the sales HQ must hold are those it acked (checkStore's inFlight).
     */
    const check = async (
      after: string | ((storeId?: string) => string),
      kindOf: (storeId?: string) => Row["fault"],
      touched?: Store[],
    ) => {
      const afterOf = (id?: string) => (typeof after === "string" ? after : after(id));
      const full = !touched;
      const before = Date.now();
      const found: (Violation & { after?: string; kind?: FaultClass })[] = [];
      if (full) {
        phases.fullChecks++;
        await pause();
        // The poison messages still waiting for their dead letters: each by its own deadline.
        const due = () =>
          stores.flatMap((s) => poisonDue(hqDb, s).map((v) => ({ ...v, kind: "poison" as const })));
        await until(async () => {
          found.push(...due());
          return stores.every((s) => !s.pendingPoison.length);
        }, POISON_WITHIN_MS);
        for (const s of stores)
          found.push(...poisonDue(hqDb, s, true).map((v) => ({ ...v, kind: "poison" as const })));
      } else {
        phases.incrementalChecks++;
        phases.storesChecked += touched.length;
        // Incremental, batched: every store struck read from its edge.db (one snapshot each:
        // sales, outbox, ack, applied version and its prices), then ONE snapshot of hq.db for all
        // of them (after the edges: HQ commits before it acks, so what an edge holds as acked is
        // in it). No HTTP. A store's prices are checked once per applied version; a version the
        // runner has not recorded yet (released a moment ago) is checked at a later pass.
        const skus = Array.from({ length: PRODUCTS }, (_, i) => skuOf(i + 1));
        const views = new Map<Store, EdgeView | undefined | Error>();
        for (const s of touched)
          views.set(
            s,
            (() => {
              try {
                return readEdge(join(s.dir, "edge.db"), skus);
              } catch (e) {
                return e as Error;
              }
            })(),
          );
        snapshot(hqDb, (hq) => {
          for (const s of touched) {
            const view = views.get(s);
            if (view instanceof Error) {
              found.push({ invariant: "edge database readable", storeId: s.id, detail: view.message });
              continue;
            }
            if (view) {
              if (view.applied < s.lastApplied)
                found.push({
                  invariant: "applied catalog versions only rise",
                  storeId: s.id,
                  detail: `applied ${view.applied} after ${s.lastApplied}`,
                });
              s.lastApplied = view.applied;
              const known = view.applied <= (history.at(-1)?.version ?? 0);
              if (view.applied !== s.checkedVersion && known) {
                found.push(...halfChangeSets(s.id, view.applied, view.prices, history));
                s.checkedVersion = view.applied;
              }
            }
            found.push(
              ...checkStore(
                hq,
                {
                  storeId: s.id,
                  edgeDb: join(s.dir, "edge.db"),
                  committed: s.lane.committed,
                  restoredAt: s.restoredAt,
                  powerCutAt: s.powerCutAt,
                  inFlight: true,
                  before,
                },
                view,
              ),
            );
            found.push(...poisonDue(hq, s).map((v) => ({ ...v, kind: "poison" as const })));
          }
        });
      }
      // Every store drains at once, then the checks read. The bound is liveness on this shared
      // machine: 60 s, 180 s in the long mode (a hub restart at load 40 took over 60 s to drain).
      const drainMs = o.mix ? 180_000 : 60_000;
      const drainedAll = full
        ? await Promise.all(
            stores.map((s) =>
              until(async () => {
                const st = (await status(s)).outbox;
                return st.ackedUpTo >= st.lastSeq;
              }, drainMs),
            ),
          )
        : [];
      for (const s of full ? stores : []) {
        const drained = drainedAll[stores.indexOf(s)];
        if (!drained) {
          const st = await status(s).catch(() => undefined);
          found.push({
            invariant: "store drains",
            storeId: s.id,
            detail: `outbox not acked within ${drainMs / 1000} s (${JSON.stringify(st?.outbox)})`,
          });
        }
        const applied = (await status(s).catch(() => undefined))?.catalog.applied ?? s.lastApplied;
        if (applied < s.lastApplied)
          found.push({
            invariant: "applied catalog versions only rise",
            storeId: s.id,
            detail: `applied ${applied} after ${s.lastApplied}`,
          });
        s.lastApplied = applied;
      }
      if (full) {
        for (const s of stores) found.push(...(await wholeChangeSets(s)));
        await Bun.sleep(o.fast ? 100 : 300); // HQ's commit of the last acked group is visible to a new reader
      }
      for (const s of full ? stores : [])
        found.push(
          ...checkStore(hqDb, {
            storeId: s.id,
            edgeDb: join(s.dir, "edge.db"),
            committed: s.lane.committed,
            restoredAt: s.restoredAt,
            powerCutAt: s.powerCutAt,
          }),
        );
      if (full) {
        found.push(...checkHq(hqDb));
        found.push(...(await oversellsListed()));
      }
      for (const v of found) {
        if (v.known) {
          // Counted once: the same finding is seen again at every later check.
          const key = `${v.invariant}|${v.storeId}|${v.detail}`;
          if (!knownSeen.has(key)) {
            knownSeen.add(key);
            known.push({ ...v, after: afterOf(v.storeId) });
            row(kindOf(v.storeId)).known++;
          }
          continue;
        }
        // Once: a check after every fault would report the same broken sale again and again.
        const key = `${v.invariant}|${v.storeId}|${v.detail}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const { kind, after: at = afterOf(v.storeId), ...rest } = v;
        violations.push({ ...rest, after: at });
        row(kind ?? kindOf(v.storeId)).violations++;
        log(`  VIOLATION after ${at}: [${v.invariant}] ${v.storeId ?? ""} ${v.detail}`);
      }
      if (full) paused = false;
    };

    /**
     * Hostile messages with the store's own credentials. Each carries a token, so its own dead
     * letter is found (not just a count that other letters could make up). The long mode does not
     * wait for them: a later check of the store must find them (by `pendingPoison`'s deadline).
     */
    const poison = async (s: Store, label: string): Promise<Violation[]> => {
      const cfg = JSON.parse(readFileSync(join(s.dir, "store-edge.json"), "utf8")) as {
        enrollment: { mqtt: { username: string; password: string; clientId: string } };
      };
      // The store's own credentials (the same client id: the broker allows no other), straight
      // to the broker: the edge is kicked off and reconnects, as with a rogue box on its line.
      const c = await mqtt
        .connectAsync(`mqtt://127.0.0.1:${mqttPort}`, {
          clientId: cfg.enrollment.mqtt.clientId,
          username: cfg.enrollment.mqtt.username,
          password: cfg.enrollment.mqtt.password,
          protocolVersion: 4,
          reconnectPeriod: 0,
          connectTimeout: 20_000,
        })
        .catch((e: Error) => {
          throw new NotInjected(`the rogue client could not connect: ${e.message}`);
        });
      const topic = upTopic(s.id, "events");
      const at = new Date().toISOString();
      const tokens = [0, 1, 2].map(() => `poison-${crypto.randomUUID()}`);
      const payloads = [
        Buffer.concat([
          Buffer.from(Array.from({ length: 512 }, () => Math.floor(rand() * 256))),
          Buffer.from(` ${tokens[0]}`),
        ]),
        // A leaf of its own: HQ keeps one dead letter for the same broken element resent.
        `${"[".repeat(4000)}"${tokens[1]}"${"]".repeat(4000)}`,
        JSON.stringify({
          v: 1,
          id: tokens[2]!.slice("poison-".length),
          type: "sale.completed",
          storeId: s.id,
          seq: -1 - Math.floor(rand() * 1e6),
          occurredAt: at,
          payload: { saleId: crypto.randomUUID(), totals: { net: 1e30 } },
        }),
      ];
      tokens[2] = tokens[2]!.slice("poison-".length);
      // Bounded: a PUBACK that never comes (the connection taken away) must not hold the run
      // (the long run of 14:05 hung here in round 51); the dead-letter check below still decides.
      const bounded = (p: Promise<unknown>, ms: number) => Promise.race([p.catch(() => {}), Bun.sleep(ms)]);
      // Pipelined, as a rogue box would send them: each PUBACK waits for HQ's commit, so three in a row cost three commits.
      await Promise.all(payloads.map((p) => bounded(c.publishAsync(topic, p, { qos: 1 }), 10_000)));
      await bounded(c.endAsync(), 2_000);
      c.end(true);
      if (o.mix) {
        s.pendingPoison.push({ tokens, by: Date.now() + POISON_WITHIN_MS, label });
        return [];
      }
      const ok = await until(async () => !poisonNotDeadLettered(hqDb, s.id, tokens).length, POISON_WITHIN_MS);
      return ok ? [] : poisonDue(hqDb, { ...s, pendingPoison: [{ tokens, by: 0, label }] });
    };

    /** The store's poison messages past their deadline without a dead letter (and drops the found ones). */
    const poisonDue = (hq: string | Database, s: Pick<Store, "id" | "pendingPoison">, final = false) => {
      const out: (Violation & { after: string })[] = [];
      s.pendingPoison = s.pendingPoison.filter((p) => {
        const missing = poisonNotDeadLettered(hq, s.id, p.tokens);
        if (!missing.length) return false;
        if (!final && Date.now() < p.by) return true;
        out.push({
          invariant: "every rejected message in dead letters",
          storeId: s.id,
          detail: `${missing.length} of ${p.tokens.length} poison message(s) not dead-lettered within ${POISON_WITHIN_MS / 1000} s: ${missing.join(", ")}`,
          after: p.label,
        });
        return false;
      });
      return out;
    };

    /**
     * The edge's disk fills up while the cashier sells: every refusal is storage_full (507), the
     * edge stays up, and once the space is back a sale commits again.
     */
    const diskFullEdge = async (s: Store, holdMs: number): Promise<Violation[]> => {
      const v = volumes.get(s.id)!;
      const out: Violation[] = [];
      const before = s.lane.refusals!.length;
      v.fill();
      await Bun.sleep(holdMs);
      const during = s.lane.refusals!.slice(before);
      v.free();
      const full = during.filter((r) => r.code === "storage_full").length;
      storageFull += full;
      const wrong = during.filter((r) => r.status >= 500 && r.code !== "storage_full");
      if (wrong.length)
        out.push({
          invariant: "a full disk refuses with storage_full",
          storeId: s.id,
          detail: `${wrong.length} refusal(s) on a full disk were ${[...new Set(wrong.map((r) => `${r.status} ${r.code}`))].join(", ")}`,
        });
      const sold = s.lane.committed.size;
      if (!(await until(async () => s.lane.committed.size > sold, 20_000)))
        out.push({
          invariant: "selling resumes when space returns",
          storeId: s.id,
          detail: `no sale committed within 20 s of freeing the disk (last refusal: ${JSON.stringify(s.lane.refusals!.at(-1))}, edge ${s.edge?.proc.exitCode ?? s.edge?.proc.signalCode ?? "up"})`,
        });
      if (s.edge && (s.edge.proc.exitCode !== null || s.edge.proc.signalCode)) {
        out.push({
          invariant: "the edge lives through a full disk",
          storeId: s.id,
          detail: `exited ${s.edge.proc.exitCode ?? s.edge.proc.signalCode}`,
        });
        await startStoreEdge(s);
      }
      if (full) log(`  ${full} sale step(s) refused with storage_full`);
      return out;
    };

    const label = (f: Fault) =>
      `#${f.n} ${f.kind} ${stores[f.store]!.id}${f.amountMs ? ` ${f.amountMs}${f.kind === "net-loss" ? " %" : " ms"}` : ""}`;
    const inject = async (f: Fault) => {
      const s = stores[f.store]!;
      switch (f.kind) {
        case "kill9-edge":
          await Bun.sleep(f.holdMs);
          await kill9(s.edge);
          await Bun.sleep(rand() * 500);
          await startStoreEdge(s);
          return [];
        case "kill9-hub":
          await Bun.sleep(f.holdMs);
          await kill9(hub);
          hub = undefined;
          await Bun.sleep(200 + rand() * 1500);
          {
            const t = Date.now();
            hub = await startHub(hubDir, httpPort, mqttPort, hubEnv);
            log(`  the hub is back (READY) ${((Date.now() - t) / 1000).toFixed(1)} s after its start`);
          }
          return [];
        case "kill9-broker":
          // Mosquitto alone dies (the hub and edges live on): its in-flight QoS 1 messages and
          // what it had not autosaved are gone; the edge outboxes and the hub's reconnect recover.
          await Bun.sleep(f.holdMs);
          await kill9(broker);
          await Bun.sleep(200 + rand() * 1500);
          broker = await startMosquitto(brokerDir, mqttPort, o.brokerPersistence ?? true);
          return [];
        case "net-cut":
          s.proxy.set({ kind: "cut" });
          await Bun.sleep(f.holdMs);
          s.proxy.heal();
          return [];
        case "net-latency":
          s.proxy.set({ kind: "latency", ms: f.amountMs });
          await Bun.sleep(f.holdMs);
          s.proxy.heal();
          return [];
        case "net-loss":
        case "net-reorder": {
          const c = { ...s.proxy.counters };
          s.proxy.set(
            f.kind === "net-loss"
              ? { kind: "loss", p: f.amountMs / 100 }
              : { kind: "reorder", maxMs: f.amountMs },
          );
          await Bun.sleep(f.holdMs);
          s.proxy.heal();
          log(
            `  ${s.proxy.counters.dropped - c.dropped} message(s) lost, ${s.proxy.counters.reordered - c.reordered} held back`,
          );
          return [];
        }
        case "net-halfopen":
          s.proxy.set({ kind: "halfopen" });
          // The long mix holds it shorter (the edge sees nothing pass either way; heal drops it).
          await Bun.sleep(f.holdMs + (o.mix ? 300 : 2000));
          s.proxy.heal();
          return [];
        case "clock-forward":
        case "clock-back":
          writeFileSync(s.skewFile, String(f.amountMs));
          await Bun.sleep(f.holdMs);
          writeFileSync(s.skewFile, "0"); // NTP puts it right
          return [];
        case "restore-edge": {
          // A copy of edge.db taken now (a consistent snapshot), more sales, kill -9, the copy
          // put back in place of the newer database, restart.
          const copy = join(dir, `${s.id}-copy.db`);
          rmSync(copy, { force: true });
          const db = new Database(join(s.dir, "edge.db"), { readonly: true });
          db.run(`VACUUM INTO '${copy}'`);
          db.close();
          const copySeq = withReadonly(
            copy,
            (d) => d.query<{ n: number | null }, []>("SELECT MAX(seq) AS n FROM outbox").get()?.n ?? 0,
          );
          await Bun.sleep(f.holdMs);
          await kill9(s.edge);
          const hqHead = storeSeq(hqDb, s.id);
          const resyncsBefore = resyncCount(hqDb, s.id);
          for (const ext of ["", "-wal", "-shm"]) rmSync(join(s.dir, `edge.db${ext}`), { force: true });
          copyFileSync(copy, join(s.dir, "edge.db"));
          forgetUnsynced(join(dir, "powerloss", s.id)); // put back by a person: what is on disk now is synced
          s.restoredAt = Date.now();
          s.lastApplied = 0; // the copy's catalog is older: it catches up from there
          s.lane.token = undefined;
          await startStoreEdge(s);
          // HQ already holds seqs the copy does not have: the edge's handshake must make HQ see
          // the restore (an edge_resyncs record for a person), not let the copy reuse them.
          if (copySeq >= hqHead) return [];
          const seen = await until(async () => resyncCount(hqDb, s.id) > resyncsBefore, 30_000);
          return seen
            ? []
            : [
                {
                  invariant: "a restored edge is seen at HQ",
                  storeId: s.id,
                  detail: `edge.db copy at seq ${copySeq} put back while HQ held up to ${hqHead}: no edge_resyncs record within 30 s`,
                },
              ];
        }
        case "power-cut": {
          // The plug pulled: the process dies and the disk keeps only what was fsynced (all of
          // the unsynced writes lost, or in half the cuts an in-order prefix of them).
          await Bun.sleep(f.holdMs);
          await kill9(s.edge);
          const keep = o.powerCutKeepsPrefix !== false && rand() >= 0.5 ? rand() : 0;
          const cut = cutPower(s.dir, join(dir, "powerloss", s.id), keep);
          s.powerCutAt = Date.now();
          s.lane.token = undefined;
          log(`  power cut: ${cut.dropped} unsynced write(s) dropped, ${cut.kept} kept`);
          await Bun.sleep(rand() * 500);
          await startStoreEdge(s);
          return [];
        }
        case "disk-full-edge":
          return diskFullEdge(s, f.holdMs);
        case "disk-full-hub":
        case "disk-readonly-hub": {
          const v = volumes.get("hq")!;
          if (f.kind === "disk-full-hub") {
            v.fill();
            await Bun.sleep(f.holdMs);
            v.free();
          } else {
            const err = v.failReadOnly();
            if (err) throw new Error(`read-only ${v.mountPoint}: ${err}`);
            await Bun.sleep(f.holdMs);
            // The repair: the hub stopped (it cannot write anything anyway), fsck, mounted again.
            await kill9(hub);
            hub = undefined;
            const bad = v.repair();
            if (bad) throw new Error(bad);
          }
          // A hub that gave up on its disk is restarted, as its service manager would.
          if (!hub || hub.proc.exitCode !== null || hub.proc.signalCode) {
            if (hub && f.kind === "disk-full-hub")
              log(`  the hub exited on a full disk (${hub.proc.exitCode ?? hub.proc.signalCode}): restarted`);
            hub = await startHub(hubDir, httpPort, mqttPort, hubEnv);
          }
          return [];
        }
        case "disk-readonly-edge": {
          const v = volumes.get(s.id)!;
          const before = s.lane.refusals!.length;
          const err = v.failReadOnly();
          if (err) throw new Error(`read-only ${v.mountPoint}: ${err}`);
          await Bun.sleep(f.holdMs);
          const wrong = s.lane
            .refusals!.slice(before)
            .filter((r) => r.status >= 500 && r.code !== "storage_error");
          await kill9(s.edge);
          const bad = v.repair();
          if (bad) throw new Error(bad);
          await startStoreEdge(s);
          return wrong.length
            ? [
                {
                  invariant: "a failing disk refuses with storage_error",
                  storeId: s.id,
                  detail: `${wrong.length} refusal(s) on a read-only disk were ${[...new Set(wrong.map((r) => `${r.status} ${r.code}`))].join(", ")}`,
                },
              ]
            : [];
        }
        case "poison":
          // The long mix cuts the store's own link meanwhile (as for duplicate), so the edge's
          // reconnect cannot take the client id back mid-publish.
          if (o.mix) s.proxy.set({ kind: "cut" });
          return poison(s, label(f)).finally(() => {
            if (o.mix) s.proxy.heal();
          });
        case "duplicate": {
          const cfg = JSON.parse(readFileSync(join(s.dir, "store-edge.json"), "utf8")) as {
            enrollment: { mqtt: { username: string; password: string; clientId: string } };
          };
          // The store's own link is down meanwhile (the replay comes from another box with its
          // credentials); otherwise the edge's reconnect takes the client id back before HQ's ack.
          s.proxy.set({ kind: "cut" });
          const r = await replayAcked({
            storeId: s.id,
            edgeDb: join(s.dir, "edge.db"),
            hqDb,
            mqttPort,
            creds: cfg.enrollment.mqtt,
            count: 1 + Math.floor(rand() * 20),
            shuffle: rand() < 0.5,
            rand,
          })
            .catch((e) => {
              throw e instanceof ReplayNotConnected ? new NotInjected(e.message) : e;
            })
            .finally(() => s.proxy.heal());
          if (!o.mix) log(`  ${r.sent} acked event(s) sent again`);
          return r.violations;
        }
        case "oversell":
          return oversell(s);
      }
    };

    // A chain price change (two products at once) released now and then while the faults go
    // on: every store must end on HQ's last version with its prices, never on a half-applied one.
    let released = { version: 0, sku: skuOf(1), price: 0 };
    const releasePrice = async (n: number) => {
      const c = await api<{ id: number }>("POST", "/api/v1/changesets", { target: { kind: "all" } });
      const prices: Record<string, number> = {};
      for (const k of [n, n + 1]) {
        const sku = skuOf(1 + (k % PRODUCTS));
        const price = 100 + Math.floor(rand() * 900);
        prices[sku] = price;
        await api("POST", `/api/v1/catalog/price?changeset=${c.id}`, {
          sku,
          scope: "chain",
          windows: [{ price }],
        });
      }
      const r = await api<{ version: number }>("POST", `/api/v1/changesets/${c.id}/release`, {
        stage: "all",
      });
      const [sku, price] = Object.entries(prices).at(-1)!;
      released = { version: r.version, sku, price };
      history.push({ version: r.version, prices });
    };
    const converged = async (): Promise<Violation[]> => {
      const out: Violation[] = [];
      if (!released.version) return out;
      for (const s of stores) {
        const price = async () => {
          const res = await fetch(`${s.edge!.ready.http}/api/v1/products/${released.sku}`);
          return ((await res.json()) as { price?: { price: number } | null }).price?.price;
        };
        // Applied and still at another price is half a change set (reported by the check): no wait.
        const ok =
          (await until(async () => (await status(s)).catalog.applied >= released.version, 60_000)) &&
          (await until(async () => (await price()) === released.price, 2_000));
        if (!ok)
          out.push({
            invariant: "every store runs the released catalog",
            storeId: s.id,
            detail: `version ${released.version} (${released.sku} at ${released.price} fen) not applied within 60 s: applied ${
              (await status(s).catch(() => undefined))?.catalog.applied
            }, price ${await price().catch(() => undefined)}`,
          });
      }
      return out;
    };

    const schedule = drawSchedule(o.seed, o.faults, o.stores, o.only, allowed, o.fast || !!o.mix, o.mix);
    const coverSize = new Set(schedule.map((f) => f.kind)).size;
    let releases = 0;
    let rounds = 0;
    let sinceFull = 0;
    const tFaults = Date.now();
    const pastDeadline = () =>
      !!o.stopRequested?.() || (o.deadlineMs !== undefined && Date.now() - t0 > o.deadlineMs);
    const coverStep = (f: Fault) => {
      if (f.n <= coverSize && ++cover.coverDone === coverSize) {
        cover.at = Date.now();
        cover.injected = cover.finished;
      }
    };
    /** Injects one fault, times it (per class) and records what it found at once. */
    const injectTimed = async (f: Fault): Promise<boolean> => {
      const t = Date.now();
      let direct: Violation[];
      try {
        direct = await inject(f);
      } catch (e) {
        // The rogue client of poison/duplicate could not even connect (a connack timeout on a
        // loaded machine): nothing was injected; said, not counted (the run used to die here).
        if (!(e instanceof NotInjected)) throw e;
        notInjected.push(`${label(f)}: ${e.message}`);
        log(`  not injected: ${label(f)}: ${e.message}`);
        coverStep(f);
        return false;
      }
      row(f.kind).count++;
      const ms = Date.now() - t;
      const c = phases.byClass[f.kind] ?? { n: 0, ms: 0, maxMs: 0 };
      phases.byClass[f.kind] = c;
      c.n++;
      c.ms += ms;
      c.maxMs = Math.max(c.maxMs, ms);
      for (const v of direct) {
        const at = (v as { after?: string }).after ?? label(f);
        violations.push({ ...v, after: at });
        log(`  VIOLATION after ${at}: [${v.invariant}] ${v.storeId ?? ""} ${v.detail}`);
      }
      row(f.kind).violations += direct.length;
      // The first cover: the schedule's first faults hold every class once; it ends when all are done.
      cover.finished++;
      coverStep(f);
      return true;
    };
    if (o.mix && o.parallel !== false) {
      // The long mode's lanes (tests/faults/lanes.ts): each store injects its own faults one
      // after another, a batched check of every store struck follows each, and a full check
      // (pause, drain, every invariant) ends each stretch of `fullEvery` store faults; a chain
      // fault is injected alone with a full check after it.
      const lastFault = new Map<string, Fault>();
      const batcher = new CheckBatcher<Store>((ss) =>
        check(
          (id) => (lastFault.has(id ?? "") ? label(lastFault.get(id ?? "")!) : "a batched check"),
          (id) => lastFault.get(id ?? "")?.kind ?? "final",
          ss,
        ),
      );
      let nextRelease = 0;
      let releasing = false;
      // A price change now and then (about every 100 faults), released by whichever lane is due.
      const maybeRelease = async (n: number) => {
        if (releasing || injected < nextRelease) return;
        releasing = true;
        nextRelease = injected + 100;
        await releasePrice(n)
          .catch((e) => log(`  price release refused: ${(e as Error).message}`))
          .finally(() => {
            releasing = false;
          });
      };
      const progress = () =>
        log(
          `faults: ${injected} injected, ${((injected / Math.max(1, Date.now() - tFaults)) * 60_000).toFixed(0)}/min, ${phases.fullChecks} full check(s), ${batcher.passes} batched pass(es) of ${(batcher.checked / Math.max(1, batcher.passes)).toFixed(1)} store(s), ${violations.length} violation(s)`,
        );
      let i = 0;
      while (i < schedule.length && !pastDeadline()) {
        const first = schedule[i]!;
        if (CHAIN_CLASSES.includes(first.kind)) {
          await maybeRelease(first.n);
          await Bun.sleep(first.gapMs);
          log(`fault ${label(first)}`);
          lastFault.set(stores[first.store]!.id, first);
          if (await injectTimed(first)) injected++;
          rounds++;
          const tCheck = Date.now();
          await check(label(first), () => first.kind);
          phases.checkMs += Date.now() - tCheck;
          i++;
          continue;
        }
        let j = i;
        while (
          j < schedule.length &&
          !CHAIN_CLASSES.includes(schedule[j]!.kind) &&
          j - i < (o.fullEvery ?? 200)
        )
          j++;
        const stretch = schedule.slice(i, j);
        rounds++;
        await runLanes(
          stretch,
          async (f) => {
            await Bun.sleep(f.gapMs);
            await maybeRelease(f.n);
            lastFault.set(stores[f.store]!.id, f);
            if ((await injectTimed(f)) && ++injected % 100 === 0) progress();
            await batcher.after(stores[f.store]!);
          },
          pastDeadline,
        );
        for (const e of batcher.errors.splice(0))
          violations.push({
            invariant: "the check ran",
            detail: String((e as Error).stack ?? e),
            after: "a batched check",
          });
        i = j;
        if (pastDeadline()) break; // the end's full check follows
        const tCheck = Date.now();
        const lastOf = (id?: string) => lastFault.get(id ?? "");
        await check(
          (id) =>
            `the stretch up to #${stretch.at(-1)!.n}${lastOf(id) ? ` (last on the store: ${label(lastOf(id)!)})` : ""}`,
          (id) => lastOf(id)?.kind ?? stretch[0]!.kind,
        );
        phases.checkMs += Date.now() - tCheck;
      }
      if (pastDeadline()) log(`faults: time limit reached after ${injected} of ${o.faults} faults`);
      phases.checkMs += batcher.passMs;
      phases.rounds = rounds;
    } else
      for (const round of roundsOf(schedule, o.parallel !== false)) {
        if (pastDeadline()) {
          log(`faults: time limit reached after ${injected} of ${o.faults} faults`);
          break;
        }
        // The long mode releases a price change every 8th round (each release reaches every store).
        if (releases++ % (o.mix ? 8 : 2) === 0)
          await releasePrice(round[0]!.n).catch((e) =>
            log(`  price release refused: ${(e as Error).message}`),
          );
        const tGap = Date.now();
        await Bun.sleep(round[0]!.gapMs);
        const tInject = Date.now();
        phases.gapMs += tInject - tGap;
        rounds++;
        const what = round.map(label).join(" + ");
        if (!o.mix || rounds % 25 === 1)
          log(
            `fault ${o.mix ? `round ${rounds}, ${injected} injected, ${((injected / Math.max(1, Date.now() - tFaults)) * 60_000).toFixed(0)}/min (gap ${(phases.gapMs / 1000).toFixed(0)} s, held ${(phases.injectMs / 1000).toFixed(0)} s, checks ${(phases.checkMs / 1000).toFixed(0)} s, ${phases.fullChecks} full): ` : ""}${what}`,
          );
        const done = await Promise.all(round.map(injectTimed));
        const tCheck = Date.now();
        phases.injectMs += tCheck - tInject;
        injected += done.filter(Boolean).length;
        sinceFull += round.length;
        // A violation counts against the fault that struck its store (or the round's first).
        const kindOf = (storeId?: string) =>
          (round.find((f) => stores[f.store]!.id === storeId) ?? round[0]!).kind;
        const fullNow =
          !o.mix || round.some((f) => CHAIN_CLASSES.includes(f.kind)) || sinceFull >= (o.fullEvery ?? 200);
        if (fullNow) sinceFull = 0;
        await check(what, kindOf, fullNow ? undefined : round.map((f) => stores[f.store]!));
        phases.checkMs += Date.now() - tCheck;
        if (o.mix && Date.now() - tGap > 8000)
          log(
            `  slow round ${rounds} (${((Date.now() - tGap) / 1000).toFixed(1)} s: held ${((tCheck - tInject) / 1000).toFixed(1)} s, ${fullNow ? "full" : "incremental"} check ${((Date.now() - tCheck) / 1000).toFixed(1)} s): ${what}`,
          );
        phases.rounds = rounds;
      }
    faultPhaseMs = Date.now() - tFaults;
    cover.end = Date.now();
    row("final").count++;
    const notConverged = await converged();
    for (const v of notConverged) {
      violations.push({ ...v, after: "the end" });
      log(`  VIOLATION after the end: [${v.invariant}] ${v.storeId} ${v.detail}`);
    }
    row("final").violations += notConverged.length;
    await check("the end", () => "final");
    log(
      `faults: ${stores.reduce((n, s) => n + s.lane.committed.size, 0)} sales, ${vouchersCount(hqDb)} voucher(s) checked`,
    );
  } finally {
    running = false;
    await Promise.all(sellers);
    // The processes' last output beside the data, for a failed run.
    if (hub) writeFileSync(join(dir, "hub.log"), hub.log());
    for (const s of stores) if (s.edge) writeFileSync(join(dir, `${s.id}.log`), s.edge.log());
    for (const s of stores) {
      await stopGently(s.edge);
      s.proxy.close();
    }
    await stopGently(hub);
    if (broker && broker.proc.exitCode === null) {
      broker.proc.kill("SIGTERM");
      await broker.proc.exited;
    }
    for (const v of volumes.values()) v.unmount();
    if (!o.keepDir && violations.length === 0) rmSync(dir, { recursive: true, force: true });
  }
  const order: Row["fault"][] = [...FAULT_CLASSES, "final"];
  const replay = [
    ...Object.entries(o.env ?? {}).map(([k, v]) => `${k}=${v}`),
    `npm run faults -- --seed ${o.seed} --faults ${o.faults} --stores ${o.stores}`,
    ...(o.only?.length ? [`--only ${o.only.join(",")}`] : []),
    ...(mode !== "embedded" ? [`--broker ${mode}`] : []),
    ...(o.brokerPersistence === false ? ["--no-broker-persistence"] : []),
    ...(o.powerCutKeepsPrefix === false ? ["--power-cut-drop-all"] : []),
    ...(o.parallel === false ? ["--one-at-a-time"] : []),
    ...(o.fast && !o.mix ? ["--fast"] : []),
    ...(o.mix ? [`--expensive-share ${o.mix.expensiveShare}`, `--full-every ${o.fullEvery ?? 200}`] : []),
    ...(o.plants && Object.keys(o.plants).length
      ? [
          `--plant ${Object.entries(o.plants)
            .map(([k, v]) => `${k}=${v}`)
            .join(",")}`,
        ]
      : []),
  ].join(" ");
  return {
    seed: o.seed,
    replay,
    rows: order.flatMap((f) => (rows.has(f) ? [rows.get(f)!] : [])),
    violations,
    known,
    sales: stores.reduce((n, s) => n + s.lane.committed.size, 0),
    elapsedMs: Date.now() - t0,
    dir,
    skipped,
    storageFull,
    phases,
    injected,
    planned: o.faults,
    notInjected,
    faultsPerMin: faultPhaseMs ? (injected / faultPhaseMs) * 60_000 : 0,
    ...(cover.at && injected > cover.injected
      ? {
          afterCover: {
            faults: injected - cover.injected,
            perMin: ((injected - cover.injected) / Math.max(1, cover.end - cover.at)) * 60_000,
          },
        }
      : {}),
  };
}

/** The table: fault class x count x violations, and the seed that replays the run. */
export function formatReport(r: Report): string {
  const lines = [
    `seed ${r.seed} (replay: ${r.replay})`,
    "| fault class | injected | share | violations | known findings |",
    "|---|---:|---:|---:|---:|",
    ...r.rows.map(
      (x) =>
        `| ${x.fault} | ${x.count} | ${x.fault === "final" ? "" : `${((x.count / Math.max(1, r.injected)) * 100).toFixed(1)} %`} | ${x.violations} | ${x.known} |`,
    ),
    `${r.injected} fault(s) injected${r.injected < r.planned ? ` of ${r.planned} planned (time limit)` : ""}, ${r.faultsPerMin.toFixed(1)} faults/min after setup${r.afterCover ? ` (${r.afterCover.perMin.toFixed(1)}/min for the ${r.afterCover.faults} after the first cover of every class)` : ""}; ${r.sales} sales committed at the edges, ${r.violations.length} violation(s), ${(r.elapsedMs / 1000).toFixed(0)} s`,
  ];
  const knownKinds = new Map<string, number>();
  for (const k of r.known) knownKinds.set(k.invariant, (knownKinds.get(k.invariant) ?? 0) + 1);
  for (const [inv, n] of knownKinds)
    lines.push(
      `known finding (not counted): [${inv}] x${n}: ${r.known.find((k) => k.invariant === inv)?.known}`,
    );
  const p = r.phases;
  lines.push(
    `time: setup ${(p.setupMs / 1000).toFixed(0)} s, ${p.rounds} round(s): traffic between ${(p.gapMs / 1000).toFixed(0)} s, faults held ${(p.injectMs / 1000).toFixed(0)} s, drain + checks ${(p.checkMs / 1000).toFixed(0)} s (${p.fullChecks} full, ${p.incrementalChecks} incremental); ${r.storageFull} storage_full refusal(s)`,
  );
  if (p.storesChecked)
    lines.push(
      `batched incremental checks: ${p.incrementalChecks} pass(es), ${(p.storesChecked / Math.max(1, p.incrementalChecks)).toFixed(1)} store(s) a pass`,
    );
  const by = Object.entries(p.byClass).sort(([, a], [, b]) => b.ms - a.ms);
  if (by.length)
    lines.push(
      `time per fault by class (avg / max s): ${by.map(([c, x]) => `${c} ${(x.ms / x.n / 1000).toFixed(1)}/${(x.maxMs / 1000).toFixed(1)}`).join(", ")}`,
    );
  if (r.notInjected.length)
    lines.push(
      `${r.notInjected.length} fault(s) not injected (not counted): ${r.notInjected.slice(0, 5).join("; ")}`,
    );
  for (const [c, why] of Object.entries(r.skipped)) lines.push(`skipped: ${c}: ${why}`);
  if (r.violations.length) lines.push(`FAILED with seed ${r.seed}; data kept in ${r.dir}`);
  return lines.join("\n");
}
