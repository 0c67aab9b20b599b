// The edge's schema, declared once. New migrations are generated from this file by drizzle-kit
// (`npm run db:generate -w @retail/store-edge`, into src/db/drizzle/); the hand-written files in
// src/db/migrations (0001..0009) are the frozen path every edge database in the field took (the
// first two are the bun:sqlite code's schema), and `npm run lint` checks both that this file
// produces no new migration and that a database built by those files has exactly the shape
// drizzle-kit builds from this file (scripts/check-migrations.ts; docs/development.md
// "Database schema and migrations"). Money columns end in _fen (integer fen).
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const meta = sqliteTable("meta", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});

// ---------------------------------------------------------------------------------------------
// Catalog replica: each record as HQ sent it (JSON), keyed; version = the change set that wrote
// it. Built by functions of the table name because a big change set is written into shadow
// copies (`products_next`, ...) first and switched in by renaming (see catalog/replica.ts).

export const productsTable = (name: string) =>
  sqliteTable(name, {
    sku: text("sku").primaryKey(),
    version: integer("version").notNull(),
    data: text("data").notNull(),
  });
export const barcodesTable = (name: string) =>
  sqliteTable(name, {
    code: text("code").primaryKey(),
    sku: text("sku").notNull(),
    version: integer("version").notNull(),
  });
export const pricesTable = (name: string) =>
  sqliteTable(name, {
    sku: text("sku").primaryKey(),
    version: integer("version").notNull(),
    data: text("data").notNull(),
  });
export const promotionsTable = (name: string) =>
  sqliteTable(name, {
    id: text("id").primaryKey(),
    version: integer("version").notNull(),
    data: text("data").notNull(),
  });
export const membersTable = (name: string, phoneIndex: string) =>
  sqliteTable(
    name,
    {
      id: text("id").primaryKey(),
      phone: text("phone").notNull(),
      version: integer("version").notNull(),
      data: text("data").notNull(),
    },
    (t) => [index(phoneIndex).on(t.phone)],
  );
export const cashiersTable = (name: string) =>
  sqliteTable(name, {
    id: text("id").primaryKey(),
    version: integer("version").notNull(),
    data: text("data").notNull(),
  });
export const couponsTable = (name: string) =>
  sqliteTable(name, {
    code: text("code").primaryKey(),
    version: integer("version").notNull(),
    data: text("data").notNull(),
  });

export const products = productsTable("products");
export const barcodes = barcodesTable("barcodes");
export const prices = pricesTable("prices");
export const promotions = promotionsTable("promotions");
export const members = membersTable("members", "members_phone");
export const cashiers = cashiersTable("cashiers");
export const coupons = couponsTable("coupons");

/** Pages of a version being fetched; applied all at once when complete. */
export const catalogStaging = sqliteTable(
  "catalog_staging",
  {
    version: integer("version").notNull(),
    page: integer("page").notNull(),
    kind: text("kind").notNull(),
    fromVersion: integer("from_version").notNull(),
    pages: integer("pages").notNull(),
    effectiveAt: text("effective_at"),
    items: text("items").notNull(),
  },
  (t) => [primaryKey({ columns: [t.version, t.page] })],
);

/**
 * Applied versions whose effectiveAt is still in the future on the store's clock, page by page as
 * they came (migration 0004), so a big one is read and promoted a page per step.
 */
export const catalogScheduled = sqliteTable(
  "catalog_scheduled",
  {
    version: integer("version").notNull(),
    page: integer("page").notNull(),
    effectiveAt: text("effective_at").notNull(),
    itemCount: integer("item_count").notNull(),
    items: text("items").notNull(),
  },
  (t) => [primaryKey({ columns: [t.version, t.page] })],
);

// ---------------------------------------------------------------------------------------------
// Checkout state that must survive kill -9.

export const lanes = sqliteTable("lanes", {
  lane: text("lane").primaryKey(),
  data: text("data").notNull(),
});

export const carts = sqliteTable("carts", {
  lane: text("lane").primaryKey(),
  data: text("data").notNull(),
  updatedAt: text("updated_at").notNull(),
});

export const suspended = sqliteTable("suspended", {
  id: text("id").primaryKey(),
  lane: text("lane").notNull(),
  data: text("data").notNull(),
  suspendedAt: text("suspended_at").notNull(),
});

export const shifts = sqliteTable("shifts", {
  shiftId: text("shift_id").primaryKey(),
  lane: text("lane").notNull(),
  cashierId: text("cashier_id").notNull(),
  businessDay: text("business_day").notNull(),
  training: integer("training").notNull(),
  floatFen: integer("float_fen").notNull(),
  openedAt: text("opened_at").notNull(),
  closedAt: text("closed_at"),
  closing: text("closing"),
});

