// Every message between a store and HQ travels in one versioned envelope:
//   { v, id, type, storeId, seq, occurredAt, payload }
// `id` is a UUIDv7 (time-ordered, unique chain-wide). `seq` is the store's gapless counter for
// the events of its outbox (the business ledger: sales, returns, shifts, cash, stock) and 0 for
// everything else (status, telemetry, requests, and every HQ -> store message).
// Parsing is strict: unknown type, unknown version, missing or extra field, oversized payload
// all throw a MessageError naming the field at fault.
import { gunzipSync, gzipSync } from "node:zlib";
import { z } from "zod";
import { type ChangeItem, ChangeItemV1, IsoTime, Sku, TaxRate } from "./catalog.ts";
import { digestProblem, MAX_DIGEST_RECEIPTS } from "./digest.ts";
import { jsonValueProblem, wellFormed } from "./json-guard.ts";
import { MAX_SHIFT_FEN, MAX_STOCK_QTY, MONEY_CAPS } from "./money-caps.ts";
import { STORE_ID_RE } from "./topics.ts";

/** A single envelope may not exceed this many bytes of UTF-8 JSON. */
export const MAX_ENVELOPE_BYTES = 128 * 1024;
/** One MQTT payload (an event batch or a change-set page) may not exceed this. */
export const MAX_MQTT_PAYLOAD_BYTES = 512 * 1024;
/** The embedded broker refuses packets larger than this (payload + topic + headers). */
export const MAX_MQTT_PACKET_BYTES = 1024 * 1024;
/**
 * Envelopes in one event batch. The edge sends at most 2,000 outbox rows per read, and no
 * ledger envelope is under ~250 bytes, so a 512 KiB batch never legitimately holds more.
 */
export const MAX_BATCH_EVENTS = 2000;

export type MessageErrorCode = "too_large" | "bad_json" | "unknown_type" | "unknown_version" | "invalid";

export class MessageError extends Error {
  override readonly name = "MessageError";
  constructor(
    readonly code: MessageErrorCode,
    /** Dotted path of the field at fault, e.g. "payload.lines.2.qty"; "" for the whole message. */
    readonly field: string,
    message: string,
  ) {
    super(field ? `${field}: ${message}` : message);
  }
}

// ---------------------------------------------------------------------------------------------
// Shared pieces.

// Every amount and quantity has a ceiling (money-caps.ts says why and how much), so no sum HQ
// keeps can leave the exact integer range.
const capped = (cap: number, what: string) => ({
  message: `exceeds the protocol cap of ${cap}${what}`,
});
const fenMax = (cap: number) => capped(cap, ` fen (¥${cap / 100})`);
/** A sale-level amount (totals, tenders, a sale's audit amount). */
const SaleFen = z.int().nonnegative().max(MONEY_CAPS.saleFen, fenMax(MONEY_CAPS.saleFen));
const LineFen = z.int().nonnegative().max(MONEY_CAPS.lineFen, fenMax(MONEY_CAPS.lineFen));
const UnitPriceFen = z.int().nonnegative().max(MONEY_CAPS.unitPriceFen, fenMax(MONEY_CAPS.unitPriceFen));
const ShiftFen = z.int().nonnegative().max(MAX_SHIFT_FEN, fenMax(MAX_SHIFT_FEN));
const LineQty = z.int().positive().max(MONEY_CAPS.qty, capped(MONEY_CAPS.qty, ""));
/** A store-day's sums (day.digest): a safe integer; HQ compares them, it never adds them up. */
const FenNonNeg = z.int().nonnegative();
const StockQty = z.int().min(-MAX_STOCK_QTY).max(MAX_STOCK_QTY, capped(MAX_STOCK_QTY, ""));
const Id = z.string().min(1).max(64);
const StoreId = z.string().regex(STORE_ID_RE, "store id: 1-16 upper-case letters or digits");
const LaneId = z.string().regex(/^[0-9]{1,2}$/, "lane: 1-2 digits");
const CashierCode = z.string().regex(/^\d{3,8}$/, "cashier code: 3-8 digits");
const BusinessDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "business day: YYYY-MM-DD");
const TenderKind = z.enum(["cash", "card", "wechat", "alipay", "voucher"]);

// PRICING.md lists only non-zero discounts.
const DiscountV1 = z.strictObject({ promotionId: Id, amount: LineFen.positive() });

export const SaleLineV1 = z.strictObject({
  lineId: Id,
  sku: Sku,
  name: z.string().max(80),
  barcode: z.string().max(48).optional(),
  category: z.string().max(12),
  /** Units, or grams when weighed. */
  qty: LineQty,
  weighed: z.boolean(),
  /** Fen per unit, or fen per kg when weighed. */
  unitPrice: UnitPriceFen,
  taxRate: TaxRate,
  /** The catalog version whose price this line was sold at. */
  priceVersion: z.int().nonnegative(),
  gross: LineFen,
  discounts: z.array(DiscountV1).max(50),
  net: LineFen,
  tax: LineFen,
  /** A supervisor-approved price override replaced the catalog price. */
  override: z
    .strictObject({ catalogPrice: UnitPriceFen, supervisorId: CashierCode, reason: z.string().max(80) })
    .optional(),
});

