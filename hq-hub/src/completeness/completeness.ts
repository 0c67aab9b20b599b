// The completeness proof at HQ: each store's day.digest (written by ingest, see DIGEST_UPSERT)
// compared with the sales and returns HQ holds for that store and business day. A store x day
// grid, one store-day in detail (the missing and extra receipts by number), and the month-end
// question finance asks: is every store-day of a month complete?
import type { StoreDayDigest } from "@retail/protocol";
import { z } from "zod";
import type { Sqlite } from "../db/open.ts";
import { ValidationError } from "../errors.ts";
import { compareDay, type DayStatus, type DayVerdict, type HqReceipt, summarise } from "./compare.ts";

/** Ingest's write of a digest: the latest (highest seq) per store-day wins. */
export const DIGEST_UPSERT = `INSERT INTO day_digests (store_id, business_day, seq, event_id, final, payload, received_at)
  VALUES (?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (store_id, business_day) DO UPDATE SET seq = excluded.seq, event_id = excluded.event_id,
    final = excluded.final, payload = excluded.payload, received_at = excluded.received_at
  WHERE excluded.seq > day_digests.seq`;

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
  const scopeSql = (alias: string) =>
    `(?3 IS NULL OR ${alias}.store_id = ?3) AND (?4 IS NULL OR ${alias}.store_id IN (SELECT id FROM stores WHERE region = ?4))`;
  const q = {
    digests: db.prepare(
      `SELECT d.store_id AS storeId, d.business_day AS day, d.seq AS seq, d.payload AS payload FROM day_digests d
       WHERE d.business_day BETWEEN ?1 AND ?2 AND ${scopeSql("d")}`,
    ),
    digest: db.prepare(
      "SELECT seq, payload, received_at AS receivedAt FROM day_digests WHERE store_id = ? AND business_day = ?",
    ),
    heldCounts: db.prepare(
      `SELECT storeId, day, SUM(n) AS n FROM (
         SELECT s.store_id AS storeId, s.business_day AS day, COUNT(*) AS n FROM sales s
           WHERE s.business_day BETWEEN ?1 AND ?2 AND ${scopeSql("s")} GROUP BY 1, 2
         UNION ALL
         SELECT r.store_id, r.business_day, COUNT(*) FROM returns r
           WHERE r.business_day BETWEEN ?1 AND ?2 AND ${scopeSql("r")} GROUP BY 1, 2)
       GROUP BY storeId, day`,
    ),
    sales: db.prepare(
      `SELECT s.receipt_no AS receiptNo, COALESCE(i.seq, 0) AS seq, s.sale_id AS docId, s.net_fen AS net, s.tax_fen AS tax
       FROM sales s LEFT JOIN inbox i ON i.event_id = s.event_id WHERE s.store_id = ? AND s.business_day = ?`,
    ),
    returns: db.prepare(
      `SELECT r.receipt_no AS receiptNo, COALESCE(i.seq, 0) AS seq, r.return_id AS docId, r.refund_fen AS refund
       FROM returns r LEFT JOIN inbox i ON i.event_id = r.event_id WHERE r.store_id = ? AND r.business_day = ?`,
    ),
    // Through the batch-built look-up (tenders_by_doc) plus the short tail not in it yet.
    tenders: db.prepare(
      `SELECT t.doc_kind AS docKind, t.doc_id AS docId, t.kind AS kind, t.amount_fen AS amount FROM tenders t WHERE t.id IN (
         SELECT b.id FROM tenders_by_doc b WHERE b.store_id = ?1 AND b.doc_kind = 'sale'
           AND b.doc_id IN (SELECT sale_id FROM sales WHERE store_id = ?1 AND business_day = ?2)
         UNION ALL SELECT b.id FROM tenders_by_doc b WHERE b.store_id = ?1 AND b.doc_kind = 'return'
           AND b.doc_id IN (SELECT return_id FROM returns WHERE store_id = ?1 AND business_day = ?2)
         UNION ALL SELECT t2.id FROM tenders t2
           WHERE t2.id > (SELECT up_to FROM deferred_index_marks WHERE name = 'tenders_by_doc') AND t2.store_id = ?1)`,
    ),
    upTo: db.prepare("SELECT up_to_seq AS upTo FROM store_seq WHERE store_id = ?"),
    stores: db.prepare(
      `SELECT id, name, region, enrolled_at AS enrolledAt FROM stores
       WHERE (?1 IS NULL OR id = ?1) AND (?2 IS NULL OR region = ?2) ORDER BY id`,
    ),
  };

  /** Every sale and return HQ holds for the store-day, with the seq that brought it and its tenders. */
  function held(storeId: string, day: string): HqReceipt[] {
    const tenders = new Map<string, { kind: string; amount: number }[]>();
    for (const t of q.tenders.all(storeId, day) as {
      docKind: string;
      docId: string;
      kind: string;
      amount: number;
    }[]) {
      const k = `${t.docKind}|${t.docId}`;
      const list = tenders.get(k) ?? [];
      list.push({ kind: t.kind, amount: t.amount });
      tenders.set(k, list);
    }
    const out: HqReceipt[] = [];
    for (const s of q.sales.all(storeId, day) as {
      receiptNo: string;
      seq: number;
      docId: string;
      net: number;
      tax: number;
    }[])
      out.push({ ...s, kind: "sale", refund: 0, tenders: tenders.get(`sale|${s.docId}`) ?? [] });
    for (const r of q.returns.all(storeId, day) as {
      receiptNo: string;
      seq: number;
      docId: string;
      refund: number;
    }[])
      out.push({ ...r, kind: "return", net: 0, tax: 0, tenders: tenders.get(`return|${r.docId}`) ?? [] });
    return out;
  }

  const upToOf = (storeId: string) => (q.upTo.get(storeId) as { upTo: number } | undefined)?.upTo ?? 0;

  function verdict(storeId: string, day: string, seq: number, payload: string): DayVerdict {
    return compareDay(JSON.parse(payload) as StoreDayDigest, seq, held(storeId, day), upToOf(storeId));
  }

  function checkRange(from: string, to: string) {
    if (from > to) throw new ValidationError("query.to", `must not be before from (${from})`);
    if (daysBetween(from, to).length > MAX_GRID_DAYS)
      throw new ValidationError("query.to", `at most ${MAX_GRID_DAYS} days at a time`);
  }

  /** The store x day grid: one cell per store-day with a digest or with receipts at HQ. */
  function grid(query: { from: string; to: string }, scope: Scope) {
    checkRange(query.from, query.to);
    return db.transaction(() => {
      const p = [query.from, query.to, scope.store ?? null, scope.region ?? null];
      const counts = new Map<string, number>();
      for (const r of q.heldCounts.all(...p) as { storeId: string; day: string; n: number }[])
        counts.set(`${r.storeId}|${r.day}`, r.n);
      const cells: Cell[] = [];
      const seen = new Set<string>();
      for (const d of q.digests.all(...p) as {
        storeId: string;
        day: string;
        seq: number;
        payload: string;
      }[]) {
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
      const stores = (
        q.stores.all(scope.store ?? null, scope.region ?? null) as { id: string; name: string }[]
      ).map((s) => ({ id: s.id, name: s.name }));
      return { from: query.from, to: query.to, days: daysBetween(query.from, query.to), stores, cells };
    })();
  }

  /** One store-day: the verdict with the receipts by number, or what HQ holds when no digest came. */
  function detail(storeId: string, day: string) {
    if (!Day.safeParse(day).success) throw new ValidationError("day", "a date YYYY-MM-DD");
    return db.transaction(() => {
      const d = q.digest.get(storeId, day) as
        | { seq: number; payload: string; receivedAt: string }
        | undefined;
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
      for (const s of q.stores.all(scope.store ?? null, scope.region ?? null) as {
        id: string;
        enrolledAt: string | null;
      }[]) {
        if (!s.enrolledAt) continue;
        const from = chinaDay(Date.parse(s.enrolledAt));
        const start = from > first ? from : first;
        if (start > until) continue;
        for (const day of daysBetween(start, until)) {
          storeDays++;
          const d = q.digest.get(s.id, day) as { seq: number; payload: string } | undefined;
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

  return { grid, detail, month };
}

export type Completeness = ReturnType<typeof createCompleteness>;
