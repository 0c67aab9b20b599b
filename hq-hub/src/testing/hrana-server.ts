// A small Hrana 3 over HTTP server (the protocol sqld, the libSQL server, speaks at
// /v3/pipeline), backed by a SQLite file, so the hub's DATABASE_URL mode is tested over the
// real wire protocol here. sqld itself is neither on npm nor in Debian, which are the only
// sources this project may install from.
//
// Run as its own process (the `libsql` client blocks its thread while it waits for an
// answer, so client and server cannot share one): prints `HRANA_READY {"url": ...}`.
// Implements the JSON pipeline: execute, batch (with conditions), sequence, describe,
// store_sql/close_sql, get_autocommit, close; streams are held by baton, one SQLite
// connection each, so a transaction spans requests as it does on sqld.
import { Database, type SQLQueryBindings } from "bun:sqlite";

type HranaValue =
  | { type: "null" }
  | { type: "integer"; value: string }
  | { type: "float"; value: number }
  | { type: "text"; value: string }
  | { type: "blob"; base64: string };

interface Stmt {
  sql?: string;
  sql_id?: number;
  args?: HranaValue[];
  named_args?: { name: string; value: HranaValue }[];
  want_rows?: boolean;
}

type Condition =
  | { type: "ok"; step: number }
  | { type: "error"; step: number }
  | { type: "not"; cond: Condition }
  | { type: "and"; conds: Condition[] }
  | { type: "or"; conds: Condition[] }
  | { type: "is_autocommit" };

interface Stream {
  db: Database;
  sqls: Map<number, string>;
  lastUsed: number;
}

class HranaError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

const path = process.argv[2];
if (!path) throw new Error("usage: hrana-server.ts <database file>");

const streams = new Map<string, Stream>();
let batonSeq = 0;

function openStream(): Stream {
  const db = new Database(path, { create: true, safeIntegers: true });
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = FULL");
  db.exec("PRAGMA busy_timeout = 5000");
  return { db, sqls: new Map(), lastUsed: Date.now() };
}

function toJs(v: HranaValue): SQLQueryBindings {
  switch (v.type) {
    case "null":
      return null;
    case "integer":
      return BigInt(v.value);
    case "float":
      return v.value;
    case "text":
      return v.value;
    case "blob":
      return Buffer.from(v.base64, "base64");
  }
}

function toHrana(v: unknown): HranaValue {
  if (v === null || v === undefined) return { type: "null" };
  if (typeof v === "bigint") return { type: "integer", value: v.toString() };
  if (typeof v === "number") return { type: "float", value: v };
  if (typeof v === "string") return { type: "text", value: v };
  if (v instanceof Uint8Array) return { type: "blob", base64: Buffer.from(v).toString("base64") };
  throw new HranaError(`cannot encode a ${typeof v}`, "HRANA_ENCODE");
}

function sqlOf(stream: Stream, stmt: { sql?: string; sql_id?: number }): string {
  if (stmt.sql !== undefined && stmt.sql !== null) return stmt.sql;
  const stored = stmt.sql_id === undefined ? undefined : stream.sqls.get(stmt.sql_id);
  if (stored === undefined) throw new HranaError(`unknown sql_id ${stmt.sql_id}`, "HRANA_SQL_ID");
  return stored;
}

function sqliteError(e: unknown): HranaError {
  if (e instanceof HranaError) return e;
  const err = e as { message?: string; code?: string };
  return new HranaError(err.message ?? String(e), err.code ?? "SQLITE_ERROR");
}

function totalChanges(db: Database): bigint {
  return (db.query("SELECT total_changes() AS n").get() as { n: bigint }).n;
}

