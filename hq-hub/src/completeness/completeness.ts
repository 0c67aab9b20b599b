// Over 400 lines because the grid is here twice: from the kept verdicts (completeness_cells) and compared receipt by receipt, the reference the cells are tested against.
// The completeness proof at HQ: each store's day.digest (written by ingest, ingest/ledger.ts: the highest seq per store-day wins)
// compared with the sales and returns HQ holds for that store and business day. A store x day
// grid, one store-day in detail (the missing and extra receipts by number), and the month-end
// question finance asks: is every store-day of a month complete?
import type { StoreDayDigest } from "@retail/protocol";
import { and, asc, between, count, desc, eq, gt, inArray, isNull, sql } from "drizzle-orm";
import { alias, type SQLiteColumn } from "drizzle-orm/sqlite-core";
import { z } from "zod";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import {
  completenessCells,
  dayDigests,
  deferredIndexMarks,
  inbox,
  returns,
  sales,
  storeDayTotals,
  storeSeq,
  stores,
  tenders,
  tendersByDoc,
} from "../db/schema.ts";
import { ValidationError } from "../errors.ts";
import { compareDay, type DayStatus, type DayVerdict, type HqReceipt, summarise } from "./compare.ts";

const Day = z.iso.date({ message: "a date YYYY-MM-DD" });
export const CompletenessQuery = z.object({
  from: Day,
  to: Day,
  storeId: z
    .string()
    .regex(/^[A-Z0-9]{1,16}$/, "a store id")
    .optional(),
});
export type CompletenessQuery = z.infer<typeof CompletenessQuery>;
/** The widest grid one request may ask for (each store-day is compared receipt by receipt). */
export const MAX_GRID_DAYS = 62;

export interface Scope {
  store?: string;
  region?: string;
}

/** A store-day's state: a verdict, or HQ holds receipts of it but no digest came (yet). */
export type CellStatus = DayStatus | "no_digest";

export interface Cell {
  storeId: string;
  businessDay: string;
  status: CellStatus;
  final: boolean;
  storeCount?: number;
  hqCount: number;
  missing: number;
  extra: number;
  later: number;
}

/** The business day (China time, UTC+8, no DST) of an instant: what the stores stamp. */
export function chinaDay(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);
}

function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