export const sales = sqliteTable(
  "sales",
  {
    saleId: text("sale_id").primaryKey(),
    receiptNo: text("receipt_no").notNull().unique(),
    lane: text("lane").notNull(),
    shiftId: text("shift_id").notNull(),
    training: integer("training").notNull(),
    businessDay: text("business_day").notNull(),
    netFen: integer("net_fen").notNull(),
    taxFen: integer("tax_fen").notNull(),
    completedAt: text("completed_at").notNull(),
    data: text("data").notNull(),
  },
  (t) => [index("sales_shift").on(t.shiftId), index("sales_business_day").on(t.businessDay, t.training)],
);

export const saleLines = sqliteTable(
  "sale_lines",
  {
    saleId: text("sale_id").notNull(),
    lineId: text("line_id").notNull(),
    sku: text("sku").notNull(),
    qty: integer("qty").notNull(),
    weighed: integer("weighed").notNull(),
    netFen: integer("net_fen").notNull(),
    taxFen: integer("tax_fen").notNull(),
    priceVersion: integer("price_version").notNull(),
  },
  (t) => [primaryKey({ columns: [t.saleId, t.lineId] })],
);

export const tenders = sqliteTable(
  "tenders",
  {
    saleId: text("sale_id").notNull(),
    idx: integer("idx").notNull(),
    kind: text("kind").notNull(),
    amountFen: integer("amount_fen").notNull(),
    receivedFen: integer("received_fen"),
    changeFen: integer("change_fen"),
    reference: text("reference"),
  },
  (t) => [primaryKey({ columns: [t.saleId, t.idx] })],
);

export const returns = sqliteTable(
  "returns",
  {
    returnId: text("return_id").primaryKey(),
    receiptNo: text("receipt_no").notNull().unique(),
    originalSaleId: text("original_sale_id"),
    lane: text("lane").notNull(),
    shiftId: text("shift_id").notNull(),
    training: integer("training").notNull(),
    refundFen: integer("refund_fen").notNull(),
    tenderKind: text("tender_kind").notNull(),
    returnedAt: text("returned_at").notNull(),
    data: text("data").notNull(),
  },
  // Also returns_business_day ON returns(json_extract(data, '$.businessDay')) (migration 0007),
  // SQL only: drizzle-kit 0.31 splits an expression index at its commas into quoted "columns"
  // (invalid SQL); scripts/check-migrations.ts lists it as SQL-only.
  (t) => [index("returns_shift").on(t.shiftId)],
);

export const returnLines = sqliteTable(
  "return_lines",
  {
    returnId: text("return_id").notNull(),
    saleId: text("sale_id"),
    lineId: text("line_id").notNull(),
    qty: integer("qty").notNull(),
    refundFen: integer("refund_fen").notNull(),
    taxFen: integer("tax_fen").notNull(),
  },
  (t) => [primaryKey({ columns: [t.returnId, t.lineId] }), index("return_lines_sale").on(t.saleId, t.lineId)],
);

export const cashMovements = sqliteTable(
  "cash_movements",
  {
    movementId: text("movement_id").primaryKey(),
    shiftId: text("shift_id").notNull(),
    direction: text("direction").notNull(),
    amountFen: integer("amount_fen").notNull(),
    reason: text("reason").notNull(),
    movedAt: text("moved_at").notNull(),
  },
  (t) => [index("cash_movements_shift").on(t.shiftId)],
);

// ---------------------------------------------------------------------------------------------
// Stock: an append-only ledger; on_hand is the derived sum kept in the same transaction.

export const stockMoves = sqliteTable("stock_moves", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  sku: text("sku").notNull(),
  qty: integer("qty").notNull(),
  kind: text("kind").notNull(),
  reference: text("reference").notNull(),
  at: text("at").notNull(),
});

export const stockOnHand = sqliteTable("stock_on_hand", {
  sku: text("sku").primaryKey(),
  qty: integer("qty").notNull(),
});

export const appliedMovements = sqliteTable("applied_movements", {
  movementId: text("movement_id").primaryKey(),
  appliedAt: text("applied_at").notNull(),
});

export const stockAlerts = sqliteTable("stock_alerts", {
  sku: text("sku").primaryKey(),
  data: text("data").notNull(),
});

export const replenishment = sqliteTable("replenishment", {
  sku: text("sku").primaryKey(),
  data: text("data").notNull(),
});

