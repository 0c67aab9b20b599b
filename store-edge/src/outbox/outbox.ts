// The outbox: every business event is appended here with the store's next gapless seq, inside
// the same transaction as its effects (the caller's db.write). Only HQ's events.ack moves the
// delivered cursor; the broker's PUBACK proves nothing (it acks before anything is durable).
import { encodeEnvelope, type MessageType, makeEnvelope, type Payload } from "@retail/protocol";
import type { EdgeDb } from "../db.ts";

export interface OutboxRow {
  seq: number;
  id: string;
  type: string;
  occurred_at: string;
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
  private lastSeqCache: number;

  constructor(
    private readonly db: EdgeDb,
    private readonly storeId: () => string,
  ) {
    this.insert = db.sql.query(
      "INSERT INTO outbox (seq, id, type, occurred_at, envelope) VALUES (?, ?, ?, ?, ?)",
    );
    this.pendingFrom = db.sql.query<OutboxRow, [number, number]>(
      "SELECT * FROM outbox WHERE seq >= ? ORDER BY seq LIMIT ?",
    );
    this.lastSeqCache = this.readLastSeq();
  }

  private readLastSeq(): number {
    return db0(this.db.sql.query<{ s: number | null }, []>("SELECT max(seq) AS s FROM outbox").get()?.s);
  }

  /**
   * Appends an event. MUST run inside db.write: the seq is max + 1 of the same transaction, so
   * a rolled-back sale leaves no gap (the cache is re-read if the transaction fails).
   */
  append<T extends MessageType>(type: T, payload: Payload<T>, occurredAt: string): number {
    if (!this.db.sql.inTransaction) throw new Error("outbox.append outside a transaction");
    const seq = this.readLastSeq() + 1;
    const env = makeEnvelope(type, payload, { storeId: this.storeId(), seq, occurredAt });
    this.insert.run(seq, env.id, type, occurredAt, encodeEnvelope(env));
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
    return this.pendingFrom.all(Math.max(fromSeq, this.ackedUpTo + 1), limit);
  }

  /** Events with from <= seq <= to, acked or not (HQ asked for a replay). */
  range(from: number, to: number, limit: number): OutboxRow[] {
    return this.db.sql
      .query<OutboxRow, [number, number, number]>(
        "SELECT * FROM outbox WHERE seq >= ? AND seq <= ? ORDER BY seq LIMIT ?",
      )
      .all(from, to, limit);
  }

  stats(nowMs: number): OutboxStats {
    const ackedUpTo = this.ackedUpTo;
    const lastSeq = this.readLastSeq();
    const out: OutboxStats = { lastSeq, ackedUpTo, backlog: Math.max(0, lastSeq - ackedUpTo) };
    if (lastSeq > ackedUpTo) {
      const row = this.db.sql
        .query<{ occurred_at: string }, [number]>("SELECT occurred_at FROM outbox WHERE seq = ?")
        .get(ackedUpTo + 1);
      if (row) {
        out.oldestUnackedAt = row.occurred_at;
        out.oldestUnackedAgeSec = Math.max(0, Math.floor((nowMs - Date.parse(row.occurred_at)) / 1000));
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
