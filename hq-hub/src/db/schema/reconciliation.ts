// Payment reconciliation (issue 16 item 4): each imported settlement file (WeChat Pay trade
// bill, Alipay 业务明细, bank statement) is a run; each file line and each HQ wallet tender it
// was compared with is an item with its status and reason.
// Part of the hub's one schema (../schema.ts re-exports every file here; drizzle-kit reads it).
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const reconRuns = sqliteTable(
  "recon_runs",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** wechat | alipay | bank */
    source: text("source").notNull(),
    /** The day the file settles (a bank statement: the day given at import). */
    billDate: text("bill_date").notNull(),
    fileName: text("file_name").notNull(),
    fileSha256: text("file_sha256").notNull(),
    /** Documents completed after this moment were not expected in the file (null: the whole day). */
    until: text("until"),
    importedAt: text("imported_at").notNull(),
    importedBy: text("imported_by").notNull(),
    entries: integer("entries").notNull(),
    badRows: integer("bad_rows").notNull(),
    differences: integer("differences").notNull(),
    paymentsFen: integer("payments_fen").notNull(),
    refundsFen: integer("refunds_fen").notNull(),
    feesFen: integer("fees_fen").notNull(),
    netFen: integer("net_fen").notNull(),
    /** JSON: what each store's matched entries settle ([{storeId, clearedFen, feeFen, bankFen}]). */
    settlement: text("settlement").notNull(),
    postedAt: text("posted_at"),
    postedBy: text("posted_by"),
    /** JSON array of the voucher ids the posting wrote. */
    vouchers: text("vouchers"),
  },
  (t) => [index("recon_runs_day").on(t.billDate, t.source)],
);

export const reconItems = sqliteTable(
  "recon_items",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    runId: integer("run_id").notNull(),
    status: text("status").notNull(),
    /** payment | refund | reversed | settlement | row */
    kind: text("kind").notNull(),
    transactionId: text("transaction_id").notNull(),
    refundId: text("refund_id").notNull(),
    storeId: text("store_id"),
    docKind: text("doc_kind"),
    docId: text("doc_id"),
    fileFen: integer("file_fen"),
    hqFen: integer("hq_fen"),
    feeFen: integer("fee_fen").notNull(),
    /** The file's line (null for an HQ tender the file lacks). */
    row: integer("row"),
    column: text("column"),
    reason: text("reason").notNull(),
    /** The reason as data (reconciliation/reason.ts ItemReason, JSON); null on items stored before it. */
    why: text("why"),
    /** A bad row's text, kept for inspection. */
    raw: text("raw"),
  },
  (t) => [index("recon_items_run").on(t.runId, t.status)],
);
