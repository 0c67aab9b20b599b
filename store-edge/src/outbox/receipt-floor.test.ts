// A restored or replaced edge.db must not print again today's receipt numbers the instance
// that is gone already printed (HQ holds them): after HQ's welcome moves its seqs up, every
// lane's next receipt number today is above anything the gone instance can have used.
import { afterEach, expect, setDefaultTimeout, test } from "bun:test";
import { copyFileSync, existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { parseReceiptNo } from "@retail/protocol";
import { manualClock } from "../clock.ts";
import type { Edge } from "../edge.ts";
import { gtinOf, openLane, readyEdge, T0, tempDir } from "../testing/fixtures.ts";

setDefaultTimeout(60_000);

const edges: Edge[] = [];
afterEach(async () => {
  for (const e of edges.splice(0)) await e.stop().catch(() => {});
});

async function sell(edge: Edge, lane = "1") {
  await edge.scanner.scan(lane, gtinOf(1));
  return edge.sales.tenderCash(lane, 1_000_000).sale!;
}
const numberOf = (receiptNo: string) => parseReceiptNo(receiptNo)!.number;

test("after a welcome that moves a restored copy's seqs, today's receipt numbers start above the gone instance's", async () => {
  const edge = await readyEdge({ products: 5, clock: manualClock(T0) });
  edges.push(edge);
  await openLane(edge);
  await openLane(edge, "2");
  // The backup: two receipts on lane 1 today, all delivered.
  expect((await sell(edge)).receiptNo).toMatch(/-0001$/);
  await sell(edge);
  edge.outbox.acknowledge(edge.outbox.lastSeq);
  // The instance that went on without this copy sold 3 more events (receipts 3-5 of lane 1, or
  // 1-3 of lane 2) that HQ holds; this copy comes back with nothing new and says hello.
  const h = edge.resync.hello();
  const hqMax = edge.outbox.lastSeq + 3;
  const { plan } = edge.resync.welcome(h, {
    helloId: h.helloId,
    instanceId: h.instanceId,
    previousInstanceId: h.instanceId,
    headSeq: hqMax,
    maxSeq: hqMax,
    boots: h.boots.map(() => "none" as const),
  });
  expect(plan.kind).toBe("behind");
  expect(plan.shift).toBe(3);
  const a = await sell(edge, "1");
  const b = await sell(edge, "2");
  expect(numberOf(a.receiptNo)).toBeGreaterThan(5);
  expect(numberOf(b.receiptNo)).toBeGreaterThan(3);
  // And numbering goes on from there, one by one.
  expect(numberOf((await sell(edge, "1")).receiptNo)).toBe(numberOf(a.receiptNo) + 1);
});

test("an edge in step with HQ keeps numbering its receipts from 1", async () => {
  const edge = await readyEdge({ products: 5, clock: manualClock(T0) });
  edges.push(edge);
  await openLane(edge);
  await sell(edge);
  const h = edge.resync.hello();
  edge.resync.welcome(h, {
    helloId: h.helloId,
    instanceId: h.instanceId,
    headSeq: edge.outbox.lastSeq,
    maxSeq: edge.outbox.lastSeq,
    boots: h.boots.map(() => "same" as const),
  });
  expect(numberOf((await sell(edge)).receiptNo)).toBe(2);
});

test("an edge.db put back from an older copy, selling before any welcome, numbers above what the lost database printed", async () => {
  // The fault suite's finding (restore-edge): the copy has no HQ contact yet, so no re-base floor;
  // the side file beside edge.db still knows the last numbers handed out today.
  const dir = tempDir();
  const files = ["edge.db", "edge.db-wal"];
  let edge = await readyEdge({ products: 5, clock: manualClock(T0), dataDir: dir });
  await openLane(edge);
  await sell(edge);
  await sell(edge);
  await edge.stop();
  const backup = tempDir();
  for (const f of files) if (existsSync(join(dir, f))) copyFileSync(join(dir, f), join(backup, f));
  edge = await readyEdge({ products: 5, clock: manualClock(T0), dataDir: dir });
  await openLane(edge);
  for (let i = 0; i < 3; i++) await sell(edge);
  await edge.stop();
  for (const f of [...files, "edge.db-shm"]) rmSync(join(dir, f), { force: true });
  for (const f of files) if (existsSync(join(backup, f))) copyFileSync(join(backup, f), join(dir, f));
  edge = await readyEdge({ products: 5, clock: manualClock(T0), dataDir: dir });
  edges.push(edge);
  await openLane(edge);
  expect(numberOf((await sell(edge)).receiptNo)).toBe(6);
  expect(numberOf((await sell(edge)).receiptNo)).toBe(7);
});
