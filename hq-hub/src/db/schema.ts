// Over 400 lines because it is the one drizzle schema drizzle-kit reads (drizzle.config.ts) for every hub table; split by domain under db/ when a table group moves.
// The hub's schema, declared once. New migrations are generated from this file by drizzle-kit
// (`npm run db:generate -w @retail/hq-hub`, into src/db/drizzle/); the hand-written files in
// src/db/migrations (0001..0017) are the frozen path every database of earlier releases took,
// and `npm run lint` checks both that this file produces no new migration and that a database
// built by those files has exactly the shape drizzle-kit builds from this file
// (scripts/check-migrations.ts; docs/development.md "Database schema and migrations").
// What drizzle-kit cannot declare stays in SQL, named beside its table: triggers, WITHOUT ROWID,
// seed rows.
import { sql } from "drizzle-orm";
import {
  check,
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  unique,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";

export const stores = sqliteTable("stores", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  region: text("region").notNull(),
  address: text("address").notNull().default(""),
  ring: text("ring").notNull().default("general"),
  latE6: integer("lat_e6"),
  lngE6: integer("lng_e6"),
  enrollmentState: text("enrollment_state").notNull().default("pending"),
  enrollmentCodeHash: text("enrollment_code_hash"),
  enrollmentCodeExpiresAt: text("enrollment_code_expires_at"),
  mqttPasswordHash: text("mqtt_password_hash"),
  mqttPasswordMosquitto: text("mqtt_password_mosquitto"),
  snapshotFloor: integer("snapshot_floor").notNull().default(0),
  createdAt: text("created_at").notNull(),
  enrolledAt: text("enrolled_at"),
  /** A rotated MQTT password not used yet, accepted beside the current one (migration 0015). */
  mqttPasswordPending: text("mqtt_password_pending"),
  mqttPasswordPendingHash: text("mqtt_password_pending_hash"),
});

export const apiTokens = sqliteTable("api_tokens", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  tokenHash: text("token_hash").notNull().unique(),
  name: text("name").notNull(),
  role: text("role").notNull(),
  region: text("region"),
  createdAt: text("created_at").notNull(),
  revokedAt: text("revoked_at"),
  revokedBy: text("revoked_by"),
});

export const settings = sqliteTable("settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});

/**
 * Moved by every commit that touches what the catalog caches (migration 0002). SQL only: its
 * one row and the triggers on stores, settings, changesets, changeset_items and
 * catalog_releases that move it (drizzle-kit declares neither rows nor triggers).
 */
export const catalogEpoch = sqliteTable(
  "catalog_epoch",
  {
    id: integer("id").primaryKey(),
    n: integer("n").notNull(),
  },
  () => [check("catalog_epoch_single_row", sql`id = 1`)],
);

export const changesets = sqliteTable("changesets", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  version: integer("version").unique(),
  description: text("description").notNull().default(""),
  targetJson: text("target_json").notNull(),
  state: text("state").notNull().default("draft"),
  pilotStoresJson: text("pilot_stores_json"),
  effectiveAt: text("effective_at"),
  compensates: integer("compensates"),
  createdBy: text("created_by").notNull(),
  createdAt: text("created_at").notNull(),
  releasedBy: text("released_by"),
  releasedAt: text("released_at"),
  promotedBy: text("promoted_by"),
  promotedAt: text("promoted_at"),
  rolledBackBy: text("rolled_back_by"),
  rolledBackAt: text("rolled_back_at"),
  pilotPosition: integer("pilot_position"),
  generalPosition: integer("general_position"),
  kind: text("kind").notNull().default("catalog"),
});

/** Each store's ordered release log (migration 0010). */
export const catalogReleases = sqliteTable(
  "catalog_releases",
  {
    storeId: text("store_id").notNull(),
    position: integer("position").notNull(),
    changesetId: integer("changeset_id").notNull(),
    releasedAt: text("released_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.storeId, t.position] }),
    uniqueIndex("catalog_releases_changeset").on(t.changesetId, t.storeId),
    index("catalog_releases_position").on(t.position),
  ],
);

export const changesetItems = sqliteTable(
  "changeset_items",
  {
    changesetId: integer("changeset_id")
      .notNull()
      .references(() => changesets.id),
    entity: text("entity").notNull(),
    key: text("key").notNull(),
    op: text("op").notNull(),
    dataJson: text("data_json"),
    prevJson: text("prev_json"),
    storeScope: text("store_scope"),
  },
  (t) => [
    primaryKey({ columns: [t.changesetId, t.entity, t.key] }),
    index("changeset_items_key").on(t.entity, t.key),
    index("changeset_items_store_scope").on(t.storeScope).where(sql`store_scope IS NOT NULL`),
  ],
);

export const changesetAudit = sqliteTable("changeset_audit", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  changesetId: integer("changeset_id").notNull(),
  action: text("action").notNull(),
  actor: text("actor").notNull(),
  at: text("at").notNull(),
  detail: text("detail").notNull().default(""),
});

