// Model-based test of the coupon lifecycle (fast-check commands): HQ issues one-time coupons
// (some for a member), change sets distribute them (and "redeemed") to stores, stores redeem
// at random while on or off line, and sync their sales into HQ's real ingest, in any order.
// Each store is a till over what it fetched from HQ's released change sets, deciding with the
// protocol's couponRefusal (the edge's rule); HQ is the real catalog, ingest and coupons module
// on a real database. The reference model is plain sets and maps. After every command: the
// till's verdict is the model's; HQ holds every synced use exactly once, the first use of a
// coupon spends it (HQ's record says redeemed once synced), each later use by another sale is
// one conflict. COUPON_MODEL_RUNS=n runs longer (default 40).
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { type AnyEnvelope, type Coupon, couponRefusal, upTopic } from "@retail/protocol";
import fc from "fast-check";
import { createIngest } from "../ingest/ingest.ts";
import { saleEvent, startTestHub } from "../test-kit.ts";

setDefaultTimeout(300_000);
const RUNS = Number(process.env.COUPON_MODEL_RUNS ?? 40);
const STORES = 3;

let hub: Awaited<ReturnType<typeof startTestHub>>;
let ingest: ReturnType<typeof createIngest>;
let runNo = 0;

beforeAll(async () => {
  hub = await startTestHub();
  ingest = createIngest({ db: hub.db, now: () => new Date() });
  const cs = hub.catalog.createChangeset("test", { target: { kind: "all" } });
  await hub.catalog.edit(
    "test",
    "promotion",
    { id: "P-M", kind: "threshold", min: 100, off: 10, couponCode: "GATE" },
    cs.id,
  );
  await hub.catalog.edit(
    "test",
    "member",
    { id: "M1", phone: "13800138000", tier: "gold", points: 0, status: "active" },
    cs.id,
  );
  hub.catalog.release("test", cs.id, "all");
});
afterAll(async () => {
  await hub.cleanup();
});

interface Model {
  issued: { code: string; member?: string }[];
  /** What each store was told by its last distribution: issued codes and spent ones. */
  known: Set<string>[];
  spentKnown: Set<string>[];
  /** Codes each store spent itself. */
  usedHere: Set<string>[];
  /** Sales not synced yet per store: the code of each. */
  pending: string[][];
  /** HQ: the first synced use per code (store), uses and conflicts so far. */
  first: Map<string, number>;
  uses: number;
  conflicts: number;
}

interface Real {
  prefix: string;
  stores: {
    id: string;
    seq: number;
    cursor: number;
    coupons: Map<string, Coupon>;
    usedHere: Set<string>;
    pending: AnyEnvelope[];
  }[];
}

const q = (sql: string, ...a: string[]) => hub.db.prepare(sql).get(...a) as { n: number };

function checkHq(m: Model, r: Real) {
  const like = `${r.prefix}-%`;
  expect(q("SELECT COUNT(*) AS n FROM coupon_redemptions WHERE code LIKE ?", like).n).toBe(m.uses);
  expect(q("SELECT COUNT(*) AS n FROM coupon_conflicts WHERE code LIKE ?", like).n).toBe(m.conflicts);
  for (const [code, store] of m.first) {
    const first = hub.db
      .prepare("SELECT store_id FROM coupon_redemptions WHERE code = ? ORDER BY redeemed_at, rowid LIMIT 1")
      .get(code) as { store_id: string };
    expect(first.store_id).toBe(r.stores[store]!.id);
    expect((hub.catalog.readMaster("coupon", code) as Coupon).status).toBe("redeemed");
  }
  expect(q("SELECT COUNT(*) AS n FROM coupon_redemptions WHERE pushed = 0 AND code LIKE ?", like).n).toBe(0);
}

class Issue implements fc.Command<Model, Real> {
  constructor(
    readonly n: number,
    readonly forMember: boolean,
  ) {}
  check = () => true;
  run(m: Model, r: Real) {
    const codes = Array.from({ length: this.n }, (_, i) => `${r.prefix}-${m.issued.length + i}`);
    const out = hub.coupons.issue("test", {
      promotionId: "P-M",
      codes,
      ...(this.forMember ? { memberIds: codes.map(() => "M1") } : {}),
    });
    expect(out.coupons.map((c) => c.code)).toEqual(codes);
    for (const code of codes) m.issued.push({ code, ...(this.forMember ? { member: "M1" } : {}) });
  }
  toString = () => `issue(${this.n}${this.forMember ? ", M1" : ""})`;
}

class Distribute implements fc.Command<Model, Real> {
  constructor(readonly s: number) {}
  check = () => true;
  run(m: Model, r: Real) {
    // What the store fetches: the coupon items of every change set released since its last fetch.
    const st = r.stores[this.s]!;
    const rows = hub.db
      .prepare(
        `SELECT i.changeset_id AS id, i.data_json AS data FROM changeset_items i JOIN changesets c ON c.id = i.changeset_id
         WHERE c.state = 'released' AND i.entity = 'coupon' AND i.op = 'upsert' AND i.changeset_id > ? ORDER BY c.version, i.key`,
      )
      .all(st.cursor) as { id: number; data: string }[];
    for (const row of rows) {
      const c = JSON.parse(row.data) as Coupon;
      st.coupons.set(c.code, c);
      st.cursor = Math.max(st.cursor, row.id);
    }
    const latest = hub.db
      .prepare("SELECT COALESCE(MAX(id), 0) AS n FROM changesets WHERE state = 'released'")
      .get() as {
      n: number;
    };
    st.cursor = Math.max(st.cursor, latest.n);
    m.known[this.s] = new Set(m.issued.map((c) => c.code));
    m.spentKnown[this.s] = new Set(m.first.keys());
  }
  toString = () => `distribute(S${this.s})`;
}

