// The daily completeness proof (day.digest), store side. Every business day (China time) gets
// a final digest once the store's clock has passed its midnight (a day's receipts are stamped
// with the day they were committed, so nothing new can join a closed day except through a
// clock set back; such a late receipt marks the day again and a new final digest follows).
// Today gets a running digest at most every `runningIntervalMs`, so HQ's screen is current.
// Each digest is an outbox event: delivered exactly once, in seq order after the receipts it
// counts. State lives in meta, so a restart neither repeats nor skips a day.
import { MessageError, packReceipts, receiptsHash, type StoreDayDigest, type Tender } from "@retail/protocol";
import { and, asc, eq, gt, inArray, lte, sql, sum } from "drizzle-orm";
import { businessDay, type Clock } from "../clock.ts";
import { outbox, returns, sales, tenders } from "../db/schema.ts";
import type { EdgeDb } from "../db.ts";
import type { Outbox } from "../outbox/outbox.ts";

export interface DayDigestOptions {
  /** A running digest of today at most this often (0 = closed days only). */
  runningIntervalMs: number;
  /** How often the edge looks (sooner while it is catching up with the outbox). */
  tickMs: number;
  /** An edge upgraded with history, or back after a long time off, digests at most this many past days. */
  backfillDays?: number;
}

/** Per day: the first and last seq of its receipts, and whether one came since its last digest. */
interface DayState {
  first?: number;
  last?: number;
  dirty: boolean;
  /** When its latest digest was written (ISO), and whether that one was final. */
  at?: string;
  final?: boolean;
}

const SCAN_KEY = "digest_scan_seq";
const DAYS_KEY = "digest_days";
const CLOSED_KEY = "digest_closed_through";
/** Outbox rows read per step, so a long catch-up never holds the lanes' thread for long. */
const SCAN_STEP = 20_000;
/** Days kept in the meta state. */
const KEEP_DAYS = 40;

function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

function dayOf(days: Record<string, DayState>, day: string): DayState {
  let s = days[day];
  if (!s) {
    s = { dirty: false };
    days[day] = s;
  }
  return s;
}

/**
 * This database was found behind or parted from HQ (a restored backup, a replacement): the
 * instance that went on without it lived through the days before `today` and digested them
 * from its complete tables, so this copy, which lacks their later receipts, does not speak for
 * them again (its digest, newer by seq, would replace a complete day with one listing HQ's
 * receipts as extra). Today and later days are digested as usual.
 */
export function yieldPastDays(db: EdgeDb, today: string): void {
  const yesterday = addDays(today, -1);
  const closed = db.meta(CLOSED_KEY);
  if (!closed || closed < yesterday) db.setMeta(CLOSED_KEY, yesterday);
  let days: Record<string, DayState>;
  try {
    days = JSON.parse(db.meta(DAYS_KEY) ?? "{}") as Record<string, DayState>;
  } catch {
    return;
  }
  for (const [d, s] of Object.entries(days)) if (d <= yesterday) s.dirty = false;
  db.setMeta(DAYS_KEY, JSON.stringify(days));
}

/**
 * The welcome moved this database's events from `newFrom` up by `shift` (outbox.rebase): the
 * days' first/last seqs and the scan cursor move with them, so a digest's firstSeq/lastSeq
 * name the seqs HQ holds those receipts under (not another instance's events).
 */
export function rebaseDigestSeqs(db: EdgeDb, newFrom: number, shift: number): void {
  if (shift <= 0) return;
  const at = (seq: number | undefined) => (seq !== undefined && seq >= newFrom ? seq + shift : seq);
  const scanned = db.metaInt(SCAN_KEY);
  if (scanned >= newFrom) db.setMeta(SCAN_KEY, scanned + shift);
  let days: Record<string, DayState>;
  try {
    days = JSON.parse(db.meta(DAYS_KEY) ?? "{}") as Record<string, DayState>;
  } catch {
    return;
  }
  for (const s of Object.values(days)) {
    const first = at(s.first);
    const last = at(s.last);
    if (first !== undefined) s.first = first;
    if (last !== undefined) s.last = last;
  }
  db.setMeta(DAYS_KEY, JSON.stringify(days));
}

