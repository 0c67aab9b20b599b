// Model-based test of the seq/ack contract with conflicts (fast-check commands): HQ's real
// ingest and conflict resolution over a real libSQL file, a store following the protocol's
// delivery rule (applyAck, as the edge's outbox does) over a lossy connection, and a forger
// publishing with the store's credentials. Random interleavings of sales, sends, duplicates,
// resends, connection drops, forged events (ahead of the store, or at seqs HQ already has)
// and resolutions, against a plain reference model of which sales the store made. After every
// step: nothing the store counts delivered is undecided at HQ (nothing held is ever acked),
// and no sale is at HQ twice. After settling (everything sent, every conflict resolved by a
// person who can tell the store's version from the forged one): every real sale at HQ exactly
// once. Runs: MODEL_RUNS (default 25; e.g. MODEL_RUNS=500 for a long run). Replaying a failure
// straight to its shrunk counterexample: MODEL_SEED, MODEL_PATH and MODEL_REPLAY (the seed, the
// path and the replayPath="..." fast-check prints with it).
import { afterAll, expect, setDefaultTimeout, test } from "bun:test";
import {
  type AnyEnvelope,
  applyAck,
  type DeliveryState,
  type EventsAck,
  EventsAckV1,
  isDelivered,
} from "@retail/protocol";
import fc from "fast-check";
import { StateError } from "../errors.ts";
import { saleEvent } from "../test-kit.ts";
import type { ConflictChoice } from "./rules.ts";
import { conflictsTestBed } from "./test-bed.ts";

setDefaultTimeout(600_000);

const { db, ingest, conflicts, close } = conflictsTestBed("conflicts-model-");
afterAll(close);

/** The plain reference: what the store sold and what the forger sent. */
interface Model {
  real: { seq: number; id: string; receiptNo: string }[];
  forgedIds: Set<string>;
}

/** The store (its outbox, delivery state, link cursors) and the wire in both directions. */
interface Sys {
  store: string;
  topic: string;
  outbox: AnyEnvelope[];
  delivery: DeliveryState;
  attempted: number;
  sentUpTo: number;
  toHq: string[];
  toEdge: EventsAck[];
  sent: string[];
  forged: string[];
}

let runs = 0;

function hqProcess(s: Sys, payload: string) {
  const out = ingest.handleBatch(s.store, s.topic, payload);
  // Through JSON and the schema, as the store would read it.
  s.toEdge.push(EventsAckV1.parse(JSON.parse(JSON.stringify(out.ack))));
}

function edgeAck(s: Sys, ack: EventsAck) {
  const out = applyAck(s.delivery, ack, {
    attemptedUpTo: s.attempted,
    idAt: (seq) => s.outbox[seq - 1]?.id,
  });
  if (out.changed) s.delivery = { ackedUpTo: out.ackedUpTo, held: out.held, suspect: out.suspect };
  if (out.resendFrom !== undefined) s.sentUpTo = Math.min(s.sentUpTo, out.resendFrom - 1);
  const gap = ack.missing[0];
  if (gap && gap.from - 1 < s.sentUpTo) s.sentUpTo = Math.max(s.delivery.ackedUpTo, gap.from - 1);
}

function edgeSend(s: Sys, max: number) {
  if (s.sentUpTo < s.delivery.ackedUpTo) s.sentUpTo = s.delivery.ackedUpTo;
  const rows = s.outbox.slice(s.sentUpTo, s.sentUpTo + max);
  if (rows.length === 0) return;
  s.attempted = Math.max(s.attempted, rows[rows.length - 1]!.seq);
  const payload = JSON.stringify(rows);
  s.toHq.push(payload);
  s.sent.push(payload);
  s.sentUpTo = rows[rows.length - 1]!.seq;
}

const hqUpTo = (s: Sys) => ingest.ackFor(s.store).upToSeq;

