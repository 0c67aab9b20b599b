// The resync handshake (edge.hello -> edge.welcome, docs/sync.md "Restored, replaced and
// re-enrolled edges") as a model-based test: fast-check commands drive HQ's real ingest and
// resync (a libSQL file, in-process) and an edge database that follows store-edge's rules
// (outbox/resync.ts, outbox/outbox.ts: boots, rebase, the welcome's head as an ack; the
// protocol's planResync and applyAck), against a plain model: the set of events that reached HQ.
// Commands: sell, deliver (the ack may be lost), back the database up, restore an older backup,
// a fresh database, a process restart, hellos (said twice, answered in one commit or two, the
// welcome lost), a hub restart (its in-memory seq state gone). After every command HQ holds
// exactly the events that reached it, each once, nothing held as a conflict or dead-lettered; at
// the end, after a hello and deliveries, every event of the database in use is at HQ and
// delivered. Runs: RESYNC_MODEL_RUNS (default 30); RESYNC_MODEL_SEED (+ _PATH) replays one.
import { afterAll, expect, test } from "bun:test";
import {
  type AnyEnvelope,
  applyAck,
  type EdgeHello,
  type EdgeWelcome,
  EventsAckV1,
  isDelivered,
  planResync,
  uuidv7,
} from "@retail/protocol";
import fc from "fast-check";
import { migrate, openDatabase } from "../db/open.ts";
import { saleEvent, tempDir } from "../test-kit.ts";
import { createIngest } from "./ingest.ts";
import { createResync } from "./resync.ts";

const dir = tempDir("resync-model-");
const db = openDatabase({ dataDir: dir.path });
migrate(db);
afterAll(() => {
  db.close();
  dir.remove();
});

/** What survives in an edge database (a backup copies exactly this). */
interface EdgeDbState {
  instanceId: string;
  events: Map<number, AnyEnvelope>;
  ackedUpTo: number;
  held: number[];
  suspect: number[];
  boots: { firstSeq: number; eventId: string }[];
  floor: number;
}

const copyDb = (d: EdgeDbState): EdgeDbState => ({
  ...d,
  events: new Map(d.events),
  held: [...d.held],
  suspect: [...d.suspect],
  boots: d.boots.map((b) => ({ ...b })),
});
const freshDb = (): EdgeDbState => ({
  instanceId: uuidv7(),
  events: new Map(),
  ackedUpTo: 0,
  held: [],
  suspect: [],
  boots: [],
  floor: 0,
});

/** The edge process over one database: store-edge's rules, no I/O. */
class Edge {
  /** The first event after a (re)start opens a new run (outbox_boots). */
  bootPending = true;
  hello: EdgeHello | undefined;
  welcomed = false;
  attempted = 0;
  constructor(
    readonly storeId: string,
    public d: EdgeDbState,
  ) {}

