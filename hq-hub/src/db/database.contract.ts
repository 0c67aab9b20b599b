// The hub database contract: what migrations, ingest and every service rely on from the
// database, whichever carries it (a local libSQL file, a remote libSQL server by DATABASE_URL).
// Written once, run by file.contract.test.ts and remote.contract.test.ts.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { and, count as countRows, eq } from "drizzle-orm";
import { drizzleStatements, migrate, migrationPlan, openDrizzle, type Sqlite } from "./open.ts";
import { inbox } from "./schema.ts";

export interface DatabaseUnderTest {
  /** A new connection to the same database, opened as the hub opens it (openDatabase). */
  connect(): Sqlite;
  close(): Promise<void>;
}

/** Every migration the hub ships (numbered SQL files, then drizzle-kit's), in order. */
const MIGRATIONS = migrationPlan().map((m) => m.name);

const count = (db: Sqlite, sql: string, ...args: unknown[]) =>
  (db.prepare(`SELECT count(*) AS n FROM (${sql})`).get(...args) as { n: number }).n;

export function databaseContract(name: string, start: () => Promise<DatabaseUnderTest>): void {
  setDefaultTimeout(60_000);
  let under: DatabaseUnderTest;
  let db: Sqlite;
  const others: Sqlite[] = [];
  const another = () => {
    const c = under.connect();
    others.push(c);
    return c;
  };
  let n = 0;
  const eventId = () => `evt-${++n}-${crypto.randomUUID()}`;
  const inboxInsert = (c: Sqlite) =>
    c.prepare(
      "INSERT INTO inbox (event_id, store_id, seq, type, content_hash, occurred_at, received_at) VALUES (?, ?, ?, 'sale.completed', 'h', '2026-01-01T00:00:00Z', '2026-01-01T00:00:01Z') ON CONFLICT DO NOTHING",
    );

  beforeAll(async () => {
    under = await start();
    db = under.connect();
  });
  afterAll(async () => {
    for (const c of others) c.close();
    db?.close();
    await under?.close();
  });

  describe(`hub database contract: ${name}`, () => {
    test("migrations apply every file once, in order, on an empty database; a second run applies none", () => {
      expect(migrate(db)).toEqual(MIGRATIONS);
      expect(migrate(db)).toEqual([]);
      const names = (
        db.prepare("SELECT name FROM _migrations ORDER BY name").all() as { name: string }[]
      ).map((r) => r.name);
      expect(names).toEqual(MIGRATIONS);
      // Another connection (a second worker starting) finds nothing to do.
      expect(migrate(another())).toEqual([]);
    });

    test("a transaction is atomic: a throw leaves nothing, a commit leaves every row, seen by others", () => {
      const insert = inboxInsert(db); // prepared outside the transaction, run inside (the hub does)
      const reader = another();
      expect(() =>
        db.transaction(() => {
          insert.run(eventId(), "D1", 1);
          insert.run(eventId(), "D1", 2);
          throw new Error("abort the group");
        })(),
      ).toThrow("abort the group");
      expect(count(reader, "SELECT 1 FROM inbox WHERE store_id = 'D1'")).toBe(0);
      db.transaction(() => {
        for (let seq = 1; seq <= 50; seq++) insert.run(eventId(), "D1", seq);
      })();
      expect(count(reader, "SELECT 1 FROM inbox WHERE store_id = 'D1'")).toBe(50);
      // The same statement still works outside a transaction afterwards.
      expect(insert.run(eventId(), "D1", 51).changes).toBe(1);
      expect(count(db, "SELECT 1 FROM inbox WHERE store_id = 'D1'")).toBe(51);
    });

    test("exactly-once bookkeeping: ON CONFLICT DO NOTHING reports 0 changes for a duplicate, 1 for a new row", () => {
      const insert = inboxInsert(db);
      const id = eventId();
      expect(insert.run(id, "D2", 1).changes).toBe(1);
      expect(insert.run(id, "D2", 1).changes).toBe(0); // the same event again
      expect(insert.run(eventId(), "D2", 1).changes).toBe(0); // another event with a taken seq
      const seq = db.prepare(
        "INSERT INTO store_seq (store_id, up_to_seq) VALUES (?, ?) ON CONFLICT (store_id) DO UPDATE SET up_to_seq = MAX(up_to_seq, excluded.up_to_seq)",
      );
      seq.run("D2", 5);
      seq.run("D2", 3); // never goes back
      expect(db.prepare("SELECT up_to_seq FROM store_seq WHERE store_id = ?").get("D2")).toEqual({
        up_to_seq: 5,
      });
    });

    test("an upsert's RETURNING gives the row after the update; money-sized integers stay exact", () => {
      db.exec("CREATE TABLE IF NOT EXISTS contract_money (k TEXT PRIMARY KEY, fen INTEGER NOT NULL)");
      const add = db.prepare(
        "INSERT INTO contract_money (k, fen) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET fen = fen + excluded.fen RETURNING fen",
      );
      expect(add.get("a", 7)).toEqual({ fen: 7 });
      expect(add.get("a", -10)).toEqual({ fen: -3 });
      const big = Number.MAX_SAFE_INTEGER - 1;
      expect(add.get("b", big)).toEqual({ fen: big });
      expect(add.get("b", 1)).toEqual({ fen: Number.MAX_SAFE_INTEGER });
      expect(db.prepare("SELECT sum(fen) AS s FROM contract_money WHERE k = 'b'").get()).toEqual({
        s: Number.MAX_SAFE_INTEGER,
      });
    });

    test("readers on other connections see the last commit while a write transaction is open, then the new one", () => {
      const insert = inboxInsert(db);
      const r1 = another();
      const r2 = another();
      const seen = (c: Sqlite) => count(c, "SELECT 1 FROM inbox WHERE store_id = 'D3'");
      insert.run(eventId(), "D3", 1);
      const write = db.transaction(() => {
        insert.run(eventId(), "D3", 2);
        insert.run(eventId(), "D3", 3);
        // Both readers answer now, from the committed state, without waiting for this writer.
        expect([seen(r1), seen(r2)]).toEqual([1, 1]);
        expect(seen(db)).toBe(3); // the writer sees its own rows
      });
      write.immediate();
      expect([seen(r1), seen(r2)]).toEqual([3, 3]);
    });

    test("a failed statement inside a transaction rolls the whole transaction back", () => {
      const insert = inboxInsert(db);
      const strict = db.prepare("INSERT INTO store_seq (store_id, up_to_seq) VALUES (?, ?)");
      expect(() =>
        db.transaction(() => {
          insert.run(eventId(), "D4", 1);
          strict.run("D4", 1);
          strict.run("D4", 2); // PRIMARY KEY violation
        })(),
      ).toThrow(/UNIQUE|constraint/i);
      expect(count(another(), "SELECT 1 FROM inbox WHERE store_id = 'D4'")).toBe(0);
      expect(count(db, "SELECT 1 FROM store_seq WHERE store_id = 'D4'")).toBe(0);
      expect(db.inTransaction).toBe(false);
    });

    test("drizzle's shared statements (one per SQL text) work outside and inside transactions, and roll back", () => {
      const orm = openDrizzle(db);
      const put = (seq: number) =>
        orm
          .insert(inbox)
          .values({
            eventId: eventId(),
            storeId: "D5",
            seq,
            type: "sale.completed",
            contentHash: "h",
            occurredAt: "2026-01-01T00:00:00Z",
            receivedAt: "2026-01-01T00:00:01Z",
          })
          .onConflictDoNothing()
          .run();
      const rows = (seq?: number) =>
        orm
          .select({ n: countRows() })
          .from(inbox)
          .where(
            seq === undefined ? eq(inbox.storeId, "D5") : and(eq(inbox.storeId, "D5"), eq(inbox.seq, seq)),
          )
          .get()?.n;
      // First use outside a transaction (the statement is cached in autocommit state) ...
      expect(put(1).changes).toBe(1);
      expect(rows()).toBe(1);
      // ... then inside one that fails: the cached statements must not commit on their own.
      expect(() =>
        db.transaction(() => {
          put(2);
          expect(rows()).toBe(2);
          throw new Error("abort the group");
        })(),
      ).toThrow("abort the group");
      expect(rows()).toBe(1);
      db.transaction(() => {
        for (let seq = 2; seq <= 20; seq++) put(seq);
      })();
      expect(rows()).toBe(20);
      expect(count(another(), "SELECT 1 FROM inbox WHERE store_id = 'D5'")).toBe(20);
      expect(rows(7)).toBe(1);
      // Dozens of calls, a handful of SQL texts.
      expect(drizzleStatements(db)!.prepared).toBeLessThanOrEqual(4);
      expect(db.inTransaction).toBe(false);
    });
  });
}