export const TenderV1 = z.strictObject({
  kind: TenderKind,
  /** What this tender pays towards the sale (change already deducted for cash). */
  amount: SaleFen,
  /** Cash handed over, and change given back, for cash tenders. */
  received: SaleFen.optional(),
  change: SaleFen.optional(),
  /** Card approval code, or the payment provider's transaction id. */
  reference: z.string().max(64).optional(),
});

const TotalsV1 = z.strictObject({ gross: SaleFen, discount: SaleFen, net: SaleFen, tax: SaleFen });

// ---------------------------------------------------------------------------------------------
// Store -> HQ: the outbox ledger (seq >= 1).

export const SaleCompletedV1 = z.strictObject({
  saleId: Id,
  receiptNo: z.string().max(40),
  laneId: LaneId,
  cashierId: CashierCode,
  shiftId: Id,
  businessDay: BusinessDay,
  /** Training sales reach HQ as training activity only: no stock, cash, points or revenue. */
  training: z.boolean(),
  catalogVersion: z.int().nonnegative(),
  member: z.strictObject({ id: Id, tier: z.string().max(20) }).optional(),
  coupons: z.array(z.string().max(40)).max(20),
  lines: z.array(SaleLineV1).min(1).max(500),
  totals: TotalsV1,
  applied: z.array(Id),
  /**
   * The manual order-level adjustment (整单折扣 / 抹零) the engine priced, as entered, and who
   * allowed it (a supervisor's approval, or the cashier whose role allows it). HQ re-prices it.
   */
  adjustment: z
    .strictObject({
      discount: z
        .strictObject({
          amount: SaleFen.positive().optional(),
          basisPoints: z.int().min(1).max(10000).optional(),
        })
        .optional(),
      rounding: z.enum(["jiao", "yuan"]).optional(),
      approvedBy: CashierCode,
    })
    .optional(),
  tenders: z.array(TenderV1).min(1).max(10),
  completedAt: IsoTime,
});

export const SaleReturnedV1 = z.strictObject({
  returnId: Id,
  receiptNo: z.string().max(40),
  /** The sale returned against; absent for a return without receipt (supervisor required). */
  original: z.strictObject({ saleId: Id, receiptNo: z.string().max(40), storeId: StoreId }).optional(),
  supervisorId: CashierCode.optional(),
  reason: z.string().max(80),
  laneId: LaneId,
  cashierId: CashierCode,
  shiftId: Id,
  businessDay: BusinessDay,
  training: z.boolean(),
  lines: z
    .array(
      z.strictObject({
        lineId: Id,
        sku: Sku,
        qty: LineQty,
        weighed: z.boolean(),
        /** Refunded net and tax for these units, by the PRICING.md return rule. */
        refund: LineFen,
        tax: LineFen,
        /** Returned goods go back on the shelf (restock) or are written off. */
        restock: z.boolean(),
      }),
    )
    .min(1)
    .max(500),
  totals: z.strictObject({ refund: SaleFen, tax: SaleFen }),
  tenders: z.array(TenderV1).min(1).max(10),
  returnedAt: IsoTime,
});

export const ShiftOpenedV1 = z.strictObject({
  shiftId: Id,
  laneId: LaneId,
  cashierId: CashierCode,
  businessDay: BusinessDay,
  training: z.boolean(),
  float: ShiftFen,
  openedAt: IsoTime,
});

export const ShiftClosedV1 = z.strictObject({
  shiftId: Id,
  laneId: LaneId,
  cashierId: CashierCode,
  businessDay: BusinessDay,
  training: z.boolean(),
  /** Count by denomination: face value in fen -> number of notes/coins. */
  denominations: z.record(z.string().regex(/^\d{1,8}$/), z.int().nonnegative().max(MAX_STOCK_QTY)),
  counted: ShiftFen,
  expected: ShiftFen,
  /** counted - expected: positive is over, negative is short. */
  overShort: z.int().min(-MAX_SHIFT_FEN).max(MAX_SHIFT_FEN, fenMax(MAX_SHIFT_FEN)),
  sales: z.strictObject({ count: z.int().nonnegative(), net: ShiftFen }),
  returns: z.strictObject({ count: z.int().nonnegative(), refund: ShiftFen }),
  byTender: z.partialRecord(TenderKind, ShiftFen),
  cashIn: ShiftFen,
  cashOut: ShiftFen,
  closedAt: IsoTime,
});

export const CashMovedV1 = z.strictObject({
  movementId: Id,
  shiftId: Id,
  laneId: LaneId,
  cashierId: CashierCode,
  training: z.boolean(),
  direction: z.enum(["in", "out"]),
  amount: ShiftFen.positive(),
  reason: z.string().max(80),
  supervisorId: CashierCode.optional(),
  movedAt: IsoTime,
});

