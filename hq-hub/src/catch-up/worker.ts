// The catch-up Worker: the hub's derived data that follows ingest, built on its own thread and
// its own libSQL connection (a local file in WAL mode), so the hub thread keeps the stores'
// events, the broker and the API. It runs what the hub's timers ask (client.ts):
// - the batch-built look-ups of ledger, sale lines and tenders (db/deferred-index.ts);
// - the cost catch-up (costing.ts catchUp), as many batches as costing/schedule.ts decides.
// Both were exactly once on one connection and stay so on two: each moves its mark and writes
// its rows in one IMMEDIATE transaction (the mark is read inside it), and the hub's own
// connection catches up the same way before a read that needs it.
import { createCosting } from "../costing/costing.ts";
import {
  createDeferredIndex,
  SALE_LINES_BY_SALE,
  STOCK_LEDGER_BY_SKU,
  TENDERS_BY_DOC,
} from "../db/deferred-index.ts";
import { immediateTransactions, openDatabase, type Sqlite } from "../db/open.ts";

export type ToCatchUp =
  | { kind: "init"; dataDir: string }
  | { kind: "lookups"; id: number }
  | { kind: "cost"; id: number; at: string; batches: number }
  | { kind: "close"; id: number };

export type FromCatchUp =
  | { kind: "done"; id: number; rows: number }
  | { kind: "failed"; id: number; message: string };

/** Rows per look-up transaction: the write lock is held a few ms at a time, never a second's worth. */
export const LOOKUP_CHUNK = 10_000;
/** Cost movements per transaction (as on the hub thread). */
export const COST_BATCH = 1000;
/**
 * Pause between two transactions: SQLite's write lock is not fair, and the hub thread's group
 * commit waiting in its busy handler (it sleeps 1, 2, 5, 10 ms...) must get the lock between
 * two of ours rather than after all of them.
 */
const YIELD_MS = 5;

declare const self: Worker;

let db: Sqlite | undefined;
let work: ReturnType<typeof createWork> | undefined;
let current = new Date();
/** One request at a time, in order (a pause between transactions must not let another in). */
let chain: Promise<void> = Promise.resolve();

function createWork(db: Sqlite) {
  const lookups = [STOCK_LEDGER_BY_SKU, SALE_LINES_BY_SALE, TENDERS_BY_DOC].map((s) =>
    createDeferredIndex(db, s),
  );
  const costing = createCosting({ db, now: () => current });
  return { lookups, costing };
}

const pause = () => new Promise((r) => setTimeout(r, YIELD_MS));

async function run(m: Exclude<ToCatchUp, { kind: "init" }>): Promise<number> {
  if (m.kind === "close") {
    db?.close();
    db = undefined;
    work = undefined;
    return 0;
  }
  if (!work) throw new Error("the catch-up worker has no database (closed)");
  let rows = 0;
  if (m.kind === "lookups") {
    for (const l of work.lookups)
      for (;;) {
        const n = l.catchUp(LOOKUP_CHUNK);
        rows += n;
        if (n < LOOKUP_CHUNK) break;
        await pause();
      }
    return rows;
  }
  current = new Date(m.at);
  for (let b = 0; b < m.batches; b++) {
    if (b > 0) await pause();
    const n = work.costing.catchUp({ batch: COST_BATCH, maxBatches: 1 });
    rows += n;
    if (n < COST_BATCH) break;
  }
  return rows;
}

self.onmessage = (event: MessageEvent<ToCatchUp>) => {
  const m = event.data;
  if (m.kind === "init") {
    // Another connection (the hub's) writes the same file: IMMEDIATE, waiting for the lock.
    db = immediateTransactions(openDatabase({ dataDir: m.dataDir }));
    work = createWork(db);
    return;
  }
  chain = chain.then(async () => {
    try {
      const rows = await run(m);
      self.postMessage({ kind: "done", id: m.id, rows } satisfies FromCatchUp);
    } catch (e) {
      self.postMessage({
        kind: "failed",
        id: m.id,
        message: (e as Error)?.stack ?? String(e),
      } satisfies FromCatchUp);
    }
  });
};
