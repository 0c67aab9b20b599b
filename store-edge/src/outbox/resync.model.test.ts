// Model-based test of the seq contract between edge databases and HQ (protocol/src/resync.ts):
// random interleavings of selling, delivering (acked or with the ack lost), restarts, nightly
// backups, a backup put back, a fresh database (a replaced mini-PC) and reconnects with the
// hello/welcome handshake, driving the real Outbox and EdgeResync over real edge.db files.
// HQ is a plain model of the hub's ingest rules (an event is applied once by id; a seq already
// holding another event is a conflict and is not counted; the seqs a re-based edge will never
// send are listed as lost). The reference: every event any edge database created is at HQ at
// most once; after a reconnect and a full drain, every event of the live database is there, no
// conflict ever happened, HQ's head is its highest seq, and the edge's ack is its last seq.
// FC_RUNS sets the number of runs (default 25; a long run: FC_RUNS=500).
import { Database } from "bun:sqlite";
import { afterAll, expect, setDefaultTimeout, test } from "bun:test";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { type EdgeHello, type EdgeWelcome, planResync, uuidv7 } from "@retail/protocol";
import fc from "fast-check";
import { EdgeDb } from "../db.ts";
import { tempDir } from "../testing/fixtures.ts";
import { Outbox } from "./outbox.ts";
import { EdgeResync } from "./resync.ts";

setDefaultTimeout(600_000);
const RUNS = Number(process.env.FC_RUNS ?? 25);

/** The hub's ingest and hello rules over plain maps (hq-hub/src/ingest/ingest.ts, resync.ts). */
class ModelHq {
  readonly bySeq = new Map<number, string>();
  readonly byId = new Map<string, number>();
  /** Seqs counted as received: applied, a duplicate's, or listed as lost. */
  readonly counted = new Set<number>();
  conflicts = 0;
  lost = 0;

  head(): number {
    let h = 0;
    while (this.counted.has(h + 1)) h++;
    return h;
  }
  max(): number {
    let m = 0;
    for (const s of this.counted) if (s > m) m = s;
    return m;
  }
  ingest(seq: number, id: string): void {
    if (this.byId.has(id)) {
      this.counted.add(seq);
      return;
    }
    if (this.bySeq.has(seq)) {
      this.conflicts++;
      return;
    }
    this.bySeq.set(seq, id);
    this.byId.set(id, seq);
    this.counted.add(seq);
  }
  welcome(h: EdgeHello): EdgeWelcome {
    const max = this.max();
    const boots = h.boots.map((b) => {
      const at = this.bySeq.get(b.firstSeq);
      return at === undefined ? "none" : at === b.eventId ? "same" : "other";
    }) as EdgeWelcome["boots"];
    const plan = planResync({
      ackedUpTo: h.ackedUpTo,
      lastSeq: h.lastSeq,
      boots: h.boots.map((b, i) => ({ firstSeq: b.firstSeq, held: boots[i]! })),
      hqMaxSeq: max,
    });
    if (plan.shift > 0)
      for (let s = plan.newFrom; s <= max; s++)
        if (!this.counted.has(s)) {
          this.counted.add(s);
          this.lost++;
        }
    return { helloId: h.helloId, instanceId: h.instanceId, headSeq: this.head(), maxSeq: max, boots };
  }
}

/** The live edge database and what the test world around it holds. */
class World {
  readonly hq = new ModelHq();
  readonly dir = tempDir("resync-model-");
  path = join(this.dir, "live", "edge.db");
  db!: EdgeDb;
  outbox!: Outbox;
  resync!: EdgeResync;
  /** The handshake of this connection is done: events and acks flow. */
  connected = false;
  backups: string[] = [];
  /** Every event id any database created (the reference: none may reach HQ twice). */
  readonly created = new Set<string>();
  private files = 0;

