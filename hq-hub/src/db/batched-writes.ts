// Bookkeeping writes that nobody waits for (a store's status, its last-seen time, the catalog
// version it applied) are gathered and committed together once per turn of the event loop.
// Autocommitted one by one, each paid its own fsync (synchronous=FULL) on the thread that also
// acks sales: when 1,000 stores applied a price change and re-stated their status, that was
// 2,000 fsyncs in a second, and the tail of every store's sale acks. A failing write is
// retried alone so that it cannot take the others with it.
import type { Sqlite } from "./open.ts";

export interface BatchedWrites {
  /** Runs `write` inside the next batch's transaction (this turn of the event loop). */
  later(write: () => void): void;
  /** Commits what is pending now (before the database closes; tests). */
  flush(): void;
}

export function createBatchedWrites(db: Sqlite, log: (line: string) => void): BatchedWrites {
  let pending: (() => void)[] = [];
  let scheduled = false;
  function flush() {
    scheduled = false;
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    try {
      db.transaction(() => {
        for (const write of batch) write();
      })();
    } catch {
      for (const write of batch)
        try {
          db.transaction(write)();
        } catch (e) {
          log(`hq-hub: bookkeeping write failed: ${(e as Error).message}`);
        }
    }
  }
  return {
    later(write) {
      pending.push(write);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
  };
}