export const StockCountedV1 = z.strictObject({
  countId: Id,
  countedBy: CashierCode,
  /** Units, or grams for weighed goods; `expected` is the store's on-hand when counted. */
  lines: z
    .array(z.strictObject({ sku: Sku, counted: StockQty.nonnegative(), expected: StockQty }))
    .min(1)
    .max(2000),
  countedAt: IsoTime,
});

export const ReceivingConfirmedV1 = z.strictObject({
  receivingId: Id,
  purchaseOrderId: Id.optional(),
  supplierId: Id.optional(),
  confirmedBy: CashierCode,
  lines: z
    .array(
      z.strictObject({ sku: Sku, qty: StockQty.positive(), expected: StockQty.nonnegative().optional() }),
    )
    .min(1)
    .max(2000),
  confirmedAt: IsoTime,
});

export const AuditRecordedV1 = z.strictObject({
  auditId: Id,
  action: z.enum([
    "line_void",
    "sale_void",
    "no_sale",
    "price_override",
    "return_without_receipt",
    "training_on",
    "training_off",
    "drawer_open",
    "pin_locked",
    "pin_unlocked",
    "pin_source_throttled",
    "refund_to_cash",
  ]),
  laneId: LaneId,
  cashierId: CashierCode,
  supervisorId: CashierCode.optional(),
  saleId: Id.optional(),
  sku: Sku.optional(),
  amount: z.int().min(-MONEY_CAPS.saleFen).max(MONEY_CAPS.saleFen, fenMax(MONEY_CAPS.saleFen)).optional(),
  detail: z.string().max(200),
  at: IsoTime,
});

const ReceiptGroupV1 = z.strictObject({
  prefix: z.string().max(40),
  width: z.int().min(0).max(9),
  ranges: z
    .array(z.tuple([z.int().nonnegative().max(999_999_999), z.int().nonnegative().max(999_999_999)]))
    .min(1)
    .max(20_000),
});

/**
 * The store's account of one business day (China time), for HQ to prove it holds every
 * receipt: counts and money of the day's sales and returns (training excluded), the seqs of
 * the first and last of their events, and every receipt number (packed, see digest.ts) with a
 * SHA-256 of the sorted list. A later digest of the same day replaces an earlier one.
 */
export const StoreDayDigestV1 = z.strictObject({
  businessDay: BusinessDay,
  /** true: the day is closed (the store's clock passed midnight); false: a running digest of today. */
  final: z.boolean(),
  /** When the store counted. */
  asOf: IsoTime,
  sales: z.strictObject({ count: z.int().nonnegative(), net: FenNonNeg, tax: FenNonNeg }),
  returns: z.strictObject({ count: z.int().nonnegative(), refund: FenNonNeg }),
  /** Money taken per tender on the day's sales (change deducted), and paid back on its returns. */
  salesByTender: z.partialRecord(TenderKind, FenNonNeg),
  returnsByTender: z.partialRecord(TenderKind, FenNonNeg),
  /** Seqs of the day's first and last sale/return event; absent on a day without receipts. */
  firstSeq: z.int().positive().optional(),
  lastSeq: z.int().positive().optional(),
  /** Sales plus returns: the number of receipt numbers below. */
  receiptCount: z.int().nonnegative().max(MAX_DIGEST_RECEIPTS),
  /** SHA-256 (hex) of the sorted receipt numbers joined by "\n" (digest.ts receiptsHash). */
  receiptsHash: z.string().regex(/^[0-9a-f]{64}$/, "receiptsHash: 64 lower-case hex digits"),
  /** Every receipt number of the day, packed (digest.ts packReceipts); absent only if too large. */
  receipts: z.array(ReceiptGroupV1).max(2000).optional(),
});

// ---------------------------------------------------------------------------------------------
// Store -> HQ: status, telemetry and requests (seq = 0).

const DeviceHealthV1 = z.strictObject({
  laneId: LaneId,
  kind: z.enum(["scanner", "scale", "printer", "drawer", "display"]),
  device: z.string().max(120),
  state: z.enum(["connected", "ready", "error", "absent"]),
  reason: z.string().max(200).optional(),
});

export const StoreStatusV1 = z.strictObject({
  /** "offline" is what the last-will says when the store vanishes without a goodbye. */
  state: z.enum(["online", "offline"]),
  appVersion: z.string().max(40),
  catalogVersion: z.int().nonnegative(),
  outboxBacklog: z.int().nonnegative(),
  oldestUnackedAgeSec: z.int().nonnegative().optional(),
  lastSeq: z.int().nonnegative(),
  /**
   * The edge database's instance (edge.hello): HQ keeps the highest lastSeq each instance
   * reported, so it can say how many events a database that is gone never delivered.
   */
  instanceId: Id.optional(),
  devices: z.array(DeviceHealthV1).max(100),
  /**
   * Present only while the edge's database cannot be written: its disk is full, failing or
   * read-only. Sales are refused meanwhile (nothing half-written); HQ raises a fleet alert.
   */
  storage: z
    .strictObject({
      state: z.enum(["full", "io_error", "read_only"]),
      since: IsoTime,
      /** Writes refused since then. */
      failures: z.int().nonnegative(),
      /** SQLite's code of the last fault, e.g. SQLITE_FULL. */
      lastError: z.string().max(40).optional(),
    })
    .optional(),
  at: IsoTime,
});

