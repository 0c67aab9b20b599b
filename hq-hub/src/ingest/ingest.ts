// Exactly-once ingest of a store's event batches. One MQTT message = one transaction; inside
// it every event gets a savepoint, so an event's effects commit together with its inbox row or
// not at all, and an event that fails to apply is dead-lettered without touching the others.
// The ack (and any stock alerts) are returned for the caller to publish after the commit.
import {
  type AnyEnvelope,
  type EventsAck,
  MessageError,
  type MoneyCaps,
  type Payload,
  parseEventBatch,
} from "@retail/protocol";
import { DIGEST_UPSERT } from "../completeness/completeness.ts";
import { createAheadLog, type EventResult } from "../conflicts/ahead.ts";
import { withHeld } from "../conflicts/rules.ts";
import { createCouponLedger } from "../coupons/ledger.ts";
import type { Sqlite } from "../db/open.ts";
import { NotFoundError, StateError } from "../errors.ts";
import { capFinding } from "./cap-finding.ts";
import { comparableHash, decide, type InboxEntry, salvageSeq, validatedHash } from "./decide.ts";
import {
  isTraining,
  type MemberChange,
  memberChangeOfReturn,
  memberChangeOfSale,
  reorderTransition,
  type StockMove,
  stockMoves,
} from "./effects.ts";
import { auditSale, type CatalogView } from "./price-audit.ts";
import { missing, receive, type SeqState } from "./seq.ts";

export interface StockAlertOut {
  storeId: string;
  sku: string;
  onHand: number;
  reorderPoint: number;
}

export interface BatchOutcome {
  storeId: string;
  ack: EventsAck;
  applied: number;
  duplicates: number;
  conflicts: number;
  deadLettered: number;
  alerts: StockAlertOut[];
}

export interface IngestDeps {
  db: Sqlite;
  now: () => Date;
  /**
   * Several hub workers share the events stream (MQTT 5 shared subscription): a store's
   * events may reach any of them, so the seq state is re-read inside each write transaction
   * (taken IMMEDIATE so the workers serialise on the database) instead of trusted from memory.
   */
  shared?: boolean;
  /** The catalog a store had at a version (for re-pricing sales); undefined skips the audit. */
  catalogAt?: (storeId: string, version: number) => CatalogView;
  /** The chain's caps on sales and returns, at most the protocol's (hq-hub.json moneyCaps). */
  moneyCaps?: MoneyCaps;
}

