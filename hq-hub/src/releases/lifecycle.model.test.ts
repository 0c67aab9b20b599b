// Model-based test of edge releases through the rings (fast-check commands): random uploads,
// releases to the pilot ring or the chain, promotions, withdrawals and stores reporting a release
// rolled back, against the real service on a real database, beside a plain model (id -> stage,
// which store gave up on which release). After every command: the stages are the model's, a
// refused step is a TransitionError and changes nothing, every store's target is the newest
// release out to its ring, and a stage change offered each online store exactly its target
// (none to a store that runs it or rolled it back). RELEASE_MODEL_RUNS=n runs longer (default 100).
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import type { Payload } from "@retail/protocol";
import fc from "fast-check";
import { migrate, openDatabase, type Sqlite } from "../db/open.ts";
import { TransitionError } from "../lifecycle.ts";
import { tempDir } from "../test-kit.ts";
import type { ReleaseStage } from "./lifecycle.ts";
import { createReleases, type Releases } from "./releases.ts";

setDefaultTimeout(300_000);
const RUNS = Number(process.env.RELEASE_MODEL_RUNS ?? 100);
const STORES = [
  { id: "P1", ring: "pilot" },
  { id: "P2", ring: "pilot" },
  { id: "G1", ring: "general" },
];

interface Model {
  rel: { id: number; version: string; stage: ReleaseStage }[];
  /** storeId -> release ids it reported rolled back. */
  gaveUp: Map<string, Set<number>>;
}
interface Real {
  releases: Releases;
  offers: { storeId: string; offer: Payload<"release.offer"> }[];
}

const dir = tempDir("hq-release-model-");
let db: Sqlite;
let run = 0;

beforeAll(() => {
  db = openDatabase({ dataDir: dir.path });
  migrate(db);
  const at = new Date().toISOString();
  for (const s of STORES) {
    db.prepare(
      "INSERT INTO stores (id, name, region, ring, enrollment_state, created_at) VALUES (?, ?, 'east', ?, 'enrolled', ?)",
    ).run(s.id, s.id, s.ring, at);
    db.prepare(
      `INSERT INTO store_status (store_id, state, app_version, catalog_version, outbox_backlog, last_seq,
         devices_json, status_at, last_seen_at) VALUES (?, 'online', 'factory', 0, 0, 0, '[]', ?, ?)`,
    ).run(s.id, at, at);
  }
});
afterAll(() => {
  db.close();
  dir.remove();
});

function modelTarget(m: Model, ring: string) {
  const out = m.rel.filter((r) => r.stage === "all" || (r.stage === "pilot" && ring === "pilot"));
  return out.length ? out.reduce((a, b) => (b.id > a.id ? b : a)) : undefined;
}

function check(m: Model, r: Real) {
  const listed = r.releases.list();
  expect(listed.map((x) => [x.id, x.stage]).reverse()).toEqual(m.rel.map((x) => [x.id, x.stage]));
  const fleet = r.releases.fleet();
  for (const s of STORES)
    expect(fleet.find((f) => f.storeId === s.id)?.targetVersion).toBe(modelTarget(m, s.ring)?.version);
}

type Cmd = fc.AsyncCommand<Model, Real>;
const stageCmd = (name: string, i: number, event: "pilot" | "all" | "promote" | "withdraw"): Cmd => ({
  check: (m) => m.rel.length > 0,
  async run(m, r) {
    const rel = m.rel[i % m.rel.length]!;
    const from = rel.stage;
    const next: Record<string, Partial<Record<ReleaseStage, ReleaseStage>>> = {
      pilot: { draft: "pilot" },
      all: { draft: "all" },
      promote: { pilot: "all" },
      withdraw: { draft: "withdrawn", pilot: "withdrawn", all: "withdrawn" },
    };
    const to = next[event]![from];
    r.offers.length = 0;
    const act = () =>
      event === "pilot" || event === "all"
        ? r.releases.release("model", rel.id, event)
        : event === "promote"
          ? r.releases.promote("model", rel.id)
          : r.releases.withdraw("model", rel.id);
    if (!to) {
      expect(act).toThrow(TransitionError);
      expect(r.offers).toEqual([]);
    } else {
      expect(act().stage).toBe(to);
      rel.stage = to;
      // Every online store was offered its target, unless it gave up on it (none runs one yet).
      const want = STORES.flatMap((s) => {
        const t = modelTarget(m, s.ring);
        return t && !m.gaveUp.get(s.id)?.has(t.id) ? [[s.id, t.id]] : [];
      });
      expect(r.offers.map((o) => [o.storeId, o.offer.releaseId]).sort()).toEqual(want.sort());
    }
    check(m, r);
  },
  toString: () => `${name}(${i})`,
});

const publish: Cmd = {
  check: () => true,
  async run(m, r) {
    const version = `0.1.${run}-${m.rel.length}`;
    const row = await r.releases.publish("model", version, new Blob([`edge ${version}`]).stream());
    expect(row.stage).toBe("draft");
    m.rel.push({ id: row.id, version, stage: "draft" });
    check(m, r);
  },
  toString: () => "publish",
};

const rolledBack = (storeIx: number, i: number): Cmd => ({
  check: (m) => m.rel.length > 0,
  async run(m, r) {
    const s = STORES[storeIx % STORES.length]!;
    const rel = m.rel[i % m.rel.length]!;
    r.releases.report(s.id, {
      releaseId: rel.id,
      version: rel.version,
      step: "rolled_back",
      runningVersion: "factory",
      reason: "health check failed",
      at: new Date().toISOString(),
    });
    const gave = m.gaveUp.get(s.id) ?? new Set<number>();
    gave.add(rel.id);
    m.gaveUp.set(s.id, gave);
    // Its next status is not answered with the release it rolled back.
    r.offers.length = 0;
    r.releases.onStatus(s.id, { state: "online", appVersion: "factory" });
    const t = modelTarget(m, s.ring);
    if (!t || gave.has(t.id)) expect(r.offers).toEqual([]);
    else expect(r.offers.map((o) => o.offer.releaseId)).toEqual([t.id]);
    check(m, r);
  },
  toString: () => `rolledBack(${storeIx},${i})`,
});

test("releases through the rings against a plain model", async () => {
  const cmds = [
    fc.constant(publish),
    fc.nat(9).map((i) => stageCmd("releasePilot", i, "pilot")),
    fc.nat(9).map((i) => stageCmd("releaseAll", i, "all")),
    fc.nat(9).map((i) => stageCmd("promote", i, "promote")),
    fc.nat(9).map((i) => stageCmd("withdraw", i, "withdraw")),
    fc.tuple(fc.nat(2), fc.nat(9)).map(([s, i]) => rolledBack(s, i)),
  ];
  await fc.assert(
    fc.asyncProperty(fc.commands(cmds, { maxCommands: 25 }), async (commands) => {
      run++;
      db.exec("DELETE FROM releases; DELETE FROM store_updates;");
      const offers: Real["offers"] = [];
      const releases = createReleases({
        db,
        now: () => new Date(),
        dataDir: dir.path,
        send: async (storeId, _type, offer) => void offers.push({ storeId, offer }),
        log: () => {},
        reofferMs: 0,
      });
      await fc.asyncModelRun(
        () => ({ model: { rel: [], gaveUp: new Map() }, real: { releases, offers } }),
        commands,
      );
    }),
    { numRuns: RUNS },
  );
});