export class DayDigests {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly startedAt: number;

  constructor(
    private readonly d: {
      db: EdgeDb;
      outbox: Outbox;
      clock: Clock;
      /** The first business day the store was enrolled (no digests before it). */
      since: string;
      options: DayDigestOptions;
      /** Told after a digest is in the outbox (the link sends it). */
      onLedger: () => void;
      log: (msg: string) => void;
    },
  ) {
    this.startedAt = d.clock.now();
  }

  start(): void {
    const loop = () => {
      let behind = false;
      try {
        behind = this.tick().behind;
      } catch (e) {
        this.d.log(`day digest failed: ${(e as Error).message}`);
      }
      this.timer = setTimeout(loop, behind ? 1000 : this.d.options.tickMs);
    };
    this.timer = setTimeout(loop, this.d.options.tickMs);
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  private days(): Record<string, DayState> {
    try {
      return JSON.parse(this.d.db.meta(DAYS_KEY) ?? "{}") as Record<string, DayState>;
    } catch {
      return {};
    }
  }

  /** Reads outbox rows since the last scan: which days got receipts, with their seqs. */
  private scan(days: Record<string, DayState>): { behind: boolean } {
    let from = this.d.db.metaInt(SCAN_KEY);
    const lastSeq = this.d.outbox.lastSeq;
    if (from >= lastSeq) return { behind: false };
    // A re-base can leave a gap of millions of seqs (a fresh edge.db numbered above HQ's
    // highest): step over it to the next event rather than read it 20,000 empty seqs a second.
    const next = this.d.db.d
      .select({ seq: sql<number | null>`min(${outbox.seq})` })
      .from(outbox)
      .where(gt(outbox.seq, from))
      .get()?.seq;
    if (next === null || next === undefined) from = lastSeq;
    else if (next - 1 > from) from = next - 1;
    const to = Math.min(lastSeq, from + SCAN_STEP);
    const rows = this.d.db.d
      .select({
        seq: outbox.seq,
        day: sql<string | null>`json_extract(${outbox.envelope}, '$.payload.businessDay')`,
        training: sql<number | null>`json_extract(${outbox.envelope}, '$.payload.training')`,
      })
      .from(outbox)
      .where(
        and(
          gt(outbox.seq, from),
          lte(outbox.seq, to),
          inArray(outbox.type, ["sale.completed", "sale.returned"]),
        ),
      )
      .orderBy(asc(outbox.seq))
      .all();
    for (const r of rows) {
      if (!r.day || r.training) continue;
      const s = dayOf(days, r.day);
      s.first = Math.min(s.first ?? r.seq, r.seq);
      s.last = Math.max(s.last ?? r.seq, r.seq);
      s.dirty = true;
    }
    this.d.db.write(() => {
      this.d.db.setMeta(SCAN_KEY, to);
      this.d.db.setMeta(DAYS_KEY, JSON.stringify(days));
    });
    return { behind: to < lastSeq };
  }

  /**
   * One pass: catch up with the outbox, then write the final digest of every closed day not yet
   * done (or touched since), and today's running digest when due. Returns the days written.
   */
  tick(): { written: string[]; behind: boolean } {
    const days = this.days();
    if (this.scan(days).behind) return { written: [], behind: true };
    const now = this.d.clock.now();
    const today = businessDay(now);
    const floor = addDays(today, -(this.d.options.backfillDays ?? 7));
    const written: string[] = [];
    // Closed days in order, each once (a day without receipts too: "nothing sold" is a claim).
    // A closed day stays closed even if the clock is put back onto it.
    const closedBefore = this.d.db.meta(CLOSED_KEY);
    const yesterday = addDays(today, -1);
    const closed = closedBefore && closedBefore > yesterday ? closedBefore : yesterday;
    let day = closedBefore ? addDays(closedBefore, 1) : this.d.since;
    if (day < floor) day = floor;
    for (; day <= closed; day = addDays(day, 1)) {
      this.write(day, true, days);
      written.push(day);
    }
    // A late receipt for a day already closed: say it again.
    for (const [d, s] of Object.entries(days))
      if (d <= closed && s.dirty && !written.includes(d) && d >= floor) {
        this.write(d, true, days);
        written.push(d);
      }
    const t = days[today];
    const interval = this.d.options.runningIntervalMs;
    // Not before `interval` has passed since the last one, the edge's start, or midnight.
    const lastAt = Math.max(
      t?.at ? Date.parse(t.at) : 0,
      this.startedAt,
      Date.parse(`${today}T00:00:00+08:00`),
    );
    if (today > closed && interval > 0 && (t?.dirty || !t?.at) && now - lastAt >= interval) {
      this.write(today, false, days);
      written.push(today);
    }
    for (const d of Object.keys(days)) if (d < addDays(today, -KEEP_DAYS)) delete days[d];
    this.d.db.write(() => {
      this.d.db.setMeta(DAYS_KEY, JSON.stringify(days));
      this.d.db.setMeta(CLOSED_KEY, closed);
    });
    if (written.length) this.d.onLedger();
    return { written, behind: false };
  }

  /** The digest of a day as the store's tables have it now (training excluded). */
  build(day: string, final: boolean, seqs: { first?: number; last?: number } = {}): StoreDayDigest {
    const db = this.d.db.d;
    const dayRows = db
      .select({ receiptNo: sales.receiptNo, net: sales.netFen, tax: sales.taxFen })
      .from(sales)
      .where(and(eq(sales.businessDay, day), eq(sales.training, 0)))
      .all();
    const byTender = db
      .select({ kind: tenders.kind, amount: sum(tenders.amountFen).mapWith(Number) })
      .from(tenders)
      .innerJoin(sales, eq(sales.saleId, tenders.saleId))
      .where(and(eq(sales.businessDay, day), eq(sales.training, 0)))
      .groupBy(tenders.kind)
      .all();
    const returnRows = db
      .select({ receiptNo: returns.receiptNo, refund: returns.refundFen, data: returns.data })
      .from(returns)
      .where(and(sql`json_extract(${returns.data}, '$.businessDay') = ${day}`, eq(returns.training, 0)))
      .all();
    const returnsByTender: Record<string, number> = {};
    for (const r of returnRows)
      for (const t of (JSON.parse(r.data) as { tenders: Tender[] }).tenders)
        returnsByTender[t.kind] = (returnsByTender[t.kind] ?? 0) + t.amount;
    const receipts = [...dayRows.map((r) => r.receiptNo), ...returnRows.map((r) => r.receiptNo)];
    return {
      businessDay: day,
      final,
      asOf: new Date(this.d.clock.now()).toISOString(),
      sales: {
        count: dayRows.length,
        net: dayRows.reduce((n, r) => n + r.net, 0),
        tax: dayRows.reduce((n, r) => n + r.tax, 0),
      },
      returns: { count: returnRows.length, refund: returnRows.reduce((n, r) => n + r.refund, 0) },
      salesByTender: Object.fromEntries(byTender.filter((t) => t.amount).map((t) => [t.kind, t.amount])),
      returnsByTender,
      ...(seqs.first !== undefined && receipts.length ? { firstSeq: seqs.first } : {}),
      ...(seqs.last !== undefined && receipts.length ? { lastSeq: seqs.last } : {}),
      receiptCount: receipts.length,
      receiptsHash: receiptsHash(receipts),
      receipts: packReceipts(receipts),
    };
  }

  /** Builds and appends a day's digest (without its list if that would not fit an envelope). */
  private write(day: string, final: boolean, days: Record<string, DayState>): void {
    const s = dayOf(days, day);
    const digest = this.build(day, final, s);
    const at = digest.asOf;
    this.d.db.write(() => {
      try {
        this.d.outbox.append("day.digest", digest, at);
      } catch (e) {
        if (!(e instanceof MessageError) || e.code !== "too_large") throw e;
        const { receipts: _dropped, ...unlisted } = digest;
        this.d.outbox.append("day.digest", unlisted, at);
        this.d.log(`day digest ${day}: receipt list too large for one envelope, sent without it`);
      }
      s.dirty = false;
      s.at = at;
      s.final = final;
      this.d.db.setMeta(DAYS_KEY, JSON.stringify(days));
    });
  }
}
