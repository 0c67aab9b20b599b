// Drizzle's queries share one native statement per SQL text (libsql never frees a statement,
// so one per call was the edge's memory growth per sale): the count of native statements is
// bounded by the distinct queries, not by the calls, and sharing changes no result. The cache
// itself (bound, eviction) is tested in sqlite-kit/src/statement-cache.test.ts; these prove
// EdgeDb hands it to drizzle.
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { eq, sql } from "drizzle-orm";
import { EdgeDb } from "../db.ts";
import { tempDir } from "../testing/fixtures.ts";
import { meta } from "./schema.ts";

describe("statement cache", () => {
  test("thousands of un-prepared drizzle queries create one native statement per SQL text", () => {
    const db = new EdgeDb(join(tempDir(), "edge.db"));
    const before = db.statements().prepared;
    // Writes in one transaction: the point is the count of statements, not 3000 fsyncs.
    db.write(() => {
      for (let i = 0; i < 3000; i++) {
        db.d
          .insert(meta)
          .values({ key: `k${i % 7}`, value: String(i) })
          .onConflictDoUpdate({ target: meta.key, set: { value: String(i) } })
          .run();
        const row = db.d
          .select({ key: meta.key, value: meta.value })
          .from(meta)
          .where(eq(meta.key, `k${i % 7}`))
          .get();
        expect(row).toEqual({ key: `k${i % 7}`, value: String(i) });
      }
    });
    // Two SQL texts (the insert and the select); the values are bound parameters.
    expect(db.statements().prepared - before).toBe(2);
    expect(db.statements().hits).toBeGreaterThanOrEqual(5998);
    db.close();
  });

  test("each caller keeps its own raw mode on a shared statement", () => {
    const db = new EdgeDb(":memory:");
    db.write(() => db.d.insert(meta).values({ key: "a", value: "1" }).run());
    const q = sql`SELECT key, value FROM meta WHERE key = 'a'`;
    for (let i = 0; i < 3; i++) {
      expect(db.d.values(q)).toEqual([["a", "1"]]);
      expect(db.d.all(q)).toEqual([{ key: "a", value: "1" }]);
      expect(db.d.get(q)).toEqual({ key: "a", value: "1" });
    }
    db.close();
  });

  test("a statement that failed is used again cleanly, and a failed write rolls back", () => {
    const db = new EdgeDb(":memory:");
    const insert = (key: string) => db.d.insert(meta).values({ key, value: "v" }).run();
    db.write(() => insert("a"));
    expect(() =>
      db.write(() => {
        insert("b");
        insert("a"); // same SQL text, primary key taken
      }),
    ).toThrow(/UNIQUE/);
    db.write(() => insert("c"));
    expect(
      db.d
        .select({ key: meta.key })
        .from(meta)
        .all()
        .map((r) => r.key),
    ).toEqual(["a", "c"]);
    db.close();
  });
});
