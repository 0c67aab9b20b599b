// Fleet: edge identity, resyncs, lost seqs, instance seqs, alerts, session takeovers, credential rotations.
// Part of the hub's one schema (../schema.ts re-exports every file here; drizzle-kit reads it).
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const storeIdentity = sqliteTable("store_identity", {
  storeId: text("store_id").primaryKey(),
  instanceId: text("instance_id").notNull(),
  since: text("since").notNull(),
  lastHelloAt: text("last_hello_at").notNull(),
});

/** What HQ found when a store came back restored, replaced or re-enrolled (migrations 0013-0014). */

export const edgeResyncs = sqliteTable(
  "edge_resyncs",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    storeId: text("store_id").notNull(),
    kind: text("kind").notNull(),
    instanceId: text("instance_id"),
    previousInstanceId: text("previous_instance_id"),
    edgeLastSeq: integer("edge_last_seq"),
    edgeAckedUpTo: integer("edge_acked_up_to"),
    hqHeadSeq: integer("hq_head_seq").notNull(),
    hqMaxSeq: integer("hq_max_seq").notNull(),
    newFrom: integer("new_from"),
    shift: integer("shift").notNull().default(0),
    lostJson: text("lost_json").notNull().default("[]"),
    detail: text("detail").notNull(),
    at: text("at").notNull(),
    status: text("status").notNull().default("open"),
    resolvedBy: text("resolved_by"),
    resolvedAt: text("resolved_at"),
    unreceivedJson: text("unreceived_json"),
  },
  (t) => [index("edge_resyncs_store").on(t.storeId, t.id)],
);

/** Seqs HQ will never get because the database that held them is gone (migration 0013). */

export const lostSeqs = sqliteTable(
  "lost_seqs",
  {
    storeId: text("store_id").notNull(),
    fromSeq: integer("from_seq").notNull(),
    toSeq: integer("to_seq").notNull(),
    reason: text("reason").notNull(),
    resyncId: integer("resync_id"),
    at: text("at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.fromSeq] })],
);

/** The highest lastSeq each edge database of a store reported (migration 0014). */

export const edgeInstanceSeqs = sqliteTable(
  "edge_instance_seqs",
  {
    storeId: text("store_id").notNull(),
    instanceId: text("instance_id").notNull(),
    maxReportedSeq: integer("max_reported_seq").notNull(),
    lastStatusAt: text("last_status_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.instanceId] })],
);

/** Fleet alerts: a session taken over, enrollment refused for an address (migration 0015). */

export const fleetAlerts = sqliteTable(
  "fleet_alerts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    kind: text("kind").notNull(),
    storeId: text("store_id"),
    /** What the alert is about beyond the store (an address for enrollment); '' when none. */
    subject: text("subject").notNull().default(""),
    openedAt: text("opened_at").notNull(),
    lastAt: text("last_at").notNull(),
    count: integer("count").notNull().default(1),
    detailJson: text("detail_json").notNull(),
    closedAt: text("closed_at"),
    closedBy: text("closed_by"),
  },
  (t) => [index("fleet_alerts_open").on(t.kind, t.storeId, t.subject).where(sql`closed_at IS NULL`)],
);

/** Every MQTT session takeover (migration 0015). */

export const sessionTakeovers = sqliteTable(
  "session_takeovers",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    storeId: text("store_id").notNull(),
    at: text("at").notNull(),
    newAddress: text("new_address").notNull(),
    oldAddress: text("old_address").notNull(),
    oldConnectedAt: text("old_connected_at"),
    alertId: integer("alert_id"),
  },
  (t) => [index("session_takeovers_store").on(t.storeId, t.id)],
);

/** MQTT credential rotations (migration 0015). */

export const credentialRotations = sqliteTable(
  "credential_rotations",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    storeId: text("store_id").notNull(),
    requestedAt: text("requested_at").notNull(),
    requestedBy: text("requested_by").notNull(),
    sentAt: text("sent_at"),
    sends: integer("sends").notNull().default(0),
    completedAt: text("completed_at"),
    completedFrom: text("completed_from"),
    state: text("state").notNull().default("pending"),
  },
  (t) => [index("credential_rotations_store").on(t.storeId, t.id)],
);

// Cost (issue 16, src/costing/): supplier price lists, the cost each purchase order line was
// priced at, each store's moving-average cost position per SKU and the cost of every stock
// ledger row (one row each, keyed by the ledger id: the mark that makes costing exactly once).

/** A supplier's cost of a SKU from a date on (until its next entry): per unit, per kg when weighed. */