  get lastSeq() {
    let m = this.d.floor;
    for (const s of this.d.events.keys()) if (s > m) m = s;
    return m;
  }
  restart() {
    this.bootPending = true;
    this.hello = undefined;
    this.welcomed = false;
    this.attempted = this.d.ackedUpTo;
  }
  sell() {
    const env = saleEvent(this.storeId, this.lastSeq + 1, { lines: 1 });
    this.d.events.set(env.seq, env);
    if (this.bootPending) this.d.boots.push({ firstSeq: env.seq, eventId: env.id });
    this.bootPending = false;
  }
  sayHello(): EdgeHello {
    const h = {
      helloId: uuidv7(),
      instanceId: this.d.instanceId,
      lastSeq: this.lastSeq,
      ackedUpTo: this.d.ackedUpTo,
      boots: this.d.boots
        .filter((b) => b.firstSeq > this.d.ackedUpTo)
        .sort((a, b) => a.firstSeq - b.firstSeq),
    };
    this.hello = h;
    this.welcomed = false;
    return h;
  }
  /** outbox/resync.ts welcome: an answer to another hello is ignored. */
  welcome(w: EdgeWelcome) {
    const h = this.hello;
    if (!h || w.helloId !== h.helloId || w.instanceId !== h.instanceId) return;
    const plan = planResync({
      ackedUpTo: h.ackedUpTo,
      lastSeq: h.lastSeq,
      boots: h.boots.map((b, i) => ({ firstSeq: b.firstSeq, held: w.boots[i]! })),
      hqMaxSeq: w.maxSeq,
    });
    if (plan.shift > 0) {
      const moved = new Map<number, AnyEnvelope>();
      for (const [seq, env] of this.d.events)
        moved.set(
          seq >= plan.newFrom ? seq + plan.shift : seq,
          seq >= plan.newFrom ? ({ ...env, seq: seq + plan.shift } as AnyEnvelope) : env,
        );
      this.d.events = moved;
      for (const b of this.d.boots) if (b.firstSeq >= plan.newFrom) b.firstSeq += plan.shift;
    }
    this.d.floor = Math.max(this.d.floor, plan.floor);
    // outbox.acknowledge(headSeq): the cursor only, below the first suspect seq.
    this.ack({
      upToSeq: Math.min(w.headSeq, (this.d.suspect[0] ?? Number.MAX_SAFE_INTEGER) - 1),
      missing: [],
      ...(this.d.held.length
        ? { held: this.d.held.map((seq) => ({ seq, id: this.d.events.get(seq)?.id ?? "" })) }
        : {}),
    });
    this.hello = undefined;
    this.welcomed = true;
    this.attempted = Math.max(this.attempted, this.d.ackedUpTo);
  }
  ack(a: EventsAckV1Type, attemptedUpTo = this.lastSeq) {
    const r = applyAck({ ackedUpTo: this.d.ackedUpTo, held: this.d.held, suspect: this.d.suspect }, a, {
      attemptedUpTo: Math.min(attemptedUpTo, this.lastSeq),
      idAt: (s) => this.d.events.get(s)?.id,
    });
    this.d.ackedUpTo = r.ackedUpTo;
    this.d.held = r.held;
    this.d.suspect = r.suspect;
  }
  /** Everything above the cursor, in one message (after the welcome only). */
  pending(): AnyEnvelope[] {
    if (!this.welcomed) return [];
    return [...this.d.events.entries()]
      .filter(([s]) => s > this.d.ackedUpTo)
      .sort((a, b) => a[0] - b[0])
      .map(([, e]) => e);
  }
}
type EventsAckV1Type = Parameters<typeof applyAck>[1];

interface Real {
  storeId: string;
  edge: Edge;
  backups: EdgeDbState[];
  hub: { ingest: ReturnType<typeof createIngest>; resync: ReturnType<typeof createResync> };
}
/** The plain model: every event id that reached HQ (HQ must hold each exactly once). */
interface Model {
  atHq: Set<string>;
}

const startHub = () => {
  const ingest = createIngest({ db, now: () => new Date() });
  return { ingest, resync: createResync({ db, now: () => new Date(), seq: ingest }) };
};

function hqHolds(storeId: string) {
  const sales = (
    db.prepare("SELECT event_id AS id FROM sales WHERE store_id = ?").all(storeId) as { id: string }[]
  ).map((r) => r.id);
  const n = (sql: string) => (db.prepare(sql).get(storeId) as { n: number }).n;
  return {
    sales,
    conflicts: n("SELECT count(*) AS n FROM conflicts WHERE store_id = ?"),
    deadLetters: n("SELECT count(*) AS n FROM dead_letters WHERE store_id = ?"),
  };
}

function checkInvariant(m: Model, r: Real) {
  const held = hqHolds(r.storeId);
  expect({ conflicts: held.conflicts, deadLetters: held.deadLetters }).toEqual({
    conflicts: 0,
    deadLetters: 0,
  });
  expect(held.sales.length).toBe(new Set(held.sales).size); // never twice
  expect(new Set(held.sales)).toEqual(m.atHq); // exactly what reached it
}