export const catalogApplied = sqliteTable(
  "catalog_applied",
  {
    storeId: text("store_id").notNull(),
    version: integer("version").notNull(),
    appliedAt: text("applied_at").notNull(),
    receivedAt: text("received_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.version] })],
);

export const products = sqliteTable("products", {
  sku: text("sku").primaryKey(),
  name: text("name").notNull(),
  nameEn: text("name_en"),
  category: text("category").notNull(),
  unit: text("unit").notNull(),
  taxRate: integer("tax_rate").notNull(),
  weighed: integer("weighed").notNull(),
  plu: text("plu").unique(),
  status: text("status").notNull(),
  dataJson: text("data_json").notNull(),
});

export const barcodes = sqliteTable(
  "barcodes",
  {
    code: text("code").primaryKey(),
    sku: text("sku").notNull(),
  },
  (t) => [index("barcodes_sku").on(t.sku)],
);

export const priceSchedules = sqliteTable(
  "price_schedules",
  {
    sku: text("sku").notNull(),
    scope: text("scope").notNull(),
    scopeKey: text("scope_key").notNull(),
    windowsJson: text("windows_json").notNull(),
  },
  (t) => [primaryKey({ columns: [t.sku, t.scope, t.scopeKey] })],
);

export const suppliers = sqliteTable("suppliers", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  leadTimeDays: integer("lead_time_days").notNull(),
  minOrderQty: integer("min_order_qty").notNull(),
  packSize: integer("pack_size").notNull(),
  createdAt: text("created_at").notNull(),
  active: integer("active").notNull().default(1),
  updatedAt: text("updated_at"),
  deactivatedBy: text("deactivated_by"),
  deactivatedAt: text("deactivated_at"),
});

export const promotions = sqliteTable("promotions", {
  id: text("id").primaryKey(),
  kind: text("kind").notNull(),
  dataJson: text("data_json").notNull(),
});

export const members = sqliteTable("members", {
  id: text("id").primaryKey(),
  phone: text("phone").notNull().unique(),
  name: text("name"),
  tier: text("tier").notNull(),
  points: integer("points").notNull(),
  status: text("status").notNull(),
  spendFen: integer("spend_fen").notNull().default(0),
  lastVisitAt: text("last_visit_at"),
  dirty: integer("dirty").notNull().default(0),
});

export const cashiers = sqliteTable("cashiers", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  role: text("role").notNull(),
  pinHash: text("pin_hash").notNull(),
  status: text("status").notNull(),
});

export const coupons = sqliteTable("coupons", {
  code: text("code").primaryKey(),
  promotionId: text("promotion_id").notNull(),
  memberId: text("member_id"),
  validUntil: text("valid_until"),
  status: text("status").notNull(),
  multiUse: integer("multi_use").notNull().default(0),
});

export const inbox = sqliteTable(
  "inbox",
  {
    eventId: text("event_id").primaryKey(),
    storeId: text("store_id").notNull(),
    seq: integer("seq").notNull(),
    type: text("type").notNull(),
    contentHash: text("content_hash").notNull(),
    occurredAt: text("occurred_at").notNull(),
    receivedAt: text("received_at").notNull(),
  },
  (t) => [unique().on(t.storeId, t.seq)],
);

export const storeSeq = sqliteTable("store_seq", {
  storeId: text("store_id").primaryKey(),
  upToSeq: integer("up_to_seq").notNull(),
});

export const deadLetters = sqliteTable(
  "dead_letters",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    storeId: text("store_id").notNull(),
    seq: integer("seq"),
    topic: text("topic").notNull(),
    reason: text("reason").notNull(),
    field: text("field").notNull(),
    raw: text("raw").notNull(),
    receivedAt: text("received_at").notNull(),
    status: text("status").notNull().default("open"),
    resolvedBy: text("resolved_by"),
    resolvedAt: text("resolved_at"),
  },
  (t) => [index("dead_letters_store_seq").on(t.storeId, t.seq)],
);

