// Bookkeeping writes: one transaction per turn of the event loop, and a failing write does not
// take the others with it.
import { expect, test } from "bun:test";
import { tempDir } from "../test-kit.ts";
import { createBatchedWrites } from "./batched-writes.ts";
import { openDatabase } from "./open.ts";

test("writes of one turn commit together; a failing one is retried alone and logged", async () => {
  const dir = tempDir();
  const db = openDatabase({ dataDir: dir.path });
  db.exec("CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL)");
  const logged: string[] = [];
  const writes = createBatchedWrites(db, (l) => logged.push(l));
  const ins = db.prepare("INSERT INTO t (k, v) VALUES (?, ?)");
  for (let i = 0; i < 100; i++) writes.later(() => ins.run(`k${i}`, i));
  expect(db.prepare("SELECT COUNT(*) AS n FROM t").get()).toEqual({ n: 0 }); // nothing yet
  await new Promise((r) => setImmediate(r));
  expect(db.prepare("SELECT COUNT(*) AS n FROM t").get()).toEqual({ n: 100 });

  writes.later(() => ins.run("a", 1));
  writes.later(() => ins.run("k5", 5)); // duplicate key: fails
  writes.later(() => ins.run("b", 2));
  writes.flush();
  expect(db.prepare("SELECT k FROM t WHERE k IN ('a', 'b') ORDER BY k").all()).toEqual([
    { k: "a" },
    { k: "b" },
  ]);
  expect(logged).toHaveLength(1);
  expect(logged[0]).toContain("UNIQUE");
  db.close();
  dir.remove();
});