export function createIngest(deps: IngestDeps) {
  const { db, now } = deps;
  const seqs = new Map<string, SeqState>();
  /** Stores whose seq state moved in the current transaction. */
  const seqTouched = new Set<string>();
  /** Coupon uses, in the sale's transaction, and the coupon binding for the audit (coupons/). */
  const couponLedger = createCouponLedger(db);
  /** Whether events get a savepoint each (the replay after an optimistic group failed). */
  let guarded = false;
  /** Reorder points per store (sku -> point and alert flag); not cached with shared workers. */
  const reorderCache = new Map<string, Map<string, { point: number; alerted: boolean }>>();
  function reorderPointsOf(storeId: string) {
    let m = deps.shared ? undefined : reorderCache.get(storeId);
    if (!m) {
      m = new Map();
      for (const r of q.reorderAll.all(storeId) as { sku: string; reorder_point: number; alerted: number }[])
        m.set(r.sku, { point: r.reorder_point, alerted: r.alerted === 1 });
      reorderCache.set(storeId, m);
    }
    return m;
  }

  const q = {
    byId: db.prepare("SELECT event_id, store_id, seq, content_hash FROM inbox WHERE event_id = ?"),
    bySeq: db.prepare(
      "SELECT event_id, store_id, seq, content_hash FROM inbox WHERE store_id = ? AND seq = ?",
    ),
    // Claims the event's inbox row; 0 changes when its id or (store, seq) is already there.
    inbox: db.prepare(
      "INSERT INTO inbox (event_id, store_id, seq, type, content_hash, occurred_at, received_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
    ),
    seqUp: db.prepare(
      "INSERT INTO store_seq (store_id, up_to_seq) VALUES (?, ?) ON CONFLICT (store_id) DO UPDATE SET up_to_seq = MAX(up_to_seq, excluded.up_to_seq)",
    ),
    dead: db.prepare(
      "INSERT INTO dead_letters (store_id, seq, topic, reason, field, raw, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
    ),
    deadSame: db.prepare(
      "SELECT id FROM dead_letters WHERE store_id = ? AND seq IS ? AND raw = ? AND status = 'open'",
    ),
    supersede: db.prepare(
      "UPDATE dead_letters SET status = 'superseded', resolved_by = 'ingest', resolved_at = ? WHERE store_id = ? AND seq = ? AND status = 'open'",
    ),
    // The same incoming version again (held, or already decided), or the version a take_store
    // replaced: seen before, so neither a new conflict nor an effect.
    knownConflict: db.prepare(
      `SELECT status FROM conflicts WHERE store_id = ? AND seq = ? AND ((event_id = ? AND incoming_hash = ?)
       OR (status = 'take_store' AND existing_event_id = ? AND existing_hash = ?)) LIMIT 1`,
    ),
    contested: db.prepare("SELECT 1 AS x FROM conflicts WHERE store_id = ? AND seq = ? LIMIT 1"),
    held: db.prepare(
      "SELECT seq, event_id AS id FROM conflicts WHERE store_id = ? AND status = 'open' ORDER BY seq, event_id LIMIT 1001",
    ),
    conflict: db.prepare(
      `INSERT INTO conflicts (store_id, seq, event_id, existing_event_id, reason, existing_hash, incoming_hash, raw, received_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    sale: db.prepare(
      `INSERT INTO sales (store_id, sale_id, event_id, receipt_no, lane_id, cashier_id, shift_id, business_day, catalog_version,
       member_id, gross_fen, discount_fen, net_fen, tax_fen, completed_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
    ),
    tender: db.prepare(
      `INSERT INTO tenders (store_id, doc_id, doc_kind, idx, kind, amount_fen, received_fen, change_fen, reference)
       VALUES (?,?,?,?,?,?,?,?,?)`,
    ),
    ret: db.prepare(
      `INSERT INTO returns (store_id, return_id, event_id, receipt_no, original_sale_id, original_store_id, reason, cashier_id,
       supervisor_id, business_day, refund_fen, tax_fen, returned_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`,
    ),
    retLine: db.prepare(
      "INSERT INTO return_lines (store_id, return_id, line_id, sku, qty, refund_fen, tax_fen, restock) VALUES (?,?,?,?,?,?,?,?)",
    ),
    digest: db.prepare(DIGEST_UPSERT),
    saleMember: db.prepare("SELECT member_id FROM sales WHERE store_id = ? AND sale_id = ?"),
    shiftOpen: db.prepare(
      `INSERT INTO shifts (store_id, shift_id, lane_id, cashier_id, business_day, float_fen, opened_at) VALUES (?,?,?,?,?,?,?)
       ON CONFLICT (store_id, shift_id) DO UPDATE SET float_fen = excluded.float_fen, opened_at = excluded.opened_at`,
    ),
    shiftClose: db.prepare(
      `INSERT INTO shifts (store_id, shift_id, lane_id, cashier_id, business_day, closed_at, counted_fen, expected_fen, over_short_fen, close_json)
       VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT (store_id, shift_id) DO UPDATE SET closed_at = excluded.closed_at,
       counted_fen = excluded.counted_fen, expected_fen = excluded.expected_fen, over_short_fen = excluded.over_short_fen, close_json = excluded.close_json`,
    ),
    cash: db.prepare(
      "INSERT INTO cash_movements (store_id, movement_id, shift_id, direction, amount_fen, reason, moved_at) VALUES (?,?,?,?,?,?,?)",
    ),
    count: db.prepare(
      "INSERT INTO stock_counts (store_id, count_id, counted_by, lines_json, counted_at) VALUES (?,?,?,?,?)",
    ),
    receiving: db.prepare(
      `INSERT INTO receivings (store_id, receiving_id, purchase_order_id, supplier_id, confirmed_by, lines_json, confirmed_at)
       VALUES (?,?,?,?,?,?,?)`,
    ),
    audit: db.prepare(
      `INSERT INTO audits (store_id, audit_id, action, lane_id, cashier_id, supervisor_id, sale_id, sku, amount_fen, detail, at)
       VALUES (?,?,?,?,?,?,?,?,?,?,?)`,
    ),
    training: db.prepare(
      "INSERT INTO training_activity (event_id, store_id, type, summary_json, at) VALUES (?,?,?,?,?)",
    ),
    level: db.prepare(
      `INSERT INTO stock_levels (store_id, sku, on_hand) VALUES (?, ?, ?)
       ON CONFLICT (store_id, sku) DO UPDATE SET on_hand = on_hand + excluded.on_hand RETURNING on_hand`,
    ),
    reorderAll: db.prepare("SELECT sku, reorder_point, alerted FROM reorder_points WHERE store_id = ?"),
    reorderFlag: db.prepare("UPDATE reorder_points SET alerted = ? WHERE store_id = ? AND sku = ?"),
    member: db.prepare(
      `UPDATE members SET points = MAX(0, points + ?), spend_fen = spend_fen + ?, last_visit_at = COALESCE(?, last_visit_at), dirty = 1
       WHERE id = ?`,
    ),
    finding: db.prepare(
      `INSERT INTO price_findings (store_id, sale_id, event_id, catalog_version, line_id, field, expected, actual, found_at)
       VALUES (?,?,?,?,?,?,?,?,?)`,
    ),
  };

  /** Multi-row INSERTs prepared per row count: one statement per sale instead of one per line. */
  const multi = new Map<string, ReturnType<typeof db.prepare<unknown[]>>>();
  /** Inserts `values.length / columns` rows given as one flat list of values. */
  function insertFlat(head: string, columns: number, values: unknown[], tail = "") {
    const n = values.length / columns;
    if (n === 0) return;
    const key = `${head}|${n}`;
    let st = multi.get(key);
    if (!st) {
      const one = `(${Array(columns).fill("?").join(",")})`;
      st = db.prepare(`${head} VALUES ${Array(n).fill(one).join(",")} ${tail}`);
      multi.set(key, st);
    }
    // One array argument binds positionally, without spreading ~1,800 arguments.
    st.run(values);
  }
  function insertRows(head: string, columns: number, rows: unknown[][], tail = "") {
    insertFlat(head, columns, rows.flat(), tail);
  }

  /**
   * Rows of tables that ingest only ever appends to and never reads back (sale lines, tenders,
   * the stock ledger), gathered over the whole group in the optimistic pass and written at its
   * end, 128 rows per statement, still inside the group's transaction. A failure
   * there aborts the group like any other, and the guarded replay writes each event's rows in
   * its own savepoint as before. Order is kept (ledger ids follow the events' order).
   */
  const deferred = new Map<string, { columns: number; rows: unknown[][] }>();
  function appendRows(head: string, columns: number, rows: unknown[][]) {
    if (guarded) return insertRows(head, columns, rows);
    let d = deferred.get(head);
    if (!d) {
      d = { columns, rows: [] };
      deferred.set(head, d);
    }
    for (const r of rows) d.rows.push(r);
  }
  const CHUNK = 128;
  /**
   * On-hand changes of SKUs without a reorder point (nothing reads them back during ingest),
   * summed per store and SKU over the optimistic pass and written once each at the group's end:
   * a group of 400 five-line sales from 50 stores is ~250 upserts instead of 2,000.
   */
  const levelDeltas = new Map<string, [string, string, number]>();
  function flushDeferred() {
    for (const [head, d] of deferred) {
      for (let i = 0; i < d.rows.length; i += CHUNK) {
        // The chunk's values in one array of its final size (no slice + flat per chunk).
        const n = Math.min(CHUNK, d.rows.length - i);
        const values = new Array(n * d.columns);
        for (let r = 0, k = 0; r < n; r++) {
          const row = d.rows[i + r]!;
          for (let c = 0; c < d.columns; c++) values[k++] = row[c];
        }
        insertFlat(head, d.columns, values);
      }
    }
    deferred.clear();
    const levels = [...levelDeltas.values()];
    levelDeltas.clear();
    for (let i = 0; i < levels.length; i += CHUNK)
      insertRows(
        "INSERT INTO stock_levels (store_id, sku, on_hand)",
        3,
        levels.slice(i, i + CHUNK),
        "ON CONFLICT (store_id, sku) DO UPDATE SET on_hand = on_hand + excluded.on_hand",
      );
  }

  /** The catalog per (store, version), looked up once per group rather than once per sale. */
  const catalogsOfGroup = new Map<string, CatalogView>();
  function catalogAt(storeId: string, version: number): CatalogView {
    const key = `${storeId}|${version}`;
    let c = catalogsOfGroup.get(key);
    if (!c) {
      c = deps.catalogAt!(storeId, version);
      catalogsOfGroup.set(key, c);
    }
    return c;
  }

  /** Stores with open dead letters: only their events may supersede one (skips a query per event). */
  const openDeadLetterStores = new Set(
    (
      db.prepare("SELECT DISTINCT store_id FROM dead_letters WHERE status = 'open'").all() as {
        store_id: string;
      }[]
    ).map((r) => r.store_id),
  );

  /** Events committed ahead of a gap, listed in every ack until confirmed (conflicts/ahead.ts). */
  const ahead = createAheadLog(db, deps.shared === true);
  /** What each event of the current message became, in order (for the ahead log). */
  let results: EventResult[] = [];
  /**
   * Per store, in the current group: a duplicate or an already decided version the store sent
   * again at a contested seq: "HQ has decided on your event there", so a store that suspected
   * another event at that seq stops (the ack's `checks`, as room allows).
   */
  const groupChecks = new Map<string, { seq: number; id: string }[]>();
  function addCheck(storeId: string, seq: number, id: string) {
    const list = groupChecks.get(storeId) ?? [];
    list.push({ seq, id });
    groupChecks.set(storeId, list);
  }

  /** Stores with open conflicts: only their acks need the held seqs looked up. */
  const openConflictStores = new Set(
    (
      db.prepare("SELECT DISTINCT store_id FROM conflicts WHERE status = 'open'").all() as {
        store_id: string;
      }[]
    ).map((r) => r.store_id),
  );

  function seqState(storeId: string): SeqState {
    let s = seqs.get(storeId);
    if (s) return s;
    const row = db.prepare("SELECT up_to_seq FROM store_seq WHERE store_id = ?").get(storeId) as
      | { up_to_seq: number }
      | undefined;
    const upTo = row?.up_to_seq ?? 0;
    const above = new Set<number>();
    for (const r of db.prepare("SELECT seq FROM inbox WHERE store_id = ? AND seq > ?").all(storeId, upTo) as {
      seq: number;
    }[])
      above.add(r.seq);
    for (const r of db
      .prepare("SELECT seq FROM dead_letters WHERE store_id = ? AND seq > ? AND seq IS NOT NULL")
      .all(storeId, upTo) as { seq: number }[])
      above.add(r.seq);
    // Seqs lost with a restored or replaced edge database (resync.ts) count as received.
    for (const r of db
      .prepare("SELECT from_seq, to_seq FROM lost_seqs WHERE store_id = ? AND to_seq > ?")
      .all(storeId, upTo) as { from_seq: number; to_seq: number }[])
      for (let q = Math.max(r.from_seq, upTo + 1); q <= r.to_seq; q++) above.add(q);
    // Normalised: rows written inside the current transaction may already fill the gap above.
    s = receive({ upTo, above }, []);
    seqs.set(storeId, s);
    return s;
  }

  const entry = (r: Record<string, unknown> | undefined): InboxEntry | undefined =>
    r
      ? {
          eventId: r.event_id as string,
          storeId: r.store_id as string,
          seq: r.seq as number,
          hash: r.content_hash as string,
        }
      : undefined;

  function deadLetter(
    storeId: string,
    seq: number | undefined,
    topic: string,
    error: { message: string; field: string; code?: string },
    raw: string,
    at: string,
  ) {
    // The same broken element resent is one dead letter, not one per resend.
    if (q.deadSame.get(storeId, seq ?? null, raw)) return;
    openDeadLetterStores.add(storeId);
    q.dead.run(
      storeId,
      seq ?? null,
      topic,
      error.code ? `${error.code}: ${error.message}` : error.message,
      error.field,
      raw,
      at,
    );
  }

  function moveStock(
    storeId: string,
    moves: StockMove[],
    eventId: string,
    at: string,
    alerts: StockAlertOut[],
  ) {
    if (moves.length === 0) return;
    appendRows(
      "INSERT INTO stock_ledger (store_id, sku, qty_delta, kind, ref, event_id, at)",
      7,
      moves.map((m) => [storeId, m.sku, m.qty, m.kind, m.ref, eventId, at]),
    );
    const points = reorderPointsOf(storeId);
    const watched = moves.filter((m) => points.has(m.sku));
    // Unwatched SKUs: summed for the group's end (guarded replay: one upsert for the event's);
    // watched ones need their new on-hand back at once.
    const unwatched = moves.filter((m) => !points.has(m.sku));
    if (guarded)
      insertRows(
        "INSERT INTO stock_levels (store_id, sku, on_hand)",
        3,
        unwatched.map((m) => [storeId, m.sku, m.qty]),
        "ON CONFLICT (store_id, sku) DO UPDATE SET on_hand = on_hand + excluded.on_hand",
      );
    else
      for (const m of unwatched) {
        const key = `${storeId}\u0000${m.sku}`;
        const d = levelDeltas.get(key);
        if (d) d[2] += m.qty;
        else levelDeltas.set(key, [storeId, m.sku, m.qty]);
      }
    for (const m of watched) {
      const { on_hand } = q.level.get(storeId, m.sku, m.qty) as { on_hand: number };
      const rp = points.get(m.sku)!;
      const t = reorderTransition(on_hand, rp.point, rp.alerted);
      if (t === "alert") {
        q.reorderFlag.run(1, storeId, m.sku);
        rp.alerted = true;
        alerts.push({ storeId, sku: m.sku, onHand: on_hand, reorderPoint: rp.point });
      } else if (t === "rearm") {
        q.reorderFlag.run(0, storeId, m.sku);
        rp.alerted = false;
      }
    }
  }

  function changeMember(c: MemberChange | undefined) {
    if (c) q.member.run(c.points, c.spendFen, c.visitAt ?? null, c.memberId);
  }

  /** The effects of one valid event (inside the caller's savepoint). */
  function applyEffects(env: AnyEnvelope, at: string, alerts: StockAlertOut[]) {
    const s = env.storeId;
    if (isTraining(env)) {
      q.training.run(env.id, s, env.type, JSON.stringify(trainingSummary(env)), env.occurredAt);
      return;
    }
    // Above the chain's lowered caps: booked all the same, and raised for a person (cap-finding.ts).
    const f = deps.moneyCaps && capFinding(env, deps.moneyCaps);
    if (f) {
      q.finding.run(
        s,
        f.docId,
        env.id,
        f.catalogVersion,
        f.lineId ?? null,
        f.field,
        f.expected,
        f.actual,
        at,
      );
    }
    switch (env.type) {
      case "sale.completed": {
        const p = env.payload;
        q.sale.run(
          s,
          p.saleId,
          env.id,
          p.receiptNo,
          p.laneId,
          p.cashierId,
          p.shiftId,
          p.businessDay,
          p.catalogVersion,
          p.member?.id ?? null,
          p.totals.gross,
          p.totals.discount,
          p.totals.net,
          p.totals.tax,
          p.completedAt,
        );
        appendRows(
          "INSERT INTO sale_lines (store_id, sale_id, line_id, sku, qty, weighed, unit_price_fen, price_version, tax_rate, gross_fen, discount_fen, net_fen, tax_fen, override_catalog_price_fen)",
          14,
          p.lines.map((l) => [
            s,
            p.saleId,
            l.lineId,
            l.sku,
            l.qty,
            l.weighed ? 1 : 0,
            l.unitPrice,
            l.priceVersion,
            l.taxRate,
            l.gross,
            l.discounts.reduce((sum, d) => sum + d.amount, 0),
            l.net,
            l.tax,
            l.override?.catalogPrice ?? null,
          ]),
        );
        appendRows(
          "INSERT INTO tenders (store_id, doc_id, doc_kind, idx, kind, amount_fen, received_fen, change_fen, reference)",
          9,
          p.tenders.map((t, i) => [
            s,
            p.saleId,
            "sale",
            i,
            t.kind,
            t.amount,
            t.received ?? null,
            t.change ?? null,
            t.reference ?? null,
          ]),
        );
        moveStock(s, stockMoves(env), env.id, p.completedAt, alerts);
        changeMember(memberChangeOfSale(p));
        if (p.coupons.length > 0) couponLedger.record(s, p, env.id, at);
        if (deps.catalogAt) {
          for (const f of auditSale(s, couponLedger.forAudit(p), catalogAt(s, p.catalogVersion)))
            q.finding.run(
              s,
              p.saleId,
              env.id,
              p.catalogVersion,
              f.lineId ?? null,
              f.field,
              f.expected,
              f.actual,
              at,
            );
        }
        return;
      }
      case "sale.returned": {
        const p = env.payload;
        q.ret.run(
          s,
          p.returnId,
          env.id,
          p.receiptNo,
          p.original?.saleId ?? null,
          p.original?.storeId ?? null,
          p.reason,
          p.cashierId,
          p.supervisorId ?? null,
          p.businessDay,
          p.totals.refund,
          p.totals.tax,
          p.returnedAt,
        );
        for (const l of p.lines)
          q.retLine.run(s, p.returnId, l.lineId, l.sku, l.qty, l.refund, l.tax, l.restock ? 1 : 0);
        p.tenders.forEach((t, i) => {
          q.tender.run(
            s,
            p.returnId,
            "return",
            i,
            t.kind,
            t.amount,
            t.received ?? null,
            t.change ?? null,
            t.reference ?? null,
          );
        });
        moveStock(s, stockMoves(env), env.id, p.returnedAt, alerts);
        const orig = p.original
          ? (q.saleMember.get(p.original.storeId, p.original.saleId) as
              | { member_id: string | null }
              | undefined)
          : undefined;
        changeMember(memberChangeOfReturn(p, orig?.member_id ?? undefined));
        return;
      }
      case "shift.opened": {
        const p = env.payload;
        q.shiftOpen.run(s, p.shiftId, p.laneId, p.cashierId, p.businessDay, p.float, p.openedAt);
        return;
      }
      case "shift.closed": {
        const p = env.payload;
        q.shiftClose.run(
          s,
          p.shiftId,
          p.laneId,
          p.cashierId,
          p.businessDay,
          p.closedAt,
          p.counted,
          p.expected,
          p.overShort,
          JSON.stringify(p),
        );
        return;
      }
      case "cash.moved": {
        const p = env.payload;
        q.cash.run(s, p.movementId, p.shiftId, p.direction, p.amount, p.reason, p.movedAt);
        return;
      }
      case "stock.counted": {
        const p = env.payload;
        q.count.run(s, p.countId, p.countedBy, JSON.stringify(p.lines), p.countedAt);
        moveStock(s, stockMoves(env), env.id, p.countedAt, alerts);
        return;
      }
      case "receiving.confirmed": {
        const p = env.payload;
        q.receiving.run(
          s,
          p.receivingId,
          p.purchaseOrderId ?? null,
          p.supplierId ?? null,
          p.confirmedBy,
          JSON.stringify(p.lines),
          p.confirmedAt,
        );
        moveStock(s, stockMoves(env), env.id, p.confirmedAt, alerts);
        return;
      }
      case "audit.recorded": {
        const p = env.payload;
        q.audit.run(
          s,
          p.auditId,
          p.action,
          p.laneId,
          p.cashierId,
          p.supervisorId ?? null,
          p.saleId ?? null,
          p.sku ?? null,
          p.amount ?? null,
          p.detail,
          p.at,
        );
        return;
      }
      case "day.digest": {
        // Kept, not judged: the verdict is made when asked (completeness/), against what HQ holds then.
        const p = env.payload;
        q.digest.run(s, p.businessDay, env.seq, env.id, p.final ? 1 : 0, JSON.stringify(p), at);
        return;
      }
      default:
        throw new StateError(env.id, `${env.type} is not a ledger event`);
    }
  }

  /** One event, with what it became recorded for the ahead log. */
  function applyOne(storeId: string, topic: string, env: AnyEnvelope, at: string, out: BatchOutcome) {
    const before = { applied: out.applied, duplicates: out.duplicates };
    const seq = applyEvent(storeId, topic, env, at, out);
    results.push({
      seq: env.seq,
      kind:
        out.applied > before.applied
          ? "new"
          : out.duplicates > before.duplicates && seq !== undefined
            ? "duplicate"
            : "other",
    });
    return seq;
  }

  /** One event inside the batch transaction. Returns the seq it accounts for, if any. */
  function applyEvent(
    storeId: string,
    topic: string,
    env: AnyEnvelope,
    at: string,
    out: BatchOutcome,
  ): number | undefined {
    if (env.storeId !== storeId) {
      deadLetter(
        storeId,
        env.seq,
        topic,
        {
          code: "invalid",
          field: "storeId",
          message: `event names store ${env.storeId} but came on ${storeId}'s topic`,
        },
        JSON.stringify(env),
        at,
      );
      out.deadLettered++;
      return env.seq;
    }
    const hash = validatedHash(env);
    // The inbox row first: a new event (the common case) needs no look-up. Only when its id or
    // (store, seq) is taken are the existing rows read to tell a duplicate from a conflict.
    // (The insert is a single statement: when it changes nothing, nothing was written.)
    if (!guarded) {
      if (q.inbox.run(env.id, storeId, env.seq, env.type, hash, env.occurredAt, at).changes === 1) {
        // Optimistic pass: no savepoint; a failure aborts the whole group, which is then
        // replayed with a savepoint per event (see handleMany).
        applyEffects(env, at, out.alerts);
        if (openDeadLetterStores.has(storeId)) q.supersede.run(at, storeId, env.seq);
        out.applied++;
        return env.seq;
      }
    }
    const byId = entry(q.byId.get(env.id) as Record<string, unknown> | undefined);
    const d = decide(
      { eventId: env.id, storeId, seq: env.seq, hash: byId ? comparableHash(byId.hash, env, hash) : hash },
      byId,
      entry(q.bySeq.get(storeId, env.seq) as Record<string, unknown> | undefined),
    );
    if (d.kind === "duplicate" || (byId && sameButSeq(byId, env))) {
      // The same event under a new seq is one a restored edge moved up (resync.ts): HQ has it.
      // Resent at a contested seq (a conflict was there): tell the store HQ holds its event.
      if (byId && byId.seq === env.seq && q.contested.get(storeId, env.seq))
        addCheck(storeId, env.seq, env.id);
      out.duplicates++;
      return env.seq;
    }
    if (d.kind === "conflict") {
      const known = q.knownConflict.get(storeId, env.seq, env.id, hash, env.id, hash) as
        | { status: string }
        | undefined;
      if (known) {
        if (known.status !== "open") addCheck(storeId, env.seq, env.id);
        out.duplicates++;
        // Still held: its seq was counted by the committed event and stays held in the ack.
        return known.status === "open" ? undefined : env.seq;
      }
      openConflictStores.add(storeId);
      q.conflict.run(
        storeId,
        env.seq,
        env.id,
        d.existing.eventId,
        d.reason,
        d.existing.hash,
        hash,
        JSON.stringify(env),
        at,
      );
      out.conflicts++;
      // The committed event keeps its seq; this one is held (listed in the ack's `held`) until
      // a person resolves it (conflicts/conflicts.ts), never acked as delivered.
      return undefined;
    }
    // Here only in the guarded replay (the optimistic pass returned above, or found the row).
    if (!guarded) throw new StateError(env.id, "inbox row neither inserted nor found");
    const alertsBefore = out.alerts.length;
    db.exec("SAVEPOINT ev");
    try {
      if (q.inbox.run(env.id, storeId, env.seq, env.type, hash, env.occurredAt, at).changes !== 1)
        throw new StateError(env.id, "inbox row neither inserted nor found");
      applyEffects(env, at, out.alerts);
      if (openDeadLetterStores.has(storeId)) q.supersede.run(at, storeId, env.seq);
      db.exec("RELEASE ev");
      out.applied++;
    } catch (e) {
      db.exec("ROLLBACK TO ev");
      db.exec("RELEASE ev");
      out.alerts.splice(alertsBefore); // alerts of the failed event never happened
      reorderCache.clear(); // its alert flags were rolled back too
      deadLetter(
        storeId,
        env.seq,
        topic,
        { code: "apply_failed", field: "", message: (e as Error).message },
        JSON.stringify(env),
        at,
      );
      out.deadLettered++;
    }
    return env.seq;
  }

  /** Whether `env` is the event `existing` holds, apart from its seq. */
  function sameButSeq(existing: InboxEntry, env: AnyEnvelope): boolean {
    if (existing.seq === env.seq) return false;
    const moved = { ...env, seq: existing.seq } as AnyEnvelope;
    return existing.hash === comparableHash(existing.hash, moved, validatedHash(moved));
  }

  const emptyOutcome = (storeId: string): BatchOutcome => ({
    storeId,
    ack: { upToSeq: 0, missing: [] },
    applied: 0,
    duplicates: 0,
    conflicts: 0,
    deadLettered: 0,
    alerts: [],
  });

  /** The ack's checks: the ahead log's unconfirmed rows and the group's decided resends. */
  function withChecks(
    storeId: string,
    ack: EventsAck,
    decided: { seq: number; id: string }[] = [],
  ): EventsAck {
    const must = ahead.checksFor(storeId, ack.upToSeq);
    if (must.checks.length === 0 && decided.length === 0 && must.stopBelow === undefined) return ack;
    // More unconfirmed seqs than one ack lists: upToSeq stops below the first one not listed.
    const upToSeq = must.stopBelow !== undefined ? Math.min(ack.upToSeq, must.stopBelow - 1) : ack.upToSeq;
    const seen = new Set<string>();
    const checks: { seq: number; id: string }[] = [];
    for (const c of [...must.checks, ...decided]) {
      const key = `${c.seq}|${c.id}`;
      if (c.seq > upToSeq || seen.has(key) || checks.length >= ahead.MAX_CHECKS) continue;
      seen.add(key);
      checks.push({ seq: c.seq, id: c.id });
    }
    checks.sort((a, b) => a.seq - b.seq);
    const held = ack.held?.filter((h) => h.seq <= upToSeq);
    const base = { upToSeq, missing: ack.missing, ...(held?.length ? { held } : {}) };
    return checks.length ? { ...base, checks } : base;
  }

  function ackOf(storeId: string, state: SeqState): EventsAck {
    const ack = { upToSeq: state.upTo, missing: missing(state) };
    // Another connection (the API's resolutions, a shared worker) may have opened or closed one.
    if (!deps.shared && !openConflictStores.has(storeId)) return ack;
    const open = q.held.all(storeId) as { seq: number; id: string }[];
    if (open.length === 0) openConflictStores.delete(storeId);
    return withHeld(ack, open);
  }

  /** One MQTT payload's events, inside the caller's transaction. */
  function applyMessage(storeId: string, topic: string, payload: Buffer | string, at: string): BatchOutcome {
    const out: BatchOutcome = {
      storeId,
      ack: { upToSeq: 0, missing: [] },
      applied: 0,
      duplicates: 0,
      conflicts: 0,
      deadLettered: 0,
      alerts: [],
    };
    if (deps.shared) seqs.delete(storeId); // another worker may have moved it
    const state = seqState(storeId);
    results = [];
    let parsed: ReturnType<typeof parseEventBatch>;
    try {
      parsed = parseEventBatch(payload);
    } catch (e) {
      // Whatever parsing throws is this message's problem alone (parseEventBatch bounds its
      // input, but a RangeError or a TypeError must not fail the others in the group).
      const err = e instanceof MessageError ? e : { code: "bad_json", field: "", message: String(e) };
      deadLetter(storeId, undefined, topic, err, rawText(payload), at);
      out.deadLettered++;
      return out;
    }
    const counted: number[] = [];
    /** Elements without a readable seq: one dead letter for all of them (see below). */
    const seqless: { index: number; error: MessageError; raw: string }[] = [];
    // Elements in their original order, valid or not, so seqs are counted as sent.
    const rejectedAt = new Map(parsed.rejected.map((r) => [r.index, r]));
    let v = 0;
    const total = parsed.events.length + parsed.rejected.length;
    for (let i = 0; i < total; i++) {
      const rej = rejectedAt.get(i);
      if (rej) {
        let seq: number | undefined;
        try {
          seq = salvageSeq(JSON.parse(rej.raw));
        } catch {
          seq = undefined;
        }
        if (seq === undefined) {
          seqless.push(rej);
          continue;
        }
        deadLetter(storeId, seq, topic, rej.error, rej.raw, at);
        out.deadLettered++;
        counted.push(seq);
        results.push({ seq, kind: "other" });
        continue;
      }
      const env = parsed.events[v++]!;
      const seq = applyOne(storeId, topic, env, at, out);
      if (seq !== undefined) counted.push(seq);
    }
    // Garbage elements (no envelope, no seq) count nothing: one dead letter per message keeps
    // a batch of 2,000 of them from writing 2,000 rows.
    if (seqless.length === 1) {
      const r = seqless[0]!;
      deadLetter(storeId, undefined, topic, r.error, r.raw, at);
      out.deadLettered++;
    } else if (seqless.length > 1) {
      const r = seqless[0]!;
      deadLetter(
        storeId,
        undefined,
        topic,
        {
          code: r.error.code,
          field: `[${r.index}]${r.error.field ? `.${r.error.field}` : ""}`,
          message: `${seqless.length} elements are not envelopes; the first, element ${r.index}: ${r.error.message}`,
        },
        rawText(payload),
        at,
      );
      out.deadLettered++;
    }
    const before = state.upTo;
    receive(state, counted);
    ahead.afterMessage(
      storeId,
      results,
      (seq) => (q.bySeq.get(storeId, seq) as { event_id: string } | undefined)?.event_id,
      (seq) => state.above.has(seq),
    );
    // Written once per store per group (handleMany), not once per message.
    if (state.upTo !== before || counted.length) seqTouched.add(storeId);
    return out;
  }

  /**
   * Ingests several MQTT payloads (of any stores) in ONE transaction: a commit per message
   * would cost more than the events themselves (group commit). Each event is still atomic with
   * its inbox row (savepoint). Acks reflect the state after the commit.
   */
  function handleMany(
    messages: readonly { storeId: string; topic: string; payload: Buffer | string }[],
  ): BatchOutcome[] {
    const at = now().toISOString();
    let outs: BatchOutcome[] = [];
    const tx = db.transaction(() => {
      seqTouched.clear();
      groupChecks.clear();
      deferred.clear();
      levelDeltas.clear();
      catalogsOfGroup.clear();
      outs = messages.map((m) =>
        guarded
          ? applyIsolated(m.storeId, m.topic, m.payload, at)
          : applyMessage(m.storeId, m.topic, m.payload, at),
      );
      flushDeferred();
      for (const storeId of seqTouched) q.seqUp.run(storeId, seqState(storeId).upTo);
    });
    const run = () => (deps.shared ? tx.immediate() : tx());
    try {
      guarded = false;
      run();
    } catch {
      // Rolled back: the in-memory state may be ahead of the database; reload it, and replay
      // the group with a savepoint per event so that only the failing event is dead-lettered.
      seqs.clear();
      reorderCache.clear();
      guarded = true;
      try {
        run();
      } catch (e) {
        seqs.clear();
        reorderCache.clear();
        // Not one message's fault as far as savepoints could tell (the group's own writes or
        // its commit failed): split the group, each message in its own transaction, so the
        // good ones commit and only a message that fails alone is dead-lettered.
        if (messages.length === 1) return [deadLetterWhole(messages[0]!, at, e)];
        guarded = false;
        return messages.flatMap((m) => handleMany([m]));
      }
    } finally {
      guarded = false;
    }
    for (const out of outs)
      out.ack = withChecks(
        out.storeId,
        ackOf(out.storeId, seqState(out.storeId)),
        groupChecks.get(out.storeId),
      );
    groupChecks.clear();
    return outs;
  }

  /**
   * One message of the guarded replay in its own savepoint: anything it throws outside its
   * events' savepoints rolls back that message only, which is dead-lettered with the reason.
   */
  function applyIsolated(storeId: string, topic: string, payload: Buffer | string, at: string): BatchOutcome {
    db.exec("SAVEPOINT msg");
    try {
      const out = applyMessage(storeId, topic, payload, at);
      db.exec("RELEASE msg");
      return out;
    } catch (e) {
      db.exec("ROLLBACK TO msg");
      db.exec("RELEASE msg");
      seqs.delete(storeId); // reloaded from the database on next use
      reorderCache.clear();
      deadLetter(storeId, undefined, topic, failure(e), rawText(payload), at);
      return { ...emptyOutcome(storeId), deadLettered: 1 };
    }
  }

  /** A message that fails even alone: dead-lettered in a transaction of its own. */
  function deadLetterWhole(
    m: { storeId: string; topic: string; payload: Buffer | string },
    at: string,
    e: unknown,
  ): BatchOutcome {
    const write = db.transaction(() =>
      deadLetter(m.storeId, undefined, m.topic, failure(e), rawText(m.payload), at),
    );
    if (deps.shared) write.immediate();
    else write();
    return {
      ...emptyOutcome(m.storeId),
      deadLettered: 1,
      ack: withChecks(m.storeId, ackOf(m.storeId, seqState(m.storeId))),
    };
  }

  /** Ingests one MQTT payload from a store's up/events topic. */
  function handleBatch(storeId: string, topic: string, payload: Buffer | string): BatchOutcome {
    return handleMany([{ storeId, topic, payload }])[0]!;
  }

  /** An admin fixes (optionally) and replays a dead letter through the normal path. */
  function replay(id: number, actor: string, fixedRaw?: string): BatchOutcome {
    const dl = db.prepare("SELECT * FROM dead_letters WHERE id = ?").get(id) as
      | { id: number; store_id: string; topic: string; raw: string; status: string }
      | undefined;
    if (!dl) throw new NotFoundError("dead letter", String(id));
    if (dl.status !== "open") throw new StateError(String(id), `dead letter ${id} is ${dl.status}`);
    const raw = fixedRaw ?? dl.raw;
    // Replayed as a batch of one; the resolution is recorded only if it did not dead-letter again.
    const text = raw.trim().startsWith("[") ? raw : `[${raw}]`;
    const out = handleBatch(dl.store_id, dl.topic, text);
    const ok = out.deadLettered === 0 && out.conflicts === 0;
    if (ok)
      db.prepare(
        "UPDATE dead_letters SET status = 'replayed', resolved_by = ?, resolved_at = ? WHERE id = ?",
      ).run(actor, now().toISOString(), id);
    return out;
  }

  function discard(id: number, actor: string) {
    const r = db
      .prepare(
        "UPDATE dead_letters SET status = 'discarded', resolved_by = ?, resolved_at = ? WHERE id = ? AND status = 'open'",
      )
      .run(actor, now().toISOString(), id);
    if (r.changes !== 1) throw new NotFoundError("open dead letter", String(id));
  }

  /** A bad non-ledger message (status, fetch, query): kept for inspection, counts no seq. */
  function deadLetterRaw(
    storeId: string,
    topic: string,
    error: { message: string; field: string; code?: string },
    raw: string,
  ) {
    deadLetter(storeId, undefined, topic, error, raw, now().toISOString());
  }

  return {
    handleBatch,
    handleMany,
    /** After an admin changed a store's reorder points. */
    forgetReorderPoints: (storeId: string) => reorderCache.delete(storeId),
    replay,
    discard,
    deadLetterRaw,
    /** HQ's head (contiguous) and highest seq for a store, fresh when workers share the stream. */
    seqView: (storeId: string) => {
      if (deps.shared) seqs.delete(storeId);
      const st = seqState(storeId);
      let max = st.upTo;
      for (const q of st.above) if (q > max) max = q;
      return { state: st, head: st.upTo, max };
    },
    /** Counts seqs as received (already written to lost_seqs by the caller's transaction). */
    markReceived: (storeId: string, seqList: number[]) => {
      const st = seqState(storeId);
      receive(st, seqList);
      q.seqUp.run(storeId, st.upTo);
      // Lost with a gone edge database: the events committed ahead of them were that
      // database's, which no store will confirm (the new one moved its own above HQ's max).
      if (seqList.length) ahead.dropFrom(storeId, Math.min(...seqList));
    },
    /** Drops the cached seq state of a store (another connection changed it). */
    forgetSeq: (storeId: string) => seqs.delete(storeId),
    ackFor: (storeId: string) => {
      if (deps.shared) seqs.delete(storeId); // another connection may have moved it
      return withChecks(storeId, ackOf(storeId, seqState(storeId)));
    },

    /**
     * A conflict resolution applies an incoming version (take_store, keep_both): its effects,
     * written at once (not deferred), inside the caller's transaction. Returns the stock alerts.
     */
    applyResolved(env: AnyEnvelope, at: string): StockAlertOut[] {
      if (!db.inTransaction) throw new StateError(env.id, "applyResolved outside a transaction");
      const alerts: StockAlertOut[] = [];
      const was = guarded;
      guarded = true;
      try {
        applyEffects(env, at, alerts);
      } catch (e) {
        reorderCache.clear(); // its alert flags roll back with the caller's transaction
        throw e;
      } finally {
        guarded = was;
      }
      return alerts;
    },
    /** A store whose conflicts changed elsewhere (a resolution): its next ack looks them up. */
    conflictsChanged: (storeId: string) => openConflictStores.add(storeId),
  };
}

export type Ingest = ReturnType<typeof createIngest>;

function rawText(payload: Buffer | string): string {
  return typeof payload === "string" ? payload : Buffer.from(payload).toString("utf8");
}

/** The reason a message failed, for its dead letter. */
function failure(e: unknown): { code: string; field: string; message: string } {
  if (e instanceof MessageError) return e;
  const err = e as { field?: unknown; message?: unknown };
  return {
    code: "apply_failed",
    field: typeof err?.field === "string" ? err.field : "",
    message: typeof err?.message === "string" ? err.message : String(e),
  };
}

function trainingSummary(env: AnyEnvelope): Record<string, unknown> {
  switch (env.type) {
    case "sale.completed": {
      const p = env.payload as Payload<"sale.completed">;
      return { saleId: p.saleId, cashierId: p.cashierId, net: p.totals.net, lines: p.lines.length };
    }
    case "sale.returned": {
      const p = env.payload as Payload<"sale.returned">;
      return { returnId: p.returnId, cashierId: p.cashierId, refund: p.totals.refund };
    }
    default:
      return { type: env.type, payload: env.payload };
  }
}
