// Receipt numbers after a restore or a replacement. A lane numbers its receipts per business
// day from a counter in edge.db (`receipt:<lane>:<yyyymmdd>`), so a day-old backup put back, or
// a fresh edge.db on a new mini-PC, would hand out again today's numbers the instance that is
// gone already printed and HQ holds (two sales under one receipt number, and a completeness
// digest that cannot name either). Two floors keep the next number above them:
// - the re-base floor: when HQ's welcome moves this database's seqs up by `shift`, HQ holds
//   `shift` events this copy never saw: at most that many of today's receipts, on any lane.
//   Every lane's next number today starts above the highest counter here plus that shift
//   (bounded so the 6-digit number cannot wrap);
// - the side file: `receipt-floor` beside edge.db holds each lane's last number today, written
//   (not fsynced: it only has to outlive the database file being swapped, not a power cut, which
//   edge.db's own fsynced counter covers) every time a number is committed. An edge.db put back
//   from an older copy, selling offline before HQ's first welcome, reads it at its first receipt
//   and goes on above what the gone database printed. Numbers stay short and sequential (no repeat, and
//   no gap when a sale's transaction fails after taking its number: the file moves after commit).
import { closeSync, constants, openSync, readFileSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import type { EdgeDb } from "../db.ts";

/** No lane prints this many receipts a day; keeps a huge shift (years of events) from wrapping 999,999. */
const MAX_GAP = 100_000;
/** The side file's fixed size: rewritten in place with one pwrite, never truncated. */
const SIDE_BYTES = 4096;

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

/** The last numbers handed out today per lane, as the side file beside edge.db keeps them. */
interface SideFile {
  path: string;
  fd?: number;
  day: string;
  lanes: Record<string, number>;
}

const sideFiles = new WeakMap<EdgeDb, SideFile | null>();

function sideFileOf(db: EdgeDb): SideFile | null {
  let f = sideFiles.get(db);
  if (f !== undefined) return f;
  const main = (db.raw.prepare("PRAGMA database_list").all() as { name: string; file: string }[]).find(
    (r) => r.name === "main",
  )?.file;
  f = null;
  if (main) {
    const path = join(dirname(main), "receipt-floor");
    f = { path, day: "", lanes: {} };
    try {
      const parsed = JSON.parse(readFileSync(path, "utf8").replace(/\s+$/, "")) as Partial<SideFile>;
      if (typeof parsed.day === "string" && parsed.lanes && typeof parsed.lanes === "object")
        f = { path, day: parsed.day, lanes: parsed.lanes };
    } catch {
      // none yet, or unreadable: edge.db's counters alone (as before the file existed)
    }
  }
  sideFiles.set(db, f);
  return f;
}

function writeSide(f: SideFile): void {
  const body = JSON.stringify({ day: f.day, lanes: f.lanes });
  if (body.length >= SIDE_BYTES) return; // hundreds of lanes: not a store this edge serves
  try {
    f.fd ??= openSync(f.path, constants.O_RDWR | constants.O_CREAT, 0o600);
    writeSync(f.fd, Buffer.from(body.padEnd(SIDE_BYTES, " ")), 0, SIDE_BYTES, 0);
  } catch {
    // A full or read-only disk: the sale's own commit reports it; the floor is best effort.
    try {
      if (f.fd !== undefined) closeSync(f.fd);
    } catch {
      // already gone
    }
    f.fd = undefined;
  }
}

/** The next receipt counter of a lane on a day (stored), never at or below the day's floors. */
export function nextReceiptCounter(db: EdgeDb, laneId: string, day: string): number {
  const key = `receipt:${laneId}:${compact(day)}`;
  const side = sideFileOf(db);
  const fromSide = side && side.day === compact(day) ? (side.lanes[laneId] ?? 0) : 0;
  const n = Math.max(db.metaInt(key), db.metaInt(floorKey(day)), fromSide) + 1;
  db.setMeta(key, n);
  // Only a committed number moves the side file: a sale refused by a full disk hands its
  // number to the next attempt (no gap), as edge.db's rolled-back counter does.
  if (side)
    db.afterCommit(() => {
      if (side.day !== compact(day)) side.lanes = {};
      side.day = compact(day);
      side.lanes[laneId] = Math.max(side.lanes[laneId] ?? 0, n);
      writeSide(side);
    });
  return n;
}