function execute(stream: Stream, stmt: Stmt) {
  const sql = sqlOf(stream, stmt);
  const q = stream.db.prepare(sql);
  let bind: SQLQueryBindings[] | Record<string, SQLQueryBindings> = (stmt.args ?? []).map(toJs);
  if (stmt.named_args?.length) {
    const named: Record<string, SQLQueryBindings> = {};
    for (const a of stmt.named_args) named[a.name] = toJs(a.value);
    bind = named;
  }
  const before = totalChanges(stream.db);
  const started = performance.now();
  const rows = (Array.isArray(bind) ? q.values(...bind) : q.values(bind as never)) as unknown[][];
  // sqlite3_changes() as sqld reports it: rows the statement itself changed, not its triggers'
  // (total_changes() tells whether it changed anything at all, since changes() keeps the last
  // DML's count across SELECTs).
  const affected =
    totalChanges(stream.db) === before
      ? 0n
      : (stream.db.query("SELECT changes() AS n").get() as { n: bigint }).n;
  const lastId = (stream.db.query("SELECT last_insert_rowid() AS id").get() as { id: bigint }).id;
  const decl = q.declaredTypes;
  const result = {
    cols: q.columnNames.map((name, i) => ({ name, decltype: decl[i] ?? null })),
    rows: stmt.want_rows === false ? [] : rows.map((r) => r.map(toHrana)),
    affected_row_count: Number(affected),
    last_insert_rowid: lastId === 0n ? null : lastId.toString(),
    replication_index: null,
    rows_read: 0,
    rows_written: Number(affected),
    query_duration_ms: performance.now() - started,
  };
  q.finalize();
  return result;
}

function describe(stream: Stream, req: { sql?: string; sql_id?: number }) {
  const sql = sqlOf(stream, req);
  const q = stream.db.prepare(sql);
  const head = sql.trimStart().slice(0, 8).toUpperCase();
  const result = {
    params: Array.from({ length: q.paramsCount }, () => ({ name: null })),
    cols: q.columnNames.map((name, i) => ({ name, decltype: q.declaredTypes[i] ?? null })),
    is_explain: head.startsWith("EXPLAIN"),
    is_readonly: head.startsWith("SELECT") || head.startsWith("EXPLAIN") || head.startsWith("VALUES"),
  };
  q.finalize();
  return result;
}

function holds(
  cond: Condition | undefined | null,
  results: unknown[],
  errors: unknown[],
  stream: Stream,
): boolean {
  if (!cond) return true;
  switch (cond.type) {
    case "ok":
      return results[cond.step] != null;
    case "error":
      return errors[cond.step] != null;
    case "not":
      return !holds(cond.cond, results, errors, stream);
    case "and":
      return cond.conds.every((c) => holds(c, results, errors, stream));
    case "or":
      return cond.conds.some((c) => holds(c, results, errors, stream));
    case "is_autocommit":
      return !stream.db.inTransaction;
  }
}

// biome-ignore lint/suspicious/noExplicitAny: one request of the JSON pipeline, checked by its type
function handle(stream: Stream, req: any): unknown {
  switch (req.type) {
    case "execute":
      return { type: "execute", result: execute(stream, req.stmt) };
    case "batch": {
      const steps = req.batch.steps as { condition?: Condition; stmt: Stmt }[];
      const results: unknown[] = [];
      const errors: unknown[] = [];
      for (const step of steps) {
        if (!holds(step.condition, results, errors, stream)) {
          results.push(null);
          errors.push(null);
          continue;
        }
        try {
          results.push(execute(stream, step.stmt));
          errors.push(null);
        } catch (e) {
          const err = sqliteError(e);
          results.push(null);
          errors.push({ message: err.message, code: err.code });
        }
      }
      return { type: "batch", result: { step_results: results, step_errors: errors } };
    }
    case "sequence":
      stream.db.exec(sqlOf(stream, req));
      return { type: "sequence" };
    case "describe":
      return { type: "describe", result: describe(stream, req) };
    case "store_sql":
      stream.sqls.set(req.sql_id, req.sql);
      return { type: "store_sql" };
    case "close_sql":
      stream.sqls.delete(req.sql_id);
      return { type: "close_sql" };
    case "get_autocommit":
      return { type: "get_autocommit", is_autocommit: !stream.db.inTransaction };
    case "close":
      return { type: "close" };
    default:
      throw new HranaError(`unsupported request type ${JSON.stringify(req.type)}`, "HRANA_PROTO");
  }
}