export const TelemetryV1 = z.strictObject({
  /** Integer gauges and counters (e.g. cpu_pct, rss_mb, sales_today). */
  metrics: z.record(z.string().regex(/^[a-z0-9_.]{1,64}$/), z.int()),
  at: IsoTime,
});

export const CatalogFetchV1 = z.strictObject({
  /** The last version this store applied; HQ answers with the next version after it. */
  fromVersion: z.int().nonnegative(),
  page: z.int().nonnegative(),
  /** When continuing a snapshot past page 0: the version the snapshot is pinned at. */
  snapshotVersion: z.int().positive().optional(),
  /** Encodings the store can read; with "gzip", HQ may send a page's items as `itemsGzip`. */
  accept: z
    .array(z.enum(["gzip"]))
    .max(4)
    .optional(),
});

export const CatalogAppliedV1 = z.strictObject({ version: z.int().nonnegative(), appliedAt: IsoTime });

export const StockQueryV1 = z.strictObject({ queryId: Id, sku: Sku });

/**
 * The edge says who it is on every (re)connect, before it sends any event: HQ answers with
 * `edge.welcome`, from which both compute the same resync plan (resync.ts). A restored backup
 * or a fresh edge.db is found here: its outbox is behind, or parts of it were never seen by HQ.
 */
export const EdgeHelloV1 = z.strictObject({
  /** Echoed in the welcome, so an answer to an earlier connection is ignored. */
  helloId: Id,
  /** Random, made with the edge database: a fresh edge.db is a new instance. */
  instanceId: Id,
  lastSeq: z.int().nonnegative(),
  ackedUpTo: z.int().nonnegative(),
  /**
   * The first event of each run of the edge process (boot) above `ackedUpTo`, in seq order.
   * A restored copy starts a new run: its first event is where it may part from what HQ holds.
   */
  boots: z.array(z.strictObject({ firstSeq: z.int().positive(), eventId: Id })).max(1000),
});

// ---------------------------------------------------------------------------------------------
// HQ -> store (seq = 0; storeId is the addressee, "*" for broadcasts).

export const CatalogPointerV1 = z.strictObject({
  /** The newest change-set version released to this store. */
  version: z.int().nonnegative(),
  /** A store below this version cannot catch up by deltas and gets a snapshot. */
  snapshotFloor: z.int().nonnegative(),
});

export const CatalogChangeSetV1 = z
  .strictObject({
    /** delta: the changes of one version; snapshot: the whole catalog as of `version`. */
    kind: z.enum(["delta", "snapshot"]),
    version: z.int().positive(),
    /** The version this page follows: the store must be at it (delta) or it is ignored. */
    fromVersion: z.int().nonnegative(),
    page: z.int().nonnegative(),
    pages: z.int().positive(),
    /** The change set's items take effect no earlier than this, on the store's clock. */
    effectiveAt: IsoTime.optional(),
    /** The page's items; exactly one of `items` and `itemsGzip` is present. */
    items: z.array(ChangeItemV1).max(5000).optional(),
    /**
     * Base64 of the gzip of the items' JSON array, sent only to a store whose fetch accepted
     * "gzip". Decode with gunzipItems (which validates every item).
     */
    itemsGzip: z.string().max(MAX_MQTT_PAYLOAD_BYTES).optional(),
  })
  .refine((p) => p.items !== undefined || p.itemsGzip !== undefined, {
    path: ["items"],
    message: "a page carries items or itemsGzip",
  })
  .refine((p) => p.items === undefined || p.itemsGzip === undefined, {
    path: ["itemsGzip"],
    message: "a page carries items or itemsGzip, not both",
  });

export const EventsAckV1 = z.strictObject({
  /** Every event with seq <= upToSeq is committed at HQ (or dead-lettered there for review). */
  upToSeq: z.int().nonnegative(),
  /** Gaps HQ saw above upToSeq: the store resends from `from`. */
  missing: z.array(z.strictObject({ from: z.int().positive(), to: z.int().positive() })).max(100),
  /**
   * Events HQ received but holds as conflicts awaiting a person (another event is committed
   * under the same seq or id): each seq with the id of the event held there. The store must
   * not count its event delivered while it is listed, even though its seq is <= upToSeq, and
   * must not resend it either; a resolution drops it from the next ack, which delivers it.
   * Sent only when not empty (an older edge's strict schema refuses it, so it keeps
   * everything and resends until the conflict is resolved). At most 1,000: with more, HQ
   * lowers upToSeq below the first seq it could not list.
   */
  held: z
    .array(z.strictObject({ seq: z.int().positive(), id: Id }))
    .max(1000)
    .optional(),
  /**
   * Seqs HQ committed an event at ahead of the gap below them, not yet confirmed by the
   * store's own traffic, with every id HQ has decided on there (the committed one, and the
   * versions a person resolved). A sender with the store's credentials can fill a seq before
   * the store's own event arrives; the store checks its id is listed, and if not it does not
   * count that seq delivered and sends its event again (HQ then holds it as a conflict).
   * Sent only when not empty; at most 1,000 entries (with more seqs, upToSeq stops below the
   * first one not listed).
   */
  checks: z
    .array(z.strictObject({ seq: z.int().positive(), id: Id }))
    .max(1000)
    .optional(),
});

