// The store's local database: drizzle-orm over a local libSQL file (the `libsql` package:
// better-sqlite3's synchronous API) in WAL mode with synchronous=FULL, so a committed sale is on
// disk (fsynced WAL) before the customer leaves. Schema: db/schema.ts, mirrored from the
// checked-in SQL migrations in db/migrations (the source of truth).
//
// One writer: every write runs as a synchronous transaction through `write`. The JS thread runs
// one of them at a time and nothing can interleave inside one (no await), which is the
// single-writer queue. Drizzle's async transactions are never used: they are not atomic across
// awaits (another write could land inside).
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { eq, sql } from "drizzle-orm";
import { type BetterSQLite3Database, drizzle } from "drizzle-orm/better-sqlite3";
import Database from "libsql";
import * as schema from "./db/schema.ts";
import { StorageHealth } from "./health/storage.ts";

export type Sqlite = InstanceType<typeof Database>;
export type Drizzle = BetterSQLite3Database<typeof schema>;

const MIGRATIONS_DIR = join(import.meta.dir, "db", "migrations");

/** The numbered SQL files, in order: a database at user_version N has had the first N applied. */
export function migrationFiles(): string[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((f) => /^\d{4}_.+\.sql$/.test(f))
    .sort();
}

let getPatched = false;

/**
 * libsql's Statement.get() adds an enumerable `_metadata` (timing) to the row; strip it once,
 * for every statement (as hq-hub does), so rows compare and serialise as plain records.
 */
function stripRowMetadata(db: Sqlite): void {
  if (getPatched) return;
  getPatched = true;
  const proto = Object.getPrototypeOf(db.prepare("SELECT 1")) as { get: (...a: unknown[]) => unknown };
  const get = proto.get;
  proto.get = function (this: unknown, ...args: unknown[]) {
    const row = get.apply(this, args) as Record<string, unknown> | undefined;
    if (row && typeof row === "object") delete row._metadata;
    return row;
  };
}

/**
 * Drizzle over the libsql handle through drizzle's better-sqlite3 entry point: libsql has
 * better-sqlite3's synchronous API, and the `better-sqlite3` name that entry point imports is
 * the libsql package itself (an npm alias in package.json), so no second SQLite is installed.
 */
function openDrizzle(db: Sqlite): Drizzle {
  // biome-ignore lint/suspicious/noExplicitAny: libsql is API-compatible with better-sqlite3 (the alias)
  return drizzle({ client: db as any, schema });
}

export class EdgeDb {
  /** The libsql handle: pragmas, migrations and the catalog's table switch only. */
  readonly raw: Sqlite;
  /** Drizzle: every query. */
  readonly d: Drizzle;
  /** A full or failing disk, as the last writes found it (store status, fleet alert). */
  readonly storage = new StorageHealth();
  private readonly metaGet;
  private readonly metaSet;

  constructor(path: string) {
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    this.raw = new Database(path);
    stripRowMetadata(this.raw);
    this.raw.exec("PRAGMA journal_mode = WAL");
    this.raw.exec("PRAGMA synchronous = FULL");
    this.raw.exec("PRAGMA busy_timeout = 5000");
    this.raw.exec("PRAGMA foreign_keys = ON");
    this.migrate();
    this.d = openDrizzle(this.raw);
    this.metaGet = this.d
      .select({ value: schema.meta.value })
      .from(schema.meta)
      .where(eq(schema.meta.key, sql.placeholder("key")))
      .prepare();
    this.metaSet = this.d
      .insert(schema.meta)
      .values({ key: sql.placeholder("key"), value: sql.placeholder("value") })
      .onConflictDoUpdate({ target: schema.meta.key, set: { value: sql`excluded.value` } })
      .prepare();
  }

  /** PRAGMA user_version counts the applied migration files (as the earlier code counted its list). */
  private migrate(): void {
    const current = (this.raw.prepare("PRAGMA user_version").get() as { user_version: number }).user_version;
    const files = migrationFiles();
    for (let v = current; v < files.length; v++) {
      const ddl = readFileSync(join(MIGRATIONS_DIR, files[v]!), "utf8");
      this.raw.transaction(() => {
        this.raw.exec(ddl);
        this.raw.exec(`PRAGMA user_version = ${v + 1}`);
      })();
    }
  }

  /**
   * Runs `fn` as one durable transaction; the only way anything is written. A write inside a
   * write is a savepoint of the outer one (as bun:sqlite and better-sqlite3 nest; libsql's own
   * transaction() would fail on the nested BEGIN).
   */
  write<T>(fn: () => T): T {
    if (!this.raw.inTransaction) {
      this.raw.exec("BEGIN");
      try {
        const out = fn();
        this.raw.exec("COMMIT");
        this.storage.succeeded();
        return out;
      } catch (e) {
        // On a full or failing disk SQLite has rolled the transaction back already; a second
        // ROLLBACK would throw "cannot rollback" and hide the cause (health/storage.ts).
        if (this.raw.inTransaction) this.raw.exec("ROLLBACK");
        throw this.storage.failed(e);
      }
    }
    // Raw SQL: drizzle exposes savepoints only through the transaction object of the outer call.
    this.raw.exec("SAVEPOINT edge_nested");
    try {
      const out = fn();
      this.raw.exec("RELEASE edge_nested");
      return out;
    } catch (e) {
      this.raw.exec("ROLLBACK TO edge_nested");
      this.raw.exec("RELEASE edge_nested");
      throw e;
    }
  }

  /**
   * A write that must survive the process being killed but not a power cut: the cart as it is
   * built, saved on every scan. It commits to the WAL without the fsync (synchronous=NORMAL for
   * this one commit), so it is in the OS page cache at once and a kill -9 loses nothing; the
   * next durable commit (a sale, a shift) fsyncs the WAL and makes it durable with everything
   * before it, in order. Saves a disk flush per scan, the largest cost of a scan. A sale, its
   * outbox event and everything HQ must see go through `write`.
   */
  writeVolatile<T>(fn: () => T): T {
    if (this.raw.inTransaction) return this.write(fn);
    this.raw.exec("PRAGMA synchronous = NORMAL");
    try {
      return this.write(fn);
    } finally {
      this.raw.exec("PRAGMA synchronous = FULL");
    }
  }

  get inTransaction(): boolean {
    return this.raw.inTransaction;
  }

  meta(key: string): string | undefined {
    return this.metaGet.get({ key })?.value;
  }

  metaInt(key: string): number {
    return Number(this.meta(key) ?? 0);
  }

  setMeta(key: string, value: string | number): void {
    this.metaSet.run({ key, value: String(value) });
  }

  close(): void {
    this.raw.close();
  }
}