class Redeem implements fc.Command<Model, Real> {
  constructor(
    readonly s: number,
    readonly pick: number,
    readonly withMember: boolean,
  ) {}
  check = (m: Readonly<Model>) => m.issued.length > 0;
  run(m: Model, r: Real) {
    const c = m.issued[this.pick % m.issued.length]!;
    const st = r.stores[this.s]!;
    // The till's decision over what it holds (store-edge coupons/coupons.ts requireUsable).
    const got = couponRefusal(st.coupons.get(c.code), {
      nowMs: Date.now(),
      ...(this.withMember ? { memberId: "M1" } : {}),
      spentHere: st.usedHere.has(c.code),
    });
    const expected = !m.known[this.s]!.has(c.code)
      ? "unknown"
      : m.spentKnown[this.s]!.has(c.code) || m.usedHere[this.s]!.has(c.code)
        ? "spent"
        : c.member && !this.withMember
          ? "member"
          : undefined;
    expect(got).toBe(expected);
    if (got) return;
    const env = saleEvent(st.id, ++st.seq, {
      lines: 1,
      ...(this.withMember ? { member: { id: "M1", tier: "gold" } } : {}),
    });
    env.payload.coupons = [c.code];
    st.pending.push(env);
    st.usedHere.add(c.code);
    m.usedHere[this.s]!.add(c.code);
    m.pending[this.s]!.push(c.code);
  }
  toString = () => `redeem(S${this.s}, #${this.pick}${this.withMember ? ", M1" : ""})`;
}

class Sync implements fc.Command<Model, Real> {
  constructor(readonly s: number) {}
  check = () => true;
  run(m: Model, r: Real) {
    const st = r.stores[this.s]!;
    if (st.pending.length) {
      const out = ingest.handleBatch(st.id, upTopic(st.id, "events"), JSON.stringify(st.pending));
      expect(out.applied).toBe(st.pending.length);
      // Delivered twice (a lost ack): nothing counts twice.
      ingest.handleBatch(st.id, upTopic(st.id, "events"), JSON.stringify(st.pending));
      st.pending = [];
    }
    hub.coupons.syncSpent("system");
    for (const code of m.pending[this.s]!) {
      m.uses++;
      if (m.first.has(code)) m.conflicts++;
      else m.first.set(code, this.s);
    }
    m.pending[this.s] = [];
    checkHq(m, r);
  }
  toString = () => `sync(S${this.s})`;
}

const store = fc.integer({ min: 0, max: STORES - 1 });
const distribute = store.map((s) => new Distribute(s));
const redeem = fc.tuple(store, fc.nat(4), fc.boolean()).map(([s, p, mem]) => new Redeem(s, p, mem));
// Weighted by repetition: distributions and redemptions often, so that coupons do get used at
// two stores before either hears of the other (the conflict path), and spent ones get refused.
const commands = [
  fc.tuple(fc.integer({ min: 1, max: 3 }), fc.boolean()).map(([n, mem]) => new Issue(n, mem)),
  distribute,
  distribute,
  redeem,
  redeem,
  redeem,
  store.map((s) => new Sync(s)),
];
/** Across all runs: the generator did reach double uses and spent coupons. */
const seen = { conflicts: 0, spent: 0 };

test("coupon lifecycle: issue, distribute, redeem on/off line at random stores, sync, conflicts", () => {
  fc.assert(
    fc.property(fc.commands(commands, { maxCommands: 60, size: "large" }), (cmds) => {
      runNo++;
      const prefix = `R${runNo}`;
      const model: Model = {
        issued: [],
        known: Array.from({ length: STORES }, () => new Set<string>()),
        spentKnown: Array.from({ length: STORES }, () => new Set<string>()),
        usedHere: Array.from({ length: STORES }, () => new Set<string>()),
        pending: Array.from({ length: STORES }, () => []),
        first: new Map(),
        uses: 0,
        conflicts: 0,
      };
      const cursor = (
        hub.db.prepare("SELECT COALESCE(MAX(id), 0) AS n FROM changesets").get() as { n: number }
      ).n;
      const real: Real = {
        prefix,
        stores: Array.from({ length: STORES }, (_, i) => ({
          id: `${prefix}S${i}`,
          seq: 0,
          cursor,
          coupons: new Map(),
          usedHere: new Set(),
          pending: [],
        })),
      };
      fc.modelRun(() => ({ model, real }), cmds);
      // In the end every store syncs: every use is at HQ once, one conflict per extra use.
      for (let s = 0; s < STORES; s++) new Sync(s).run(model, real);
      seen.conflicts += model.conflicts;
      seen.spent += model.first.size;
    }),
    { numRuns: RUNS },
  );
  expect(seen.conflicts).toBeGreaterThan(0);
  expect(seen.spent).toBeGreaterThan(0);
});
