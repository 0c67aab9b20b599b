// Test hook for the fault suite (tests/faults): STORE_EDGE_PLANT_BUG=<name> plants a known bug so
// the suite can prove it finds it and names the seed that replays it. Never set in production.
// Bugs: skip_outbox_row (the edge commits a sale without its sale.completed outbox row, as code
// that wrote the event outside the sale's transaction and lost it would: the sale never reaches HQ);
// skip_fsync (durable commits run with synchronous=NORMAL: in WAL mode a commit is not fsynced,
// only checkpoints are, so a kill -9 loses nothing and a power cut loses the last sales);
// half_changeset (a delta catalog version of several items is applied with only its first half,
// and marked applied: the store sells at a mix of old and new prices).
export const plantedBug = process.env.STORE_EDGE_PLANT_BUG ?? "";

/** The synchronous pragma of a durable commit: FULL (fsync per commit) unless the bug is planted. */
export const DURABLE_SYNC = plantedBug === "skip_fsync" ? "NORMAL" : "FULL";

/** The planted half_changeset bug on a staged catalog version; the version unchanged otherwise. */
export function halfOfChangeSet<T extends { kind: string; items: unknown[] }>(
  a: T | undefined,
): T | undefined {
  if (plantedBug !== "half_changeset" || !a || a.kind !== "delta" || a.items.length < 2) return a;
  return { ...a, items: a.items.slice(0, Math.ceil(a.items.length / 2)) };
}
