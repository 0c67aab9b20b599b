// What every chain-scale list asks the hub (issue 19 item 2): words to search, a sort among the
// list's own columns ("name" ascending, "-name" descending), and a page (limit/offset, the same
// words the catalog, fleet and change-set pages use). Answers are `{rows, total}`.
import { z } from "@hono/zod-openapi";
import { type AnyColumn, asc, desc, type SQL, sql } from "drizzle-orm";

/** A list's query: q, sort among `sorts` (each also with a leading "-"), limit 1-200, offset. */
export function pageQuery<const S extends readonly [string, ...string[]]>(sorts: S) {
  const both = [...sorts, ...sorts.map((s) => `-${s}`)] as [S[number] | `-${S[number]}`, ...string[]];
  return z.object({
    q: z.string().max(100).optional(),
    sort: z.enum(both).default(sorts[0] as never),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
  });
}

/** `%` and `_` typed by a user are letters, not wildcards. */
const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** `column LIKE %words%` (case-insensitive for ASCII, as SQLite's LIKE is), wildcards escaped. */
export function contains(column: AnyColumn | SQL, words: string): SQL {
  return sql`${column} LIKE ${`%${escapeLike(words)}%`} ESCAPE '\\'`;
}

/** The ORDER BY of a sort: its column in the asked direction, then the key so pages are stable. */
export function orderOf(sort: string, columns: Record<string, AnyColumn | SQL>, key: AnyColumn): SQL[] {
  const name = sort.replace(/^-/, "");
  const dir = sort.startsWith("-") ? desc : asc;
  const column = columns[name] ?? key;
  return column === key ? [dir(key)] : [dir(column), asc(key)];
}
