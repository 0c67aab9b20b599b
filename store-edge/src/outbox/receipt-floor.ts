// Receipt numbers after a restore or a replacement. A lane numbers its receipts per business
// day from a counter in edge.db (`receipt:<lane>:<yyyymmdd>`), so a day-old backup put back, or
// a fresh edge.db on a new mini-PC, would hand out again today's numbers the instance that is
// gone already printed and HQ holds (two sales under one receipt number, and a completeness
// digest that cannot name either). When HQ's welcome moves this database's seqs up by `shift`,
// HQ holds `shift` events this copy never saw: at most that many of today's receipts, on any
// lane. Every lane's next number today therefore starts above the highest counter here plus
// that shift (bounded so the 6-digit number cannot wrap). Pure over the meta table.
import type { EdgeDb } from "../db.ts";

/** No lane prints this many receipts a day; keeps a huge shift (years of events) from wrapping 999,999. */
const MAX_GAP = 100_000;

const compact = (day: string) => day.replace(/-/g, "");
const floorKey = (day: string) => `receipt_floor:${compact(day)}`;

/** After a re-base of `shift` seqs: today's receipts on every lane start above what the gone instance may have printed. */
export function raiseReceiptFloor(db: EdgeDb, day: string, shift: number): number {
  const before = db.metaInt(floorKey(day));
  if (shift <= 0) return before;
  const row = db.raw
    .prepare("SELECT MAX(CAST(value AS INTEGER)) AS n FROM meta WHERE key LIKE ?")
    .get(`receipt:%:${compact(day)}`) as { n: number | null } | undefined;
  const floor = Math.max(before, row?.n ?? 0) + Math.min(shift, MAX_GAP);
  db.setMeta(floorKey(day), floor);
  return floor;
}

/** The next receipt counter of a lane on a day (stored), never at or below the day's floor. */
export function nextReceiptCounter(db: EdgeDb, laneId: string, day: string): number {
  const key = `receipt:${laneId}:${compact(day)}`;
  const n = Math.max(db.metaInt(key), db.metaInt(floorKey(day))) + 1;
  db.setMeta(key, n);
  return n;
}
