// The store edge's lane API shapes (HTTP answers and the lane WebSocket's cart message), as
// the terminal reads them. Types only: the edge builds these, the terminal imports them with
// `import type`, so one definition serves both and they cannot drift apart.
import type { SaleLine, Tender } from "./messages/sale.ts";
import type { OrderAdjustment, PriceResult } from "./pricing/index.ts";

export interface CartLine {
  lineId: string;
  sku: string;
  name: string;
  barcode?: string;
  category: string;
  /** Units, or grams when weighed. */
  qty: number;
  weighed: boolean;
  /** Fen per unit, or fen per kg when weighed. */
  unitPrice: number;
  taxRate: SaleLine["taxRate"];
  priceVersion: number;
  override?: { catalogPrice: number; supervisorId: string; reason: string };
}

export interface CartMember {
  id: string;
  tier: string;
  phone: string;
  name?: string;
}

/** A return being built: against a receipt (original set) or without one (supervisor). */
export interface ReturnDraft {
  original?: { saleId: string; receiptNo: string; storeId: string };
  supervisorId?: string;
  reason: string;
  /** Against a receipt: original line id -> units to return and whether they go back on the shelf. */
  lines: { lineId: string; units: number; restock: boolean }[];
  /** The refund number given to the wallet provider (kept so a retry never refunds twice). */
  refundNo?: string;
  /** The refund's tenders as sent under `refundNo`: the return is fixed from then on. */
  refundTenders?: { kind: "cash" | "card" | "wechat" | "alipay" | "voucher" | "points"; amount: number }[];
}

export interface Cart {
  cartId: string;
  startedAt: string;
  nextLine: number;
  lines: CartLine[];
  member?: CartMember;
  coupons: string[];
  tenders: Tender[];
  return?: ReturnDraft;
  /** 整单折扣 / 抹零 as entered, priced by the engine after promotions, and who allowed it. */
  adjustment?: OrderAdjustment & { approvedBy: string };
}

export interface LaneView {
  lane: string;
  cashier?: { id: string; name: string; role: string };
  shift?: { shiftId: string; openedAt: string; float: number; training: boolean };
  training: boolean;
  mode: "sale" | "return";
  cart: Cart;
  priced: PriceResult;
  due: number;
  paid: number;
  remaining: number;
  paymentInFlight?: string;
  /** Wallet payments of this cart with no answer yet (e.g. the edge restarted while waiting):
   * query them before taking another tender. */
  unansweredPayments?: { paymentId: string; provider: string; amount: number }[];
  catalogVersion: number;
  /** Names of the promotions that applied, for the screens (promotions are priced by id). */
  promotions: Record<string, { kind: string; name?: string; nameEn?: string }>;
}

/** A lane device, as the lane's device events and health name it. */
export type LaneDeviceKind = "scanner" | "scale" | "printer" | "drawer" | "display";

/** A scale reading: whole grams, and whether the scale reports it as settled. */
export interface Weight {
  grams: number | undefined;
  stable: boolean;
  /** The scale's own status, when a real scale protocol reports it (bridge lanes). */
  status?: "stable" | "motion" | "over_capacity" | "under_zero" | "not_zeroed";
}

export interface DeviceHealth {
  kind: LaneDeviceKind;
  device: string;
  state: "connected" | "ready" | "error" | "absent";
  reason?: string;
}

export type PrintResolution = "printed" | "reprint";

/** A receipt that may or may not be on the paper: not printed again until a person says. */
export interface UncertainPrint {
  jobId: number;
  receiptNo: string;
  reason: string;
  /** ISO time the receipt was queued. */
  queuedAt: string;
}

/** What a lane's devices report, forwarded to the terminal in a `device` lane message. */
export type DeviceEvent =
  | { type: "scan"; code: string; aim?: string }
  | { type: "weight"; weight: Weight }
  | { type: "printer"; online: boolean; paperOut: boolean; coverOpen: boolean; paperNearEnd?: boolean }
  | { type: "drawer"; open: boolean }
  | { type: "health"; health: DeviceHealth }
  /** Sent in full but never confirmed (link lost before the printer's answer): maybe on paper. */
  | { type: "print-uncertain"; print: UncertainPrint }
  | { type: "print-resolved"; jobId: number; receiptNo: string; resolution: PrintResolution };

/** One message on the lane WebSocket (/api/v1/lanes/:lane/ws), edge to terminal. */
export type LaneMessage =
  | { type: "cart"; view: LaneView }
  | { type: "device"; event: DeviceEvent }
  | { type: "error"; code: string; field: string; message: string }
  | { type: "sale"; receiptNo: string; saleId: string; change: number; training: boolean }
  | { type: "print"; receiptNo: string; ok: boolean; error?: string };
