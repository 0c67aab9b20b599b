// The statement cache over a plain libsql handle: one native statement per SQL text whatever
// the number of calls, a bound with least-recently-used eviction, each caller's own raw mode,
// and a failed statement used again cleanly. (store-edge and hq-hub each prove they hand it to
// drizzle: store-edge/src/db/statement-cache.test.ts, hq-hub/src/db/statements.test.ts.)
import { describe, expect, test } from "bun:test";
import { eq, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { sqliteTable, text } from "drizzle-orm/sqlite-core";
import Database from "libsql";
import { cachingStatements } from "./statement-cache.ts";

const meta = sqliteTable("meta", { key: text("key").primaryKey(), value: text("value").notNull() });

function open() {
  const raw = new Database(":memory:");
  raw.exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
  const cached = cachingStatements(raw);
  // biome-ignore lint/suspicious/noExplicitAny: libsql is API-compatible with better-sqlite3
  const d = drizzle({ client: cached.client as any });
  return { raw, d, stats: cached.stats };
}

describe("statement cache", () => {
  test("thousands of un-prepared drizzle queries create one native statement per SQL text", () => {
    const { raw, d, stats } = open();
    let natives = 0;
    const prepare = raw.prepare.bind(raw);
    // biome-ignore lint/suspicious/noExplicitAny: counting the handle's own prepares
    (raw as any).prepare = (s: string) => {
      natives++;
      return prepare(s);
    };
    raw.transaction(() => {
      for (let i = 0; i < 3000; i++) {
        d.insert(meta)
          .values({ key: `k${i % 7}`, value: String(i) })
          .onConflictDoUpdate({ target: meta.key, set: { value: String(i) } })
          .run();
        const row = d
          .select({ key: meta.key, value: meta.value })
          .from(meta)
          .where(eq(meta.key, `k${i % 7}`))
          .get();
        expect(row).toEqual({ key: `k${i % 7}`, value: String(i) });
      }
    })();
    // Two SQL texts (the insert and the select); the values are bound parameters.
    expect(natives).toBe(2);
    expect(stats().prepared).toBe(2);
    expect(stats().hits).toBeGreaterThanOrEqual(5998);
    raw.close();
  });

  test("the cache holds at most its bound, least recently used dropped first", () => {
    const raw = new Database(":memory:");
    const { client, stats } = cachingStatements(raw, 3);
    for (let round = 0; round < 2; round++)
      for (let i = 0; i < 10; i++) {
        const row = client.prepare(`SELECT ${i} AS n`).get() as { n: number };
        expect(row.n).toBe(i);
      }
    expect(stats().size).toBe(3);
    expect(stats().prepared).toBe(20);
    expect(stats().evicted).toBe(17);
    // A recently used text stays.
    client.prepare("SELECT 9 AS n").get();
    expect(stats().prepared).toBe(20);
    raw.close();
  });

  test("each caller keeps its own raw mode on a shared statement", () => {
    const { raw, d } = open();
    d.insert(meta).values({ key: "a", value: "1" }).run();
    const q = sql`SELECT key, value FROM meta WHERE key = 'a'`;
    for (let i = 0; i < 3; i++) {
      expect(d.values(q)).toEqual([["a", "1"]]);
      expect(d.all(q)).toEqual([{ key: "a", value: "1" }]);
      // libsql's get() adds a `_metadata` timing field (the servers strip it: stripRowMetadata).
      const { _metadata, ...row } = d.get(q) as Record<string, unknown>;
      expect(row).toEqual({ key: "a", value: "1" });
    }
    raw.close();
  });

  test("a statement that failed is used again cleanly, and a failed transaction rolls back", () => {
    const { raw, d } = open();
    const insert = (key: string) => d.insert(meta).values({ key, value: "v" }).run();
    insert("a");
    expect(() =>
      raw.transaction(() => {
        insert("b");
        insert("a"); // same SQL text, primary key taken
      })(),
    ).toThrow(/UNIQUE/);
    insert("c");
    // Read on the handle itself, past the cache: what the failed transaction left.
    const keys = raw.prepare("SELECT key FROM meta ORDER BY key").all() as { key: string }[];
    expect(keys.map((r) => r.key)).toEqual(["a", "c"]);
    raw.close();
  });
});
