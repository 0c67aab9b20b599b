// The outbox: every business event is appended here with the store's next gapless seq, inside
// the same transaction as its effects (the caller's db.write). Only HQ's events.ack moves the
// delivered cursor; the broker's PUBACK proves nothing (it acks before anything is durable).
import {
  type AckOutcome,
  applyAck,
  type EventsAck,
  encodeEnvelope,
  isDelivered,
  type MessageType,
  makeEnvelope,
  type Payload,
  uuidv7,
} from "@retail/protocol";
import { and, asc, desc, eq, gt, gte, lt, lte, max, sql } from "drizzle-orm";
import { outbox, outboxBoots } from "../db/schema.ts";
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
  /** Events not delivered: above the ack cursor, plus the held ones below it. */
  backlog: number;
  /** Events HQ received but holds as conflicts until a person resolves them (their seqs). */
  held: number;
  heldSeqs: number[];
  /** Seqs where HQ reported another sender's event, ours being sent again (see delivery.ts). */
  suspect: number;
  oldestUnackedAt?: string;
  oldestUnackedAgeSec?: number;
}

/** The first event of a run of the edge process above the ack (what the hello lists). */
export interface OutboxBoot {
  firstSeq: number;
  eventId: string;
}

export class Outbox {
  private readonly insert;
  private readonly insertBoot;
  private readonly pendingFrom;
  private readonly maxSeq;
  private readonly idAt;
  private lastSeqCache: number;
  /** This run of the process (meta boot_count, one more at every open). */
  readonly boot: number;
  /** Made with the database: a fresh edge.db is a new instance; a restored copy keeps its own. */
  readonly instanceId: string;

  constructor(
    private readonly db: EdgeDb,
    private readonly storeId: () => string,
  ) {
    const ident = db.write(() => {
      const boot = db.metaInt("boot_count") + 1;
      db.setMeta("boot_count", boot);
      let instanceId = db.meta("instance_id");
      if (!instanceId) {
        instanceId = uuidv7();
        db.setMeta("instance_id", instanceId);
      }
      return { boot, instanceId };
    });
    this.boot = ident.boot;
    this.instanceId = ident.instanceId;
    // The run's first event is kept (once: a no-op for every later one of the run).
    this.insertBoot = db.d
      .insert(outboxBoots)
      .values({
        boot: sql.placeholder("boot"),
        firstSeq: sql.placeholder("seq"),
        eventId: sql.placeholder("id"),
        startedAt: sql.placeholder("at"),
      })
      .onConflictDoNothing()
      .prepare();
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
    this.idAt = db.d
      .select({ id: outbox.id })
      .from(outbox)
      .where(eq(outbox.seq, sql.placeholder("seq")))
      .prepare();
    this.lastSeqCache = this.readLastSeq();
  }

