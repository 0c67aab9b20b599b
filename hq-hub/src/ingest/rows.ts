// Ingest's row writer: multi-row INSERTs prepared per row count, and the rows of tables that
// ingest only ever appends to and never reads back (sale lines, tenders, the stock ledger,
// unwatched on-hand deltas), gathered over a group's optimistic pass and written at its end,
// still inside the group's transaction.
// Raw SQL on purpose, the one place left on ingest's path: each statement is prepared once per
// row count and bound with one positional array (up to 128 rows x 14 columns). Drizzle can say
// the insert but not as cheaply: 51,200 sale_lines rows in 128-row chunks, one transaction,
// interleaved in one process (2026-12-07, load average ~34): this raw statement 17,500-51,000
// rows/s; drizzle's builder per chunk 4,500-4,900; drizzle prepared once with 1,792 named
// placeholders 5,700-8,300 (3.5-7x slower).
import type { Sqlite } from "../db/open.ts";

/** Whether events get a savepoint each (the replay after an optimistic group failed). */
export interface IngestMode {
  guarded: boolean;
}

const CHUNK = 128;
const LEVEL_HEAD = "INSERT INTO stock_levels (store_id, sku, on_hand)";
const LEVEL_TAIL = "ON CONFLICT (store_id, sku) DO UPDATE SET on_hand = on_hand + excluded.on_hand";

export function createRowWriter(db: Sqlite, mode: IngestMode) {
  /** Multi-row INSERTs prepared per row count: one statement per sale instead of one per line. */
  const multi = new Map<string, ReturnType<typeof db.prepare<unknown[]>>>();
  /** Inserts `values.length / columns` rows given as one flat list of values. */
  function insertFlat(head: string, columns: number, values: unknown[], tail = "") {
    const n = values.length / columns;
    if (n === 0) return;
    const key = `${head}|${n}`;
    let st = multi.get(key);
    if (!st) {
      const one = `(${Array(columns).fill("?").join(",")})`;
      st = db.prepare(`${head} VALUES ${Array(n).fill(one).join(",")} ${tail}`);
      multi.set(key, st);
    }
    // One array argument binds positionally, without spreading ~1,800 arguments.
    st.run(values);
  }
  function insertRows(head: string, columns: number, rows: unknown[][], tail = "") {
    insertFlat(head, columns, rows.flat(), tail);
  }

  /**
   * Rows gathered over the whole group in the optimistic pass and written at its end, 128 rows
   * per statement. A failure there aborts the group like any other, and the guarded replay
   * writes each event's rows in its own savepoint as before. Order is kept (ledger ids follow
   * the events' order).
   */
  const deferred = new Map<string, { columns: number; rows: unknown[][] }>();
  function appendRows(head: string, columns: number, rows: unknown[][]) {
    if (mode.guarded) return insertRows(head, columns, rows);
    let d = deferred.get(head);
    if (!d) {
      d = { columns, rows: [] };
      deferred.set(head, d);
    }
    for (const r of rows) d.rows.push(r);
  }

  /**
   * On-hand changes of SKUs without a reorder point (nothing reads them back during ingest),
   * summed per store and SKU over the optimistic pass and written once each at the group's end:
   * a group of 400 five-line sales from 50 stores is ~250 upserts instead of 2,000. In the
   * guarded replay, one upsert for the event's moves at once.
   */
  const levelDeltas = new Map<string, [string, string, number]>();
  function addLevels(storeId: string, moves: readonly { sku: string; qty: number }[]) {
    if (mode.guarded) {
      insertRows(
        LEVEL_HEAD,
        3,
        moves.map((m) => [storeId, m.sku, m.qty]),
        LEVEL_TAIL,
      );
      return;
    }
    for (const m of moves) {
      const key = `${storeId}\u0000${m.sku}`;
      const d = levelDeltas.get(key);
      if (d) d[2] += m.qty;
      else levelDeltas.set(key, [storeId, m.sku, m.qty]);
    }
  }

  function flush() {
    for (const [head, d] of deferred) {
      for (let i = 0; i < d.rows.length; i += CHUNK) {
        // The chunk's values in one array of its final size (no slice + flat per chunk).
        const n = Math.min(CHUNK, d.rows.length - i);
        const values = new Array(n * d.columns);
        for (let r = 0, k = 0; r < n; r++) {
          const row = d.rows[i + r]!;
          for (let c = 0; c < d.columns; c++) values[k++] = row[c];
        }
        insertFlat(head, d.columns, values);
      }
    }
    deferred.clear();
    const levels = [...levelDeltas.values()];
    levelDeltas.clear();
    for (let i = 0; i < levels.length; i += CHUNK)
      insertRows(LEVEL_HEAD, 3, levels.slice(i, i + CHUNK), LEVEL_TAIL);
  }

  /** Drops what a rolled-back pass gathered. */
  function clear() {
    deferred.clear();
    levelDeltas.clear();
  }

  return { appendRows, addLevels, flush, clear };
}

export type RowWriter = ReturnType<typeof createRowWriter>;
