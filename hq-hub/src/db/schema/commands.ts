// Remote commands to stores and what they answered, diagnostics bundles, the alert webhook's
// queue (issue 20 items 4 and 5; fleet/, commands/, alerts/).
// Part of the hub's one schema (../schema.ts re-exports every file here; drizzle-kit reads it).
import { sql } from "drizzle-orm";
import { blob, index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** One command an operator sent a store; `state` moves sent -> done | refused | failed | expired. */
export const remoteCommands = sqliteTable(
  "remote_commands",
  {
    /** The command's id on the wire (uuidv7). */
    id: text("id").primaryKey(),
    storeId: text("store_id").notNull(),
    name: text("name").notNull(),
    argsJson: text("args_json").notNull(),
    requestedBy: text("requested_by").notNull(),
    requestedAt: text("requested_at").notNull(),
    state: text("state").notNull(),
    /** Times it was published (again after each reconnect of the store until answered). */
    sends: integer("sends").notNull().default(0),
    lastSentAt: text("last_sent_at"),
    answeredAt: text("answered_at"),
    detail: text("detail"),
  },
  (t) => [
    index("remote_commands_store").on(t.storeId, t.requestedAt),
    index("remote_commands_unanswered").on(t.storeId).where(sql`state = 'sent'`),
  ],
);

/** A store's diagnostics bundle (gzip of its JSON), one per collect_diagnostics command. */
export const diagnosticsBundles = sqliteTable("diagnostics_bundles", {
  commandId: text("command_id").primaryKey(),
  storeId: text("store_id").notNull(),
  receivedAt: text("received_at").notNull(),
  /** Bytes of the JSON before gzip. */
  bytes: integer("bytes").notNull(),
  sha256: text("sha256").notNull(),
  gzip: blob("gzip", { mode: "buffer" }).notNull(),
});

/** What the alert webhook still has to deliver (raised and cleared), retried with backoff. */
export const alertNotifications = sqliteTable(
  "alert_notifications",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    alertId: integer("alert_id").notNull(),
    event: text("event").notNull(),
    bodyJson: text("body_json").notNull(),
    createdAt: text("created_at").notNull(),
    state: text("state").notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAt: text("next_at").notNull(),
    lastError: text("last_error"),
    sentAt: text("sent_at"),
  },
  (t) => [index("alert_notifications_due").on(t.nextAt).where(sql`state = 'pending'`)],
);