export const conflicts = sqliteTable(
  "conflicts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    storeId: text("store_id").notNull(),
    seq: integer("seq").notNull(),
    eventId: text("event_id").notNull(),
    existingEventId: text("existing_event_id").notNull(),
    reason: text("reason").notNull(),
    existingHash: text("existing_hash").notNull(),
    incomingHash: text("incoming_hash").notNull(),
    raw: text("raw").notNull(),
    receivedAt: text("received_at").notNull(),
    /** open | take_store | keep_hq | keep_both | duplicate (migration 0011). */
    status: text("status").notNull().default("open"),
    resolvedBy: text("resolved_by"),
    resolvedAt: text("resolved_at"),
    note: text("note"),
    committedJson: text("committed_json"),
    appliedEventId: text("applied_event_id"),
    appliedDocId: text("applied_doc_id"),
  },
  (t) => [index("conflicts_store_seq").on(t.storeId, t.seq)],
);

/** Every conflict resolution (migration 0011), append-only. */
export const conflictAudit = sqliteTable("conflict_audit", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  conflictId: integer("conflict_id").notNull(),
  storeId: text("store_id").notNull(),
  seq: integer("seq").notNull(),
  choice: text("choice").notNull(),
  actor: text("actor").notNull(),
  at: text("at").notNull(),
  note: text("note"),
  detailJson: text("detail_json").notNull(),
});

/** Events committed ahead of a gap, until the store confirms them (migration 0011). */
export const seqAhead = sqliteTable(
  "seq_ahead",
  {
    storeId: text("store_id").notNull(),
    seq: integer("seq").notNull(),
    eventId: text("event_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.seq] })],
);

export const sales = sqliteTable(
  "sales",
  {
    storeId: text("store_id").notNull(),
    saleId: text("sale_id").notNull(),
    eventId: text("event_id").notNull(),
    receiptNo: text("receipt_no").notNull(),
    laneId: text("lane_id").notNull(),
    cashierId: text("cashier_id").notNull(),
    shiftId: text("shift_id").notNull(),
    businessDay: text("business_day").notNull(),
    catalogVersion: integer("catalog_version").notNull(),
    memberId: text("member_id"),
    grossFen: integer("gross_fen").notNull(),
    discountFen: integer("discount_fen").notNull(),
    netFen: integer("net_fen").notNull(),
    taxFen: integer("tax_fen").notNull(),
    completedAt: text("completed_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.storeId, t.saleId] }),
    index("sales_store_day").on(t.storeId, t.businessDay),
  ],
);

/** Append-only (arrival order); looked up by sale through sale_lines_by_sale (migration 0005). */
export const saleLines = sqliteTable("sale_lines", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  storeId: text("store_id").notNull(),
  saleId: text("sale_id").notNull(),
  lineId: text("line_id").notNull(),
  sku: text("sku").notNull(),
  qty: integer("qty").notNull(),
  weighed: integer("weighed").notNull(),
  unitPriceFen: integer("unit_price_fen").notNull(),
  priceVersion: integer("price_version").notNull(),
  taxRate: integer("tax_rate").notNull(),
  grossFen: integer("gross_fen").notNull(),
  discountFen: integer("discount_fen").notNull(),
  netFen: integer("net_fen").notNull(),
  taxFen: integer("tax_fen").notNull(),
  overrideCatalogPriceFen: integer("override_catalog_price_fen"),
});

/** sale_lines ids by sale, filled in sorted batches (deferred-index.ts). */
export const saleLinesBySale = sqliteTable(
  "sale_lines_by_sale",
  {
    storeId: text("store_id").notNull(),
    saleId: text("sale_id").notNull(),
    id: integer("id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.saleId, t.id] })],
);

/** Append-only (arrival order); looked up by document through tenders_by_doc (migration 0005). */
export const tenders = sqliteTable("tenders", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  storeId: text("store_id").notNull(),
  docId: text("doc_id").notNull(),
  docKind: text("doc_kind").notNull(),
  idx: integer("idx").notNull(),
  kind: text("kind").notNull(),
  amountFen: integer("amount_fen").notNull(),
  receivedFen: integer("received_fen"),
  changeFen: integer("change_fen"),
  reference: text("reference"),
});

/** tenders ids by (store, document kind, document id), filled in sorted batches. */
export const tendersByDoc = sqliteTable(
  "tenders_by_doc",
  {
    storeId: text("store_id").notNull(),
    docKind: text("doc_kind").notNull(),
    docId: text("doc_id").notNull(),
    id: integer("id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.docKind, t.docId, t.id] })],
);

export const returns = sqliteTable(
  "returns",
  {
    storeId: text("store_id").notNull(),
    returnId: text("return_id").notNull(),
    eventId: text("event_id").notNull(),
    receiptNo: text("receipt_no").notNull(),
    originalSaleId: text("original_sale_id"),
    originalStoreId: text("original_store_id"),
    reason: text("reason").notNull(),
    cashierId: text("cashier_id").notNull(),
    supervisorId: text("supervisor_id"),
    businessDay: text("business_day").notNull(),
    refundFen: integer("refund_fen").notNull(),
    taxFen: integer("tax_fen").notNull(),
    returnedAt: text("returned_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.storeId, t.returnId] }),
    index("returns_store_day").on(t.storeId, t.businessDay),
  ],
);

export const returnLines = sqliteTable(
  "return_lines",
  {
    storeId: text("store_id").notNull(),
    returnId: text("return_id").notNull(),
    lineId: text("line_id").notNull(),
    sku: text("sku").notNull(),
    qty: integer("qty").notNull(),
    refundFen: integer("refund_fen").notNull(),
    taxFen: integer("tax_fen").notNull(),
    restock: integer("restock").notNull(),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.returnId, t.lineId] })],
);

export const shifts = sqliteTable(
  "shifts",
  {
    storeId: text("store_id").notNull(),
    shiftId: text("shift_id").notNull(),
    laneId: text("lane_id").notNull(),
    cashierId: text("cashier_id").notNull(),
    businessDay: text("business_day").notNull(),
    floatFen: integer("float_fen"),
    openedAt: text("opened_at"),
    closedAt: text("closed_at"),
    countedFen: integer("counted_fen"),
    expectedFen: integer("expected_fen"),
    overShortFen: integer("over_short_fen"),
    closeJson: text("close_json"),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.shiftId] })],
);

