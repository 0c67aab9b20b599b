// stripRowMetadata: rows of libsql's Statement.get() come back as plain records (both servers
// call it when they open their database).
import { expect, test } from "bun:test";
import Database from "libsql";
import { stripRowMetadata } from "./row-metadata.ts";

test("libsql adds _metadata to get() rows; after stripRowMetadata every handle's rows are plain", () => {
  const a = new Database(":memory:");
  a.exec("CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER)");
  a.exec("INSERT INTO t VALUES ('x', 1)");
  const before = a.prepare("SELECT k, v FROM t").get() as Record<string, unknown>;
  expect(Object.keys(before)).toContain("_metadata"); // why the patch exists
  stripRowMetadata(a);
  stripRowMetadata(a); // once per process, however often called
  expect(a.prepare("SELECT k, v FROM t").get()).toEqual({ k: "x", v: 1 });
  expect(JSON.stringify(a.prepare("SELECT k, v FROM t WHERE k = ?").get("x"))).toBe('{"k":"x","v":1}');
  // A second handle shares libsql's Statement prototype.
  const b = new Database(":memory:");
  expect(Object.keys(b.prepare("SELECT 1 AS one").get() as object)).toEqual(["one"]);
  expect(a.prepare("SELECT k FROM t WHERE k = 'none'").get()).toBeUndefined();
  a.close();
  b.close();
});
