// Model-based test of the rollout contract (docs/sync.md, "Down: catalog change sets"): whatever
// the interleaving of releases (pilot or all, chain / region / store prices, promotions,
// scheduled ones), promotions, rollbacks, member balance syncs, stores offline, restarted or
// cut off mid-version, and snapshot floors, every store runs exactly the fold, in release
// order, of the change sets released to it, and HQ's "applied" for a store means exactly that.
//
// Real code on both sides, in one process: the hub's catalog (createCatalog over a libSQL file,
// the code `hq-hub serve` runs) and one real CatalogReplica per store (its own edge.db), with
// the MQTT hop replaced by direct calls that do what the edge's link does (hq-link.ts: retained
// pointer, catalog.fetch with gzip, stage, apply, catalog.applied). The reference model is a
// plain list of change sets per store and a fold over it.
//
// Short run in CI; a long run: ROLLOUT_MODEL_RUNS=500 ROLLOUT_MODEL_COMMANDS=60 npm test -- tests
import { expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Catalog, createCatalog, createMemberSync, migrate, openDatabase } from "@retail/hq-hub";
import { type CatalogChangeSet, gunzipItems, type Price, type Promotion } from "@retail/protocol";
import { CatalogReplica, EdgeDb, manualClock, nextFetch } from "@retail/store-edge";
import fc from "fast-check";

const RUNS = Number(process.env.ROLLOUT_MODEL_RUNS ?? 30);
const COMMANDS = Number(process.env.ROLLOUT_MODEL_COMMANDS ?? 25);
const T0 = Date.parse("2026-11-25T02:00:00.000Z");
const STORES = [
  { id: "E1", region: "EAST", ring: "pilot" },
  { id: "E2", region: "EAST", ring: "general" },
  { id: "W1", region: "WEST", ring: "pilot" },
  { id: "W2", region: "WEST", ring: "general" },
] as const;
type StoreId = (typeof STORES)[number]["id"];
const SKUS = ["100001", "100002", "100003"];
const PROMOS = ["PA", "PB"];

// ---------------------------------------------------------------------------------------------
// The reference model.

type Scope = "chain" | "region" | "store";
type Edit =
  | { entity: "price"; sku: string; scope: Scope; scopeKey: string; price: number | null }
  | { entity: "promotion"; id: string; price: number | null; skus: string[] };
/** A record as HQ keeps it: the price schedule (one window) or the promotion. */
type Rec = { price: number } | Promotion;
interface ModelChangeset {
  id: number;
  /** entity|key -> the record after it (null: deleted). */
  items: Map<string, Rec | null>;
  /** entity|key -> the record before it (what a rollback restores). */
  prev: Map<string, Rec | null>;
  target: { kind: "all" } | { kind: "region"; regions: string[] };
  pilot: StoreId[];
  state: "pilot" | "released" | "rolled_back";
  effectiveAt?: number;
}
interface Model {
  changesets: ModelChangeset[];
  master: Map<string, Rec | null>;
  logs: Record<StoreId, number[]>;
  online: Record<StoreId, boolean>;
}

const storeOf = (id: StoreId) => STORES.find((s) => s.id === id)!;
const inTarget = (id: StoreId, t: ModelChangeset["target"]) =>
  t.kind === "all" || t.regions.includes(storeOf(id).region);
const priceKey = (sku: string, scope: Scope, scopeKey: string) => `price|${sku}|${scope}|${scopeKey}`;

/** What a store should run at time `at`, having applied the first `upTo` entries of its log. */
function expected(m: Model, id: StoreId, upTo: number, at: number) {
  const s = storeOf(id);
  const mine = (sku: string) => [
    priceKey(sku, "chain", ""),
    priceKey(sku, "region", s.region),
    priceKey(sku, "store", s.id),
  ];
  const schedules = new Map<string, Rec | null>();
  // Per SKU / promotion: the record each entry gave it, and from when it is in force.
  const prices = new Map<string, { rec: Price | undefined; from: number }[]>();
  const promos = new Map<string, { rec: Rec | null; from: number }[]>();
  for (const csId of m.logs[id].slice(0, upTo)) {
    const cs = m.changesets.find((c) => c.id === csId)!;
    const from = cs.effectiveAt ?? Number.NEGATIVE_INFINITY;
    for (const [k, v] of cs.items) schedules.set(k, v);
    for (const sku of SKUS) {
      if (!mine(sku).some((k) => cs.items.has(k))) continue;
      const windows = (["chain", "region", "store"] as const).flatMap((scope, i) => {
        const r = schedules.get(mine(sku)[i]!) as { price: number } | null | undefined;
        return r ? [{ price: r.price, source: scope }] : [];
      });
      const list = prices.get(sku) ?? [];
      list.push({ rec: windows.length ? { sku, windows } : undefined, from });
      prices.set(sku, list);
    }
    for (const p of PROMOS) {
      const k = `promotion|${p}`;
      if (!cs.items.has(k)) continue;
      const list = promos.get(p) ?? [];
      list.push({ rec: cs.items.get(k)!, from });
      promos.set(p, list);
    }
  }
  // In force: the last record given in release order among those whose time has come.
  const inForce = <T>(list: { rec: T; from: number }[] | undefined) =>
    list?.filter((x) => x.from <= at).at(-1)?.rec;
  return {
    prices: Object.fromEntries(SKUS.map((sku) => [sku, inForce(prices.get(sku)) ?? null])),
    promotions: PROMOS.map((p) => inForce(promos.get(p)) ?? null).filter((p) => p !== null) as Promotion[],
  };
}

