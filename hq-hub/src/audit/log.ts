// The audit log's storage: one row per write through the HTTP API (recorded by the router,
// http/route.ts), and the search the console's 操作日志 screen pages through.
import { and, count, desc, eq, gt, gte, inArray, lt, or, type SQL, type SQLWrapper, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import type { Drizzle } from "../db/open.ts";
import { auditLog } from "../db/schema.ts";
import { auditJson } from "./redact.ts";

/** One write as the router saw it. */
export interface WriteRecord {
  actor: string;
  role: string;
  region?: string;
  method: string;
  route: string;
  tag: string;
  summary: string;
  path: string;
  status: number;
  error?: string;
  request?: unknown;
  before?: unknown;
  after?: unknown;
}

export interface AuditFilter {
  /** Words searched in the path, the actor, the summary and the kept JSON. */
  q?: string;
  actor?: string;
  tag?: string;
  method?: string;
  /** "ok": answered 200; "refused": anything else. */
  outcome?: "ok" | "refused";
  /** ISO instants, from inclusive, to exclusive. */
  from?: string;
  to?: string;
  limit: number;
  offset: number;
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  role: string;
  region: string | null;
  method: string;
  route: string;
  tag: string;
  summary: string;
  path: string;
  status: number;
  error: string | null;
  request: unknown;
  before: unknown;
  after: unknown;
}

const parse = (json: string | null): unknown => (json === null ? null : JSON.parse(json));
/** LIKE's own wildcards in a user's words are meant literally. */
const likeWords = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export function createAuditLog(deps: { orm: Drizzle; now: () => Date }) {
  const { orm, now } = deps;
  const insert = orm
    .insert(auditLog)
    .values({
      at: sql.placeholder("at"),
      actor: sql.placeholder("actor"),
      role: sql.placeholder("role"),
      region: sql.placeholder("region"),
      method: sql.placeholder("method"),
      route: sql.placeholder("route"),
      tag: sql.placeholder("tag"),
      summary: sql.placeholder("summary"),
      path: sql.placeholder("path"),
      status: sql.placeholder("status"),
      error: sql.placeholder("error"),
      requestJson: sql.placeholder("requestJson"),
      beforeJson: sql.placeholder("beforeJson"),
      afterJson: sql.placeholder("afterJson"),
    })
    .prepare();

  const finishRow = orm
    .update(auditLog)
    .set({
      status: sql.placeholder("status") as never,
      error: sql.placeholder("error") as never,
      afterJson: sql.placeholder("afterJson") as never,
    })
    .where(eq(auditLog.id, sql.placeholder("id")))
    .prepare();

  /** Writes a row (inside the caller's transaction when there is one), returns its id. */
  function insertRow(w: WriteRecord): number {
    const r = insert.run({
      at: now().toISOString(),
      actor: w.actor,
      role: w.role,
      region: w.region ?? null,
      method: w.method,
      route: w.route,
      tag: w.tag,
      summary: w.summary,
      path: w.path,
      status: w.status,
      error: w.error?.slice(0, 2000) ?? null,
      requestJson: auditJson(w.route, w.request),
      beforeJson: auditJson(w.route, w.before),
      afterJson: auditJson(w.route, w.after),
    });
    return Number(r.lastInsertRowid);
  }

  function record(w: WriteRecord): void {
    insertRow(w);
  }

  /** Completes a row written in the write's transaction (bound.ts) with the answer. */
  function finish(id: number, w: WriteRecord): void {
    finishRow.run({
      id,
      status: w.status,
      error: w.error?.slice(0, 2000) ?? null,
      afterJson: auditJson(w.route, w.after),
    });
  }

  function conditionOf(f: Omit<AuditFilter, "limit" | "offset">): SQL | undefined {
    const where: SQL[] = [];
    if (f.actor) where.push(eq(auditLog.actor, f.actor));
    if (f.tag) where.push(eq(auditLog.tag, f.tag));
    if (f.method) where.push(eq(auditLog.method, f.method.toUpperCase()));
    if (f.outcome === "ok") where.push(eq(auditLog.status, 200));
    // Said as two ranges of the status index, in a sub-select: with `<> 200` (or the ranges
    // beside ORDER BY id) SQLite walks the whole log backwards looking for the few refusals.
    if (f.outcome === "refused")
      where.push(
        inArray(
          auditLog.id,
          orm
            .select({ id: auditLog.id })
            .from(auditLog)
            .where(or(lt(auditLog.status, 200), gt(auditLog.status, 200))),
        ),
      );
    if (f.from) where.push(gte(auditLog.at, f.from));
    if (f.to) where.push(lt(auditLog.at, f.to));
    if (f.q?.trim()) {
      const w = likeWords(f.q.trim());
      // drizzle's like() has no ESCAPE clause: said in SQL so a typed % or _ is matched literally.
      const has = (col: SQLiteColumn) => sql`${col} LIKE ${w} ESCAPE '\\'`;
      where.push(
        or(
          has(auditLog.path),
          has(auditLog.actor),
          has(auditLog.summary),
          has(auditLog.requestJson),
          has(auditLog.beforeJson),
          has(auditLog.afterJson),
          has(auditLog.error),
        )!,
      );
    }
    return where.length ? and(...where) : undefined;
  }

  /** The page's query and the total's (built, not run). */
  function queriesOf(f: AuditFilter) {
    const cond = conditionOf(f);
    return {
      cond,
      count: orm.select({ n: count() }).from(auditLog).where(cond),
      rows: orm
        .select()
        .from(auditLog)
        .where(cond)
        .orderBy(desc(auditLog.id))
        .limit(f.limit)
        .offset(f.offset),
    };
  }

  function search(f: AuditFilter): { rows: AuditEntry[]; total: number } {
    const { cond, count: countQ, rows: rowsQ } = queriesOf(f);
    // Unfiltered, the total is the id span (rows are only ever appended; a rolled-back insert
    // takes back its AUTOINCREMENT id): count(*) would read every row of a years-long log.
    const total = cond ? (countQ.get()?.n ?? 0) : spanCount();
    const rows = rowsQ.all().map(({ requestJson, beforeJson, afterJson, ...r }) => ({
      ...r,
      request: parse(requestJson),
      before: parse(beforeJson),
      after: parse(afterJson),
    }));
    return { rows, total };
  }

  function spanCount(): number {
    const r = orm
      .select({ lo: sql<number | null>`min(${auditLog.id})`, hi: sql<number | null>`max(${auditLog.id})` })
      .from(auditLog)
      .get();
    return r?.lo == null || r.hi == null ? 0 : r.hi - r.lo + 1;
  }

  /**
   * SQLite's plan for a search's page and total (EXPLAIN QUERY PLAN details): which index each
   * reads (tests and diagnostics; the words search `q` is a LIKE and scans what the other
   * filters leave).
   */
  function plan(f: AuditFilter): { rows: string[]; count: string[] } {
    const q = queriesOf(f);
    // Raw SQL: EXPLAIN QUERY PLAN of the statement drizzle built (no builder for it).
    const explain = (built: SQLWrapper) =>
      orm.all<{ detail: string }>(sql`EXPLAIN QUERY PLAN ${built.getSQL()}`).map((r) => r.detail);
    return { rows: explain(q.rows), count: q.cond ? explain(q.count) : ["min/max of the primary key"] };
  }

  /** Who has written and to which folders, for the screen's filters. */
  function facets(): { actors: string[]; tags: string[] } {
    const actors = orm.selectDistinct({ v: auditLog.actor }).from(auditLog).orderBy(auditLog.actor).all();
    const tags = orm.selectDistinct({ v: auditLog.tag }).from(auditLog).orderBy(auditLog.tag).all();
    return { actors: actors.map((r) => r.v), tags: tags.map((r) => r.v) };
  }

  return { record, insert: insertRow, finish, search, plan, facets };
}

export type AuditLog = ReturnType<typeof createAuditLog>;