export const cashMovements = sqliteTable(
  "cash_movements",
  {
    storeId: text("store_id").notNull(),
    movementId: text("movement_id").notNull(),
    shiftId: text("shift_id").notNull(),
    direction: text("direction").notNull(),
    amountFen: integer("amount_fen").notNull(),
    reason: text("reason").notNull(),
    movedAt: text("moved_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.movementId] })],
);

export const stockCounts = sqliteTable(
  "stock_counts",
  {
    storeId: text("store_id").notNull(),
    countId: text("count_id").notNull(),
    countedBy: text("counted_by").notNull(),
    linesJson: text("lines_json").notNull(),
    countedAt: text("counted_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.countId] })],
);

export const receivings = sqliteTable(
  "receivings",
  {
    storeId: text("store_id").notNull(),
    receivingId: text("receiving_id").notNull(),
    purchaseOrderId: text("purchase_order_id"),
    supplierId: text("supplier_id"),
    confirmedBy: text("confirmed_by").notNull(),
    linesJson: text("lines_json").notNull(),
    confirmedAt: text("confirmed_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.storeId, t.receivingId] }),
    index("receivings_by_po").on(t.purchaseOrderId).where(sql`purchase_order_id IS NOT NULL`),
  ],
);

export const audits = sqliteTable(
  "audits",
  {
    storeId: text("store_id").notNull(),
    auditId: text("audit_id").notNull(),
    action: text("action").notNull(),
    laneId: text("lane_id").notNull(),
    cashierId: text("cashier_id").notNull(),
    supervisorId: text("supervisor_id"),
    saleId: text("sale_id"),
    sku: text("sku"),
    amountFen: integer("amount_fen"),
    detail: text("detail").notNull(),
    at: text("at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.auditId] })],
);

export const trainingActivity = sqliteTable("training_activity", {
  eventId: text("event_id").primaryKey(),
  storeId: text("store_id").notNull(),
  type: text("type").notNull(),
  summaryJson: text("summary_json").notNull(),
  at: text("at").notNull(),
});

export const stockLedger = sqliteTable("stock_ledger", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  storeId: text("store_id").notNull(),
  sku: text("sku").notNull(),
  qtyDelta: integer("qty_delta").notNull(),
  kind: text("kind").notNull(),
  ref: text("ref").notNull(),
  eventId: text("event_id"),
  at: text("at").notNull(),
});

/** stock_ledger ids by (store, SKU), filled in sorted batches (migration 0004, deferred-index.ts). */
export const stockLedgerBySku = sqliteTable(
  "stock_ledger_by_sku",
  {
    storeId: text("store_id").notNull(),
    sku: text("sku").notNull(),
    id: integer("id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.sku, t.id] })],
);

/** How far each batch-built look-up has caught up with its source table. */
export const deferredIndexMarks = sqliteTable("deferred_index_marks", {
  name: text("name").primaryKey(),
  upTo: integer("up_to").notNull(),
});

export const stockLevels = sqliteTable(
  "stock_levels",
  {
    storeId: text("store_id").notNull(),
    sku: text("sku").notNull(),
    onHand: integer("on_hand").notNull(),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.sku] }), index("stock_levels_sku").on(t.sku)],
);

export const reorderPoints = sqliteTable(
  "reorder_points",
  {
    storeId: text("store_id").notNull(),
    sku: text("sku").notNull(),
    reorderPoint: integer("reorder_point").notNull(),
    alerted: integer("alerted").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.sku] })],
);

export const priceFindings = sqliteTable(
  "price_findings",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    storeId: text("store_id").notNull(),
    saleId: text("sale_id").notNull(),
    eventId: text("event_id").notNull(),
    catalogVersion: integer("catalog_version").notNull(),
    lineId: text("line_id"),
    field: text("field").notNull(),
    expected: text("expected").notNull(),
    actual: text("actual").notNull(),
    foundAt: text("found_at").notNull(),
  },
  (t) => [index("price_findings_store").on(t.storeId)],
);

export const storeStatus = sqliteTable("store_status", {
  storeId: text("store_id").primaryKey(),
  state: text("state").notNull(),
  appVersion: text("app_version").notNull(),
  catalogVersion: integer("catalog_version").notNull(),
  outboxBacklog: integer("outbox_backlog").notNull(),
  oldestUnackedAgeSec: integer("oldest_unacked_age_sec"),
  lastSeq: integer("last_seq").notNull(),
  devicesJson: text("devices_json").notNull(),
  statusAt: text("status_at").notNull(),
  lastSeenAt: text("last_seen_at").notNull(),
});

export const importJobs = sqliteTable("import_jobs", {
  id: text("id").primaryKey(),
  kind: text("kind").notNull(),
  state: text("state").notNull(),
  totalRows: integer("total_rows").notNull(),
  processedRows: integer("processed_rows").notNull(),
  errorsJson: text("errors_json").notNull().default("[]"),
  changesetId: integer("changeset_id"),
  createdBy: text("created_by").notNull(),
  createdAt: text("created_at").notNull(),
  finishedAt: text("finished_at"),
});

/** Which supplier delivers a SKU, chain-wide (migration 0007). */
export const supplierSkus = sqliteTable(
  "supplier_skus",
  {
    sku: text("sku").primaryKey(),
    supplierId: text("supplier_id").notNull(),
    assignedBy: text("assigned_by").notNull(),
    assignedAt: text("assigned_at").notNull(),
  },
  (t) => [index("supplier_skus_supplier").on(t.supplierId)],
);

export const purchaseOrders = sqliteTable(
  "purchase_orders",
  {
    id: text("id").primaryKey(),
    storeId: text("store_id").notNull(),
    supplierId: text("supplier_id").notNull(),
    status: text("status").notNull(),
    note: text("note"),
    createdBy: text("created_by").notNull(),
    createdAt: text("created_at").notNull(),
    orderedBy: text("ordered_by"),
    orderedAt: text("ordered_at"),
    expectedAt: text("expected_at"),
    endedBy: text("ended_by"),
    endedAt: text("ended_at"),
  },
  (t) => [
    index("purchase_orders_status").on(t.status),
    index("purchase_orders_store").on(t.storeId, t.status),
  ],
);

/** `received` is re-summed from the receivings naming the order, never incremented. */
export const purchaseOrderLines = sqliteTable(
  "purchase_order_lines",
  {
    poId: text("po_id").notNull(),
    sku: text("sku").notNull(),
    qty: integer("qty").notNull(),
    received: integer("received").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.poId, t.sku] }), check("purchase_order_lines_qty", sql`qty > 0`)],
);

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
  },
  (t) => [
    index("vouchers_by_day").on(t.businessDay, t.storeId),
    index("vouchers_by_source").on(t.storeId, t.sourceDay),
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

export const categoryNames = sqliteTable("category_names", {
  code: text("code").primaryKey(),
  name: text("name").notNull(),
});

/** Every ingested use of a coupon (migration 0017, hq-hub/src/coupons/). */
export const couponRedemptions = sqliteTable(
  "coupon_redemptions",
  {
    code: text("code").notNull(),
    storeId: text("store_id").notNull(),
    saleId: text("sale_id").notNull(),
    eventId: text("event_id").notNull(),
    redeemedAt: text("redeemed_at").notNull(),
    receivedAt: text("received_at").notNull(),
    pushed: integer("pushed").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.code, t.storeId, t.saleId] }),
    index("coupon_redemptions_unpushed").on(t.pushed).where(sql`pushed = 0`),
  ],
);