// ---------------------------------------------------------------------------------------------
// The real system: the hub's catalog and a replica per store, the MQTT hop as direct calls.

interface Edge {
  dir: string;
  db: EdgeDb;
  replica: CatalogReplica;
  online: boolean;
}
interface Real {
  dir: string;
  catalog: Catalog;
  hubDb: ReturnType<typeof openDatabase>;
  syncMembers: ReturnType<typeof createMemberSync>;
  clock: ReturnType<typeof manualClock>;
  edges: Record<StoreId, Edge>;
}

function openEdge(r: Pick<Real, "clock">, dir: string, online: boolean): Edge {
  const db = new EdgeDb(join(dir, "edge.db"));
  return { dir, db, replica: new CatalogReplica(db, r.clock), online };
}

/** What the edge's link does until the store has everything its pointer names. */
function sync(r: Real, id: StoreId, maxSteps = 1000): void {
  const e = r.edges[id];
  for (let step = 0; step < maxSteps; step++) {
    if (e.replica.isComplete()) {
      const a = e.replica.applyStaged();
      if (a) r.catalog.recordApplied(id, a.version, new Date(r.clock.now()).toISOString());
      continue;
    }
    const req = nextFetch(e.replica.applied, e.replica.pointer(), e.replica.target());
    if (!req) return;
    const raw = r.catalog.fetchPage(id, { ...req, accept: ["gzip"] });
    if (!raw) throw new Error(`${id}: HQ answered nothing to ${JSON.stringify(req)}: the store is stuck`);
    const { itemsGzip, ...rest } = JSON.parse(raw.toString("utf8")) as CatalogChangeSet;
    const page = itemsGzip === undefined ? rest : { ...rest, items: gunzipItems(itemsGzip) };
    let verdict = e.replica.stage(page);
    if (!verdict.stage && e.replica.target()) {
      e.replica.clearStaging();
      verdict = e.replica.stage(page);
    }
    if (!verdict.stage) throw new Error(`${id}: page refused (${verdict.reason}): the store is stuck`);
  }
  if (maxSteps === 1000) throw new Error(`${id}: still fetching after ${maxSteps} steps`);
}

function settle(r: Real) {
  for (const s of STORES) {
    r.edges[s.id].replica.promoteDue();
    if (r.edges[s.id].online) sync(r, s.id);
  }
}

