// Typed fetch client for the hub's admin API (same origin, /api/v1). Every failure becomes an
// ApiError carrying the HTTP status, the hub's error code, the field at fault (400) and the
// reason (403/409), so screens can say what went wrong in plain words. A 401 ends the session.
import { errorFrom } from "./errors.ts";
import { session } from "./session.svelte.ts";

export { ApiError, errorFrom, qs } from "./errors.ts";

export async function call<T>(
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
  path: string,
  body?: unknown,
  opts: { csv?: boolean; token?: string } = {},
): Promise<T> {
  const token = opts.token ?? session.token;
  const res = await fetch(`/api/v1${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { "content-type": opts.csv ? "text/csv" : "application/json" }),
    },
    ...(body === undefined ? {} : { body: opts.csv ? String(body) : JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) {
    const err = errorFrom(res.status, text);
    if (res.status === 401 && !opts.token) session.expire();
    // The hub says an auditor is read-only; remember it so write buttons go away.
    if (res.status === 403 && /read-only/.test(err.message)) session.readOnly = true;
    throw err;
  }
  return (text ? JSON.parse(text) : undefined) as T;
}

export const get = <T>(path: string) => call<T>("GET", path);
export const post = <T>(path: string, body?: unknown) => call<T>("POST", path, body ?? {});
export const put = <T>(path: string, body: unknown) => call<T>("PUT", path, body);

/** GET /api/v1/me: who the token belongs to. */
export interface Me {
  name: string;
  role: "hq_admin" | "regional_manager" | "auditor";
  region?: string;
  canWrite: boolean;
}

// Shapes the hub returns (hq-hub/src/http/app.ts; snake_case where the API shows table rows).
export interface Store {
  id: string;
  name: string;
  region: string;
  address: string;
  ring: string;
  enrollmentState: string;
  createdAt: string;
  enrolledAt?: string;
}
export interface DeviceHealth {
  laneId: string;
  kind: string;
  device: string;
  state: string;
  reason?: string;
}
export interface FleetRow {
  storeId: string;
  name: string;
  region: string;
  ring: string;
  enrollmentState: string;
  state: string;
  ackedSeq: number;
  lastSeenAt?: string;
  appVersion?: string;
  catalogVersion?: number;
  outboxBacklog?: number;
  devices: DeviceHealth[];
  /** The edge database the store last said hello from. */
  instanceId?: string;
  /** Open alerts of a restored, replaced or re-enrolled edge. */
  openResyncs?: number;
  /** Open fleet alerts of the store (session takeovers). */
  openAlerts?: number;
  /** A credential rotation the store has not completed yet. */
  rotationPendingSince?: string;
}
/** GET /api/v1/fleet/alerts: a session takeover of a store, or an address refused enrollment. */
export interface FleetAlert {
  id: number;
  kind: "session_takeover" | "enrollment_rate_limited" | "till_pin_abuse" | "edge_storage";
  storeId?: string;
  subject: string;
  openedAt: string;
  lastAt: string;
  count: number;
  detail: {
    newAddress?: string;
    oldAddress?: string;
    addresses?: string[];
    flapping?: boolean;
    /** till_pin_abuse: codes locked, LAN addresses throttled, the last of them. */
    locks?: number;
    throttles?: number;
    lastLane?: string;
    lastDetail?: string;
    address?: string;
    wrongCodes?: number;
    /** edge_storage: SQLite's code and the writes refused so far. */
    lastError?: string;
    failures?: number;
  };
  closedAt?: string;
}
/** GET /api/v1/fleet/resyncs: a restored, replaced or re-enrolled edge (docs/sync.md). */
export interface ResyncAlert {
  id: number;
  storeId: string;
  kind: "replaced" | "behind" | "diverged" | "re_enrolled";
  hqMaxSeq: number;
  shift: number;
  lost: { from: number; to: number }[];
  /** Seqs the database that is gone had numbered but HQ never received (its last status). */
  unreceived?: { from: number; to: number };
  detail: string;
  at: string;
  status: "open" | "resolved";
}
export type Target =
  | { kind: "all" }
  | { kind: "region"; regions: string[] }
  | { kind: "ring"; ring: "pilot" | "general" }
  | { kind: "stores"; stores: string[] };
export interface Changeset {
  id: number;
  version: number | null;
  state: string;
  target: Target;
  promoted: boolean;
  effectiveAt: string | null;
  description: string;
  createdBy: string;
  createdAt: string;
}
export interface ChangesetDetail {
  changeset: Changeset;
  /** position: where the change set sits in the store's release log; applied: the store is at or past it. */
  stores: { storeId: string; position: number; applied: boolean; appliedVersion: number }[];
  auditTrail: { action: string; actor: string; at: string; detail: string }[];
}
export interface ImportJob {
  id: string;
  kind: string;
  state: string;
  totalRows: number;
  processedRows: number;
  percent: number;
  errors: { row: number; column: string; reason: string }[];
  changesetId: number | null;
}
export interface DeadLetter {
  id: number;
  store_id: string | null;
  seq: number | null;
  topic: string;
  reason: string;
  field: string;
  raw: string;
  received_at: string;
  status: string;
  resolved_by: string | null;
  resolved_at: string | null;
}
/** A store event HQ holds against another committed under its seq or id (GET /conflicts). */
export interface EventConflict {
  id: number;
  store_id: string;
  seq: number;
  event_id: string;
  existing_event_id: string;
  reason: "same_seq_different_content" | "same_id_different_content";
  received_at: string;
  status: "open" | "take_store" | "keep_hq" | "keep_both" | string;
  resolved_by: string | null;
  resolved_at: string | null;
  note: string | null;
  applied_event_id: string | null;
  applied_doc_id: string | null;
}
/** One conflict with both versions (GET /conflicts/{id}). */
export interface EventConflictDetail extends EventConflict {
  committed: {
    eventId: string;
    found: boolean;
    type?: string;
    receivedAt?: string;
    document?:
      | { kind: "sale"; sale: { receipt_no: string; net_fen: number; lines?: unknown[] } }
      | { kind: "return"; ret: Record<string, unknown> }
      | { kind: "training"; training: Record<string, unknown> };
  };
  incoming: {
    id: string;
    type: string;
    seq: number;
    payload: { receiptNo?: string; totals?: { net: number }; lines?: unknown[] };
  };
  audit: { choice: string; actor: string; at: string; note: string | null }[];
}
export interface SaleRow {
  sale_id: string;
  receipt_no: string;
  lane_id: string;
  cashier_id: string;
  business_day: string;
  gross_fen: number;
  discount_fen: number;
  net_fen: number;
  tax_fen: number;
  completed_at: string;
}
export interface SaleDetail extends SaleRow {
  lines: {
    line_id: string;
    sku: string;
    qty: number;
    unit_price_fen: number;
    gross_fen: number;
    discount_fen: number;
    net_fen: number;
    tax_fen: number;
  }[];
  tenders: { idx: number; kind: string; amount_fen: number; reference: string | null }[];
}
export interface Movement {
  id: number;
  qty_delta: number;
  kind: string;
  ref: string;
  at: string;
}
export interface SalesReport {
  rows: ({ key: string; label: string } & Totals)[];
  totals: Totals;
  /** Stores left out because their figures are beyond exact integers (the money caps). */
  excluded?: ExcludedStore[];
}
export interface ExcludedStore {
  storeId: string;
  reason: string;
}
/** A store's business day finance could not post, with the reason (retried on every run). */
export interface FinanceFailure {
  storeId: string;
  businessDay: string;
  reason: string;
  failedAt: string;
  triedAt: string;
}
export interface Totals {
  saleCount: number;
  returnCount: number;
  grossFen: number;
  discountFen: number;
  netFen: number;
  taxFen: number;
  refundFen: number;
}
export interface Voucher {
  id: number;
  storeId: string;
  businessDay: string;
  postedAt: string;
  memo: string;
  lines: { account: string; accountName: string; debitFen: number; creditFen: number }[];
  debitFen: number;
  creditFen: number;
}

/** GET /api/v1/stores/{id}/replenishment/suggestions (hq-hub/src/replenishment/plan.ts). */
export interface SuggestionList {
  storeId: string;
  windowDays: number;
  reviewDays: number;
  items: ({
    sku: string;
    name: string | null;
    onHand: number;
    onOrder: number;
    reorderPoint: number;
    soldUnits: number;
    position: number;
  } & (
    | { order: true; qty: number; supplierId: string; targetLevel: number }
    | {
        order: false;
        reason: "above_reorder_point" | "no_supplier" | "supplier_inactive";
        supplierId?: string;
      }
  ))[];
}

export type OrderStatus = "draft" | "ordered" | "received" | "closed" | "cancelled";
export interface PurchaseOrder {
  id: string;
  storeId: string;
  supplierId: string;
  status: OrderStatus;
  note: string | null;
  createdBy: string;
  createdAt: string;
  orderedBy: string | null;
  orderedAt: string | null;
  expectedAt: string | null;
  endedBy: string | null;
  endedAt: string | null;
  lines: { sku: string; qty: number; received: number; outstanding: number }[];
  discrepancies: { unexpected: { sku: string; qty: number }[]; otherStoreReceipts: number };
}

/** GET /api/v1/finance/periods. */
export interface Period {
  period: string;
  status: "open" | "closed";
  closedAt: string | null;
  closedBy: string | null;
  vouchers: number;
  debitFen: number;
}

export interface Supplier {
  id: string;
  name: string;
  leadTimeDays: number;
  minOrderQty: number;
  packSize: number;
  active: boolean;
  createdAt: string;
  updatedAt: string | null;
  deactivatedBy: string | null;
  deactivatedAt: string | null;
}

/** GET /api/v1/tokens: an issued token, never its secret. */
export interface TokenRow {
  id: number;
  name: string;
  role: "hq_admin" | "regional_manager" | "auditor";
  region: string | null;
  createdAt: string;
  revokedAt: string | null;
  revokedBy: string | null;
}

/** GET /api/v1/completeness: one cell per store-day with a digest or with receipts at HQ. */
export type DayStatus = "complete" | "incomplete" | "pending" | "no_digest";
export interface CompletenessCell {
  storeId: string;
  businessDay: string;
  status: DayStatus;
  final: boolean;
  storeCount?: number;
  hqCount: number;
  missing: number;
  extra: number;
  later: number;
}
export interface CompletenessGrid {
  from: string;
  to: string;
  days: string[];
  stores: { id: string; name: string }[];
  cells: CompletenessCell[];
}
export interface DaySummary {
  receiptCount: number;
  sales: { count: number; net: number; tax: number };
  returns: { count: number; refund: number };
}
/** GET /api/v1/completeness/{storeId}/{day}. */
export interface DayDetail {
  storeId: string;
  businessDay: string;
  status: DayStatus;
  final?: boolean;
  asOf?: string;
  store?: DaySummary;
  hq: DaySummary;
  missing?: string[];
  extra?: string[];
  later?: string[];
  mismatches?: { field: string; store: number | string; hq: number | string }[];
  listed?: boolean;
}
/** GET /api/v1/completeness/month/{period}. */
export interface MonthProof {
  period: string;
  complete: boolean;
  storeDays: number;
  through: string;
  problems: { storeId: string; businessDay: string; status: string; missing: number; extra: number }[];
}

/** A one-time coupon used by two sales (GET /coupons/conflicts). */
export interface CouponConflict {
  id: number;
  code: string;
  first: { storeId: string; saleId: string; at: string };
  second: { storeId: string; saleId: string; at: string };
  detectedAt: string;
  status: "open" | "resolved";
  resolvedBy: string | null;
  resolvedAt: string | null;
  note: string | null;
}