/** A one-time coupon used by a second sale (migration 0017). */
export const couponConflicts = sqliteTable(
  "coupon_conflicts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    code: text("code").notNull(),
    firstStoreId: text("first_store_id").notNull(),
    firstSaleId: text("first_sale_id").notNull(),
    firstRedeemedAt: text("first_redeemed_at").notNull(),
    storeId: text("store_id").notNull(),
    saleId: text("sale_id").notNull(),
    redeemedAt: text("redeemed_at").notNull(),
    detectedAt: text("detected_at").notNull(),
    status: text("status").notNull().default("open"),
    resolvedBy: text("resolved_by"),
    resolvedAt: text("resolved_at"),
    note: text("note"),
  },
  (t) => [unique().on(t.code, t.storeId, t.saleId)],
);

/** What `post` has folded in so far, per source (migration 0008; its seed rows are SQL). */
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
export const dayDigests = sqliteTable(
  "day_digests",
  {
    storeId: text("store_id").notNull(),
    businessDay: text("business_day").notNull(),
    seq: integer("seq").notNull(),
    eventId: text("event_id").notNull(),
    final: integer("final").notNull(),
    payload: text("payload").notNull(),
    receivedAt: text("received_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.businessDay] })],
);

/** Which edge database (instance) a store last said hello from (migration 0013). */
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
export const supplierPrices = sqliteTable(
  "supplier_prices",
  {
    supplierId: text("supplier_id").notNull(),
    sku: text("sku").notNull(),
    effectiveFrom: text("effective_from").notNull(),
    costFen: integer("cost_fen").notNull(),
    taxRate: integer("tax_rate").notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.supplierId, t.sku, t.effectiveFrom] }),
    check("supplier_prices_cost", sql`cost_fen >= 0`),
  ],
);

