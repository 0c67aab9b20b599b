// Group commit of the stores' event messages: messages that arrive while a commit is pending
// are applied together in the next transaction (one per turn of the event loop, at most
// MAX_GROUP messages), on this thread or in the ingest Worker. The broker's delivery of each
// message (its PUBACK) completes only after its group committed, and the acks are published
// only after the commit: an ack is the store's only proof of delivery. Hellos are answered
// once the events that arrived before them are committed.
import type { Payload } from "@retail/protocol";
import { crashPoint } from "../crash.ts";
import type { BatchOutcome, Ingest } from "../ingest/ingest.ts";
import type { Resync } from "../ingest/resync.ts";
import type { IngestWorker } from "../ingest/worker-client.ts";
import { plantedBug, prematureAcks } from "../plant.ts";
import type { Downlink } from "./envelopes.ts";

export const MAX_GROUP = 500;
/** A group this large means a backlog is draining (stores catching up after an outage or a burst). */
export const DRAIN_GROUP = 100;
/** How long after the last such group ingest still counts as draining. */
const DRAIN_QUIET_MS = 1000;

export interface GroupStats {
  batches: number;
  groups: number;
  applied: number;
  errors: number;
}

export interface GroupCommitDeps {
  ingest: Ingest;
  ingestWorker?: IngestWorker;
  resync: Resync;
  downlink: Downlink;
  stats: GroupStats;
  now: () => Date;
  log: (line: string) => void;
  /** Runs after each group (the PIN alerts sweep). */
  afterEachGroup: () => void;
}

