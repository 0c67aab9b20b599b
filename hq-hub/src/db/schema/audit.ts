// The audit log: every write through the hub's HTTP API (audit/), who, when, what, before/after.
// Part of the hub's one schema (../schema.ts re-exports every file here; drizzle-kit reads it).
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const auditLog = sqliteTable(
  "audit_log",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    at: text("at").notNull(),
    actor: text("actor").notNull(),
    role: text("role").notNull(),
    region: text("region"),
    method: text("method").notNull(),
    /** The route as declared ("/api/v1/stores/{id}"), its folder (tag) and summary. */
    route: text("route").notNull(),
    tag: text("tag").notNull(),
    summary: text("summary").notNull(),
    /** The path as called ("/api/v1/stores/S001"), with its query string. */
    path: text("path").notNull(),
    /** The HTTP status answered: 200, or the refusal's 4xx/5xx with its message in `error`. */
    status: integer("status").notNull(),
    error: text("error"),
    /** JSON, secrets redacted, capped (audit/redact.ts). */
    requestJson: text("request_json"),
    beforeJson: text("before_json"),
    afterJson: text("after_json"),
  },
  // The audit screen's filters each read an index (audit/log.ts search; the plan is tested):
  // by actor, route, folder (tag), outcome (status) and time (at), newest first.
  (t) => [
    index("audit_log_actor").on(t.actor, t.id),
    index("audit_log_route").on(t.route, t.id),
    index("audit_log_tag").on(t.tag, t.id),
    index("audit_log_status").on(t.status, t.id),
    index("audit_log_at").on(t.at),
  ],
);
