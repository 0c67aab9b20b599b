// Finance: vouchers, day totals, periods, marks, shift queue, failures.
// Part of the hub's one schema (../schema.ts re-exports every file here; drizzle-kit reads it).
import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

// Finance (0008): vouchers per store and business day, never updated; period close.
export const vouchers = sqliteTable(
  "vouchers",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    storeId: text("store_id").notNull(),
    businessDay: text("business_day").notNull(),
    sourceDay: text("source_day").notNull(),
    postedAt: text("posted_at").notNull(),
    memo: text("memo").notNull(),
    debitFen: integer("debit_fen").notNull(),
    creditFen: integer("credit_fen").notNull(),
    /** A document's voucher (finance/documents.ts): what posted it, e.g. "cogs" + "S1/2026-11-03". Null: a sales day's. */
    sourceKind: text("source_kind"),
    sourceId: text("source_id"),
  },
  (t) => [
    index("vouchers_by_day").on(t.businessDay, t.storeId),
    index("vouchers_by_source").on(t.storeId, t.sourceDay),
    // Exactly once per document (NULLs, the sales days' vouchers, are distinct in a unique index).
    uniqueIndex("vouchers_by_document").on(t.sourceKind, t.sourceId),
    check("vouchers_balanced", sql`debit_fen = credit_fen`),
  ],
);

export const voucherLines = sqliteTable(
  "voucher_lines",
  {
    voucherId: integer("voucher_id")
      .notNull()
      .references(() => vouchers.id),
    lineNo: integer("line_no").notNull(),
    account: text("account").notNull(),
    debitFen: integer("debit_fen").notNull(),
    creditFen: integer("credit_fen").notNull(),
  },
  (t) => [primaryKey({ columns: [t.voucherId, t.lineNo] })],
);

export const financeDayTotals = sqliteTable(
  "finance_day_totals",
  {
    storeId: text("store_id").notNull(),
    businessDay: text("business_day").notNull(),
    account: text("account").notNull(),
    debitFen: integer("debit_fen").notNull(),
    creditFen: integer("credit_fen").notNull(),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.businessDay, t.account] })],
);

export const financePeriods = sqliteTable("finance_periods", {
  period: text("period").primaryKey(),
  closedAt: text("closed_at").notNull(),
  closedBy: text("closed_by").notNull(),
});

export const financeMarks = sqliteTable("finance_marks", {
  name: text("name").primaryKey(),
  upTo: integer("up_to").notNull(),
});

/**
 * Shift closes waiting to be posted (migration 0008). WITHOUT ROWID, and filled by triggers on
 * shifts: both SQL only (drizzle-kit declares neither).
 */

export const financeShiftQueue = sqliteTable(
  "finance_shift_queue",
  {
    storeId: text("store_id").notNull(),
    shiftId: text("shift_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.shiftId] })],
);

/** The over/short each shift has contributed (migration 0008; WITHOUT ROWID in SQL). */

export const financeShifts = sqliteTable(
  "finance_shifts",
  {
    storeId: text("store_id").notNull(),
    shiftId: text("shift_id").notNull(),
    businessDay: text("business_day").notNull(),
    overShortFen: integer("over_short_fen").notNull(),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.shiftId] })],
);

/** A store-day that cannot be posted, with the reason (migration 0016; WITHOUT ROWID in SQL). */

export const financeFailures = sqliteTable(
  "finance_failures",
  {
    storeId: text("store_id").notNull(),
    businessDay: text("business_day").notNull(),
    reason: text("reason").notNull(),
    failedAt: text("failed_at").notNull(),
    triedAt: text("tried_at").notNull(),
    resolvedAt: text("resolved_at"),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.businessDay] })],
);

/** Each store's latest day.digest per business day (migration 0012). */

/**
 * Stores whose inventory posting is held (issue 16: one store's bad movement stops only that
 * store): its costed movements from `from_ledger_id` on are not posted until a run posts them
 * all; the reason is the last failure, kept for inspection.
 */
export const inventoryHolds = sqliteTable("inventory_holds", {
  storeId: text("store_id").primaryKey(),
  fromLedgerId: integer("from_ledger_id").notNull(),
  reason: text("reason").notNull(),
  heldAt: text("held_at").notNull(),
  triedAt: text("tried_at").notNull(),
});
