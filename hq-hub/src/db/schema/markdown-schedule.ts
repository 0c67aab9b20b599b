// The chain's daily expiry markdown run (batches/markdown-schedule.ts): when it runs, and each
// day's run (one row per China day: started, then done; a run that never finished is run again).
// Part of the hub's one schema (../schema.ts re-exports every file here; drizzle-kit reads it).
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** One row (id 1): the chain's schedule. */
export const markdownSchedule = sqliteTable("markdown_schedule", {
  id: integer("id").primaryKey(),
  enabled: integer("enabled").notNull(),
  /** Minutes after midnight, China time (0..1439). */
  atMinute: integer("at_minute").notNull(),
  updatedBy: text("updated_by").notNull(),
  updatedAt: text("updated_at").notNull(),
});

/** The scheduled runs, one per China day (the day of the slot). */
export const markdownRuns = sqliteTable("markdown_runs", {
  day: text("day").primaryKey(),
  startedAt: text("started_at").notNull(),
  /** Null while running (or when the hub stopped half way: it runs again). */
  finishedAt: text("finished_at"),
  changesetId: integer("changeset_id"),
  markdowns: integer("markdowns"),
  error: text("error"),
});
