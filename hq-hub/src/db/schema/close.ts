// Month-end close (issue 16 item 6): a period's close state, each checklist step's last run and
// sign-off, and every transition of the close with who and why (reopen is audited).
// Part of the hub's one schema (../schema.ts re-exports every file here; drizzle-kit reads it).
import { integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** A period's place in the close lifecycle (close/lifecycle.ts): open, checking or closed. */
export const closePeriods = sqliteTable("close_periods", {
  period: text("period").primaryKey(),
  state: text("state").notNull(),
  updatedBy: text("updated_by").notNull(),
  updatedAt: text("updated_at").notNull(),
});

/** The last run of one step of a period's checklist, and who confirmed it (cleared by a failing run). */
export const closeSteps = sqliteTable(
  "close_steps",
  {
    period: text("period").notNull(),
    step: text("step").notNull(),
    /** passed | failed | not_available */
    status: text("status").notNull(),
    /** What is left, as the check named it (stores, days, items): JSON array of strings. */
    leftJson: text("left_json").notNull(),
    /** How many items are left (leftJson keeps the first 200). */
    leftCount: integer("left_count").notNull(),
    summary: text("summary").notNull(),
    ranBy: text("ran_by").notNull(),
    ranAt: text("ran_at").notNull(),
    confirmedBy: text("confirmed_by"),
    confirmedAt: text("confirmed_at"),
  },
  (t) => [primaryKey({ columns: [t.period, t.step] })],
);

/** Every transition of a period's close: from, event, to, who, when, why (a reopen needs a reason). */
export const closeAudit = sqliteTable("close_audit", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  period: text("period").notNull(),
  event: text("event").notNull(),
  fromState: text("from_state").notNull(),
  toState: text("to_state").notNull(),
  actor: text("actor").notNull(),
  reason: text("reason"),
  at: text("at").notNull(),
});
