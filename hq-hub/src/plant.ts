// Test hook for the fault suite (tests/faults): HQ_PLANT_BUG=<name> plants a known bug so the
// suite can prove it finds it and names the seed that replays it. Never set in production.
// Bugs: ack_before_commit (the hub acks a group's events as soon as they arrive and commits them
// 500 ms later, as a hub that trusted the broker or a slow disk would: a kill -9 in between
// loses events the stores were told are safe).
export const plantedBug = process.env.HQ_PLANT_BUG ?? "";

/** The highest seq in one events payload (an envelope or a JSON array of them), 0 if none. */
export function highestSeqOf(payload: Buffer): number {
  try {
    const v = JSON.parse(payload.toString("utf8")) as unknown;
    const list = Array.isArray(v) ? v : [v];
    let max = 0;
    for (const e of list) {
      const seq = (e as { seq?: unknown } | null)?.seq;
      if (typeof seq === "number" && Number.isSafeInteger(seq) && seq > max) max = seq;
    }
    return max;
  } catch {
    return 0;
  }
}

/** The acks the planted bug sends before committing: each store's highest seq in the group. */
export function prematureAcks(group: { storeId: string; payload: Buffer }[]): Map<string, number> {
  const acks = new Map<string, number>();
  for (const m of group) {
    const seq = highestSeqOf(m.payload);
    if (seq > (acks.get(m.storeId) ?? 0)) acks.set(m.storeId, seq);
  }
  return acks;
}