class Step implements fc.Command<Model, Real> {
  constructor(
    readonly label: string,
    readonly fn: (m: Model, r: Real) => void,
  ) {}
  check() {
    return true;
  }
  run(m: Model, r: Real) {
    this.fn(m, r);
    checkInvariant(m, r);
  }
  toString() {
    return this.label;
  }
}

type Loss = "none" | "ack" | "message" | "twice";

/** One message of the edge to HQ: the ack may be lost, the message lost, or arrive twice. */
function deliver(m: Model, r: Real, loss: Loss = "none") {
  const msg = r.edge.pending();
  if (msg.length === 0) return;
  r.edge.attempted = Math.max(r.edge.attempted, msg.at(-1)!.seq);
  if (loss === "message") return; // handed to the broker, lost with the connection
  const send = () =>
    r.hub.ingest.handleBatch(r.storeId, `retail/v1/s/${r.storeId}/up/events`, JSON.stringify(msg));
  let out = send();
  if (loss === "twice") out = send();
  for (const e of msg) m.atHq.add(e.id);
  if (loss !== "ack") r.edge.ack(EventsAckV1.parse(JSON.parse(JSON.stringify(out.ack))), r.edge.attempted);
}

/** Hellos: said once or twice (the first unanswered in time), answered in one commit or two. */
function hellos(r: Real, twice: boolean, oneCommit: boolean, welcomeLost: boolean) {
  const said = [r.edge.sayHello()];
  if (twice) said.push(r.edge.sayHello());
  const answers = oneCommit
    ? r.hub.resync.hellos(said.map((hello) => ({ storeId: r.storeId, hello })))
    : said.flatMap((hello) => r.hub.resync.hellos([{ storeId: r.storeId, hello }]));
  for (const a of answers) {
    if (!("welcome" in a)) throw a.error;
    if (!welcomeLost) r.edge.welcome(a.welcome);
  }
}

const commands = [
  fc.integer({ min: 1, max: 3 }).map(
    (n) =>
      new Step(`sell(${n})`, (_m, r) => {
        for (let i = 0; i < n; i++) r.edge.sell();
      }),
  ),
  fc
    .constantFrom<Loss>("none", "none", "ack", "message", "twice")
    .map((loss) => new Step(`deliver(${loss})`, (m, r) => deliver(m, r, loss))),
  fc.constant(new Step("backup", (_m, r) => r.backups.push(copyDb(r.edge.d)))),
  fc.nat().map(
    (i) =>
      new Step(`restore(${i})`, (_m, r) => {
        if (r.backups.length === 0) return;
        r.edge = new Edge(r.storeId, copyDb(r.backups[i % r.backups.length]!));
        r.edge.restart();
      }),
  ),
  fc.constant(
    new Step("freshDb", (_m, r) => {
      r.edge = new Edge(r.storeId, freshDb());
      r.edge.restart();
    }),
  ),
  fc.constant(new Step("restart", (_m, r) => r.edge.restart())),
  fc
    .record({ twice: fc.boolean(), oneCommit: fc.boolean(), welcomeLost: fc.boolean() })
    .map(
      (o) =>
        new Step(`hello(${JSON.stringify(o)})`, (_m, r) => hellos(r, o.twice, o.oneCommit, o.welcomeLost)),
    ),
  fc.constant(
    new Step("hubRestart", (_m, r) => {
      r.hub = startHub();
    }),
  ),
];

let storeNo = 0;

test("resync handshake model: restored, fresh and restarted edges, duplicate hellos, hub restarts: every event at HQ exactly once", () => {
  fc.assert(
    fc.property(fc.commands(commands, { maxCommands: 60, size: "large" }), (cmds) => {
      const storeId = `M${++storeNo}`;
      const edge = new Edge(storeId, freshDb());
      const real: Real = { storeId, edge, backups: [], hub: startHub() };
      const model: Model = { atHq: new Set() };
      fc.modelRun(() => ({ model, real }), cmds);
      // Heal: the store reconnects and drains; the database in use ends delivered at HQ.
      real.edge.restart();
      hellos(real, false, true, false);
      for (let i = 0; i < 5 && real.edge.pending().length > 0; i++) deliver(model, real);
      checkInvariant(model, real);
      const d = real.edge.d;
      const state = { ackedUpTo: d.ackedUpTo, held: d.held, suspect: d.suspect };
      const undelivered = [...d.events.keys()].filter((s) => !isDelivered(state, s));
      expect(undelivered).toEqual([]);
      for (const e of d.events.values()) expect(model.atHq.has(e.id)).toBe(true);
    }),
    {
      numRuns: Number(process.env.RESYNC_MODEL_RUNS ?? 30),
      ...(process.env.RESYNC_MODEL_SEED
        ? { seed: Number(process.env.RESYNC_MODEL_SEED), path: process.env.RESYNC_MODEL_PATH }
        : {}),
    },
  );
}, 120_000);