  constructor() {
    this.open();
  }
  open() {
    this.db = new EdgeDb(this.path);
    // A power cut is not modelled here: no fsync per event keeps hundreds of runs cheap.
    this.db.raw.exec("PRAGMA synchronous = OFF");
    this.outbox = new Outbox(this.db, () => "S001");
    this.resync = new EdgeResync(this.db, this.outbox, () => Date.now());
    this.connected = false;
  }
  close() {
    this.db.close();
  }
  /** A database file somewhere else becomes the live one (a backup put back, a new disk). */
  swapTo(file: string | undefined) {
    this.close();
    this.path = join(this.dir, `db${++this.files}`, "edge.db");
    if (file) {
      const src = new Database(file, { readonly: true });
      new EdgeDb(this.path).close(); // creates the directory
      rmSync(this.path, { force: true });
      src.exec(`VACUUM INTO '${this.path}'`);
      src.close();
    }
    this.open();
  }
  sell(n: number) {
    for (let i = 0; i < n; i++)
      this.db.write(() => {
        const at = new Date().toISOString();
        const seq = this.outbox.append(
          "audit.recorded",
          { auditId: uuidv7(), action: "no_sale", laneId: "1", cashierId: "1001", detail: "model", at },
          at,
        );
        this.created.add(this.outbox.range(seq, seq, 1)[0]!.id);
      });
  }
  connect() {
    const hello = this.resync.hello();
    this.resync.welcome(hello, this.hq.welcome(hello));
    this.connected = true;
  }
  /** Sends up to `n` unacked events; HQ acks after its commit unless the ack is lost. */
  deliver(n: number, ackLost: boolean, skip = 0) {
    if (!this.connected) return;
    // `skip`: the first messages were lost on the way (a broker that dropped its queue).
    for (const r of this.outbox.pending(this.outbox.ackedUpTo + 1, n).slice(skip)) {
      const env = JSON.parse(r.envelope) as { seq: number; id: string };
      expect(env.seq).toBe(r.seq); // the envelope carries the row's (re-based) seq
      this.hq.ingest(env.seq, env.id);
    }
    if (!ackLost) this.outbox.acknowledge(this.hq.head());
  }
  check() {
    expect(this.hq.conflicts).toBe(0);
    // HQ never holds an event under two seqs, nor anything no database created.
    for (const [id] of this.hq.byId) expect(this.created.has(id)).toBe(true);
    expect(this.hq.byId.size).toBe(this.hq.bySeq.size);
  }
  /** Reconnect and drain everything: the live database's events are all at HQ. */
  settle() {
    this.connect();
    for (let guard = 0; this.outbox.ackedUpTo < this.outbox.lastSeq && guard < 100; guard++)
      this.deliver(5000, false);
    this.check();
    expect(this.outbox.ackedUpTo).toBe(this.outbox.lastSeq);
    expect(this.hq.head()).toBe(this.hq.max());
    for (const r of this.outbox.range(1, this.outbox.lastSeq, 1_000_000))
      expect(this.hq.byId.has(r.id)).toBe(true);
  }
}

type Cmd = fc.Command<object, World>;
const cmd = (name: string, run: (w: World) => void): Cmd => ({
  check: () => true,
  run: (_m, w) => {
    run(w);
    w.check();
  },
  toString: () => name,
});

const sell = fc.integer({ min: 1, max: 6 }).map((n) => cmd(`sell(${n})`, (w) => w.sell(n)));
const deliver = fc
  .tuple(fc.integer({ min: 1, max: 8 }), fc.boolean())
  .map(([n, lost]) => cmd(`deliver(${n}${lost ? ", ack lost" : ""})`, (w) => w.deliver(n, lost)));
const commands = [
  // Selling and delivering happen far more often than anything else.
  sell,
  sell,
  deliver,
  deliver,
  fc
    .integer({ min: 1, max: 3 })
    .map((k) => cmd(`deliver(8, first ${k} lost)`, (w) => w.deliver(8, false, k))),
  fc.constant(cmd("connect", (w) => w.connect())),
  fc.constant(
    cmd("disconnect", (w) => {
      w.connected = false;
    }),
  ),
  fc.constant(
    cmd("restart", (w) => {
      w.close();
      w.open();
    }),
  ),
  fc.constant(
    cmd("backup", (w) => {
      const file = join(w.dir, `backup${w.backups.length}.db`);
      w.db.raw.exec(`VACUUM INTO '${file}'`);
      w.backups.push(file);
    }),
  ),
  fc.nat().map((i) =>
    cmd(`restore(${i})`, (w) => {
      if (w.backups.length) w.swapTo(w.backups[i % w.backups.length]);
    }),
  ),
  fc.constant(cmd("fresh database", (w) => w.swapTo(undefined))),
];