/** A person who can tell the store's version (its outbox) from a forged one. */
function resolveInformed(s: Sys, m: Model, id: number, pick: number) {
  const c = db.prepare("SELECT event_id FROM conflicts WHERE id = ?").get(id) as { event_id: string };
  const incomingIsReal = m.real.some((r) => r.id === c.event_id);
  const options: ConflictChoice[] = incomingIsReal ? ["take_store", "keep_both"] : ["keep_hq"];
  const choice = options[pick % options.length]!;
  try {
    conflicts.resolve(id, choice, "model");
  } catch (e) {
    // The committed version was replaced by an earlier resolution: keep both instead.
    if (!(e instanceof StateError) || choice !== "take_store") throw e;
    conflicts.resolve(id, "keep_both", "model");
  }
  s.toEdge.push(EventsAckV1.parse(JSON.parse(JSON.stringify(ingest.ackFor(s.store)))));
}

const openConflicts = (s: Sys) =>
  (
    db
      .prepare("SELECT id FROM conflicts WHERE store_id = ? AND status = 'open' ORDER BY id")
      .all(s.store) as {
      id: number;
    }[]
  ).map((r) => r.id);

/** Nothing held is ever acked; no sale twice. */
function checkInvariants(s: Sys, m: Model) {
  for (const r of m.real) {
    if (!isDelivered(s.delivery, r.seq)) continue;
    const inInbox = db.prepare("SELECT 1 FROM inbox WHERE event_id = ? AND seq = ?").get(r.id, r.seq);
    const decided = db
      .prepare("SELECT 1 FROM conflicts WHERE store_id = ? AND event_id = ? AND status NOT IN ('open')")
      .get(s.store, r.id);
    expect({ seq: r.seq, delivered: true, decidedAtHq: !!(inInbox || decided) }).toEqual({
      seq: r.seq,
      delivered: true,
      decidedAtHq: true,
    });
  }
  const twice = db
    .prepare(
      "SELECT receipt_no, COUNT(*) AS n FROM sales WHERE store_id = ? GROUP BY receipt_no HAVING n > 1",
    )
    .all(s.store);
  expect(twice).toEqual([]);
}

type Cmd = fc.Command<Model, Sys>;
const cmd = (name: string, check: (m: Model, s?: Sys) => boolean, run: (m: Model, s: Sys) => void): Cmd => ({
  check: (m) => check(m),
  run: (m, s) => {
    run(m, s);
    checkInvariants(s, m);
  },
  toString: () => name,
});

const always = () => true;
const commands = [
  fc.constant(null).map(() =>
    cmd("sell", always, (m, s) => {
      const env = saleEvent(s.store, s.outbox.length + 1, { lines: 1 + (s.outbox.length % 3) });
      s.outbox.push(env);
      m.real.push({ seq: env.seq, id: env.id, receiptNo: env.payload.receiptNo });
    }),
  ),
  fc.integer({ min: 1, max: 4 }).map((k) => cmd(`send(${k})`, always, (_m, s) => edgeSend(s, k))),
  fc.constant(null).map(() =>
    cmd("hq receives", always, (_m, s) => {
      const p = s.toHq.shift();
      if (p) hqProcess(s, p);
    }),
  ),
  fc.constant(null).map(() =>
    cmd("store reads an ack", always, (_m, s) => {
      const a = s.toEdge.shift();
      if (a) edgeAck(s, a);
    }),
  ),
  fc.constant(null).map(() =>
    cmd(
      "connection drops (everything in flight lost; the store resends above its cursor)",
      always,
      (_m, s) => {
        s.toHq = [];
        s.toEdge = [];
        s.sentUpTo = s.delivery.ackedUpTo;
      },
    ),
  ),
  fc.constant(null).map(() =>
    cmd("ack timeout (resend above the cursor)", always, (_m, s) => {
      s.sentUpTo = s.delivery.ackedUpTo;
    }),
  ),
  fc.nat().map((i) =>
    cmd(`duplicate of an earlier message (${i})`, always, (_m, s) => {
      if (s.sent.length) hqProcess(s, s.sent[i % s.sent.length]!);
    }),
  ),
  // Forged: ahead of the store (its next seq + 1 or + 2, so not a seq it may have in flight),
  // or at a seq HQ already counts. (A forged event at exactly the seq HQ expects next while the
  // store's own is in flight is the documented limit: docs/sync.md "Conflicts".)
  fc.record({ ahead: fc.boolean(), k: fc.nat() }).map(({ ahead, k }) =>
    cmd(`forge(${ahead ? "ahead" : "late"}, ${k})`, always, (m, s) => {
      const up = hqUpTo(s);
      const seq = ahead ? s.outbox.length + 2 + (k % 2) : up > 0 ? 1 + (k % up) : 0;
      if (seq < 1 || (seq === up + 1 && seq <= s.attempted)) return;
      const env = saleEvent(s.store, seq, { lines: 1, unitPrice: 88_800 });
      m.forgedIds.add(env.id);
      const p = JSON.stringify([env]);
      s.forged.push(p);
      hqProcess(s, p); // the forger's own connection; HQ acks on the store's topic
    }),
  ),
  fc.nat().map((i) =>
    cmd(`forger resends (${i})`, always, (_m, s) => {
      if (s.forged.length) hqProcess(s, s.forged[i % s.forged.length]!);
    }),
  ),
  fc.record({ i: fc.nat(), pick: fc.nat() }).map(({ i, pick }) =>
    cmd(`a person resolves (${i}, ${pick})`, always, (m, s) => {
      const open = openConflicts(s);
      if (open.length) resolveInformed(s, m, open[i % open.length]!, pick);
    }),
  ),
];

