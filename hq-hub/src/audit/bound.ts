// The audit row of an API write commits in the write's own transaction: a write that commits
// without its row, or a row saying a write committed that rolled back, cannot happen.
//
// The hub's handlers call services that commit their own synchronous transactions on one libsql
// connection (and the odd single-statement write outside any). The router runs each write's
// handler inside an AsyncLocalStorage scope holding the write's record; this module wraps the
// connection so that, in such a scope:
//  - the outermost `db.transaction(...)` inserts the audit row as its last statement, before
//    COMMIT (once per request: later transactions of the same request find it written);
//  - a write statement run outside a transaction (autocommit) runs inside one, so it gets the
//    same treatment.
// If the row cannot be written, the transaction rolls back: no write without its row. After the
// handler answers, the row is completed with the answer's status and the record read after
// (`finish`: best effort, the row already says who wrote what, when, from which request and
// state). A request that committed nothing (a refusal, a validation error) gets its row then,
// on its own: there is no write it could be missing from.
import { AsyncLocalStorage } from "node:async_hooks";
import type { Sqlite } from "../db/open.ts";
import type { WriteRecord } from "./log.ts";

/** One write request's audit, from before its handler runs until it answered. */
export interface RequestAudit {
  /** The record as known before the answer (status 200: it committed). */
  base: () => WriteRecord;
  /** The row written inside the request's first committed transaction. */
  rowId?: number;
  /** Answered: later transactions (a background job it started) are not its write. */
  closed: boolean;
}

/** What the binding needs of the audit log (log.ts). */
export interface AuditRows {
  /** Inserts a row, returns its id (inside the caller's transaction). */
  insert(w: WriteRecord): number;
  /** Completes a row with the answer (status, error, the record read after). */
  finish(id: number, w: WriteRecord): void;
}

/** Statements that write (their autocommit runs are wrapped in a transaction). */
const WRITES = /^\s*(insert|update|delete|replace)\b/i;

export function bindAuditToWrites(db: Sqlite) {
  const scope = new AsyncLocalStorage<RequestAudit>();
  let rows: AuditRows | undefined;
  let writing = false;

  /** Inside the outermost transaction of an audited request, before its COMMIT. */
  function inTransaction() {
    const ctx = scope.getStore();
    if (!ctx || ctx.closed || ctx.rowId !== undefined || !rows || writing) return;
    writing = true;
    try {
      ctx.rowId = rows.insert({ ...ctx.base(), status: 200 });
    } finally {
      writing = false;
    }
  }

  // biome-ignore lint/suspicious/noExplicitAny: libsql's transaction function shape, kept as is
  type Tx = ((...a: any[]) => unknown) & Record<"default" | "deferred" | "immediate" | "exclusive", any>;
  const transaction = db.transaction.bind(db) as (fn: (...a: unknown[]) => unknown) => Tx;
  // biome-ignore lint/suspicious/noExplicitAny: replacing the handle's method with a wrapper of the same shape
  (db as any).transaction = (fn: (...a: unknown[]) => unknown) => {
    let outer = false;
    const tx = transaction(function (this: unknown, ...a: unknown[]) {
      const result = fn.apply(this, a);
      if (outer) inTransaction();
      return result;
    });
    const variant =
      (run: (...a: unknown[]) => unknown) =>
      (...a: unknown[]) => {
        const was = outer;
        outer = !db.inTransaction;
        try {
          return run(...a);
        } finally {
          outer = was;
        }
      };
    const run = variant(tx);
    return Object.assign(run, {
      default: variant(tx.default),
      deferred: variant(tx.deferred),
      immediate: variant(tx.immediate),
      exclusive: variant(tx.exclusive),
    });
  };

  const prepare = db.prepare.bind(db);
  // biome-ignore lint/suspicious/noExplicitAny: wrapping the statements the handle prepares
  (db as any).prepare = (sqlText: string, ...rest: unknown[]) => {
    // biome-ignore lint/suspicious/noExplicitAny: libsql's statement
    const stmt = (prepare as any)(sqlText, ...rest);
    if (!WRITES.test(sqlText)) return stmt;
    for (const name of ["run", "get", "all"] as const) {
      const own = stmt[name].bind(stmt);
      stmt[name] = (...a: unknown[]) =>
        scope.getStore() && !db.inTransaction ? db.transaction(() => own(...a))() : own(...a);
    }
    return stmt;
  };

  return {
    /** The audit log, once the hub made it (writes before that are the hub's own start-up). */
    attach(r: AuditRows) {
      rows = r;
    },
    /** Runs a write request's handler with its audit scope. */
    run<T>(ctx: RequestAudit, fn: () => Promise<T>): Promise<T> {
      return scope.run(ctx, fn);
    },
    /** The request answered: its row completed, or written now if it committed nothing. */
    finish(ctx: RequestAudit, answer: Pick<WriteRecord, "status" | "error" | "after">) {
      ctx.closed = true;
      if (!rows) return;
      const w = { ...ctx.base(), ...answer };
      if (ctx.rowId !== undefined) rows.finish(ctx.rowId, w);
      else rows.insert(w);
    },
  };
}

export type AuditBinding = ReturnType<typeof bindAuditToWrites>;