// The cursor endpoint streams a batch's rows as JSON lines: the stream's baton first, then per
// step a step_begin (columns), its rows and a step_end (or a step_error).
function cursor(body: {
  baton: string | null;
  batch: { steps: { condition?: Condition; stmt: Stmt }[] };
}): string {
  const stream = body.baton ? streams.get(body.baton) : openStream();
  if (!stream) throw new HranaError(`unknown or expired baton ${body.baton}`, "STREAM_EXPIRED");
  if (body.baton) streams.delete(body.baton);
  const lines: unknown[] = [];
  const results: unknown[] = [];
  const errors: unknown[] = [];
  body.batch.steps.forEach((step, i) => {
    if (!holds(step.condition, results, errors, stream)) {
      results.push(null);
      errors.push(null);
      return;
    }
    try {
      const r = execute(stream, { ...step.stmt, want_rows: step.stmt.want_rows ?? true });
      results.push(r);
      errors.push(null);
      lines.push({ type: "step_begin", step: i, cols: r.cols });
      for (const row of r.rows) lines.push({ type: "row", row });
      lines.push({
        type: "step_end",
        affected_row_count: r.affected_row_count,
        last_insert_rowid: r.last_insert_rowid,
      });
    } catch (e) {
      const err = sqliteError(e);
      results.push(null);
      errors.push(err);
      lines.push({ type: "step_error", step: i, error: { message: err.message, code: err.code } });
    }
  });
  const baton = `b${++batonSeq}`;
  stream.lastUsed = Date.now();
  streams.set(baton, stream);
  return [{ baton, base_url: null }, ...lines].map((l) => JSON.stringify(l)).join("\n") + "\n";
}

function pipeline(body: { baton: string | null; requests: { type: string }[] }) {
  let stream = body.baton ? streams.get(body.baton) : openStream();
  if (!stream) throw new HranaError(`unknown or expired baton ${body.baton}`, "STREAM_EXPIRED");
  if (body.baton) streams.delete(body.baton);
  const results = body.requests.map((req) => {
    try {
      return { type: "ok", response: handle(stream!, req) };
    } catch (e) {
      const err = sqliteError(e);
      return { type: "error", error: { message: err.message, code: err.code } };
    }
  });
  let baton: string | null = null;
  if (body.requests.at(-1)?.type === "close") {
    stream.db.close();
    stream = undefined;
  } else {
    baton = `b${++batonSeq}`;
    stream.lastUsed = Date.now();
    streams.set(baton, stream);
  }
  return { baton, base_url: null, results };
}

// Streams left open by a client that went away are closed (rolling back) after 30 s, as sqld does.
setInterval(() => {
  const cutoff = Date.now() - 30_000;
  for (const [baton, s] of streams) {
    if (s.lastUsed < cutoff) {
      streams.delete(baton);
      s.db.close();
    }
  }
}, 5_000).unref();

const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  async fetch(req) {
    const url = new URL(req.url);
    if (req.method === "GET" && (url.pathname === "/v3" || url.pathname === "/health"))
      return new Response("ok");
    if (req.method === "POST" && url.pathname === "/v3/cursor") {
      try {
        return new Response(cursor((await req.json()) as Parameters<typeof cursor>[0]), {
          headers: { "content-type": "text/plain" },
        });
      } catch (e) {
        const err = sqliteError(e);
        return Response.json({ error: err.message, code: err.code }, { status: 400 });
      }
    }
    if (req.method !== "POST" || url.pathname !== "/v3/pipeline") {
      return Response.json({ error: `no route ${req.method} ${url.pathname}` }, { status: 404 });
    }
    try {
      const body = (await req.json()) as Parameters<typeof pipeline>[0];
      const out = pipeline(body);
      if (process.env.HRANA_DEBUG)
        console.error(JSON.stringify(body), "=>", JSON.stringify(out).slice(0, 3000));
      return Response.json(out);
    } catch (e) {
      const err = sqliteError(e);
      return Response.json({ error: err.message, code: err.code }, { status: 400 });
    }
  },
});

console.log(`HRANA_READY ${JSON.stringify({ url: `http://127.0.0.1:${server.port}` })}`);
