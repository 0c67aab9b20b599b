// Margin reports (issue 16 item 7): which promotions discounted which sale line, kept at ingest so
// the margin report can be read by promotion (sale_lines keeps only each line's discount total).
// Part of the hub's one schema (../schema.ts re-exports every file here; drizzle-kit reads it).
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * One discount of one sale line: the promotion that gave it and how much. Append-only, no index
 * but the rowid (one b-tree insert per discount at ingest): the report by promotion reads it through.
 */
export const saleLineDiscounts = sqliteTable("sale_line_discounts", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  storeId: text("store_id").notNull(),
  saleId: text("sale_id").notNull(),
  lineId: text("line_id").notNull(),
  sku: text("sku").notNull(),
  promotionId: text("promotion_id").notNull(),
  amountFen: integer("amount_fen").notNull(),
  /** The line's own figures, so the report needs no join to sale_lines (indexed by sale only in batches). */
  qty: integer("qty").notNull(),
  netFen: integer("net_fen").notNull(),
  taxFen: integer("tax_fen").notNull(),
});
