// Model-based test of the day digests (fast-check commands): random interleavings of sales,
// the store's clock moving on (across midnights) or being set back, looks (ticks) and restarts,
// against a plain model of which receipts belong to which business day. After every look:
// every closed day since enrollment has a final digest listing exactly its receipts, and no
// digest ever lists a receipt of another day or one sold after it. DIGEST_MODEL_RUNS=n runs
// longer (default 30).
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { type AnyEnvelope, type StoreDayDigest, unpackReceipts } from "@retail/protocol";
import fc from "fast-check";
import { businessDay, manualClock } from "../clock.ts";
import type { Edge } from "../edge.ts";
import { gtinOf, openLane, readyEdge, T0, tempDir } from "../testing/fixtures.ts";
import { DayDigests } from "./day-digest.ts";

setDefaultTimeout(300_000);
const MIN = 60_000;
const RUNS = Number(process.env.DIGEST_MODEL_RUNS ?? 30);

interface Model {
  /** Business day -> receipt numbers sold on it. */
  days: Map<string, string[]>;
  since: string;
  /** The latest day a look has seen closed (the clock may be put back; a closed day stays closed). */
  closed?: string;
}

interface Real {
  dir: string;
  clock: ReturnType<typeof manualClock>;
  edge: Edge;
  digests: DayDigests;
}

function digestsOf(edge: Edge): { seq: number; payload: StoreDayDigest }[] {
  return edge.outbox
    .range(1, 1_000_000, 1_000_000)
    .filter((r) => r.type === "day.digest")
    .map((r) => ({ seq: r.seq, payload: (JSON.parse(r.envelope) as AnyEnvelope).payload as StoreDayDigest }));
}

function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

async function open(r: Pick<Real, "dir" | "clock">): Promise<Real> {
  const edge = await readyEdge({ products: 10, clock: r.clock, dataDir: r.dir });
  await openLane(edge);
  const digests = new DayDigests({
    db: edge.db,
    outbox: edge.outbox,
    clock: r.clock,
    since: "2026-11-25",
    options: { runningIntervalMs: 30 * MIN, tickMs: MIN },
    onLedger: () => {},
    log: () => {},
  });
  return { ...r, edge, digests };
}

/** What must hold after a look. */
function check(m: Model, r: Real) {
  const today = businessDay(r.clock.now());
  const yesterday = addDays(today, -1);
  if (!m.closed || yesterday > m.closed) m.closed = yesterday;
  const all = digestsOf(r.edge);
  const receiptSeq = new Map<string, number>();
  for (const row of r.edge.outbox.range(1, 1_000_000, 1_000_000))
    if (row.type === "sale.completed")
      receiptSeq.set(
        (JSON.parse(row.envelope) as { payload: { receiptNo: string } }).payload.receiptNo,
        row.seq,
      );
  // Soundness: a digest lists only receipts of its day, each sold before the digest.
  for (const d of all) {
    const own = new Set(m.days.get(d.payload.businessDay) ?? []);
    for (const r of unpackReceipts(d.payload.receipts!)) {
      expect(own.has(r)).toBe(true);
      expect(receiptSeq.get(r)!).toBeLessThan(d.seq);
    }
  }
  // Completeness: every closed day since enrollment (within the backfill window) ends with a
  // final digest of exactly its receipts.
  const floor = addDays(today, -7);
  for (let day = [m.since, floor].sort()[1]!; day <= m.closed; day = addDays(day, 1)) {
    const last = all.filter((d) => d.payload.businessDay === day).at(-1);
    expect({ day, final: last?.payload.final }).toEqual({ day, final: true });
    expect(unpackReceipts(last!.payload.receipts!)).toEqual([...(m.days.get(day) ?? [])].sort());
    expect(last!.payload.receiptCount).toBe(m.days.get(day)?.length ?? 0);
  }
}

class Sell implements fc.AsyncCommand<Model, Real> {
  constructor(readonly sku: number) {}
  check = () => true;
  async run(m: Model, r: Real) {
    await r.edge.scanner.scan("1", gtinOf(this.sku));
    const sale = r.edge.sales.tenderCash("1", 1_000_000).sale!;
    expect(sale.businessDay).toBe(businessDay(r.clock.now()));
    const list = m.days.get(sale.businessDay) ?? [];
    list.push(sale.receiptNo);
    m.days.set(sale.businessDay, list);
  }
  toString = () => `sell(${this.sku})`;
}

class Advance implements fc.AsyncCommand<Model, Real> {
  constructor(readonly minutes: number) {}
  check = () => true;
  async run(_m: Model, r: Real) {
    r.clock.advance(this.minutes * MIN);
  }
  toString = () => `advance(${this.minutes} min)`;
}

/** The store's clock put back (NTP, a technician): a sale may land on a day already closed. */
class SetBack implements fc.AsyncCommand<Model, Real> {
  constructor(readonly minutes: number) {}
  check = (m: Model) => m.days.size > 0;
  async run(_m: Model, r: Real) {
    // Never before enrollment (the store did not exist).
    r.clock.set(Math.max(T0, r.clock.now() - this.minutes * MIN));
  }
  toString = () => `setBack(${this.minutes} min)`;
}

class Tick implements fc.AsyncCommand<Model, Real> {
  check = () => true;
  async run(m: Model, r: Real) {
    expect(r.digests.tick().behind).toBe(false);
    check(m, r);
  }
  toString = () => "tick";
}

class Restart implements fc.AsyncCommand<Model, Real> {
  check = () => true;
  async run(m: Model, r: Real) {
    await r.edge.stop();
    Object.assign(r, await open(r));
    expect(r.digests.tick().behind).toBe(false);
    check(m, r);
  }
  toString = () => "restart";
}

describe("day digests, model-based", () => {
  test("whatever the interleaving, every closed day gets a final digest of exactly its receipts", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.commands(
          [
            fc.integer({ min: 1, max: 10 }).map((s) => new Sell(s)),
            fc.integer({ min: 1, max: 36 * 60 }).map((n) => new Advance(n)),
            fc.integer({ min: 1, max: 12 * 60 }).map((n) => new Advance(n)),
            fc.integer({ min: 1, max: 240 }).map((n) => new SetBack(n)),
            fc.integer({ min: 1, max: 240 }).map((n) => new SetBack(n)),
            fc.integer({ min: 1, max: 10 }).map((s) => new Sell(s)),
            fc.constant(new Tick()),
            fc.constant(new Restart()),
          ],
          { maxCommands: 40, size: "max" },
        ),
        async (cmds) => {
          const real = await open({ dir: tempDir(), clock: manualClock(T0) });
          const model: Model = { days: new Map(), since: "2026-11-25" };
          try {
            await fc.asyncModelRun(() => ({ model, real }), [...cmds, new Tick()]);
          } finally {
            await real.edge.stop();
          }
        },
      ),
      { numRuns: RUNS },
    );
  });
});