/**
 * The outbox ledger: seq is the store's gapless counter (next = max + 1 in the same transaction
 * as the effects). Delivery is the meta cursor 'acked_up_to', moved only by HQ's events.ack.
 */
export const outbox = sqliteTable("outbox", {
  seq: integer("seq").primaryKey(),
  id: text("id").notNull().unique(),
  type: text("type").notNull(),
  occurredAt: text("occurred_at").notNull(),
  envelope: text("envelope").notNull(),
});

/** The first event of each run of the edge process (migration 0008; outbox/resync.ts). */
export const outboxBoots = sqliteTable("outbox_boots", {
  boot: integer("boot").primaryKey(),
  firstSeq: integer("first_seq").notNull().unique(),
  eventId: text("event_id").notNull(),
  startedAt: text("started_at").notNull(),
});

/** Payment-code attempts, so a crash between "sent to provider" and "answered" can be queried. */
/** Coupons spent at this store (migration 0003): a snapshot of HQ's records cannot un-spend them. */
export const couponRedemptions = sqliteTable("coupon_redemptions", {
  code: text("code").primaryKey(),
  saleId: text("sale_id").notNull(),
  redeemedAt: text("redeemed_at").notNull(),
});

export const payments = sqliteTable(
  "payments",
  {
    paymentId: text("payment_id").primaryKey(),
    lane: text("lane").notNull(),
    cartId: text("cart_id").notNull(),
    provider: text("provider").notNull(),
    amountFen: integer("amount_fen").notNull(),
    status: text("status").notNull(),
    reference: text("reference"),
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("payments_cart").on(t.cartId, t.status)],
);

/**
 * Cashier sessions of the LAN API (migration 0005, checkout/sessions.ts): the SHA-256 of the
 * bearer token, the lane and cashier it is bound to, its last use (idle expiry) and, once
 * ended, when and why (logout | shift_close | new_login | expired | cashier_inactive).
 */
export const laneSessions = sqliteTable(
  "lane_sessions",
  {
    tokenHash: text("token_hash").primaryKey(),
    lane: text("lane").notNull(),
    cashierId: text("cashier_id").notNull(),
    createdAt: text("created_at").notNull(),
    lastUsedAt: text("last_used_at").notNull(),
    endedAt: text("ended_at"),
    endedBy: text("ended_by"),
  },
  (t) => [index("lane_sessions_lane").on(t.lane, t.endedAt)],
);

/**
 * Wrong PINs in a row per cashier code (migration 0006, checkout/sessions.ts guardPin): the
 * count and, once MAX_WRONG_PINS is reached, until when (epoch ms, store clock; 0 = not locked)
 * the code is refused. A right PIN deletes the row.
 */
export const cashierPinFailures = sqliteTable("cashier_pin_failures", {
  cashierId: text("cashier_id").primaryKey(),
  count: integer("count").notNull(),
  lockedUntilMs: integer("locked_until_ms").notNull().default(0),
  updatedAt: text("updated_at").notNull(),
});

/**
 * Wrong PINs (and unknown codes) per LAN address (migration 0009, staff/pin-sources.ts): one row
 * each, `locked` = 1 when it locked the code. Read back within the source window after a restart.
 */
export const pinSourceFailures = sqliteTable(
  "pin_source_failures",
  {
    source: text("source").notNull(),
    atMs: integer("at_ms").notNull(),
    cashierId: text("cashier_id").notNull(),
    locked: integer("locked").notNull().default(0),
  },
  (t) => [index("pin_source_failures_source").on(t.source, t.atMs)],
);

/** Each throttle of a LAN address (migration 0009): refused until until_ms; kept 24 h. */
export const pinSourceThrottles = sqliteTable(
  "pin_source_throttles",
  {
    source: text("source").notNull(),
    atMs: integer("at_ms").notNull(),
    untilMs: integer("until_ms").notNull(),
  },
  (t) => [index("pin_source_throttles_source").on(t.source, t.atMs)],
);

/**
 * Members signed up at this store's tills (member/desk.ts), found by phone or member code until
 * HQ's record of them arrives in the catalog (and after: the catalog's copy wins).
 */
export const memberSignups = sqliteTable(
  "member_signups",
  {
    id: text("id").primaryKey(),
    phone: text("phone").notNull(),
    /** The member as the store created it (MemberV1 JSON). */
    data: text("data").notNull(),
    enrolledAt: text("enrolled_at").notNull(),
  },
  (t) => [index("member_signups_phone").on(t.phone)],
);

export * from "./batch-schema.ts";
export * from "./commands-schema.ts";
export * from "./points-schema.ts";
export * from "./stocktake-schema.ts";
