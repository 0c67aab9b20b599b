// Look-up tables of append-only tables (stock ledger, sale lines, tenders), built behind the
// writes in sorted batches (see migrations 0004 and 0005). Writers only append to the source table. `catchUp` moves the rows appended
// since the mark into the look-up, sorted by key, and advances the mark in the same
// transaction; a reader asks the look-up for rows up to the mark and scans the source above it
// (a few seconds of rows), in one statement, so it always sees every row exactly once.
import { type Placeholder, type SQL, sql } from "drizzle-orm";
import type { Sqlite } from "./open.ts";

export interface DeferredIndexSpec {
  /** The look-up table: key columns, then `id`. */
  name: string;
  /** The append-only source table; `id` is its INTEGER PRIMARY KEY. */
  source: string;
  key: readonly string[];
}

export const STOCK_LEDGER_BY_SKU: DeferredIndexSpec = {
  name: "stock_ledger_by_sku",
  source: "stock_ledger",
  key: ["store_id", "sku"],
};

export const SALE_LINES_BY_SALE: DeferredIndexSpec = {
  name: "sale_lines_by_sale",
  source: "sale_lines",
  key: ["store_id", "sale_id"],
};

export const TENDERS_BY_DOC: DeferredIndexSpec = {
  name: "tenders_by_doc",
  source: "tenders",
  key: ["store_id", "doc_kind", "doc_id"],
};

export interface DeferredIndex {
  /** Indexes up to `maxRows` rows above the mark; returns how many it indexed. */
  catchUp(maxRows?: number): number;
  /** Source rows not in the look-up yet. */
  lag(): number;
  /**
   * SQL selecting the source ids whose key equals the `?` parameters (one per key column, in
   * `key` order, each bound twice: first for the look-up, then for the tail).
   */
  idsWhereKey: string;
  /**
   * The same select, parenthesised, as a drizzle fragment with the key values bound (`inArray(table.id,
   * index.idsWhere(storeId, sku))`), or placeholders for a statement prepared once. A UNION ALL of the look-up and the source's tail above the
   * mark, read in the same statement, over tables named by the spec: drizzle's builder has no
   * way to say "the look-up of this spec", so it is SQL, with identifiers quoted and values bound.
   */
  idsWhere(...values: (string | number | Placeholder)[]): SQL;
}

export function createDeferredIndex(db: Sqlite, spec: DeferredIndexSpec): DeferredIndex {
  const { name, source, key } = spec;
  const cols = key.join(", ");
  // Raw SQL: the look-up and source tables are named by the spec at run time (one function for
  // the three look-ups), which drizzle's builder, typed by table object, does not take.
  const mark = db.prepare("SELECT up_to FROM deferred_index_marks WHERE name = ?");
  const maxId = db.prepare(`SELECT COALESCE(MAX(id), 0) AS n FROM ${source}`);
  const fill = db.prepare(
    `INSERT INTO ${name} (${cols}, id) SELECT ${cols}, id FROM ${source} WHERE id > ? AND id <= ? ORDER BY ${cols}, id`,
  );
  const setMark = db.prepare("UPDATE deferred_index_marks SET up_to = ? WHERE name = ?");
  const where = key.map((k) => `${k} = ?`).join(" AND ");
  const upTo = () => (mark.get(name) as { up_to: number }).up_to;
  // IMMEDIATE: another hub worker (shared subscription) may catch up at the same time.
  const step = db.transaction((maxRows: number) => {
    const from = upTo();
    const to = Math.min((maxId.get() as { n: number }).n, from + maxRows);
    if (to <= from) return 0;
    fill.run(from, to);
    setMark.run(to, name);
    return to - from;
  });
  return {
    catchUp: (maxRows = 200_000) => step.immediate(maxRows) as number,
    lag: () => (maxId.get() as { n: number }).n - upTo(),
    idsWhere: (...values) => {
      const keyIs = sql.join(
        key.map((k, i) => sql`${sql.identifier(k)} = ${values[i]}`),
        sql` AND `,
      );
      return sql`(SELECT id FROM ${sql.identifier(name)} WHERE ${keyIs} UNION ALL SELECT id FROM ${sql.identifier(source)} WHERE id > (SELECT up_to FROM deferred_index_marks WHERE name = ${name}) AND ${keyIs})`;
    },
    idsWhereKey: `SELECT id FROM ${name} WHERE ${where}
      UNION ALL SELECT id FROM ${source} WHERE id > (SELECT up_to FROM deferred_index_marks WHERE name = '${name}') AND ${where}`,
  };
}