test("example: a backup restored after the line went on sells, then says hello: its new sales move above HQ's", () => {
  const storeId = `X${++storeNo}`;
  const real: Real = { storeId, edge: new Edge(storeId, freshDb()), backups: [], hub: startHub() };
  const model: Model = { atHq: new Set() };
  const run = (label: string, fn: (m: Model, r: Real) => void) => new Step(label, fn).run(model, real);
  hellos(real, false, true, false);
  run("sell", (_m, r) => {
    for (let i = 0; i < 3; i++) r.edge.sell();
  });
  run("deliver", (m, r) => deliver(m, r));
  run("backup", (_m, r) => r.backups.push(copyDb(r.edge.d)));
  run("sell", (_m, r) => {
    for (let i = 0; i < 2; i++) r.edge.sell();
  });
  run("deliver", (m, r) => deliver(m, r));
  run("restore", (_m, r) => {
    r.edge = new Edge(r.storeId, copyDb(r.backups[0]!));
    r.edge.restart();
  });
  run("sell", (_m, r) => r.edge.sell());
  run("hello", (_m, r) => hellos(r, false, true, false));
  run("deliver", (m, r) => deliver(m, r));
  expect([...real.edge.d.events.keys()].sort((a, b) => a - b)).toEqual([1, 2, 3, 6]);
  expect(real.edge.d.ackedUpTo).toBe(6);
});

test("example: a fresh database says hello twice across a hub restart; the earlier welcome is ignored, its sales land above HQ's", () => {
  const storeId = `X${++storeNo}`;
  const real: Real = { storeId, edge: new Edge(storeId, freshDb()), backups: [], hub: startHub() };
  const model: Model = { atHq: new Set() };
  const run = (label: string, fn: (m: Model, r: Real) => void) => new Step(label, fn).run(model, real);
  hellos(real, false, true, false);
  run("sell", (_m, r) => {
    for (let i = 0; i < 4; i++) r.edge.sell();
  });
  run("deliver", (m, r) => deliver(m, r, "ack"));
  run("freshDb", (_m, r) => {
    r.edge = new Edge(r.storeId, freshDb());
    r.edge.restart();
  });
  run("sell", (_m, r) => {
    for (let i = 0; i < 2; i++) r.edge.sell();
  });
  const first = real.edge.sayHello();
  const [a1] = real.hub.resync.hellos([{ storeId, hello: first }]);
  run("hubRestart", (_m, r) => {
    r.hub = startHub();
  });
  const second = real.edge.sayHello(); // no welcome in time: said again
  const [a2] = real.hub.resync.hellos([{ storeId, hello: second }]);
  if (!a1 || !("welcome" in a1) || !a2 || !("welcome" in a2)) throw new Error("no welcome");
  real.edge.welcome(a1.welcome); // the answer to the earlier hello: ignored
  expect(real.edge.welcomed).toBe(false);
  real.edge.welcome(a2.welcome);
  expect(a2.welcome).toMatchObject({ headSeq: 4, maxSeq: 4 });
  run("deliver", (m, r) => deliver(m, r));
  expect([...real.edge.d.events.keys()].sort((a, b) => a - b)).toEqual([5, 6]);
  expect(real.edge.d.ackedUpTo).toBe(6);
  expect(hqHolds(storeId).sales.length).toBe(6);
});