function check(m: Model, r: Real) {
  const at = r.clock.now();
  for (const s of STORES) {
    const e = r.edges[s.id];
    const log = r.catalog.logOf(s.id);
    // HQ's log of the store is the model's: the change sets released to it, in release order.
    expect({ store: s.id, log: log.map((x) => x.changesetId) }).toEqual({ store: s.id, log: m.logs[s.id] });
    const applied = e.replica.applied;
    const upTo = log.filter((x) => x.position <= applied).length;
    if (e.online) expect({ store: s.id, upTo }).toEqual({ store: s.id, upTo: log.length });
    const want = expected(m, s.id, upTo, at);
    const lookup = e.replica.lookup;
    const got = {
      prices: Object.fromEntries(SKUS.map((sku) => [sku, lookup.prices.get(sku) ?? null])),
      promotions: lookup.promotionArray().toSorted((a, b) => (a.id < b.id ? -1 : 1)),
    };
    expect({ store: s.id, at: new Date(at).toISOString(), ...got }).toEqual({
      store: s.id,
      at: new Date(at).toISOString(),
      ...want,
    });
    // HQ's "applied" for the store: exactly the change sets of its log up to what it applied.
    for (const [i, x] of log.entries()) {
      const row = r.catalog.rollout(x.changesetId).stores.find((t) => t.storeId === s.id);
      expect({ store: s.id, changeset: x.changesetId, applied: row?.applied }).toEqual({
        store: s.id,
        changeset: x.changesetId,
        applied: i < upTo,
      });
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Commands.

type Cmd = fc.AsyncCommand<Model, Real>;
const ACTOR = "model";

const SCOPES: [Scope, string][] = [
  ["chain", ""],
  ["region", "EAST"],
  ["region", "WEST"],
  ["store", "E1"],
  ["store", "E2"],
  ["store", "W1"],
  ["store", "W2"],
];
const editArb: fc.Arbitrary<Edit> = fc.oneof(
  fc
    .tuple(
      fc.constantFrom(...SKUS),
      fc.constantFrom(...SCOPES),
      fc.option(
        fc.integer({ min: 1, max: 99 }).map((n) => n * 10),
        { freq: 4 },
      ),
    )
    .map(([sku, [scope, scopeKey], price]) => ({ entity: "price" as const, sku, scope, scopeKey, price })),
  fc.record({
    entity: fc.constant("promotion" as const),
    id: fc.constantFrom(...PROMOS),
    price: fc.option(fc.integer({ min: 1, max: 99 }), { freq: 3 }),
    skus: fc.subarray(SKUS, { minLength: 1 }),
  }),
);

class Release implements Cmd {
  constructor(
    readonly edits: Edit[],
    readonly region: "EAST" | "WEST" | null,
    readonly stage: "pilot" | "all",
    readonly aheadMin: number,
  ) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const target: ModelChangeset["target"] = this.region
      ? { kind: "region", regions: [this.region] }
      : { kind: "all" };
    const effectiveAt = this.aheadMin > 0 ? r.clock.now() + this.aheadMin * 60_000 : undefined;
    const cs = r.catalog.createChangeset(ACTOR, {
      description: "model",
      target,
      ...(effectiveAt ? { effectiveAt: new Date(effectiveAt).toISOString() } : {}),
    });
    const mc: ModelChangeset = {
      id: cs.id,
      items: new Map(),
      prev: new Map(),
      target,
      pilot: [],
      state: "pilot",
    };
    if (effectiveAt) mc.effectiveAt = effectiveAt;
    for (const e of this.edits) {
      const scopeKey = e.entity === "price" ? e.scopeKey : "";
      const key = e.entity === "price" ? priceKey(e.sku, e.scope, scopeKey) : `promotion|${e.id}`;
      const rec: Rec | null =
        e.price === null
          ? null
          : e.entity === "price"
            ? { price: e.price }
            : { id: e.id, kind: "special_price", price: e.price, skus: e.skus };
      if (rec === null && (m.master.get(key) ?? null) === null) continue; // nothing to delete
      if (rec === null) await r.catalog.remove(ACTOR, e.entity, key.slice(key.indexOf("|") + 1), cs.id);
      else if (e.entity === "price")
        await r.catalog.edit(
          ACTOR,
          "price",
          { sku: e.sku, scope: e.scope, ...(scopeKey ? { scopeKey } : {}), windows: [rec] },
          cs.id,
        );
      else await r.catalog.edit(ACTOR, "promotion", rec, cs.id);
      if (!mc.prev.has(key)) mc.prev.set(key, m.master.get(key) ?? null);
      mc.items.set(key, rec);
      m.master.set(key, rec);
    }
    if (mc.items.size === 0) {
      // Nothing in it: HQ refuses to release an empty change set (and the model has none).
      expect(() => r.catalog.release(ACTOR, cs.id, this.stage)).toThrow("empty");
      return;
    }
    r.catalog.release(ACTOR, cs.id, this.stage);
    mc.state = this.stage === "all" ? "released" : "pilot";
    mc.pilot = STORES.filter((s) => s.ring === "pilot" && inTarget(s.id, target)).map((s) => s.id);
    m.changesets.push(mc);
    for (const s of STORES)
      if (inTarget(s.id, target) && (this.stage === "all" || mc.pilot.includes(s.id)))
        m.logs[s.id].push(mc.id);
    settle(r);
    check(m, r);
  }
  toString = () =>
    `release(${this.stage}${this.region ? ` ${this.region}` : ""}${this.aheadMin ? ` +${this.aheadMin}min` : ""}: ${JSON.stringify(this.edits)})`;
}

class Promote implements Cmd {
  constructor(readonly pick: number) {}
  check = (m: Readonly<Model>) => m.changesets.some((c) => c.state === "pilot");
  async run(m: Model, r: Real) {
    const pilots = m.changesets.filter((c) => c.state === "pilot");
    const cs = pilots[this.pick % pilots.length]!;
    r.catalog.promote(ACTOR, cs.id);
    cs.state = "released";
    for (const s of STORES)
      if (inTarget(s.id, cs.target) && !m.logs[s.id].includes(cs.id)) m.logs[s.id].push(cs.id);
    settle(r);
    check(m, r);
  }
  toString = () => `promote(${this.pick})`;
}

class Rollback implements Cmd {
  constructor(readonly pick: number) {}
  // Not the base catalog (its products are what every edit names).
  check = (m: Readonly<Model>) => m.changesets.slice(1).some((c) => c.state !== "rolled_back");
  async run(m: Model, r: Real) {
    const live = m.changesets.slice(1).filter((c) => c.state !== "rolled_back");
    const cs = live[this.pick % live.length]!;
    let comp: number;
    try {
      comp = r.catalog.rollback(ACTOR, cs.id).compensation.id;
    } catch (e) {
      // Refused: a later change set changed the same records (named in the error).
      expect((e as Error).message).toContain("later change sets changed the same records");
      return;
    }
    const mc: ModelChangeset = {
      id: comp,
      items: new Map(cs.prev),
      prev: new Map([...cs.prev.keys()].map((k) => [k, m.master.get(k) ?? null])),
      target: cs.target,
      pilot: cs.pilot,
      state: cs.state,
    };
    for (const [k, v] of cs.prev) m.master.set(k, v);
    cs.state = "rolled_back";
    m.changesets.push(mc);
    for (const s of STORES) if (m.logs[s.id].includes(cs.id)) m.logs[s.id].push(comp);
    settle(r);
    check(m, r);
  }
  toString = () => `rollback(${this.pick})`;
}

class MemberSync implements Cmd {
  check = () => true;
  async run(m: Model, r: Real) {
    // A member bought something: ingest marked the balance dirty.
    r.hubDb.prepare("UPDATE members SET points = points + 1, dirty = 1 WHERE id = 'M1'").run();
    const out = r.syncMembers("system");
    if (!out) throw new Error("member sync sent nothing");
    m.changesets.push({
      id: out.changesetId,
      items: new Map(),
      prev: new Map(),
      target: { kind: "all" },
      pilot: [],
      state: "released",
    });
    for (const s of STORES) m.logs[s.id].push(out.changesetId);
    settle(r);
    check(m, r);
  }
  toString = () => "memberSync";
}

class Connection implements Cmd {
  constructor(
    readonly store: StoreId,
    readonly online: boolean,
    readonly partialPages: number,
  ) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const e = r.edges[this.store];
    if (this.online) {
      e.online = true;
      // On (re)connect the retained pointer arrives, and the link follows it.
      e.replica.setPointer(r.catalog.pointerOf(this.store));
      if (this.partialPages > 0) {
        // Cut off again after a few pages: part of a version staged, nothing half applied.
        sync(r, this.store, this.partialPages);
        e.online = false;
      }
    } else e.online = false;
    m.online[this.store] = e.online;
    settle(r);
    check(m, r);
  }
  toString = () =>
    `${this.store} ${this.online ? (this.partialPages ? `online for ${this.partialPages} steps` : "online") : "offline"}`;
}

class Restart implements Cmd {
  constructor(readonly store: StoreId) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const e = r.edges[this.store];
    await e.replica.close();
    e.db.close();
    r.edges[this.store] = openEdge(r, e.dir, e.online);
    if (e.online) r.edges[this.store].replica.setPointer(r.catalog.pointerOf(this.store));
    settle(r);
    check(m, r);
  }
  toString = () => `${this.store} restart`;
}