export const EdgeWelcomeV1 = z.strictObject({
  helloId: Id,
  instanceId: Id,
  /** The instance HQ heard from last for this store before this one (absent: none, or an old edge). */
  previousInstanceId: Id.optional(),
  /** Every seq <= headSeq is committed at HQ (or dead-lettered, or listed as lost). */
  headSeq: z.int().nonnegative(),
  /** The highest seq HQ holds for this store. */
  maxSeq: z.int().nonnegative(),
  /** For each of the hello's boots: HQ holds that event at that seq (same), another (other), none. */
  boots: z.array(z.enum(["same", "other", "none"])).max(1000),
});

export const CommandV1 = z.strictObject({
  commandId: Id,
  name: z.enum(["resync_catalog", "resend_events", "reload_config", "publish_status", "rotate_credentials"]),
  /** resend_events: { fromSeq }; rotate_credentials: { rotationId, password } (docs/sync.md) */
  args: z.record(z.string(), z.union([z.string(), z.int(), z.boolean()])),
});

export const StockMovementV1 = z.strictObject({
  movementId: Id,
  kind: z.enum(["transfer_in", "transfer_out", "receipt", "adjustment"]),
  reference: z.string().max(64),
  lines: z
    .array(z.strictObject({ sku: Sku, qty: z.int() }))
    .min(1)
    .max(2000),
  at: IsoTime,
});

export const StockAlertV1 = z.strictObject({
  sku: Sku,
  onHand: z.int(),
  reorderPoint: z.int().nonnegative(),
  at: IsoTime,
});

export const ReplenishmentStatusV1 = z.strictObject({
  items: z
    .array(
      z.strictObject({
        sku: Sku,
        status: z.enum(["none", "suggested", "ordered", "in_transit", "received"]),
        purchaseOrderId: Id.optional(),
        qty: z.int().nonnegative().optional(),
        expectedAt: IsoTime.optional(),
      }),
    )
    .max(2000),
});

export const StockReplyV1 = z.strictObject({
  queryId: Id,
  sku: Sku,
  stores: z
    .array(
      z.strictObject({
        storeId: StoreId,
        name: z.string().max(80),
        onHand: z.int(),
        distanceKm: z.int().nonnegative().optional(),
      }),
    )
    .max(50),
});

// ---------------------------------------------------------------------------------------------
// The registry: type name -> schema, version, direction, channel.

export const MESSAGES = {
  "sale.completed": { v: 1, schema: SaleCompletedV1, dir: "up", channel: "events", ledger: true },
  "sale.returned": { v: 1, schema: SaleReturnedV1, dir: "up", channel: "events", ledger: true },
  "shift.opened": { v: 1, schema: ShiftOpenedV1, dir: "up", channel: "events", ledger: true },
  "shift.closed": { v: 1, schema: ShiftClosedV1, dir: "up", channel: "events", ledger: true },
  "cash.moved": { v: 1, schema: CashMovedV1, dir: "up", channel: "events", ledger: true },
  "stock.counted": { v: 1, schema: StockCountedV1, dir: "up", channel: "events", ledger: true },
  "receiving.confirmed": { v: 1, schema: ReceivingConfirmedV1, dir: "up", channel: "events", ledger: true },
  "audit.recorded": { v: 1, schema: AuditRecordedV1, dir: "up", channel: "events", ledger: true },
  "day.digest": { v: 1, schema: StoreDayDigestV1, dir: "up", channel: "events", ledger: true },
  "store.status": { v: 1, schema: StoreStatusV1, dir: "up", channel: "status", ledger: false },
  telemetry: { v: 1, schema: TelemetryV1, dir: "up", channel: "telemetry", ledger: false },
  "catalog.fetch": { v: 1, schema: CatalogFetchV1, dir: "up", channel: "catalog", ledger: false },
  "catalog.applied": { v: 1, schema: CatalogAppliedV1, dir: "up", channel: "catalog", ledger: false },
  "stock.query": { v: 1, schema: StockQueryV1, dir: "up", channel: "query", ledger: false },
  "edge.hello": { v: 1, schema: EdgeHelloV1, dir: "up", channel: "query", ledger: false },
  "catalog.pointer": { v: 1, schema: CatalogPointerV1, dir: "down", channel: "pointer", ledger: false },
  "catalog.changeset": { v: 1, schema: CatalogChangeSetV1, dir: "down", channel: "catalog", ledger: false },
  "events.ack": { v: 1, schema: EventsAckV1, dir: "down", channel: "ack", ledger: false },
  command: { v: 1, schema: CommandV1, dir: "down", channel: "command", ledger: false },
  "stock.movement": { v: 1, schema: StockMovementV1, dir: "down", channel: "stock", ledger: false },
  "stock.alert": { v: 1, schema: StockAlertV1, dir: "down", channel: "stock", ledger: false },
  "replenishment.status": {
    v: 1,
    schema: ReplenishmentStatusV1,
    dir: "down",
    channel: "replenishment",
    ledger: false,
  },
  "stock.reply": { v: 1, schema: StockReplyV1, dir: "down", channel: "reply", ledger: false },
  "edge.welcome": { v: 1, schema: EdgeWelcomeV1, dir: "down", channel: "reply", ledger: false },
} as const;