/** The two cases, always run first (then the random ones). */
const fixed = (name: string, run: (w: World) => void) => cmd(name, run);
const CASES: Cmd[][] = [
  // A day-old backup put back while HQ holds later seqs; it sells before it reconnects.
  [
    fixed("sell(3)", (w) => w.sell(3)),
    fixed("connect", (w) => w.connect()),
    fixed("deliver(8)", (w) => w.deliver(8, false)),
    fixed("backup", (w) => {
      const file = join(w.dir, "backup-fixed.db");
      w.db.raw.exec(`VACUUM INTO '${file}'`);
      w.backups.push(file);
    }),
    fixed("sell(4)", (w) => w.sell(4)),
    fixed("deliver(8)", (w) => w.deliver(8, false)),
    fixed("restore(0)", (w) => w.swapTo(w.backups[0])),
    fixed("sell(2)", (w) => w.sell(2)),
  ],
  // HQ missed the lost database's first event after the backup (a message lost), but holds the
  // ones after it: nothing at the restored copy's first new seq does not make that seq free.
  [
    fixed("sell(3)", (w) => w.sell(3)),
    fixed("connect", (w) => w.connect()),
    fixed("deliver(8)", (w) => w.deliver(8, false)),
    fixed("backup", (w) => {
      const file = join(w.dir, "backup-gap.db");
      w.db.raw.exec(`VACUUM INTO '${file}'`);
      w.backups.push(file);
    }),
    fixed("sell(3)", (w) => w.sell(3)),
    fixed("deliver(8, first 1 lost)", (w) => w.deliver(8, false, 1)),
    fixed("restore(0)", (w) => w.swapTo(w.backups[0])),
    fixed("sell(3)", (w) => w.sell(3)),
  ],
  // A fresh database (re-enrolled, replaced mini-PC) that sold before it first connected.
  [
    fixed("sell(5)", (w) => w.sell(5)),
    fixed("connect", (w) => w.connect()),
    fixed("deliver(8)", (w) => w.deliver(8, false)),
    fixed("fresh database", (w) => w.swapTo(undefined)),
    fixed("sell(2)", (w) => w.sell(2)),
  ],
];

const worlds: World[] = [];
afterAll(() => {
  for (const w of worlds) rmSync(w.dir, { recursive: true, force: true });
});

test("seq/epoch contract: restores, fresh databases and reconnects never lose or double an event", () => {
  fc.assert(
    fc.property(fc.commands(commands, { maxCommands: 30 }), (cmds) => {
      const w = new World();
      worlds.push(w);
      try {
        fc.modelRun(() => ({ model: {}, real: w }), cmds);
        w.settle();
      } finally {
        w.close();
      }
    }),
    { numRuns: RUNS, examples: CASES.map((c): [Iterable<Cmd>] => [c]) },
  );
});

test("the plain plan: a restored copy's new events move above HQ's seqs; in step moves nothing", () => {
  // Restored copy acked to 10, sold 11..14 after the restore (a new run from 11); HQ holds 1..20.
  expect(
    planResync({ ackedUpTo: 10, lastSeq: 14, boots: [{ firstSeq: 11, held: "other" }], hqMaxSeq: 20 }),
  ).toEqual({ kind: "diverged", newFrom: 11, shift: 10, floor: 20 });
  // The same copy before it sold: behind, its next event is 21.
  expect(planResync({ ackedUpTo: 10, lastSeq: 10, boots: [], hqMaxSeq: 20 })).toEqual({
    kind: "behind",
    newFrom: 11,
    shift: 10,
    floor: 20,
  });
  // A normal store with unsent events above HQ's: nothing moves.
  expect(
    planResync({ ackedUpTo: 10, lastSeq: 14, boots: [{ firstSeq: 12, held: "none" }], hqMaxSeq: 10 }),
  ).toEqual({ kind: "in_step", newFrom: 12, shift: 0, floor: 10 });
});