export function createGroupCommit(deps: GroupCommitDeps) {
  const { ingest, ingestWorker, resync, downlink, stats, now, log } = deps;
  const queue: { storeId: string; topic: string; payload: Buffer; done: () => void }[] = [];
  let scheduled = false;
  /** Event messages queued so far, and those whose group has been committed (or failed). */
  let enqueued = 0;
  let processed = 0;
  /**
   * Hellos waiting for the events that arrived before them, one per store (a newer hello
   * replaces one still waiting). A Map: a reconnect storm of n stores costs O(n), not O(n^2).
   * Deleted and set again when replaced, so its order is arrival order and `after` (the events
   * enqueued before the hello) never decreases along it: the ready ones are a prefix.
   */
  const hellos = new Map<string, { storeId: string; hello: Payload<"edge.hello">; after: number }>();
  function answerHellos() {
    if (hellos.size === 0) return;
    const ready: { storeId: string; hello: Payload<"edge.hello">; after: number }[] = [];
    for (const h of hellos.values()) {
      if (h.after > processed) break;
      ready.push(h);
    }
    if (ready.length === 0) return;
    for (const h of ready) hellos.delete(h.storeId);
    // One durable commit for all of them (a reconnect storm brings one per store at once).
    let answers: ReturnType<Resync["hellos"]>;
    try {
      answers = resync.hellos(ready);
    } catch (e) {
      answers = ready.map(() => ({ error: e }));
    }
    ready.forEach((h, i) => {
      const a = answers[i]!;
      if ("welcome" in a) {
        ingestWorker?.forgetSeq(h.storeId);
        downlink.track(downlink.send(h.storeId, "edge.welcome", a.welcome));
        return;
      }
      // No answer: the store's events stay held until it says hello again.
      stats.errors++;
      log(`hq-hub: hello from ${h.storeId}: ${(a.error as Error)?.stack ?? a.error}`);
    });
  }
  /**
   * A group is with the Worker: the next one gathers (the broker lets up to 2 x MAX_GROUP
   * messages through) and is sent the moment the Worker answers.
   */
  let inFlight: Promise<void> | undefined;
  /** When the last group of DRAIN_GROUP messages or more was taken (monotonic ms). */
  let drainSeenAt = Number.NEGATIVE_INFINITY;
  const take = () => {
    const taken = queue.splice(0, MAX_GROUP);
    if (taken.length >= DRAIN_GROUP) drainSeenAt = performance.now();
    return taken;
  };
  function afterGroup(outs: BatchOutcome[]) {
    stats.groups++;
    // One ack per store per group: the last outcome carries the state after the commit.
    const last = new Map(outs.map((o) => [o.storeId, o]));
    for (const o of outs) {
      stats.batches++;
      stats.applied += o.applied;
      for (const a of o.alerts) downlink.publishAlert(o.storeId, a);
    }
    for (const o of last.values()) downlink.publishAck(o);
    deps.afterEachGroup();
  }
  function groupFailed(e: unknown) {
    // Nothing of the group committed; the stores resend what was not acked.
    stats.errors++;
    log(`hq-hub: ingest failed: ${(e as Error).stack ?? e}`);
  }
  function flushEvents() {
    scheduled = false;
    if (ingestWorker) {
      if (inFlight) return; // its answer schedules the next group
      const group = take();
      if (group.length === 0) return answerHellos();
      inFlight = ingestWorker
        .handleMany(group, now().toISOString())
        .then(
          (g) => {
            // The next group goes to the Worker first, then this one's acks and PUBACKs: the
            // Worker does not wait for the broker's turn.
            inFlight = undefined;
            flushEvents();
            stats.groups++;
            stats.batches += g.messages;
            stats.applied += g.applied;
            for (const a of g.alerts) downlink.publishAlert(a.storeId, a);
            for (const o of g.acks) downlink.publishAck(o);
            deps.afterEachGroup();
          },
          (e) => {
            inFlight = undefined;
            flushEvents();
            groupFailed(e);
          },
        )
        .finally(() => {
          processed += group.length;
          answerHellos();
          for (const m of group) m.done();
          if (!inFlight && queue.length > 0) scheduleFlush();
        });
      return;
    }
    const group = take();
    if (queue.length > 0) scheduleFlush();
    if (group.length === 0) return answerHellos();
    if (plantedBug === "ack_before_commit") {
      // The planted bug (plant.ts): acks first, the commit 500 ms later.
      for (const [storeId, upToSeq] of prematureAcks(group))
        downlink.publishAck({ storeId, ack: { upToSeq, missing: [] } as BatchOutcome["ack"] });
      setTimeout(() => {
        try {
          afterGroup(ingest.handleMany(group));
        } catch (e) {
          groupFailed(e);
        }
        processed += group.length;
        answerHellos();
        for (const m of group) m.done();
      }, 500);
      return;
    }
    try {
      const outs = ingest.handleMany(group);
      crashPoint("ingest.after_commit");
      afterGroup(outs);
    } catch (e) {
      groupFailed(e);
    }
    processed += group.length;
    answerHellos();
    for (const m of group) m.done();
  }
  function scheduleFlush() {
    if (!scheduled) {
      scheduled = true;
      setImmediate(flushEvents);
    }
  }

  return {
    /** An event message: resolves (the broker then PUBACKs) once its group committed or failed. */
    enqueue(storeId: string, topic: string, payload: Buffer): Promise<void> {
      return new Promise((done) => {
        queue.push({ storeId, topic, payload, done });
        enqueued++;
        scheduleFlush();
      });
    },
    /** A hello, answered once the events that came in before it are committed. */
    hello(storeId: string, hello: Payload<"edge.hello">) {
      // A newer hello from the store replaces one still waiting: the edge ignores a welcome to
      // an earlier hello, so answering it would only cost the commit.
      hellos.delete(storeId);
      hellos.set(storeId, { storeId, hello, after: enqueued });
      scheduleFlush();
    },
    /**
     * Whether ingest is draining a backlog now (a large group within the last second, or one
     * waiting): background work that can wait (the cost catch-up) lets the stores' events go first.
     */
    draining: () => queue.length >= DRAIN_GROUP || performance.now() - drainSeenAt < DRAIN_QUIET_MS,
    /** Waits for the group with the Worker (at shutdown). */
    async drain() {
      while (inFlight) await inFlight;
    },
  };
}

export type GroupCommit = ReturnType<typeof createGroupCommit>;
