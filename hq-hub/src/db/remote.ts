// DATABASE_URL mode: the `libsql` package talks Hrana over HTTP to a libSQL server. Its
// remote client decides, when a statement is PREPARED, whether executing it closes the HTTP
// stream (it does when the connection was in autocommit mode at that moment). A statement
// prepared outside a transaction and run inside one therefore closes the stream mid-
// transaction: the server rolls back, and the later COMMIT fails with "no transaction is
// active". Drizzle and the hub prepare statements once and reuse them everywhere, so every
// transaction would break. This wrapper keeps two prepared copies of each statement, one for
// autocommit and one for inside a transaction, and runs the one that matches the connection's
// state at the call.
import type Database from "libsql";

type Sqlite = InstanceType<typeof Database>;
type Statement = ReturnType<Sqlite["prepare"]>;
// The statement methods as called here: bound parameters passed through untouched.
type Call = (...args: unknown[]) => unknown;

// Modes better-sqlite3's API sets on a statement and that drizzle relies on (`raw()` for
// value arrays); replayed on whichever copy runs.
interface Modes {
  raw?: boolean;
  pluck?: boolean;
  expand?: boolean;
  safeIntegers?: boolean;
}

class StateAwareStatement {
  private auto?: Statement;
  private inTx?: Statement;
  private readonly modes: Modes = {};

  constructor(
    private readonly db: Sqlite,
    private readonly prepareOn: (sql: string) => Statement,
    readonly source: string,
  ) {
    // Prepare now so a syntax error surfaces where the statement is written, as locally.
    this.pick();
  }

  private pick(): Statement {
    const tx = this.db.inTransaction;
    let stmt = tx ? this.inTx : this.auto;
    if (!stmt) {
      stmt = this.prepareOn(this.source);
      if (tx) this.inTx = stmt;
      else this.auto = stmt;
    }
    const s = stmt as unknown as Record<string, (on?: boolean) => unknown>;
    if (this.modes.raw !== undefined) s.raw!(this.modes.raw);
    if (this.modes.pluck !== undefined) s.pluck!(this.modes.pluck);
    if (this.modes.expand !== undefined) s.expand!(this.modes.expand);
    if (this.modes.safeIntegers !== undefined) s.safeIntegers!(this.modes.safeIntegers);
    return stmt;
  }

  get reader(): boolean {
    return (this.pick() as unknown as { reader: boolean }).reader;
  }

  raw(on = true): this {
    this.modes.raw = on;
    return this;
  }
  pluck(on = true): this {
    this.modes.pluck = on;
    return this;
  }
  expand(on = true): this {
    this.modes.expand = on;
    return this;
  }
  safeIntegers(on = true): this {
    this.modes.safeIntegers = on;
    return this;
  }
  run(...args: unknown[]) {
    const stmt = this.pick();
    return (stmt.run as Call).apply(stmt, args);
  }
  get(...args: unknown[]) {
    const stmt = this.pick();
    return (stmt.get as Call).apply(stmt, args);
  }
  all(...args: unknown[]) {
    const stmt = this.pick();
    return (stmt.all as Call).apply(stmt, args);
  }
  iterate(...args: unknown[]) {
    const stmt = this.pick();
    return (stmt.iterate as Call).apply(stmt, args);
  }
  columns() {
    return this.pick().columns();
  }
}

/** Makes `db.prepare` safe to reuse across transactions on a remote (Hrana) connection. */
export function transactionSafePrepare(db: Sqlite): Sqlite {
  const prepareOn = db.prepare.bind(db) as (sql: string) => Statement;
  // biome-ignore lint/suspicious/noExplicitAny: the facade has the statement API drizzle and the hub use
  (db as any).prepare = (sql: string) => new StateAwareStatement(db, prepareOn, sql);
  return db;
}
