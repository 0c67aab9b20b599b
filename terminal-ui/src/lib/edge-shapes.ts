// What the store edge's lane API answers, as the terminal reads it (docs/store-edge.md): the
// journal, status, search, stock, shift and return shapes. Types only; the shapes the edge
// builds from protocol (cart, lane view, lane messages, device events) come from protocol.
import type { LaneView, Payload, Product, SaleCompleted, Tender } from "@retail/protocol";

export type TenderKind = Tender["kind"];
export type WalletKind = "wechat" | "alipay";

// Cart, lane view, lane messages and device events come from protocol: the edge builds exactly
// these types.
export type {
  Cart,
  CartLine,
  DeviceEvent,
  DeviceHealth,
  LaneMessage,
  LaneView,
  PrintResolution,
  UncertainPrint,
  Weight,
} from "@retail/protocol";

/** One receipt of the lane's journal (GET /lanes/:lane/journal). */
export interface JournalEntry {
  receiptNo: string;
  saleId: string;
  completedAt: string;
  cashierId: string;
  net: number;
  lines: number;
  tenders: string[];
  training: boolean;
}

/** GET /lanes/:lane/last-sale?cartId=: committed (with the receipt) or not, basket restored. */
export type SaleOutcome = { last: JournalEntry | null } & (
  | { outcome: "committed"; sale: JournalEntry }
  | {
      outcome: "not_committed";
      basketRestored: boolean;
      lines: number;
      cartId: string;
      afterRestart: boolean;
    }
  | { outcome: "unknown" }
);

export interface EdgeStatus {
  store: { storeId: string; name: string; enrolled: boolean; hq?: string };
  link: { state: "disabled" | "connecting" | "online" | "offline"; since?: string; lastError?: string };
  catalog: {
    applied: number;
    pointer?: number;
    collecting?: { kind: string; version: number; pages: number; have: number };
    appliedAt?: string;
  };
  outbox: { lastSeq: number; ackedUpTo: number; backlog: number; oldestUnackedAgeSec?: number };
  /** The edge database and the last time HQ found it restored or replaced (docs/sync.md). */
  identity?: {
    instanceId: string;
    lastResync?: { kind: string; at: string; moved: number; hqMaxSeq: number };
  };
  lanes: string[];
  /** Lanes locked from HQ (remote command lock_lane), with HQ's reason: the till's lock screen. */
  locks?: { lane: string; reason?: string; at: string }[];
  stockAlerts: number;
  at: string;
}

export interface SearchHit {
  sku: string;
  name: string;
  matched: "barcode" | "sku" | "plu" | "pinyin" | "name";
}

export type Replenishment = Payload<"replenishment.status">["items"][number];
export type NearbyStock = Payload<"stock.reply">;
export type SupplyReply = Payload<"supply.reply">;
/** A delivery the store waits for (GET /stock/deliveries: its own copy of HQ's orders). */
export interface Delivery {
  purchaseOrderId: string;
  status: "ordered" | "in_transit";
  expectedAt: string | null;
  lines: { sku: string; name: string; expected: number }[];
}
/** What a scanned code counts as (GET /codes/:code): a case code counts its units. */
export interface ScannedCode {
  sku: string;
  name: string;
  unit: string;
  weighed: boolean;
  qty: number;
  pack?: { qty: number; name: string };
}
export type TillTransfer = Payload<"transfers.reply">["transfers"][number];

export interface ProductCard {
  product: Product;
  price: { price: number; source?: string } | null;
  barcodes: string[];
  onHand: number;
  replenishment: Replenishment | null;
}

export interface ShiftSummary {
  float: number;
  sales: { count: number; net: number };
  returns: { count: number; refund: number };
  byTender: Partial<Record<TenderKind, number>>;
  cashIn: number;
  cashOut: number;
  expectedCash: number;
  /** Present on the X report and the close (edges before the counts omit it). */
  counts?: ShiftCounts;
}

export interface ReturnPreview {
  lines: { lineId: string; sku: string; qty: number; units: number; refund: number; tax: number }[];
  totals: { refund: number; tax: number };
}

/** Loss-prevention counts of a shift (X and Z reports). */
export interface ShiftCounts {
  voids: { lines: number; sales: number; amount: number };
  discounts: { sales: number; amount: number };
  refunds: { count: number; amount: number };
}

export interface ReturnableLine {
  lineId: string;
  sku: string;
  name: string;
  units: number;
  returned: number;
  left: number;
  net: number;
  refunded: number;
}

export interface Suspended {
  id: string;
  lane: string;
  suspendedAt: string;
  lines: number;
}

export interface Supervisor {
  supervisorId: string;
  pin: string;
}

export type TenderResult = { view: LaneView; sale?: SaleCompleted; paymentId?: string };

/** What member points may pay on the lane's sale (store-edge member/points.ts PointsQuote). */
export interface PointsQuote {
  memberId: string;
  balance: number;
  rule: { enabled: boolean; pointsPerYuan: number; maxSharePercent: number; minBalance: number };
  maxFen: number;
  maxPoints: number;
  reason?: "off" | "min_balance" | "no_balance" | "paid" | "share";
}

/** The sign-in's answer: the lane view and the session's bearer token. */
export type SignedIn = LaneView & { session: { token: string; idleSeconds: number } };
