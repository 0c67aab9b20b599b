// A big version is applied in short transactions with the event loop let in between, so lane
// writes interleave with it (a 100k-SKU snapshot in one transaction held the writer ~3.7 s).
import type { EdgeDb } from "../../db.ts";

/** Rows written (or read back) per short transaction while building a big version. */
export const CHUNK = 2000;
/**
 * Work per step of a big apply, in ms of this thread: a step ends when it has run this long,
 * so on a busy machine it writes fewer rows instead of holding the lanes longer. The commit's
 * fsync comes on top.
 */
export const SLICE_MS = 4;
/** A delta with more items than this is built in shadow tables like a snapshot. */
export const BIG_ITEMS = 5000;

export const yieldToLanes = () => new Promise<void>((resolve) => setImmediate(resolve));

export class EdgeStopping extends Error {
  constructor(what = "applying a catalog version") {
    super(`edge stopped while ${what}`);
  }
}

/** Runs one short write, then lets the lanes in; throws once the edge is stopping. */
export async function step(db: EdgeDb, closed: () => boolean, fn: () => void): Promise<void> {
  if (closed()) throw new EdgeStopping();
  db.write(fn);
  await yieldToLanes();
  if (closed()) throw new EdgeStopping();
}
