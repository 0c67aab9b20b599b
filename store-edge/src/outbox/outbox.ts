// The outbox: every business event is appended here with the store's next gapless seq, inside
// the same transaction as its effects (the caller's db.write). Only HQ's events.ack moves the
// delivered cursor; the broker's PUBACK proves nothing (it acks before anything is durable).
import { encodeEnvelope, type MessageType, makeEnvelope, type Payload } from "@retail/protocol";
import { and, asc, eq, gte, lte, max, sql } from "drizzle-orm";
import { outbox } from "../db/schema.ts";
import type { EdgeDb } from "../db.ts";

export interface OutboxRow {
  seq: number;
  id: string;
  type: string;
  occurredAt: string;
  envelope: string;
}

export interface OutboxStats {
  lastSeq: number;
  ackedUpTo: number;
  backlog: number;
  oldestUnackedAt?: string;
  oldestUnackedAgeSec?: number;
}

export class Outbox {
  private readonly insert;
  private readonly pendingFrom;
  private readonly maxSeq;
  private lastSeqCache: number;

  constructor(
    private readonly db: EdgeDb,
    private readonly storeId: () => string,
  ) {
    // Prepared once: append runs inside every sale's transaction.
    this.insert = db.d
      .insert(outbox)
      .values({
        seq: sql.placeholder("seq"),
        id: sql.placeholder("id"),
        type: sql.placeholder("type"),
        occurredAt: sql.placeholder("occurredAt"),
        envelope: sql.placeholder("envelope"),
      })
      .prepare();
    this.pendingFrom = db.d
      .select()
      .from(outbox)
      .where(gte(outbox.seq, sql.placeholder("from")))
      .orderBy(asc(outbox.seq))
      .limit(sql.placeholder("limit"))
      .prepare();
    this.maxSeq = db.d
      .select({ s: max(outbox.seq) })
      .from(outbox)
      .prepare();
    this.lastSeqCache = this.readLastSeq();
  }

  private readLastSeq(): number {
    return db0(this.maxSeq.get()?.s);
  }

  /**
   * Appends an event. MUST run inside db.write: the seq is max + 1 of the same transaction, so
   * a rolled-back sale leaves no gap (the cache is re-read if the transaction fails).
   */
  append<T extends MessageType>(type: T, payload: Payload<T>, occurredAt: string): number {
    if (!this.db.inTransaction) throw new Error("outbox.append outside a transaction");
    const seq = this.readLastSeq() + 1;
    const env = makeEnvelope(type, payload, { storeId: this.storeId(), seq, occurredAt });
    this.insert.run({ seq, id: env.id, type, occurredAt, envelope: encodeEnvelope(env) });
    this.lastSeqCache = seq;
    return seq;
  }

  get lastSeq(): number {
    return this.lastSeqCache;
  }

  refreshLastSeq(): void {
    this.lastSeqCache = this.readLastSeq();
  }

  get ackedUpTo(): number {
    return this.db.metaInt("acked_up_to");
  }

  /** Records HQ's ack. Replayed, duplicated or stale acks change nothing; returns whether it moved. */
  acknowledge(upToSeq: number): boolean {
    const to = Math.min(upToSeq, this.readLastSeq());
    if (to <= this.ackedUpTo) return false;
    this.db.write(() => {
      this.db.setMeta("acked_up_to", to);
      this.db.setMeta("acked_at", new Date().toISOString());
    });
    return true;
  }

  /** Unacked events from `fromSeq` in seq order, at most `limit`. */
  pending(fromSeq: number, limit: number): OutboxRow[] {
    return this.pendingFrom.all({ from: Math.max(fromSeq, this.ackedUpTo + 1), limit });
  }

  /** Events with from <= seq <= to, acked or not (HQ asked for a replay). */
  range(from: number, to: number, limit: number): OutboxRow[] {
    return this.db.d
      .select()
      .from(outbox)
      .where(and(gte(outbox.seq, from), lte(outbox.seq, to)))
      .orderBy(asc(outbox.seq))
      .limit(limit)
      .all();
  }

  stats(nowMs: number): OutboxStats {
    const ackedUpTo = this.ackedUpTo;
    const lastSeq = this.readLastSeq();
    const out: OutboxStats = { lastSeq, ackedUpTo, backlog: Math.max(0, lastSeq - ackedUpTo) };
    if (lastSeq > ackedUpTo) {
      const row = this.db.d
        .select({ occurredAt: outbox.occurredAt })
        .from(outbox)
        .where(eq(outbox.seq, ackedUpTo + 1))
        .get();
      if (row) {
        out.oldestUnackedAt = row.occurredAt;
        out.oldestUnackedAgeSec = Math.max(0, Math.floor((nowMs - Date.parse(row.occurredAt)) / 1000));
      }
    }
    return out;
  }
}

function db0(n: number | null | undefined): number {
  return n ?? 0;
}

/**
 * Cuts rows (in seq order) into MQTT payloads: JSON arrays of envelopes of at most `maxBytes`
 * each. An envelope is at most MAX_ENVELOPE_BYTES, far below the payload limit, so every batch
 * holds at least one.
 */
export function batchEnvelopes(envelopes: readonly string[], maxBytes: number): string[] {
  const out: string[] = [];
  let parts: string[] = [];
  let size = 2; // "[]"
  for (const env of envelopes) {
    const add = Buffer.byteLength(env) + (parts.length ? 1 : 0);
    if (parts.length && size + add > maxBytes) {
      out.push(`[${parts.join(",")}]`);
      parts = [];
      size = 2;
    }
    size += Buffer.byteLength(env) + (parts.length ? 1 : 0);
    parts.push(env);
  }
  if (parts.length) out.push(`[${parts.join(",")}]`);
  return out;
}