// The store's traffic more often than the rare events around it.
const weighted = [...commands.slice(0, 4), ...commands.slice(0, 4), ...commands.slice(0, 4), ...commands];

/** Everything sent and read, every conflict resolved: the state the store and HQ settle in. */
function settle(s: Sys, m: Model) {
  for (let round = 0; round < 200; round++) {
    s.sentUpTo = s.delivery.ackedUpTo;
    edgeSend(s, 1000);
    while (s.toHq.length) hqProcess(s, s.toHq.shift()!);
    while (s.toEdge.length) edgeAck(s, s.toEdge.shift()!);
    for (const id of openConflicts(s)) resolveInformed(s, m, id, round);
    while (s.toEdge.length) edgeAck(s, s.toEdge.shift()!);
    checkInvariants(s, m);
    if (m.real.every((r) => isDelivered(s.delivery, r.seq)) && openConflicts(s).length === 0) return;
  }
  throw new Error(`did not settle: ${JSON.stringify(s.delivery)} of ${s.outbox.length}`);
}

test("seq/ack with conflicts: nothing held is acked; every real sale at HQ exactly once after resolution", () => {
  const numRuns = Number(process.env.MODEL_RUNS ?? 25);
  const replayPath = process.env.MODEL_REPLAY;
  fc.assert(
    fc.property(fc.commands(weighted, { maxCommands: 80, size: "max", replayPath }), (cmds) => {
      const store = `M${++runs}`;
      const s: Sys = {
        store,
        topic: `retail/v1/s/${store}/up/events`,
        outbox: [],
        delivery: { ackedUpTo: 0, held: [], suspect: [] },
        attempted: 0,
        sentUpTo: 0,
        toHq: [],
        toEdge: [],
        sent: [],
        forged: [],
      };
      const m: Model = { real: [], forgedIds: new Set() };
      fc.modelRun(() => ({ model: m, real: s }), cmds);
      settle(s, m);

      // Every real sale at HQ exactly once (by its receipt number); nothing left held.
      for (const r of m.real) {
        const n = (
          db
            .prepare("SELECT COUNT(*) AS n FROM sales WHERE store_id = ? AND receipt_no = ?")
            .get(store, r.receiptNo) as {
            n: number;
          }
        ).n;
        expect({ seq: r.seq, atHq: n }).toEqual({ seq: r.seq, atHq: 1 });
      }
      expect(s.delivery.held).toEqual([]);
      expect(s.delivery.suspect).toEqual([]);
    }),
    {
      numRuns,
      ...(process.env.MODEL_SEED
        ? { seed: Number(process.env.MODEL_SEED), path: process.env.MODEL_PATH }
        : {}),
    },
  );
});
