// Chart of accounts and posting rules, as data per company (issue 16 item 5).
// Part of the hub's one schema (../schema.ts re-exports every file here; drizzle-kit reads it).
import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** A company's accounts (CAS codes, dotted sub-accounts); seeded with the CAS defaults on first use. */
export const ledgerAccounts = sqliteTable(
  "ledger_accounts",
  {
    companyId: text("company_id").notNull(),
    code: text("code").notNull(),
    name: text("name").notNull(),
    nameEn: text("name_en").notNull(),
    /** asset, liability, common, equity, cost, profit_loss (the CAS classes 1-6). */
    category: text("category").notNull(),
    /** The side its balance normally sits on: debit or credit. */
    side: text("side").notNull(),
    active: integer("active").notNull(),
    updatedBy: text("updated_by").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.companyId, t.code] }),
    check("ledger_accounts_side", sql`side IN ('debit', 'credit')`),
  ],
);

/** Which account each posting role uses in a company (e.g. inventory -> 1405). */
export const postingRules = sqliteTable(
  "posting_rules",
  {
    companyId: text("company_id").notNull(),
    role: text("role").notNull(),
    account: text("account").notNull(),
    updatedBy: text("updated_by").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.companyId, t.role] })],
);

/** Which company keeps a store's books; a store not listed belongs to company "default". */
export const companyStores = sqliteTable(
  "company_stores",
  {
    storeId: text("store_id").primaryKey(),
    companyId: text("company_id").notNull(),
  },
  (t) => [index("company_stores_by_company").on(t.companyId)],
);

export const companies = sqliteTable("companies", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
});

/** Each voucher export handed to an accounting package (who, when, what range, how much): the close checklist reads it. */
export const voucherExports = sqliteTable(
  "voucher_exports",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    companyId: text("company_id").notNull(),
    fromDay: text("from_day").notNull(),
    toDay: text("to_day").notNull(),
    format: text("format").notNull(),
    vouchers: integer("vouchers").notNull(),
    lines: integer("lines").notNull(),
    debitFen: integer("debit_fen").notNull(),
    /** The highest voucher id exported: a later voucher in the range means the export is stale. */
    maxVoucherId: integer("max_voucher_id").notNull(),
    exportedBy: text("exported_by").notNull(),
    exportedAt: text("exported_at").notNull(),
  },
  (t) => [index("voucher_exports_by_range").on(t.companyId, t.fromDay)],
);