export function createCompleteness(deps: { db: Sqlite; now: () => Date }) {
  const { db, now } = deps;
  const orm = openDrizzle(db);
  type Range = { from: string; to: string };
  const inScope = (storeId: SQLiteColumn, scope: Scope) =>
    and(
      scope.store ? eq(storeId, scope.store) : undefined,
      scope.region
        ? inArray(storeId, orm.select({ id: stores.id }).from(stores).where(eq(stores.region, scope.region)))
        : undefined,
    );
  const digestFields = {
    storeId: dayDigests.storeId,
    day: dayDigests.businessDay,
    seq: dayDigests.seq,
    payload: dayDigests.payload,
  };
  const q = {
    digests: (r: Range, scope: Scope) =>
      orm
        .select(digestFields)
        .from(dayDigests)
        .where(and(between(dayDigests.businessDay, r.from, r.to), inScope(dayDigests.storeId, scope)))
        .all(),
    digest: (storeId: string, day: string) =>
      orm
        .select({ seq: dayDigests.seq, payload: dayDigests.payload, receivedAt: dayDigests.receivedAt })
        .from(dayDigests)
        .where(and(eq(dayDigests.storeId, storeId), eq(dayDigests.businessDay, day)))
        .get(),
    /** Sales and returns HQ holds per store-day. */
    heldCounts: (r: Range, scope: Scope) => {
      const per = (t: typeof sales | typeof returns) =>
        orm
          .select({ storeId: t.storeId, day: t.businessDay, n: count() })
          .from(t)
          .where(and(between(t.businessDay, r.from, r.to), inScope(t.storeId, scope)))
          .groupBy(t.storeId, t.businessDay)
          .all();
      const n = new Map<string, number>();
      for (const g of [...per(sales), ...per(returns)]) {
        const k = `${g.storeId}|${g.day}`;
        n.set(k, (n.get(k) ?? 0) + g.n);
      }
      return n;
    },
    sales: (storeId: string, day: string) =>
      orm
        .select({
          receiptNo: sales.receiptNo,
          seq: sql<number>`COALESCE(${inbox.seq}, 0)`,
          docId: sales.saleId,
          net: sales.netFen,
          tax: sales.taxFen,
        })
        .from(sales)
        .leftJoin(inbox, eq(inbox.eventId, sales.eventId))
        .where(and(eq(sales.storeId, storeId), eq(sales.businessDay, day)))
        .all(),
    returns: (storeId: string, day: string) =>
      orm
        .select({
          receiptNo: returns.receiptNo,
          seq: sql<number>`COALESCE(${inbox.seq}, 0)`,
          docId: returns.returnId,
          refund: returns.refundFen,
        })
        .from(returns)
        .leftJoin(inbox, eq(inbox.eventId, returns.eventId))
        .where(and(eq(returns.storeId, storeId), eq(returns.businessDay, day)))
        .all(),
    // Through the batch-built look-up (tenders_by_doc) plus the short tail not in it yet.
    tenders: (storeId: string, day: string) => {
      const b = tendersByDoc;
      const tail = alias(tenders, "t2");
      const docsOf = (kind: "sale" | "return") =>
        orm
          .select({ id: b.id })
          .from(b)
          .where(
            and(
              eq(b.storeId, storeId),
              eq(b.docKind, kind),
              inArray(
                b.docId,
                kind === "sale"
                  ? orm
                      .select({ id: sales.saleId })
                      .from(sales)
                      .where(and(eq(sales.storeId, storeId), eq(sales.businessDay, day)))
                  : orm
                      .select({ id: returns.returnId })
                      .from(returns)
                      .where(and(eq(returns.storeId, storeId), eq(returns.businessDay, day))),
              ),
            ),
          );
      const mark = orm
        .select({ upTo: deferredIndexMarks.upTo })
        .from(deferredIndexMarks)
        .where(eq(deferredIndexMarks.name, "tenders_by_doc"));
      return orm
        .select({
          docKind: tenders.docKind,
          docId: tenders.docId,
          kind: tenders.kind,
          amount: tenders.amountFen,
        })
        .from(tenders)
        .where(
          inArray(
            tenders.id,
            docsOf("sale")
              .unionAll(docsOf("return"))
              .unionAll(
                orm
                  .select({ id: tail.id })
                  .from(tail)
                  .where(and(gt(tail.id, sql`(${mark})`), eq(tail.storeId, storeId))),
              ),
          ),
        )
        .all();
    },
    upTo: (storeId: string) =>
      orm.select({ upTo: storeSeq.upToSeq }).from(storeSeq).where(eq(storeSeq.storeId, storeId)).get(),
    stores: (scope: Scope) =>
      orm
        .select({ id: stores.id, name: stores.name, region: stores.region, enrolledAt: stores.enrolledAt })
        .from(stores)
        .where(
          and(
            scope.store ? eq(stores.id, scope.store) : undefined,
            scope.region ? eq(stores.region, scope.region) : undefined,
          ),
        )
        .orderBy(asc(stores.id))
        .all(),
  };

  /** Every sale and return HQ holds for the store-day, with the seq that brought it and its tenders. */
  function held(storeId: string, day: string): HqReceipt[] {
    const tenders = new Map<string, { kind: string; amount: number }[]>();
    for (const t of q.tenders(storeId, day)) {
      const k = `${t.docKind}|${t.docId}`;
      const list = tenders.get(k) ?? [];
      list.push({ kind: t.kind, amount: t.amount });
      tenders.set(k, list);
    }
    const out: HqReceipt[] = [];
    for (const s of q.sales(storeId, day))
      out.push({ ...s, kind: "sale", refund: 0, tenders: tenders.get(`sale|${s.docId}`) ?? [] });
    for (const r of q.returns(storeId, day))
      out.push({ ...r, kind: "return", net: 0, tax: 0, tenders: tenders.get(`return|${r.docId}`) ?? [] });
    return out;
  }

  const upToOf = (storeId: string) => q.upTo(storeId)?.upTo ?? 0;

  function verdict(storeId: string, day: string, seq: number, payload: string): DayVerdict {
    return compareDay(JSON.parse(payload) as StoreDayDigest, seq, held(storeId, day), upToOf(storeId));
  }

  function checkRange(from: string, to: string) {
    if (from > to) throw new ValidationError("query.to", `must not be before from (${from})`);
    if (daysBetween(from, to).length > MAX_GRID_DAYS)
      throw new ValidationError("query.to", `at most ${MAX_GRID_DAYS} days at a time`);
  }

  /** The grid's answer: the digests' cells, a no_digest cell per other store-day with receipts, sorted. */
  function assemble(
    query: { from: string; to: string },
    scope: Scope,
    cells: Cell[],
    seen: Set<string>,
    counts: Map<string, number>,
  ) {
    for (const [k, n] of counts) {
      if (seen.has(k)) continue;
      const [storeId, businessDay] = k.split("|") as [string, string];
      cells.push({
        storeId,
        businessDay,
        status: "no_digest",
        final: false,
        hqCount: n,
        missing: 0,
        extra: 0,
        later: 0,
      });
    }
    cells.sort((a, b) =>
      a.storeId === b.storeId ? (a.businessDay < b.businessDay ? -1 : 1) : a.storeId < b.storeId ? -1 : 1,
    );
    const stores = q.stores(scope).map((s) => ({ id: s.id, name: s.name }));
    return { from: query.from, to: query.to, days: daysBetween(query.from, query.to), stores, cells };
  }

  /** A store-day's verdict as the grid shows it, kept in completeness_cells. */
  function cellOf(storeId: string, day: string, seq: number, payload: string) {
    const v = verdict(storeId, day, seq, payload);
    return {
      storeId,
      businessDay: day,
      digestSeq: seq,
      agree: v.status === "complete" ? 1 : 0,
      final: v.final ? 1 : 0,
      lastSeq: v.lastSeq ?? 0,
      storeCount: v.store.receiptCount,
      missing: v.listed ? v.missing.length : Math.max(0, v.store.receiptCount - v.hq.receiptCount),
      extra: v.extra.length,
      later: v.later.length,
    };
  }
  const saveCell = (c: ReturnType<typeof cellOf>) =>
    orm
      .insert(completenessCells)
      .values(c)
      .onConflictDoUpdate({
        target: [completenessCells.storeId, completenessCells.businessDay],
        set: {
          digestSeq: c.digestSeq,
          agree: c.agree,
          final: c.final,
          lastSeq: c.lastSeq,
          storeCount: c.storeCount,
          missing: c.missing,
          extra: c.extra,
          later: c.later,
        },
      })
      .run();

  /** A digest's kept cell: the same store-day and the same digest (seq). */
  const cellOfDigest = and(
    eq(completenessCells.storeId, dayDigests.storeId),
    eq(completenessCells.businessDay, dayDigests.businessDay),
    eq(completenessCells.digestSeq, dayDigests.seq),
  );
  /** The digests of a range with their kept cell, if any. */
  const digestCells = (r: Range, scope: Scope) =>
    orm
      .select({
        storeId: dayDigests.storeId,
        day: dayDigests.businessDay,
        seq: dayDigests.seq,
        cell: completenessCells,
      })
      .from(dayDigests)
      .leftJoin(completenessCells, cellOfDigest)
      .where(and(between(dayDigests.businessDay, r.from, r.to), inScope(dayDigests.storeId, scope)))
      .all();

  /**
   * Computes up to `limit` store-days' verdicts no cell holds yet, newest days first, within the
   * widest grid's reach back from today (the hub's timer: the grid then reads kept cells).
   */
  function warm(limit: number): number {
    const to = chinaDay(now().getTime());
    const from = addDays(to, -MAX_GRID_DAYS);
    return db.transaction(() => {
      const todo = orm
        .select(digestFields)
        .from(dayDigests)
        .leftJoin(completenessCells, cellOfDigest)
        .where(and(between(dayDigests.businessDay, from, to), isNull(completenessCells.storeId)))
        .orderBy(desc(dayDigests.businessDay))
        .limit(limit)
        .all();
      for (const d of todo) saveCell(cellOf(d.storeId, d.day, d.seq, d.payload));
      return todo.length;
    })();
  }

  /**
   * The store x day grid: one cell per store-day with a digest or with receipts at HQ. Verdicts
   * come from completeness_cells (computed here for a store-day none holds); receipt counts from
   * the daily totals; whether HQ caught up, from each store's seq now.
   */
  function grid(query: { from: string; to: string }, scope: Scope) {
    checkRange(query.from, query.to);
    return db.transaction(() => {
      const counts = new Map<string, number>();
      for (const g of orm
        .select({
          storeId: storeDayTotals.storeId,
          day: storeDayTotals.businessDay,
          n: sql<number>`${storeDayTotals.saleCount} + ${storeDayTotals.returnCount}`,
        })
        .from(storeDayTotals)
        .where(
          and(
            between(storeDayTotals.businessDay, query.from, query.to),
            inScope(storeDayTotals.storeId, scope),
            gt(sql`${storeDayTotals.saleCount} + ${storeDayTotals.returnCount}`, 0),
          ),
        )
        .all())
        counts.set(`${g.storeId}|${g.day}`, g.n);
      const upTo = new Map(
        orm
          .select({ storeId: storeSeq.storeId, upTo: storeSeq.upToSeq })
          .from(storeSeq)
          .all()
          .map((x) => [x.storeId, x.upTo]),
      );
      const cells: Cell[] = [];
      const seen = new Set<string>();
      for (const d of digestCells(query, scope)) {
        let c = d.cell;
        if (!c) {
          c = cellOf(d.storeId, d.day, d.seq, q.digest(d.storeId, d.day)!.payload);
          saveCell(c);
        }
        seen.add(`${d.storeId}|${d.day}`);
        const caughtUp = (upTo.get(d.storeId) ?? 0) >= c.lastSeq;
        cells.push({
          storeId: d.storeId,
          businessDay: d.day,
          status: c.agree === 1 ? "complete" : caughtUp ? "incomplete" : "pending",
          final: c.final === 1,
          storeCount: c.storeCount,
          hqCount: counts.get(`${d.storeId}|${d.day}`) ?? 0,
          missing: c.missing,
          extra: c.extra,
          later: c.later,
        });
      }
      return assemble(query, scope, cells, seen, counts);
    })();
  }

  /** The grid compared receipt by receipt for every store-day (the cells' reference in tests). */
  function gridFromDocuments(query: { from: string; to: string }, scope: Scope) {
    checkRange(query.from, query.to);
    return db.transaction(() => {
      const counts = q.heldCounts(query, scope);
      const cells: Cell[] = [];
      const seen = new Set<string>();
      for (const d of q.digests(query, scope)) {
        const v = verdict(d.storeId, d.day, d.seq, d.payload);
        seen.add(`${d.storeId}|${d.day}`);
        cells.push({
          storeId: d.storeId,
          businessDay: d.day,
          status: v.status,
          final: v.final,
          storeCount: v.store.receiptCount,
          hqCount: counts.get(`${d.storeId}|${d.day}`) ?? 0,
          missing: v.listed ? v.missing.length : Math.max(0, v.store.receiptCount - v.hq.receiptCount),
          extra: v.extra.length,
          later: v.later.length,
        });
      }
      return assemble(query, scope, cells, seen, counts);
    })();
  }

  /** One store-day: the verdict with the receipts by number, or what HQ holds when no digest came. */
  function detail(storeId: string, day: string) {
    if (!Day.safeParse(day).success) throw new ValidationError("day", "a date YYYY-MM-DD");
    return db.transaction(() => {
      const d = q.digest(storeId, day);
      if (!d) {
        const h = held(storeId, day);
        return {
          storeId,
          businessDay: day,
          status: "no_digest" as const,
          hq: summarise(h),
          receipts: h.map((r) => r.receiptNo).sort(),
        };
      }
      return {
        storeId,
        businessDay: day,
        receivedAt: d.receivedAt,
        ...verdict(storeId, day, d.seq, d.payload),
      };
    })();
  }

  /**
   * Month end: every store-day of the month, from the store's enrollment to yesterday (China
   * time), must have a final digest that HQ matches. Lists every store-day that does not.
   */
  function month(period: string, scope: Scope) {
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(period)) throw new ValidationError("period", "a month YYYY-MM");
    const first = `${period}-01`;
    const [y, m] = [Number(period.slice(0, 4)), Number(period.slice(5))];
    const next = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, "0")}-01`;
    const last = addDays(next, -1);
    const yesterday = addDays(chinaDay(now().getTime()), -1);
    const until = [last, yesterday].sort()[0]!;
    return db.transaction(() => {
      const problems: {
        storeId: string;
        businessDay: string;
        status: CellStatus | "not_final";
        missing: number;
        extra: number;
      }[] = [];
      let storeDays = 0;
      for (const s of q.stores(scope)) {
        if (!s.enrolledAt) continue;
        const from = chinaDay(Date.parse(s.enrolledAt));
        const start = from > first ? from : first;
        if (start > until) continue;
        for (const day of daysBetween(start, until)) {
          storeDays++;
          const d = q.digest(s.id, day);
          if (!d) {
            problems.push({ storeId: s.id, businessDay: day, status: "no_digest", missing: 0, extra: 0 });
            continue;
          }
          const v = verdict(s.id, day, d.seq, d.payload);
          if (v.status !== "complete" || !v.final)
            problems.push({
              storeId: s.id,
              businessDay: day,
              status: v.status === "complete" ? "not_final" : v.status,
              missing: v.missing.length,
              extra: v.extra.length,
            });
        }
      }
      return { period, complete: problems.length === 0, storeDays, through: until, problems };
    })();
  }

  return { grid, gridFromDocuments, detail, month, warm };
}

export type Completeness = ReturnType<typeof createCompleteness>;
