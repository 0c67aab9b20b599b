// One native statement per distinct SQL text for drizzle's queries. libsql 0.5 never frees a
// prepared statement (tursodatabase/libsql-js#153: the native statement outlives its JS object,
// under Bun and Node alike, ~3-7 KB each), and drizzle prepares one on every call of a query
// not built with `.prepare()`. At the edge that was every status, ack, receipt counter, stock
// move and journal query: RSS grew by tens of MB over 20,000 sales (docs/benchmarks.md).
//
// Statements are shared, so each caller gets a lease with its own raw mode (drizzle switches a
// statement to arrays with `.raw()` and never back). run/get/all finish the statement before
// they return (libsql resets it), so two leases of one SQL text never interleave; `iterate`
// is not offered (a lazy cursor could).
import type Database from "libsql";

/** The libsql handle (db.ts's Sqlite; declared here so db.ts and this module import one way). */
type Sqlite = InstanceType<typeof Database>;

/** libsql's statement, as this module uses it. */
interface Native {
  raw(on?: boolean): unknown;
  run(...params: unknown[]): unknown;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  columns(): unknown;
  readonly reader: boolean;
}

interface Entry {
  readonly stmt: Native;
  /** The raw mode the native statement is in now. */
  raw: boolean;
}

export interface StatementCacheStats {
  /** Distinct SQL texts held. */
  size: number;
  /** Native statements created (each one is memory libsql keeps for the life of the process). */
  prepared: number;
  hits: number;
  /** Texts dropped to stay within the bound (a text used again is prepared again). */
  evicted: number;
}

/** A drizzle statement: one native statement behind it, this caller's raw mode in front. */
class Lease {
  private rawMode = false;
  constructor(private readonly e: Entry) {}

  raw(on = true): this {
    this.rawMode = on;
    return this;
  }

  private native(): Native {
    const e = this.e;
    if (e.raw !== this.rawMode) {
      e.stmt.raw(this.rawMode);
      e.raw = this.rawMode;
    }
    return e.stmt;
  }

  run(...params: unknown[]): unknown {
    return this.native().run(...params);
  }

  get(...params: unknown[]): unknown {
    return this.native().get(...params);
  }

  all(...params: unknown[]): unknown[] {
    return this.native().all(...params);
  }

  columns(): unknown {
    return this.native().columns();
  }

  get reader(): boolean {
    return this.e.stmt.reader;
  }
}

/**
 * The libsql handle as drizzle's client, its `prepare` answered from a cache of at most `limit`
 * SQL texts (least recently used dropped first). Everything else (transaction, exec, pragmas)
 * is the handle's own.
 */
export function cachingStatements(
  db: Sqlite,
  limit = 1000,
): { client: Sqlite; stats: () => StatementCacheStats } {
  const cache = new Map<string, Entry>();
  const counts = { prepared: 0, hits: 0, evicted: 0 };
  const client = Object.create(db) as Sqlite;
  Object.defineProperty(client, "prepare", {
    value(sql: string): Lease {
      let e = cache.get(sql);
      if (e) {
        counts.hits++;
        // Most recently used last: the Map's order is the eviction order.
        cache.delete(sql);
      } else {
        e = { stmt: db.prepare(sql) as unknown as Native, raw: false };
        counts.prepared++;
        if (cache.size >= limit) {
          cache.delete(cache.keys().next().value!);
          counts.evicted++;
        }
      }
      cache.set(sql, e);
      return new Lease(e);
    },
  });
  return { client, stats: () => ({ size: cache.size, ...counts }) };
}