class SnapshotFloor implements Cmd {
  check = () => true;
  async run(m: Model, r: Real) {
    r.catalog.raiseSnapshotFloor();
    settle(r);
    check(m, r);
  }
  toString = () => "raise snapshot floor";
}

class Clock implements Cmd {
  constructor(readonly minutes: number) {}
  check = () => true;
  async run(m: Model, r: Real) {
    r.clock.advance(this.minutes * 60_000);
    settle(r);
    check(m, r);
  }
  toString = () => `+${this.minutes} min`;
}

const storeArb = fc.constantFrom<StoreId>("E1", "E2", "W1", "W2");
const commands = [
  fc
    .tuple(
      fc.array(editArb, { minLength: 1, maxLength: 4 }),
      fc.constantFrom<"EAST" | "WEST" | null>(null, null, "EAST", "WEST"),
      fc.constantFrom<"pilot" | "all">("pilot", "pilot", "all"),
      fc.constantFrom(0, 0, 0, 30, 90),
    )
    .map(([e, g, s, a]) => new Release(e, g, s, a)),
  fc.nat().map((n) => new Promote(n)),
  fc.nat().map((n) => new Rollback(n)),
  fc.constant(new MemberSync()),
  fc
    .tuple(storeArb, fc.boolean(), fc.constantFrom(0, 0, 1, 2, 3))
    .map(([s, o, p]) => new Connection(s, o, p)),
  storeArb.map((s) => new Restart(s)),
  fc.constant(new SnapshotFloor()),
  // Minutes, or a store's days offline (with Connection) while the clock runs on.
  fc.oneof(fc.integer({ min: 10, max: 120 }), fc.constantFrom(1440, 3 * 1440)).map((n) => new Clock(n)),
];