export type MessageType = keyof typeof MESSAGES;
export type Payload<T extends MessageType> = z.infer<(typeof MESSAGES)[T]["schema"]>;
export const MESSAGE_TYPES = Object.keys(MESSAGES) as MessageType[];
export const LEDGER_TYPES = MESSAGE_TYPES.filter((t) => MESSAGES[t].ledger);

export type SaleCompleted = Payload<"sale.completed">;
export type SaleReturned = Payload<"sale.returned">;
export type SaleLine = z.infer<typeof SaleLineV1>;
export type Tender = z.infer<typeof TenderV1>;
export type StoreStatus = Payload<"store.status">;
export type CatalogChangeSet = Payload<"catalog.changeset">;
export type EventsAck = Payload<"events.ack">;
export type StoreDayDigest = Payload<"day.digest">;
export type EdgeHello = Payload<"edge.hello">;
export type EdgeWelcome = Payload<"edge.welcome">;

export interface Envelope<T extends MessageType = MessageType> {
  v: number;
  id: string;
  type: T;
  storeId: string;
  seq: number;
  occurredAt: string;
  payload: Payload<T>;
}

/** Any envelope, narrowed by `type`. */
export type AnyEnvelope = { [T in MessageType]: Envelope<T> }[MessageType];

const UUIDV7_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const EnvelopeHead = z.strictObject({
  v: z.int().positive(),
  id: z.string().regex(UUIDV7_RE, "id: a lower-case UUIDv7"),
  type: z.string().min(1).max(40),
  storeId: z.union([StoreId, z.literal("*")]),
  seq: z.int().nonnegative(),
  occurredAt: IsoTime,
  payload: z.unknown(),
});

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

function byteLength(raw: string | Uint8Array): number {
  return typeof raw === "string" ? encoder.encode(raw).byteLength : raw.byteLength;
}

function firstIssue(err: z.ZodError, prefix: string): { field: string; message: string } {
  const issue = err.issues[0]!;
  const path = [prefix, ...issue.path.map(String)].filter(Boolean).join(".");
  return { field: path, message: issue.message };
}

function decodeJson(raw: string | Uint8Array, limit: number): unknown {
  const size = byteLength(raw);
  if (size > limit)
    throw new MessageError("too_large", "", `message of ${size} bytes exceeds the ${limit}-byte limit`);
  let text: string;
  try {
    text = typeof raw === "string" ? raw : decoder.decode(raw);
  } catch {
    throw new MessageError("bad_json", "", "not valid UTF-8");
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    // Anything JSON.parse throws (a syntax error, or a RangeError on an engine with a
    // recursive parser) is the message's fault.
    throw new MessageError("bad_json", "", `not valid JSON: ${(e as Error).message}`);
  }
  // A lone surrogate can only come from a \u escape, or (string input) from the string itself:
  // the bounded walk runs then, off the hot path of well-formed bytes from the broker. Depth is
  // checked where something recursive would meet it (parseEventBatch); the schemas themselves
  // descend no deeper than they are.
  if (text.includes("\\u") || (typeof raw === "string" && !wellFormed(text))) {
    const problem = jsonValueProblem(value);
    if (problem) throw new MessageError("bad_json", problem.path, problem.message);
  }
  return value;
}

/** A gzipped page may not inflate to more than this (refuses zip bombs). */
export const MAX_GUNZIPPED_ITEMS_BYTES = 8 * 1024 * 1024;

/** Base64 of the gzip of a JSON text (the hub compresses already-serialised items this way). */
export function gzipJson(json: string): string {
  return Buffer.from(gzipSync(json)).toString("base64");
}

/** Base64 of the gzip of the JSON array of items: a page's `itemsGzip`. */
export function gzipItems(items: readonly ChangeItem[]): string {
  return gzipJson(JSON.stringify(items));
}

const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Decodes a page's `itemsGzip` back into validated items. Throws MessageError naming
 * payload.itemsGzip (invalid), or too_large when it inflates past MAX_GUNZIPPED_ITEMS_BYTES.
 */
