// When the hub's timer catches cost up with the stock ledger (costing.ts catchUp). Cost is
// derived data: every read of cost catches up fully first, so the timer only keeps it fresh for
// nobody asking. While ingest drains a backlog (stores catching up after an outage: groups of
// hundreds of messages), a batch of 1,000 cost movements and its commit took ~15% of the hub
// thread, measured in `HUB_BENCH=ingest npm run bench -- hub` (docs/benchmarks.md); stores'
// events come first, so the timer waits for the drain, but never longer than COST_DEFER_MAX_MS.
// With a local database file the batches run in the catch-up Worker (catch-up/worker.ts): off
// the hub thread, but still holding the one write lock, so the same schedule applies.

/** The longest the timer waits for a draining ingest before it costs one batch anyway. */
export const COST_DEFER_MAX_MS = 30_000;
/** Batches a tick when ingest is not draining: a backlog left by a drain is caught up sooner. */
export const IDLE_BATCHES = 2;

/** How many catch-up batches to run on this tick (0: wait for the drain to end). */
export function costBatchesNow(s: { draining: boolean; sinceLastRunMs: number }): number {
  if (!s.draining) return IDLE_BATCHES;
  return s.sinceLastRunMs >= COST_DEFER_MAX_MS ? 1 : 0;
}

/**
 * The hub timer's cost step: a batch or two of 1,000 ledger rows a tick (a long backlog, say a
 * hub upgraded with years of ledger, never holds the event loop), none while ingest drains.
 */
export function costCatchUpTick(
  catchUp: (opts: { batch: number; maxBatches: number }) => unknown,
  draining: () => boolean,
): () => void {
  let ranAt = performance.now();
  return () => {
    const batches = costBatchesNow({ draining: draining(), sinceLastRunMs: performance.now() - ranAt });
    if (batches === 0) return;
    ranAt = performance.now();
    catchUp({ batch: 1000, maxBatches: batches });
  };
}
