// Ingest: the inbox (seq/ack), dead letters, conflicts held for a person, seqs ahead, day digests.
// Part of the hub's one schema (../schema.ts re-exports every file here; drizzle-kit reads it).
import { index, integer, primaryKey, sqliteTable, text, unique } from "drizzle-orm/sqlite-core";

export const inbox = sqliteTable(
  "inbox",
  {
    eventId: text("event_id").primaryKey(),
    storeId: text("store_id").notNull(),
    seq: integer("seq").notNull(),
    type: text("type").notNull(),
    contentHash: text("content_hash").notNull(),
    occurredAt: text("occurred_at").notNull(),
    receivedAt: text("received_at").notNull(),
  },
  (t) => [unique().on(t.storeId, t.seq)],
);

export const storeSeq = sqliteTable("store_seq", {
  storeId: text("store_id").primaryKey(),
  upToSeq: integer("up_to_seq").notNull(),
});

export const deadLetters = sqliteTable(
  "dead_letters",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    storeId: text("store_id").notNull(),
    seq: integer("seq"),
    topic: text("topic").notNull(),
    reason: text("reason").notNull(),
    field: text("field").notNull(),
    raw: text("raw").notNull(),
    receivedAt: text("received_at").notNull(),
    status: text("status").notNull().default("open"),
    resolvedBy: text("resolved_by"),
    resolvedAt: text("resolved_at"),
  },
  (t) => [index("dead_letters_store_seq").on(t.storeId, t.seq)],
);

export const conflicts = sqliteTable(
  "conflicts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    storeId: text("store_id").notNull(),
    seq: integer("seq").notNull(),
    eventId: text("event_id").notNull(),
    existingEventId: text("existing_event_id").notNull(),
    reason: text("reason").notNull(),
    existingHash: text("existing_hash").notNull(),
    incomingHash: text("incoming_hash").notNull(),
    raw: text("raw").notNull(),
    receivedAt: text("received_at").notNull(),
    /** open | take_store | keep_hq | keep_both | duplicate (migration 0011). */
    status: text("status").notNull().default("open"),
    resolvedBy: text("resolved_by"),
    resolvedAt: text("resolved_at"),
    note: text("note"),
    committedJson: text("committed_json"),
    appliedEventId: text("applied_event_id"),
    appliedDocId: text("applied_doc_id"),
  },
  (t) => [index("conflicts_store_seq").on(t.storeId, t.seq)],
);

/** Every conflict resolution (migration 0011), append-only. */

export const conflictAudit = sqliteTable("conflict_audit", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  conflictId: integer("conflict_id").notNull(),
  storeId: text("store_id").notNull(),
  seq: integer("seq").notNull(),
  choice: text("choice").notNull(),
  actor: text("actor").notNull(),
  at: text("at").notNull(),
  note: text("note"),
  detailJson: text("detail_json").notNull(),
});

/** Events committed ahead of a gap, until the store confirms them (migration 0011). */

export const seqAhead = sqliteTable(
  "seq_ahead",
  {
    storeId: text("store_id").notNull(),
    seq: integer("seq").notNull(),
    eventId: text("event_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.seq] })],
);

export const dayDigests = sqliteTable(
  "day_digests",
  {
    storeId: text("store_id").notNull(),
    businessDay: text("business_day").notNull(),
    seq: integer("seq").notNull(),
    eventId: text("event_id").notNull(),
    final: integer("final").notNull(),
    payload: text("payload").notNull(),
    receivedAt: text("received_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.businessDay] })],
);

/** Which edge database (instance) a store last said hello from (migration 0013). */