export function gunzipItems(b64: string): ChangeItem[] {
  const field = "payload.itemsGzip";
  if (b64.length % 4 !== 0 || !BASE64_RE.test(b64))
    throw new MessageError("invalid", field, "not valid base64");
  let raw: Uint8Array;
  try {
    raw = gunzipSync(Buffer.from(b64, "base64"), { maxOutputLength: MAX_GUNZIPPED_ITEMS_BYTES });
  } catch (e) {
    const err = e as { code?: string; message?: string };
    if (err.code === "ERR_BUFFER_TOO_LARGE" || e instanceof RangeError)
      throw new MessageError("too_large", field, `inflates past ${MAX_GUNZIPPED_ITEMS_BYTES} bytes`);
    throw new MessageError("invalid", field, `not valid gzip: ${err.message ?? String(e)}`);
  }
  if (raw.byteLength > MAX_GUNZIPPED_ITEMS_BYTES)
    throw new MessageError("too_large", field, `inflates past ${MAX_GUNZIPPED_ITEMS_BYTES} bytes`);
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(raw));
    const problem = jsonValueProblem(value);
    if (problem) throw new Error(`${problem.path}: ${problem.message}`);
  } catch (e) {
    throw new MessageError("invalid", field, `not valid UTF-8 JSON: ${(e as Error).message}`);
  }
  const parsed = z.array(ChangeItemV1).max(5000).safeParse(value);
  if (!parsed.success) {
    const { field: at, message } = firstIssue(parsed.error, field);
    throw new MessageError("invalid", at, message);
  }
  return parsed.data;
}

// Every envelope that crosses the wire is validated, so the schemas are compiled (zod's
// generated fast path: ~8x faster on a 5-line sale); input the fast path rejects is parsed
// again by the regular parser, so issues and messages are unchanged. Compiled on first use.
const compiledHead = z.compile(EnvelopeHead);
const compiledPayloads = new Map<string, z.ZodType>();
function payloadSchema(type: MessageType): z.ZodType {
  let schema = compiledPayloads.get(type);
  if (!schema) {
    schema = z.compile(MESSAGES[type].schema as z.ZodType);
    compiledPayloads.set(type, schema);
  }
  return schema;
}

/** Validates an already-decoded value as an envelope. */
export function validateEnvelope(value: unknown): AnyEnvelope {
  const head = compiledHead.safeParse(value);
  if (!head.success) {
    const { field, message } = firstIssue(head.error, "");
    throw new MessageError("invalid", field, message);
  }
  const env = head.data;
  const spec = MESSAGES[env.type as MessageType];
  if (!spec)
    throw new MessageError("unknown_type", "type", `unknown message type ${JSON.stringify(env.type)}`);
  if (env.v !== spec.v)
    throw new MessageError("unknown_version", "v", `${env.type} has no version ${env.v} (known: ${spec.v})`);
  if (spec.ledger && env.seq < 1)
    throw new MessageError("invalid", "seq", `${env.type} is a ledger event and needs seq >= 1`);
  if (!spec.ledger && env.seq !== 0)
    throw new MessageError("invalid", "seq", `${env.type} is not a ledger event; seq must be 0`);
  if (spec.dir === "up" && env.storeId === "*")
    throw new MessageError("invalid", "storeId", "a store message names its store");
  const payload = payloadSchema(env.type as MessageType).safeParse(env.payload);
  if (!payload.success) {
    const { field, message } = firstIssue(payload.error, "payload");
    throw new MessageError("invalid", field, message);
  }
  if (env.type === "day.digest") {
    // Consistency the schema cannot express: the ranges must add up to the counts (digest.ts).
    const problem = digestProblem(payload.data as Payload<"day.digest">);
    if (problem) throw new MessageError("invalid", `payload.${problem.field}`, problem.message);
  }
  return { ...env, payload: payload.data } as AnyEnvelope;
}

/** Types whose single envelope may fill a whole MQTT payload (a change-set page). */
const PAGE_TYPES: ReadonlySet<string> = new Set(["catalog.changeset"]);

/**
 * Parses one envelope from the wire (bytes or text). Throws MessageError. An envelope is at
 * most MAX_ENVELOPE_BYTES, except a change-set page, which may use the whole MQTT payload.
 */
export function parseEnvelope(raw: string | Uint8Array): AnyEnvelope {
  const size = byteLength(raw);
  const value = decodeJson(raw, MAX_MQTT_PAYLOAD_BYTES);
  if (size > MAX_ENVELOPE_BYTES) {
    const type = (value as { type?: unknown } | null)?.type;
    if (typeof type !== "string" || !PAGE_TYPES.has(type)) {
      throw new MessageError(
        "too_large",
        "",
        `message of ${size} bytes exceeds the ${MAX_ENVELOPE_BYTES}-byte limit`,
      );
    }
  }
  return validateEnvelope(value);
}

export type ParseResult = { ok: true; envelope: AnyEnvelope } | { ok: false; error: MessageError };

export function safeParseEnvelope(raw: string | Uint8Array): ParseResult {
  try {
    return { ok: true, envelope: parseEnvelope(raw) };
  } catch (e) {
    if (e instanceof MessageError) return { ok: false, error: e };
    throw e;
  }
}

export interface BatchRejection {
  index: number;
  error: MessageError;
  /** The offending element, re-serialised, for the dead-letter table. */
  raw: string;
}