/** A purchase order line's unit cost, from its supplier's price list on the order's date. */
export const purchaseOrderLineCosts = sqliteTable(
  "purchase_order_line_costs",
  {
    poId: text("po_id").notNull(),
    sku: text("sku").notNull(),
    unitCostFen: integer("unit_cost_fen"),
    taxRate: integer("tax_rate"),
    priceFrom: text("price_from"),
    pricedAt: text("priced_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.poId, t.sku] })],
);

export const costPositions = sqliteTable(
  "cost_positions",
  {
    storeId: text("store_id").notNull(),
    sku: text("sku").notNull(),
    onHand: integer("on_hand").notNull(),
    valueFen: integer("value_fen").notNull(),
    lastValueFen: integer("last_value_fen"),
    lastQty: integer("last_qty"),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.sku] })],
);

/** The cost of one stock ledger row: value moved (signed) and the negative-stock correction. */
export const costMovements = sqliteTable(
  "cost_movements",
  {
    ledgerId: integer("ledger_id").primaryKey(),
    storeId: text("store_id").notNull(),
    sku: text("sku").notNull(),
    kind: text("kind").notNull(),
    ref: text("ref").notNull(),
    /** The sale a return came back from, the transfer_out (ledger id) a transfer_in matches. */
    sourceRef: text("source_ref"),
    qty: integer("qty").notNull(),
    valueFen: integer("value_fen").notNull(),
    correctionFen: integer("correction_fen").notNull(),
    /** Where an incoming unit cost came from: order, price_list, sale, transfer, average. */
    costSource: text("cost_source").notNull(),
    at: text("at").notNull(),
  },
  (t) => [
    index("cost_movements_by_ref").on(t.ref, t.sku),
    index("cost_movements_by_source").on(t.sourceRef).where(sql`source_ref IS NOT NULL`),
    index("cost_movements_by_at").on(t.at),
  ],
);
