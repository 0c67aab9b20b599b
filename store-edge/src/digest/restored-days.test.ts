// A day-old backup of edge.db put back: the instance that went on without it closed yesterday
// and sent its final digest (complete at HQ). Once HQ's welcome finds this copy behind, the
// copy must not send a final digest of yesterday from its own tables (it lacks the gone
// instance's later receipts; newer by seq, it would replace the complete day at HQ with one
// listing those receipts as extra). Today it digests as usual.
import { afterEach, expect, setDefaultTimeout, test } from "bun:test";
import type { AnyEnvelope, StoreDayDigest } from "@retail/protocol";
import { manualClock } from "../clock.ts";
import type { Edge } from "../edge.ts";
import { gtinOf, openLane, readyEdge, T0 } from "../testing/fixtures.ts";
import { DayDigests } from "./day-digest.ts";

setDefaultTimeout(60_000);
const MIN = 60_000;
const edges: Edge[] = [];
afterEach(async () => {
  for (const e of edges.splice(0)) await e.stop().catch(() => {});
});

const digestsIn = (edge: Edge) =>
  edge.outbox
    .range(1, Number.MAX_SAFE_INTEGER, 1_000_000)
    .filter((r) => r.type === "day.digest")
    .map((r) => (JSON.parse(r.envelope) as AnyEnvelope).payload as StoreDayDigest);

async function restoredCopy(welcomeShift: number) {
  const clock = manualClock(T0); // 2026-11-25 10:00 in the store: the backup is taken today
  const edge = await readyEdge({ products: 5, clock });
  edges.push(edge);
  await openLane(edge);
  const digests = new DayDigests({
    db: edge.db,
    outbox: edge.outbox,
    clock,
    since: "2026-11-25",
    options: { runningIntervalMs: 15 * MIN, tickMs: MIN },
    onLedger: () => {},
    log: () => {},
  });
  await edge.scanner.scan("1", gtinOf(1));
  edge.sales.tenderCash("1", 1_000_000);
  digests.tick();
  edge.outbox.acknowledge(edge.outbox.lastSeq);
  // Put back the next morning: HQ holds `welcomeShift` events this copy never had.
  clock.set(T0 + 24 * 60 * MIN);
  const h = edge.resync.hello();
  const hqMax = edge.outbox.lastSeq + welcomeShift;
  edge.resync.welcome(h, {
    helloId: h.helloId,
    instanceId: h.instanceId,
    previousInstanceId: h.instanceId,
    headSeq: hqMax,
    maxSeq: hqMax,
    boots: h.boots.map(() => (welcomeShift ? "none" : "same") as "none" | "same"),
  });
  return { edge, digests };
}

test("a copy HQ found behind does not send a final digest of the days before its restore", async () => {
  const { edge, digests } = await restoredCopy(40);
  const { written } = digests.tick();
  expect(written).not.toContain("2026-11-25");
  expect(digestsIn(edge).filter((d) => d.businessDay === "2026-11-25" && d.final)).toEqual([]);
  // Today is its own: it digests it.
  expect(written).toContain("2026-11-26");
});

test("an edge in step with HQ closes yesterday with its final digest as before", async () => {
  const { edge, digests } = await restoredCopy(0);
  expect(digests.tick().written).toContain("2026-11-25");
  expect(digestsIn(edge).some((d) => d.businessDay === "2026-11-25" && d.final)).toBe(true);
});

test("receipts a parted copy sold before the welcome are digested under the seqs they moved to", async () => {
  const clock = manualClock(T0);
  const edge = await readyEdge({ products: 5, clock });
  edges.push(edge);
  await openLane(edge);
  const digests = new DayDigests({
    db: edge.db,
    outbox: edge.outbox,
    clock,
    since: "2026-11-25",
    options: { runningIntervalMs: 15 * MIN, tickMs: MIN },
    onLedger: () => {},
    log: () => {},
  });
  // A copy put back (nothing of it acked yet: its run is the one HQ cannot vouch for) sells
  // offline; its digest scan has seen the sale under its old seq.
  await edge.scanner.scan("1", gtinOf(1));
  const sale = edge.sales.tenderCash("1", 1_000_000).sale!;
  digests.tick();
  const h = edge.resync.hello();
  const hqMax = edge.outbox.lastSeq + 50;
  const { plan } = edge.resync.welcome(h, {
    helloId: h.helloId,
    instanceId: h.instanceId,
    previousInstanceId: h.instanceId,
    headSeq: hqMax,
    maxSeq: hqMax,
    boots: h.boots.map(() => "other" as const),
  });
  expect(plan.kind).toBe("diverged");
  const saleSeq = edge.outbox
    .range(1, 1_000_000, 1_000_000)
    .find((r) => r.type === "sale.completed" && r.envelope.includes(sale.saleId))!.seq;
  expect(saleSeq).toBeGreaterThan(hqMax);
  clock.advance(20 * MIN);
  expect(digests.tick().written).toContain("2026-11-25");
  const last = digestsIn(edge).at(-1)!;
  expect(last.businessDay).toBe("2026-11-25");
  expect(last.firstSeq).toBe(saleSeq);
  expect(last.lastSeq).toBe(saleSeq);
});

test("a fresh database numbered above HQ's millions of seqs digests its first sale at once", async () => {
  const clock = manualClock(T0);
  const edge = await readyEdge({ products: 5, clock });
  edges.push(edge);
  const digests = new DayDigests({
    db: edge.db,
    outbox: edge.outbox,
    clock,
    since: "2026-11-25",
    options: { runningIntervalMs: 15 * MIN, tickMs: MIN },
    onLedger: () => {},
    log: () => {},
  });
  digests.tick();
  // HQ already holds 3 million seqs of this store from the mini-PC this one replaces.
  const h = edge.resync.hello();
  const { plan } = edge.resync.welcome(h, {
    helloId: h.helloId,
    instanceId: h.instanceId,
    previousInstanceId: "01936f0e-0000-7000-8000-000000000001",
    headSeq: 3_000_000,
    maxSeq: 3_000_000,
    boots: h.boots.map(() => "none" as const),
  });
  expect(plan.floor).toBe(3_000_000);
  await openLane(edge);
  await edge.scanner.scan("1", gtinOf(1));
  edge.sales.tenderCash("1", 1_000_000);
  clock.advance(20 * MIN);
  const r = digests.tick();
  expect(r.behind).toBe(false);
  expect(r.written).toContain("2026-11-25");
  expect(digestsIn(edge).at(-1)!.firstSeq).toBeGreaterThan(3_000_000);
});