/**
 * Parses an event batch: a JSON array of envelopes, one MQTT payload. A bad element is
 * rejected alone, so one broken event never stops the ones around it. Throws MessageError only
 * when the payload as a whole is unusable (too large, not JSON, not an array).
 */
export function parseEventBatch(raw: string | Uint8Array): {
  events: AnyEnvelope[];
  rejected: BatchRejection[];
} {
  const value = decodeJson(raw, MAX_MQTT_PAYLOAD_BYTES);
  if (!Array.isArray(value))
    throw new MessageError("invalid", "", "an event batch is a JSON array of envelopes");
  if (value.length > MAX_BATCH_EVENTS)
    throw new MessageError(
      "too_large",
      "",
      `an event batch of ${value.length} elements exceeds ${MAX_BATCH_EVENTS} envelopes`,
    );
  const events: AnyEnvelope[] = [];
  const rejected: BatchRejection[] = [];
  // A payload within the envelope limit cannot hold an element over it, so elements are
  // re-serialised and measured only in bigger batches (a store's steady state is one sale per
  // message: serialising it again cost as much as validating it).
  const measure = byteLength(raw) > MAX_ENVELOPE_BYTES;
  // Before anything re-serialises an element (JSON.stringify recurses): the whole payload is
  // refused if it nests deeper than MAX_JSON_DEPTH. Only on the paths that re-serialise, so a
  // batch of valid events pays nothing for it.
  let walked = false;
  const bounded = () => {
    if (walked) return;
    walked = true;
    const problem = jsonValueProblem(value);
    if (problem) throw new MessageError("bad_json", problem.path, problem.message);
  };
  if (measure) bounded();
  value.forEach((element, index) => {
    let text: string | undefined;
    try {
      if (measure) {
        text = JSON.stringify(element) ?? "null";
        if (byteLength(text) > MAX_ENVELOPE_BYTES)
          throw new MessageError(
            "too_large",
            "",
            `event of ${byteLength(text)} bytes exceeds ${MAX_ENVELOPE_BYTES}`,
          );
      }
      events.push(validateEnvelope(element));
    } catch (e) {
      if (!(e instanceof MessageError)) throw e;
      bounded();
      rejected.push({ index, error: e, raw: text ?? JSON.stringify(element) ?? "null" });
    }
  });
  return { events, rejected };
}

export interface EnvelopeInit {
  storeId: string;
  seq?: number;
  id?: string;
  /** Defaults to the time of the UUIDv7 or now. */
  occurredAt?: string;
}

/** Builds and validates an envelope; throws MessageError if the payload is not valid. */
export function makeEnvelope<T extends MessageType>(
  type: T,
  payload: Payload<T>,
  init: EnvelopeInit,
): Envelope<T> {
  const env = {
    v: MESSAGES[type].v,
    id: init.id ?? uuidv7(),
    type,
    storeId: init.storeId,
    seq: init.seq ?? 0,
    occurredAt: init.occurredAt ?? new Date().toISOString(),
    payload,
  };
  return validateEnvelope(env) as Envelope<T>;
}

/** Serialises an envelope and checks the size limit, so nothing oversized is ever sent. */
export function encodeEnvelope(env: Envelope): string {
  const text = JSON.stringify(env);
  const size = byteLength(text);
  const limit = PAGE_TYPES.has(env.type) ? MAX_MQTT_PAYLOAD_BYTES : MAX_ENVELOPE_BYTES;
  if (size > limit) throw new MessageError("too_large", "", `envelope of ${size} bytes exceeds ${limit}`);
  return text;
}

let lastMs = 0;
let counter = 0;

/**
 * RFC 9562 UUIDv7: 48-bit Unix ms, then 74 random bits; within one millisecond a 12-bit
 * counter in rand_a keeps ids from one process strictly increasing.
 */
export function uuidv7(
  nowMs: number = Date.now(),
  random: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b),
): string {
  const bytes = random(new Uint8Array(16));
  if (nowMs <= lastMs) {
    counter = (counter + 1) & 0xfff;
    if (counter === 0) lastMs++; // counter wrapped: borrow the next millisecond
    nowMs = lastMs;
  } else {
    lastMs = nowMs;
    counter = bytes[6]! & 0x03; // small random start leaves room to count up
  }
  const ms = BigInt(nowMs);
  for (let i = 0; i < 6; i++) bytes[i] = Number((ms >> BigInt(8 * (5 - i))) & 0xffn);
  bytes[6] = 0x70 | ((counter >> 8) & 0x0f);
  bytes[7] = counter & 0xff;
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The millisecond timestamp inside a UUIDv7. */
export function uuidv7Time(id: string): number {
  return Number.parseInt(id.replace(/-/g, "").slice(0, 12), 16);
}

/**
 * Canonical JSON (keys sorted) of a payload, so that "same id, different content" can be told
 * from a harmless duplicate by comparing strings or hashes.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const obj = value as Record<string, unknown>;
  return `{${Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`)
    .join(",")}}`;
}
