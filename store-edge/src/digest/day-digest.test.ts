// The store side of the completeness proof, on a manual clock: what a digest counts, when a
// day is closed, a late receipt for a closed day, the running digest of today, and restarts.
import { describe, expect, test } from "bun:test";
import { type AnyEnvelope, receiptsHash, type StoreDayDigest, unpackReceipts } from "@retail/protocol";
import { manualClock } from "../clock.ts";
import type { Edge } from "../edge.ts";
import { gtinOf, openLane, readyEdge, T0, tempDir } from "../testing/fixtures.ts";
import { DayDigests } from "./day-digest.ts";

const MIN = 60_000;
const HOUR = 60 * MIN;

function digestsOf(edge: Edge): { seq: number; payload: StoreDayDigest }[] {
  return edge.outbox
    .range(1, 1_000_000, 1_000_000)
    .filter((r) => r.type === "day.digest")
    .map((r) => {
      const env = JSON.parse(r.envelope) as AnyEnvelope;
      return { seq: r.seq, payload: env.payload as StoreDayDigest };
    });
}

async function setUp(dataDir = tempDir()) {
  const clock = manualClock(T0); // 2026-11-25 10:00 in the store
  const edge = await readyEdge({ products: 30, clock, dataDir });
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
  return { edge, clock, digests };
}

async function sell(edge: Edge, kind: "cash" | "card" = "cash", n = 1) {
  await edge.scanner.scan("1", gtinOf(n));
  return kind === "cash"
    ? edge.sales.tenderCash("1", 1_000_000).sale!
    : edge.sales.tenderCard("1", undefined, "OK123").sale!;
}

describe("day digest at the store", () => {
  test("counts the day's sales, returns and tenders, lists every receipt, hashes the sorted list", async () => {
    const { edge, clock, digests } = await setUp();
    const a = await sell(edge, "cash", 1);
    const b = await sell(edge, "card", 2);
    const view = (await edge.scanner.scan("1", a.receiptNo)).view;
    expect(view.mode).toBe("return");
    edge.returns.setReturnLine("1", "l1", 1, true);
    const r = (await edge.returns.completeReturn("1", "cash", "坏了")).returned;
    // Training receipts are not the chain's sales: not in the digest.
    await edge.staff.setTraining("1", true, "9001", "9999");
    const t = await sell(edge, "cash", 3);
    await edge.staff.setTraining("1", false, "9001", "9999");
    const d = digests.build("2026-11-25", false);
    expect(d.sales).toEqual({ count: 2, net: a.totals.net + b.totals.net, tax: a.totals.tax + b.totals.tax });
    expect(d.returns).toEqual({ count: 1, refund: r.totals.refund });
    expect(d.salesByTender).toEqual({ cash: a.totals.net, card: b.totals.net });
    expect(d.returnsByTender).toEqual({ cash: r.totals.refund });
    const list = unpackReceipts(d.receipts!);
    expect(list).toEqual([a.receiptNo, b.receiptNo, r.receiptNo].sort());
    expect(list).not.toContain(t.receiptNo);
    expect(d.receiptCount).toBe(3);
    expect(d.receiptsHash).toBe(receiptsHash(list));
    // Nothing is sent before the running interval has passed since the edge started.
    expect(digests.tick().written).toEqual([]);
    clock.advance(15 * MIN);
    expect(digests.tick().written).toEqual(["2026-11-25"]);
    const sent = digestsOf(edge);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.payload).toMatchObject({ final: false, receiptCount: 3, firstSeq: 2 });
    // Its seqs frame the day's receipt events, and it comes after all of them.
    expect(sent[0]!.payload.lastSeq).toBeLessThan(sent[0]!.seq);
    await edge.stop();
  });

  test("today's running digest only when something changed; the day is closed after midnight, once", async () => {
    const { edge, clock, digests } = await setUp();
    await sell(edge);
    clock.advance(15 * MIN);
    expect(digests.tick().written).toEqual(["2026-11-25"]);
    clock.advance(5 * MIN);
    expect(digests.tick().written).toEqual([]); // 10:20: nothing new
    await sell(edge);
    expect(digests.tick().written).toEqual([]); // changed, but the last one is 5 min old
    clock.advance(10 * MIN);
    expect(digests.tick().written).toEqual(["2026-11-25"]); // 10:30
    // 10:30 + 13:40 = 00:10 on the 26th: the 25th is closed; the 26th is too young for a running one.
    clock.advance(13 * HOUR + 40 * MIN);
    expect(digests.tick().written).toEqual(["2026-11-25"]);
    const last = digestsOf(edge).at(-1)!.payload;
    expect(last).toMatchObject({ businessDay: "2026-11-25", final: true, receiptCount: 2 });
    expect(digests.tick().written).toEqual([]);
    // A day with no sales at all still gets its final digest: "nothing sold" is a claim too.
    clock.advance(24 * HOUR);
    const w = digests.tick().written;
    expect(w).toContain("2026-11-26");
    const zero = digestsOf(edge).find((x) => x.payload.businessDay === "2026-11-26" && x.payload.final)!;
    expect(zero.payload).toMatchObject({ receiptCount: 0, sales: { count: 0, net: 0, tax: 0 } });
    expect(zero.payload.firstSeq).toBeUndefined();
    await edge.stop();
  });

  test("a late receipt for a closed day (clock set back) brings a new final digest of that day", async () => {
    const { edge, clock, digests } = await setUp();
    await sell(edge);
    clock.advance(14 * HOUR + 10 * MIN); // 00:10 on the 26th
    expect(digests.tick().written).toEqual(["2026-11-25"]);
    clock.advance(-1 * HOUR); // the clock is put back to 23:10 on the 25th: a sale lands on the closed day
    await sell(edge);
    clock.advance(2 * HOUR);
    expect(digests.tick().written).toContain("2026-11-25");
    const finals = digestsOf(edge).filter((x) => x.payload.businessDay === "2026-11-25" && x.payload.final);
    expect(finals.map((x) => x.payload.receiptCount)).toEqual([1, 2]);
    await edge.stop();
  });

  test("a restart neither repeats nor skips: the state is in the database", async () => {
    const dir = tempDir();
    const first = await setUp(dir);
    await sell(first.edge);
    first.clock.advance(14 * HOUR + 10 * MIN);
    expect(first.digests.tick().written).toEqual(["2026-11-25"]);
    await first.edge.stop();
    const clock = manualClock(T0 + 14 * HOUR + 12 * MIN);
    const edge = await readyEdge({ products: 30, clock, dataDir: dir });
    const again = new DayDigests({
      db: edge.db,
      outbox: edge.outbox,
      clock,
      since: "2026-11-25",
      options: { runningIntervalMs: 15 * MIN, tickMs: MIN },
      onLedger: () => {},
      log: () => {},
    });
    expect(again.tick().written).toEqual([]);
    clock.advance(2 * 24 * HOUR);
    expect(again.tick().written).toEqual(["2026-11-26", "2026-11-27"]);
    await edge.stop();
  });
});
