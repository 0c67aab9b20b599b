// Opens the hub's database: a local libSQL file (WAL) by default, or a remote libSQL server
// by URL. The `libsql` package is synchronous (better-sqlite3 API), so a transaction is one
// uninterrupted stretch of JS: nothing else can interleave with it.
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { cachingStatements, type StatementCacheStats, stripRowMetadata } from "@retail/sqlite-kit";
import { type BetterSQLite3Database, drizzle } from "drizzle-orm/better-sqlite3";
import Database from "libsql";
import { hubAssetsDir } from "../appliance.ts";
import { transactionSafePrepare } from "./remote.ts";
import * as schema from "./schema.ts";

export type Sqlite = InstanceType<typeof Database>;
export type Drizzle = BetterSQLite3Database<typeof schema>;

export interface OpenOptions {
  dataDir: string;
  databaseUrl?: string;
  authToken?: string;
}

export function openDatabase(opts: OpenOptions): Sqlite {
  const db = openRaw(opts);
  stripRowMetadata(db);
  // Remote statements must be prepared per transaction state (see remote.ts).
  return opts.databaseUrl ? transactionSafePrepare(db) : db;
}

function openRaw(opts: OpenOptions): Sqlite {
  if (opts.databaseUrl) {
    // A remote libSQL server: every statement is a network round trip; pragmas below are the
    // server's business.
    // biome-ignore lint/suspicious/noExplicitAny: authToken is accepted at runtime but missing from the typings
    return new Database(opts.databaseUrl, (opts.authToken ? { authToken: opts.authToken } : {}) as any);
  }
  mkdirSync(opts.dataDir, { recursive: true });
  const db = new Database(join(opts.dataDir, "hq.db"));
  // Raw SQL: pragmas (drizzle has no builder for them).
  db.exec("PRAGMA journal_mode = WAL");
  // FULL, not NORMAL: the hub acks an event only after its commit, and the edge then forgets
  // it. With NORMAL in WAL mode a power cut may lose the last commits AFTER their ack went out,
  // i.e. events no one still holds. FULL syncs the WAL at every commit; group commit (one
  // transaction for many messages) keeps that to one fsync per group.
  db.exec("PRAGMA synchronous = FULL");
  db.exec("PRAGMA busy_timeout = 5000");
  db.exec("PRAGMA foreign_keys = OFF");
  return db;
}

/**
 * Makes every `db.transaction(fn)()` of this connection BEGIN IMMEDIATE. Needed once another
 * connection writes the same file at the same time (the ingest Worker): a deferred transaction
 * that read first and then writes fails at once with SQLITE_BUSY when the other connection
 * committed in between, while an immediate one waits for the write lock (busy_timeout).
 */
export function immediateTransactions(db: Sqlite): Sqlite {
  const original = db.transaction.bind(db);
  // biome-ignore lint/suspicious/noExplicitAny: the wrapper keeps libsql's transaction shape
  (db as any).transaction = (fn: (...a: unknown[]) => unknown) => {
    const tx = original(fn);
    const run = (...a: unknown[]) => tx.immediate(...a);
    return Object.assign(run, {
      default: run,
      deferred: tx.deferred,
      immediate: tx.immediate,
      exclusive: tx.exclusive,
    });
  };
  return db;
}

/** One drizzle per handle: the hub and the modules given the handle share it. */
const orms = new WeakMap<
  Sqlite,
  { orm: BetterSQLite3Database<typeof schema>; stats: () => StatementCacheStats }
>();

/**
 * Drizzle over the libsql handle through drizzle's better-sqlite3 entry point: libsql has
 * better-sqlite3's synchronous API, and the `better-sqlite3` name that entry point imports is
 * the libsql package itself (an npm alias in package.json), so no second SQLite is installed.
 * Transactions stay synchronous (`db.transaction(fn)()` on the handle, or drizzle's sync one).
 * Drizzle's client is the handle with `prepare` answered from one native statement per SQL
 * text (@retail/sqlite-kit): libsql never frees a statement and drizzle prepares one per call of
 * a query not built with `.prepare()`, i.e. ~4 KB of native memory kept per API read or per run
 * of a periodic job (docs/benchmarks.md). Transactions and pragmas are the handle's own; in
 * DATABASE_URL mode the cached statement is remote.ts's, which still picks its copy by the
 * transaction state at each call.
 */
export function openDrizzle(db: Sqlite) {
  let entry = orms.get(db);
  if (!entry) {
    const cached = cachingStatements(db);
    // biome-ignore lint/suspicious/noExplicitAny: libsql is API-compatible with better-sqlite3 (the alias)
    entry = { orm: drizzle({ client: cached.client as any, schema }), stats: cached.stats };
    orms.set(db, entry);
  }
  return entry.orm;
}

/** The statement cache behind this handle's drizzle (tests, diagnostics). */
export function drizzleStatements(db: Sqlite): StatementCacheStats | undefined {
  return orms.get(db)?.stats();
}

// A compiled hub reads them from where its embedded copies were written (appliance.ts).
const dbDir = () => {
  const assets = hubAssetsDir();
  return assets ? join(assets, "db") : import.meta.dir;
};

/**
 * Every migration in the order it applies, by the name _migrations records: the frozen
 * hand-written chain (0001..0017, the path every database of earlier releases took), then what
 * drizzle-kit generated from schema.ts after it. drizzle-kit's baseline (journal entry 0)
 * describes the end of the hand-written chain and never runs: `npm run lint` proves a database
 * built by it and one built by the chain have the same shape (scripts/check-migrations.ts).
 */
export function migrationPlan(): { name: string; sql: () => string }[] {
  const MIGRATIONS_DIR = join(dbDir(), "migrations");
  const GENERATED_DIR = join(dbDir(), "drizzle");
  const legacy = readdirSync(MIGRATIONS_DIR)
    .filter((f) => /^\d{4}_.+\.sql$/.test(f))
    .sort()
    .map((f) => ({ name: f, sql: () => readFileSync(join(MIGRATIONS_DIR, f), "utf8") }));
  const journal = JSON.parse(readFileSync(join(GENERATED_DIR, "meta", "_journal.json"), "utf8")) as {
    entries: { idx: number; tag: string }[];
  };
  const generated = journal.entries
    .filter((e) => e.idx > 0)
    .sort((a, b) => a.idx - b.idx)
    .map((e) => ({
      name: `drizzle/${e.tag}.sql`,
      sql: () => readFileSync(join(GENERATED_DIR, `${e.tag}.sql`), "utf8"),
    }));
  return [...legacy, ...generated];
}

/** Applies the migrations not applied yet (migrationPlan), each in its own transaction. */
export function migrate(
  db: Sqlite,
  now: () => Date = () => new Date(),
  plan: { name: string; sql: () => string }[] = migrationPlan(),
): string[] {
  db.exec("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)");
  // Raw SQL: _migrations is the runner's own bookkeeping, outside the schema it migrates.
  const done = new Set(
    (db.prepare("SELECT name FROM _migrations").all() as { name: string }[]).map((r) => r.name),
  );
  const applied: string[] = [];
  for (const m of plan) {
    if (done.has(m.name)) continue;
    const sql = m.sql();
    db.transaction(() => {
      db.exec(sql);
      db.prepare("INSERT INTO _migrations (name, applied_at) VALUES (?, ?)").run(m.name, now().toISOString());
    })();
    applied.push(m.name);
  }
  return applied;
}