async function world(): Promise<{ model: Model; real: Real }> {
  // Real libSQL files, on tmpfs where there is one: the contract, not the disk's fsync, is tested.
  const dir = mkdtempSync(join(existsSync("/dev/shm") ? "/dev/shm" : tmpdir(), "rollout-model-"));
  const clock = manualClock(T0);
  const now = () => new Date(clock.now());
  const hubDb = openDatabase({ dataDir: join(dir, "hub") });
  migrate(hubDb, now);
  for (const s of STORES)
    hubDb
      .prepare(
        "INSERT INTO stores (id, name, region, ring, enrollment_state, created_at) VALUES (?, ?, ?, ?, 'enrolled', ?)",
      )
      .run(s.id, s.id, s.region, s.ring, now().toISOString());
  const real = { dir, hubDb, clock, edges: {} as Record<StoreId, Edge> } as Real;
  real.catalog = createCatalog({
    db: hubDb,
    now,
    // The retained pointer reaches a store that is online now, or when it reconnects.
    publishPointer: (id, p) => {
      const e = real.edges[id as StoreId];
      if (e?.online) e.replica.setPointer(p);
    },
  });
  real.syncMembers = createMemberSync(hubDb, real.catalog);
  // The catalog every store starts from: products, chain prices, a member, released to all.
  const base = real.catalog.createChangeset(ACTOR, { description: "base", target: { kind: "all" } });
  for (const [i, sku] of SKUS.entries()) {
    await real.catalog.edit(
      ACTOR,
      "product",
      { sku, name: `商品${i}`, category: ["10"], unit: "EA", taxRate: 13, weighed: false, status: "active" },
      base.id,
    );
    await real.catalog.edit(
      ACTOR,
      "price",
      { sku, scope: "chain", windows: [{ price: 100 * (i + 1) }] },
      base.id,
    );
  }
  await real.catalog.edit(
    ACTOR,
    "member",
    { id: "M1", phone: "13800138000", tier: "gold", points: 0, status: "active" },
    base.id,
  );
  real.catalog.release(ACTOR, base.id, "all");
  const model: Model = {
    changesets: [
      {
        id: base.id,
        items: new Map(SKUS.map((sku, i) => [priceKey(sku, "chain", ""), { price: 100 * (i + 1) }])),
        prev: new Map(SKUS.map((sku) => [priceKey(sku, "chain", ""), null])),
        target: { kind: "all" },
        pilot: [],
        state: "released",
      },
    ],
    master: new Map(SKUS.map((sku, i) => [priceKey(sku, "chain", ""), { price: 100 * (i + 1) }])),
    logs: { E1: [base.id], E2: [base.id], W1: [base.id], W2: [base.id] },
    online: { E1: true, E2: true, W1: true, W2: true },
  };
  for (const s of STORES) {
    real.edges[s.id] = openEdge(real, join(dir, s.id), true);
    real.edges[s.id].replica.setPointer(real.catalog.pointerOf(s.id));
  }
  settle(real);
  check(model, real);
  return { model, real };
}

async function dispose(r: Real) {
  for (const s of STORES) {
    await r.edges[s.id].replica.close();
    r.edges[s.id].db.close();
  }
  r.hubDb.close();
  rmSync(r.dir, { recursive: true, force: true });
}

test(`rollout model: ${RUNS} random interleavings of up to ${COMMANDS} steps, every store runs the fold of its release log`, async () => {
  await fc.assert(
    fc.asyncProperty(fc.commands(commands, { maxCommands: COMMANDS }), async (cmds) => {
      const w = await world();
      try {
        await fc.asyncModelRun(() => w, cmds);
      } finally {
        await dispose(w.real);
      }
    }),
    {
      numRuns: RUNS,
      ...(process.env.ROLLOUT_MODEL_SEED ? { seed: Number(process.env.ROLLOUT_MODEL_SEED) } : {}),
    },
  );
}, 600_000);
