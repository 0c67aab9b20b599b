// The edge's side of the hello, on an in-memory edge.db: what a hello lists, how a welcome
// moves events (envelopes re-stamped, ids kept, runs moved with them, the floor kept), and
// the welcomes it refuses without changing anything.
import { expect, setDefaultTimeout, test } from "bun:test";
import type { EdgeWelcome } from "@retail/protocol";
import { EdgeDb } from "../db.ts";
import { Outbox } from "./outbox.ts";
import { EdgeResync, ResyncError } from "./resync.ts";

// A shared 2-core machine: generous bounds, never a timed assertion.
setDefaultTimeout(60_000);

const at = "2026-12-01T09:00:00.000Z";
function open(db = new EdgeDb(":memory:")) {
  const outbox = new Outbox(db, () => "S001");
  return { db, outbox, resync: new EdgeResync(db, outbox, () => Date.parse(at)) };
}
function sell(e: ReturnType<typeof open>, n: number) {
  for (let i = 0; i < n; i++)
    e.db.write(() =>
      e.outbox.append(
        "audit.recorded",
        {
          auditId: `a${e.outbox.lastSeq + 1}`,
          action: "no_sale",
          laneId: "1",
          cashierId: "1001",
          detail: "",
          at,
        },
        at,
      ),
    );
}

test("a hello lists the first event of each run above the ack; the instance id stays with the database", () => {
  const e = open();
  sell(e, 3);
  const again = open(e.db); // the process restarted
  sell(again, 2);
  expect(again.outbox.instanceId).toBe(e.outbox.instanceId);
  again.outbox.acknowledge(2);
  const h = again.resync.hello();
  expect(h).toMatchObject({ instanceId: e.outbox.instanceId, lastSeq: 5, ackedUpTo: 2 });
  // The first run began at 1 (at or below the ack): only the second is listed.
  expect(h.boots.map((b) => b.firstSeq)).toEqual([4]);
  expect(h.boots[0]!.eventId).toBe(again.outbox.range(4, 4, 1)[0]!.id);
  expect(open(new EdgeDb(":memory:")).outbox.instanceId).not.toBe(e.outbox.instanceId);
});

test("a welcome that finds the copy parted moves its new events above HQ's, ids kept, and acks HQ's head", () => {
  const e = open();
  sell(e, 2);
  e.outbox.acknowledge(2);
  const restored = open(e.db); // a new run: its events are the ones HQ cannot have
  sell(restored, 3);
  const ids = restored.outbox.range(3, 5, 10).map((r) => r.id);
  const h = restored.resync.hello();
  const w: EdgeWelcome = {
    helloId: h.helloId,
    instanceId: h.instanceId,
    previousInstanceId: h.instanceId,
    headSeq: 9,
    maxSeq: 9,
    boots: ["other"],
  };
  const { plan, record } = restored.resync.welcome(h, w);
  expect(plan).toEqual({ kind: "diverged", newFrom: 3, shift: 7, floor: 9 });
  const rows = restored.outbox.range(1, 100, 100);
  expect(rows.map((r) => r.seq)).toEqual([1, 2, 10, 11, 12]);
  expect(rows.slice(2).map((r) => r.id)).toEqual(ids);
  for (const r of rows) expect(JSON.parse(r.envelope).seq).toBe(r.seq);
  expect(restored.outbox.bootsAbove(0, 10).map((b) => b.firstSeq)).toEqual([1, 10]);
  expect(restored.outbox.ackedUpTo).toBe(9);
  expect(record).toMatchObject({ kind: "diverged", moved: 3, shift: 7, hqMaxSeq: 9 });
  expect(restored.resync.last).toEqual(record!);
  // The next event follows the moved ones; a fresh hello is in step.
  sell(restored, 1);
  expect(restored.outbox.lastSeq).toBe(13);
  expect(restored.resync.hqSpeaksHello).toBe(true);
});

test("behind: no event to move, the next one is numbered above HQ's highest seq", () => {
  const e = open();
  const h = e.resync.hello();
  e.resync.welcome(h, { helloId: h.helloId, instanceId: h.instanceId, headSeq: 40, maxSeq: 40, boots: [] });
  expect(e.outbox.ackedUpTo).toBe(40);
  sell(e, 1);
  expect(e.outbox.range(1, 100, 10).map((r) => r.seq)).toEqual([41]);
  expect(e.outbox.stats(Date.parse(at)).backlog).toBe(1);
  expect(e.resync.last?.kind).toBe("behind");
});

test("a welcome for another hello, another database or with the wrong number of verdicts changes nothing", () => {
  const e = open();
  sell(e, 2);
  const h = e.resync.hello();
  const w: EdgeWelcome = {
    helloId: h.helloId,
    instanceId: h.instanceId,
    headSeq: 9,
    maxSeq: 9,
    boots: ["other"],
  };
  expect(() => e.resync.welcome(h, { ...w, helloId: "someone-else" })).toThrow(ResyncError);
  expect(() => e.resync.welcome(h, { ...w, instanceId: "another-db" })).toThrow(ResyncError);
  expect(() => e.resync.welcome(h, { ...w, boots: [] })).toThrow(ResyncError);
  expect(e.outbox.range(1, 100, 10).map((r) => r.seq)).toEqual([1, 2]);
  expect(e.outbox.ackedUpTo).toBe(0);
});

test("more runs than a hello can list: it speaks only for the events before the first unlisted run", () => {
  const db = new EdgeDb(":memory:");
  let e = open(db);
  for (let i = 0; i < 1002; i++) {
    e = open(db);
    sell(e, 1);
  }
  const h = e.resync.hello();
  expect(h.boots.length).toBe(1000);
  expect(h.lastSeq).toBe(1000); // run 1001 starts at 1001: from there on counts as new
  expect(e.outbox.lastSeq).toBe(1002);
});
