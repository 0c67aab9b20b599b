// Payables (issue 16): supplier invoices and their lines, the last three-way match, payments to
// suppliers, and the matching tolerances per supplier (scope "*" is the chain's default).
// Part of the hub's one schema (../schema.ts re-exports every file here; drizzle-kit reads it).
import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const supplierInvoices = sqliteTable(
  "supplier_invoices",
  {
    id: text("id").primaryKey(),
    supplierId: text("supplier_id").notNull(),
    /** The supplier's own number (发票号码): unique per supplier. */
    invoiceNo: text("invoice_no").notNull(),
    purchaseOrderId: text("purchase_order_id").notNull(),
    storeId: text("store_id").notNull(),
    invoiceDate: text("invoice_date").notNull(),
    status: text("status").notNull(),
    netFen: integer("net_fen").notNull(),
    taxFen: integer("tax_fen").notNull(),
    grossFen: integer("gross_fen").notNull(),
    paidFen: integer("paid_fen").notNull().default(0),
    /** The last match result (MatchResult as JSON), null until matched. */
    matchJson: text("match_json"),
    matchedAt: text("matched_at"),
    createdBy: text("created_by").notNull(),
    createdAt: text("created_at").notNull(),
    decidedBy: text("decided_by"),
    decidedAt: text("decided_at"),
    /** Why differences were accepted, or why the invoice was rejected. */
    decisionNote: text("decision_note"),
    voucherId: integer("voucher_id"),
  },
  (t) => [
    uniqueIndex("supplier_invoices_number").on(t.supplierId, t.invoiceNo),
    index("supplier_invoices_order").on(t.purchaseOrderId),
    index("supplier_invoices_status").on(t.status),
    check(
      "supplier_invoices_amounts",
      sql`net_fen >= 0 AND tax_fen >= 0 AND paid_fen >= 0 AND paid_fen <= gross_fen`,
    ),
  ],
);

export const supplierInvoiceLines = sqliteTable(
  "supplier_invoice_lines",
  {
    invoiceId: text("invoice_id").notNull(),
    lineNo: integer("line_no").notNull(),
    sku: text("sku").notNull(),
    qty: integer("qty").notNull(),
    unitPriceFen: integer("unit_price_fen").notNull(),
    taxRate: integer("tax_rate").notNull(),
    netFen: integer("net_fen").notNull(),
    taxFen: integer("tax_fen").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.invoiceId, t.lineNo] }),
    check(
      "supplier_invoice_lines_amounts",
      sql`qty > 0 AND unit_price_fen >= 0 AND net_fen >= 0 AND tax_fen >= 0`,
    ),
  ],
);

export const supplierPayments = sqliteTable(
  "supplier_payments",
  {
    id: text("id").primaryKey(),
    invoiceId: text("invoice_id").notNull(),
    supplierId: text("supplier_id").notNull(),
    amountFen: integer("amount_fen").notNull(),
    paidOn: text("paid_on").notNull(),
    /** The bank's reference of the transfer. */
    reference: text("reference").notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: text("created_at").notNull(),
    voucherId: integer("voucher_id"),
  },
  (t) => [
    index("supplier_payments_invoice").on(t.invoiceId),
    check("supplier_payments_amount", sql`amount_fen > 0`),
  ],
);

export const matchTolerances = sqliteTable("match_tolerances", {
  /** A supplier id, or "*" for the chain's default. */
  scope: text("scope").primaryKey(),
  qtyUnits: integer("qty_units").notNull(),
  qtyBp: integer("qty_bp").notNull(),
  priceFen: integer("price_fen").notNull(),
  priceBp: integer("price_bp").notNull(),
  updatedBy: text("updated_by").notNull(),
  updatedAt: text("updated_at").notNull(),
});

/**
 * Month-end accruals of goods received not invoiced (暂估): one row per period and receipt that
 * had no approved invoice at the month's end, with the value its receipt voucher credited to GRNI
 * and the accrual voucher (dated the month's last day) and its reversal (the next month's first).
 * The primary key makes each receipt accrued once per month.
 */
export const grniAccruals = sqliteTable(
  "grni_accruals",
  {
    period: text("period").notNull(),
    storeId: text("store_id").notNull(),
    receivingId: text("receiving_id").notNull(),
    purchaseOrderId: text("purchase_order_id"),
    supplierId: text("supplier_id"),
    valueFen: integer("value_fen").notNull(),
    /** Null when the receipt's value is 0 (nothing to move). */
    voucherId: integer("voucher_id"),
    reversalVoucherId: integer("reversal_voucher_id"),
    accruedBy: text("accrued_by").notNull(),
    accruedAt: text("accrued_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.period, t.storeId, t.receivingId] })],
);