  /** The highest seq handed out, or the floor a re-base set above it (resync.ts). */
  private readLastSeq(): number {
    return Math.max(db0(this.maxSeq.get()?.s), this.db.metaInt("seq_floor"));
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
    this.insertBoot.run({ boot: this.boot, seq, id: env.id, at: occurredAt });
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

  /**
   * Records HQ's ack by the protocol's rule (applyAck): replayed, duplicated or stale acks
   * change nothing; `held` seqs (conflicts at HQ) stay undelivered although <= upToSeq, until
   * an ack no longer lists them; a `checks` id that is not ours stops the cursor below it.
   * `attemptedUpTo`: the highest seq the link has handed to the broker (default: all).
   */
  acknowledge(ack: EventsAck | number, attemptedUpTo = Number.MAX_SAFE_INTEGER): AckOutcome {
    const state = { ackedUpTo: this.ackedUpTo, held: this.held, suspect: this.suspect };
    // A bare seq (HQ's head in the connect handshake): the cursor only, held and suspect seqs
    // stay as the last events.ack left them.
    if (typeof ack === "number")
      ack = {
        upToSeq: Math.min(ack, (state.suspect[0] ?? Number.MAX_SAFE_INTEGER) - 1),
        missing: [],
        ...(state.held.length
          ? { held: state.held.map((seq) => ({ seq, id: this.idAt.get({ seq })?.id ?? "" })) }
          : {}),
      };
    const out = applyAck(state, ack, {
      attemptedUpTo: Math.min(attemptedUpTo, this.readLastSeq()),
      idAt: (seq) => this.idAt.get({ seq })?.id,
    });
    if (!out.changed) return out;
    this.db.write(() => {
      if (out.ackedUpTo !== state.ackedUpTo) {
        this.db.setMeta("acked_up_to", out.ackedUpTo);
        this.db.setMeta("acked_at", new Date().toISOString());
      }
      this.db.setMeta("held_seqs", JSON.stringify(out.held));
      this.db.setMeta("suspect_seqs", JSON.stringify(out.suspect));
    });
    return out;
  }

  /** Seqs <= ackedUpTo that HQ holds as conflicts: received there, not delivered (ascending). */
  get held(): number[] {
    const raw = this.db.meta("held_seqs");
    return raw ? (JSON.parse(raw) as number[]) : [];
  }

  /** Seqs where HQ reported another sender's event (protocol DeliveryState.suspect). */
  get suspect(): number[] {
    const raw = this.db.meta("suspect_seqs");
    return raw ? (JSON.parse(raw) as number[]) : [];
  }

  /** Whether the event with this seq is delivered: acked, not held, not suspect. */
  delivered(seq: number): boolean {
    return isDelivered({ ackedUpTo: this.ackedUpTo, held: this.held, suspect: this.suspect }, seq);
  }

  /** The first event of each run above the ack, in seq order (at most `limit`). */
  bootsAbove(ackedUpTo: number, limit: number): OutboxBoot[] {
    return this.db.d
      .select({ firstSeq: outboxBoots.firstSeq, eventId: outboxBoots.eventId })
      .from(outboxBoots)
      .where(gt(outboxBoots.firstSeq, ackedUpTo))
      .orderBy(asc(outboxBoots.firstSeq))
      .limit(limit)
      .all();
  }

  /**
   * Moves every event with seq >= `from` up by `shift` (each envelope re-stamped with its new
   * seq; ids and content unchanged) and keeps the next seq above `floor`. Used when HQ already
   * holds the seqs this database was about to reuse (resync.ts). Inside the caller's write or
   * its own transaction; returns how many events moved.
   */
  rebase(from: number, shift: number, floor: number): number {
    return this.db.write(() => {
      let moved = 0;
      if (shift > 0) {
        // Highest first: each new seq is above every row not yet moved.
        const rows = this.db.d
          .select({ seq: outbox.seq, envelope: outbox.envelope })
          .from(outbox)
          .where(gte(outbox.seq, from))
          .orderBy(desc(outbox.seq))
          .all();
        for (const r of rows) {
          const env = JSON.parse(r.envelope) as { seq: number };
          env.seq = r.seq + shift;
          this.db.d
            .update(outbox)
            .set({ seq: env.seq, envelope: JSON.stringify(env) })
            .where(eq(outbox.seq, r.seq))
            .run();
          moved++;
        }
        // first_seq is unique: through the negatives, so no two rows meet half way (`sql` for
        // the arithmetic: drizzle's query builder has no arithmetic operators).
        this.db.d
          .update(outboxBoots)
          .set({ firstSeq: sql`-(${outboxBoots.firstSeq} + ${shift})` })
          .where(gte(outboxBoots.firstSeq, from))
          .run();
        this.db.d
          .update(outboxBoots)
          .set({ firstSeq: sql`-${outboxBoots.firstSeq}` })
          .where(lt(outboxBoots.firstSeq, 0))
          .run();
      }
      if (floor > this.db.metaInt("seq_floor")) this.db.setMeta("seq_floor", floor);
      this.lastSeqCache = this.readLastSeq();
      return moved;
    });
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
    const heldSeqs = this.held;
    const out: OutboxStats = {
      lastSeq,
      ackedUpTo,
      backlog: Math.max(0, lastSeq - ackedUpTo) + heldSeqs.length,
      held: heldSeqs.length,
      heldSeqs: heldSeqs.slice(0, 100),
      suspect: this.suspect.length,
    };
    const oldest = heldSeqs[0] ?? (lastSeq > ackedUpTo ? ackedUpTo + 1 : undefined);
    if (oldest !== undefined) {
      const row = this.db.d
        .select({ occurredAt: outbox.occurredAt })
        .from(outbox)
        .where(eq(outbox.seq, oldest))
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
