// The one place the terminal talks to the store edge: typed fetch calls on /api/v1 and the
// lane WebSocket. Shapes mirror the edge's answers (docs/store-edge.md); protocol types come in
// as `import type` only, so nothing of protocol's runtime (zod) reaches the bundle.
//
// The lane's routes and socket need the cashier's session: the token the sign-in answered goes
// along as `Authorization: Bearer <token>` on every call and as `?token=` on the socket (a
// browser cannot set headers there). A 401 or a socket closed with 4401 means the session is
// over (expired, signed in elsewhere): `onUnauthorized` tells the terminal.
import type {
  DeviceHealth,
  LaneMessage,
  LaneView,
  OrderAdjustment,
  PrintResolution,
  SaleCompleted,
  SaleReturned,
  UncertainPrint,
  Weight,
} from "@retail/protocol";

import type {
  EdgeStatus,
  JournalEntry,
  NearbyStock,
  PointsQuote,
  ProductCard,
  ReturnableLine,
  ReturnPreview,
  SaleOutcome,
  SearchHit,
  ShiftSummary,
  SignedIn,
  Supervisor,
  SupplyReply,
  Suspended,
  TenderKind,
  TenderResult,
  WalletKind,
} from "./edge-shapes.ts";

export type * from "./edge-shapes.ts";

/** The close code of a lane socket refused or ended for want of a valid session. */
export const WS_UNAUTHORIZED = 4401;

// The lane's session token is kept in localStorage, per lane: it survives a reload mid-basket
// and the customer display (same browser, second window) reads it to open the lane's socket.
const tokenKey = (lane: string) => `retail.session.lane.${lane}`;

export function loadToken(lane: string): string | undefined {
  try {
    return globalThis.localStorage?.getItem(tokenKey(lane)) ?? undefined;
  } catch {
    return undefined;
  }
}

export function saveToken(lane: string, token: string | undefined): void {
  try {
    if (token) globalThis.localStorage?.setItem(tokenKey(lane), token);
    else globalThis.localStorage?.removeItem(tokenKey(lane));
  } catch {
    // storage off (private mode): the session lasts as long as the page
  }
}

/** Whether a storage event is about this lane's token. */
export const isTokenKey = (lane: string, key: string | null) => key === tokenKey(lane);

/** An answer from the edge that is not a success: its code, the field at fault and its words. */
export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly status: number,
    readonly code: string,
    readonly field: string,
    message: string,
    /** A finer reason the edge gives (a coupon refusal: unknown, expired, spent...). */
    readonly reason?: string,
  ) {
    super(message);
  }
  /** A wallet payment without an answer yet: the id to query it again by. */
  get pendingPaymentId(): string | undefined {
    if (this.code !== "payment_pending") return undefined;
    return /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i.exec(this.message)?.[0];
  }
}

export class EdgeApi {
  /** The lane session's bearer token, sent on every call once signed in. */
  token: string | undefined;
  /** Called with every 401 (no valid session) before it is thrown. */
  onUnauthorized: ((e: ApiError) => void) | undefined;

  constructor(
    readonly base = "",
    private readonly fetchImpl: (url: string, init?: RequestInit) => Promise<Response> = (u, i) =>
      fetch(u, i),
  ) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    const headers: Record<string, string> = {};
    if (body !== undefined) headers["content-type"] = "application/json";
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    try {
      res = await this.fetchImpl(`${this.base}/api/v1${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch {
      throw new ApiError(0, "network", "", "the store server cannot be reached");
    }
    const text = await res.text();
    let data: unknown;
    try {
      data = text ? JSON.parse(text) : {};
    } catch {
      throw new ApiError(res.status, "bad_response", "", `unexpected answer (${res.status})`);
    }
    // The edge answers a pending wallet payment with 202 and an error body.
    const err = data as { error?: string; field?: string; message?: string; reason?: string };
    if (!res.ok || (typeof err.error === "string" && typeof err.message === "string")) {
      const e = new ApiError(
        res.status,
        err.error ?? "http",
        err.field ?? "",
        err.message ?? res.statusText,
        typeof err.reason === "string" ? err.reason : undefined,
      );
      if (res.status === 401) this.onUnauthorized?.(e);
      throw e;
    }
    return data as T;
  }

  private lanePath(lane: string, rest = ""): string {
    return `/lanes/${encodeURIComponent(lane)}${rest}`;
  }

  status = () => this.call<EdgeStatus>("GET", "/status");
  search = (q: string, limit = 12) =>
    this.call<{ hits: SearchHit[] }>("GET", `/catalog/search?q=${encodeURIComponent(q)}&limit=${limit}`);
  product = (sku: string) => this.call<ProductCard>("GET", `/products/${encodeURIComponent(sku)}`);
  nearby = (sku: string) => this.call<NearbyStock>("GET", `/stock/${encodeURIComponent(sku)}/nearby`);
  supply = (sku: string) => this.call<SupplyReply>("GET", `/stock/${encodeURIComponent(sku)}/supply`);
  requestTransfer = (lane: string, body: { sku: string; fromStoreId: string; qty: number }) =>
    this.call<{ transferId: string; status: string }>(
      "POST",
      this.lanePath(lane, "/transfer-requests"),
      body,
    );
  /** Any edge call with the lane's session (screens with their own call file: receiving-api.ts). */
  request = <T>(method: string, path: string, body?: unknown) => this.call<T>(method, path, body);
  sale = (receiptNo: string) => this.call<SaleCompleted>("GET", `/sales/${encodeURIComponent(receiptNo)}`);
  suspended = () => this.call<{ suspended: Suspended[] }>("GET", "/suspended");

  view = (lane: string) => this.call<LaneView>("GET", this.lanePath(lane));
  /** Signs in; the answer's `session.token` is what every further lane call needs. */
  login = (lane: string, cashierId: string, pin: string) =>
    this.call<SignedIn>("POST", this.lanePath(lane, "/login"), { cashierId, pin });
  logout = (lane: string) => this.call<LaneView>("POST", this.lanePath(lane, "/logout"));
  openShift = (lane: string, float: number) =>
    this.call<LaneView>("POST", this.lanePath(lane, "/shift/open"), { float });
  cashMove = (
    lane: string,
    b: { direction: "in" | "out"; amount: number; reason: string; supervisorId?: string; pin?: string },
  ) =>
    this.call<{ movementId: string; summary: ShiftSummary }>("POST", this.lanePath(lane, "/shift/cash"), b);
  xReport = (lane: string) =>
    this.call<ShiftSummary & { shiftId: string }>("GET", this.lanePath(lane, "/shift/x-report"));
  closeShift = (lane: string, denominations: Record<string, number>) =>
    this.call<ShiftSummary & { shiftId: string; counted: number; overShort: number }>(
      "POST",
      this.lanePath(lane, "/shift/close"),
      { denominations },
    );
  printXReport = (lane: string) =>
    this.call<{ receiptNo: string }>("POST", this.lanePath(lane, "/shift/x-report/print"));
  training = (lane: string, on: boolean, s: Supervisor) =>
    this.call<LaneView>("POST", this.lanePath(lane, "/training"), { on, ...s });

  scan = (lane: string, code: string) =>
    this.call<{ kind: string; lineId?: string; view: LaneView; sale?: SaleCompleted }>(
      "POST",
      this.lanePath(lane, "/scan"),
      { code },
    );
  addItem = (lane: string, sku: string, qty?: number) =>
    this.call<{ lineId: string; view: LaneView }>("POST", this.lanePath(lane, "/items"), {
      sku,
      ...(qty ? { qty } : {}),
    });
  setQty = (lane: string, lineId: string, qty: number) =>
    this.call<LaneView>("PATCH", this.lanePath(lane, `/lines/${lineId}`), { qty });
  /** The supervisor goes along in the body; the edge checks the code and PIN. */
  voidLine = (lane: string, lineId: string, s?: Supervisor) =>
    this.call<LaneView>("DELETE", this.lanePath(lane, `/lines/${lineId}`), s);
  override = (lane: string, lineId: string, price: number, reason: string, s: Supervisor) =>
    this.call<LaneView>("POST", this.lanePath(lane, `/lines/${lineId}/override`), { price, reason, ...s });
  /** A phone, or a scanned member code (MEMBER:<id>). */
  member = (lane: string, phoneOrCode: string) =>
    this.call<LaneView>(
      "POST",
      this.lanePath(lane, "/member"),
      /^MEMBER:/i.test(phoneOrCode) ? { code: phoneOrCode } : { phone: phoneOrCode },
    );
  memberSignUp = (
    lane: string,
    input: {
      phone: string;
      name?: string;
      membershipWording: string;
      marketing?: { granted: boolean; wording: string };
    },
  ) => this.call<LaneView>("POST", this.lanePath(lane, "/member/signup"), input);
  clearMember = (lane: string) => this.call<LaneView>("DELETE", this.lanePath(lane, "/member"));
  coupon = (lane: string, code: string) =>
    this.call<LaneView>("POST", this.lanePath(lane, "/coupons"), { code });
  removeCoupon = (lane: string, code: string) =>
    this.call<LaneView>("DELETE", this.lanePath(lane, `/coupons/${encodeURIComponent(code)}`));
  /** 整单折扣 / 抹零: without `s` only a signed-in supervisor or manager may (else 403 supervisorId). */
  adjustOrder = (lane: string, adjustment: OrderAdjustment, s?: Supervisor) =>
    this.call<LaneView>("POST", this.lanePath(lane, "/adjustment"), { ...adjustment, ...s });
  clearAdjustment = (lane: string) => this.call<LaneView>("DELETE", this.lanePath(lane, "/adjustment"));
  voidCart = (lane: string, s?: Supervisor) => this.call<LaneView>("POST", this.lanePath(lane, "/void"), s);
  suspend = (lane: string) =>
    this.call<{ suspendId: string; view: LaneView }>("POST", this.lanePath(lane, "/suspend"));
  recall = (lane: string, suspendId: string) =>
    this.call<LaneView>("POST", this.lanePath(lane, "/recall"), { suspendId });

  /** 积分抵现: what points may pay now, and the points tender (store-edge member/points.ts). */
  pointsQuote = (lane: string) => this.call<PointsQuote>("GET", this.lanePath(lane, "/points"));
  tenderPoints = (lane: string, amount?: number) =>
    this.call<TenderResult>("POST", this.lanePath(lane, "/points"), amount ? { amount } : {});
  tenderCash = (lane: string, received: number) =>
    this.call<TenderResult>("POST", this.lanePath(lane, "/tenders"), { kind: "cash", received });
  tenderCard = (lane: string, approvalCode: string, amount?: number) =>
    this.call<TenderResult>("POST", this.lanePath(lane, "/tenders"), {
      kind: "card",
      approvalCode,
      ...(amount ? { amount } : {}),
    });
  tenderWallet = (lane: string, kind: WalletKind, code: string, amount?: number) =>
    this.call<TenderResult>("POST", this.lanePath(lane, "/tenders"), {
      kind,
      code,
      ...(amount ? { amount } : {}),
    });
  queryPayment = (lane: string, paymentId: string) =>
    this.call<TenderResult>("POST", this.lanePath(lane, `/payments/${paymentId}/query`));
  /** Reverses / cancels a payment with no answer: "closed" if unpaid, "refunded" if it went through. */
  reversePayment = (lane: string, paymentId: string) =>
    this.call<{ view: LaneView; action: "closed" | "refunded" }>(
      "POST",
      this.lanePath(lane, `/payments/${paymentId}/reverse`),
    );

  startReturn = (lane: string, receiptNo: string) =>
    this.call<LaneView>("POST", this.lanePath(lane, "/returns"), { receiptNo });
  startReturnNoReceipt = (lane: string, reason: string, s: Supervisor) =>
    this.call<LaneView>("POST", this.lanePath(lane, "/returns"), { reason, ...s });
  returnable = (lane: string) =>
    this.call<{ lines: ReturnableLine[] }>("GET", this.lanePath(lane, "/returns/lines"));
  setReturnLine = (lane: string, lineId: string, units: number, restock = true) =>
    this.call<LaneView>("PUT", this.lanePath(lane, `/returns/lines/${lineId}`), { units, restock });
  /** No tender: back to the original sale's tenders. Cash for a non-cash sale needs `s`. */
  completeReturn = (lane: string, tender?: TenderKind, reason?: string, s?: Supervisor) =>
    this.call<{ returned: SaleReturned; view: LaneView }>("POST", this.lanePath(lane, "/returns/complete"), {
      ...(tender ? { tender } : {}),
      ...(reason ? { reason } : {}),
      ...s,
    });
  /** What the return in progress would refund, by the edge's own rule, before it is confirmed. */
  returnPreview = (lane: string) => this.call<ReturnPreview>("GET", this.lanePath(lane, "/returns/preview"));
  cancelReturn = (lane: string) => this.call<LaneView>("DELETE", this.lanePath(lane, "/returns"));
  reprint = (lane: string, receiptNo: string) =>
    this.call<{ ok: true }>("POST", this.lanePath(lane, "/reprint"), { receiptNo });
  /** The lane's last receipts, newest first (store-edge journal/journal.ts). */
  journal = (lane: string) => this.call<{ receipts: JournalEntry[] }>("GET", this.lanePath(lane, "/journal"));
  /** After a restart: what became of the cart the till was paying. */
  lastSale = (lane: string, cartId: string) =>
    this.call<SaleOutcome>("GET", this.lanePath(lane, `/last-sale?cartId=${encodeURIComponent(cartId)}`));

  devices = (lane: string) =>
    this.call<{
      devices: DeviceHealth[];
      weight: Weight | null;
      uncertainPrints?: UncertainPrint[];
      /** The lane's devices are simulators (the demo): the device panel can drive them. */
      simulated?: boolean;
    }>("GET", this.lanePath(lane, "/devices"));
  /** "printed": it is on the paper; "reprint": print it again as a marked copy (重印 REPRINT). */
  resolvePrint = (lane: string, jobId: number, resolution: PrintResolution) =>
    this.call<{ ok: true }>("POST", this.lanePath(lane, `/devices/printer/uncertain/${jobId}`), {
      resolution,
    });
  /** The demo's simulated scale: what is on it (grams) and whether the reading is stable. */
  simWeight = (lane: string, grams: number, stable: boolean) =>
    this.call<{ ok: true }>("POST", this.lanePath(lane, "/sim/weight"), { grams, stable });
  /** A no-sale: the drawer opens only with a supervisor's code and PIN. */
  noSale = (lane: string, s: Supervisor) =>
    this.call<{ ok: true }>("POST", this.lanePath(lane, "/devices/drawer"), s);
  /** A supervisor unlocks a cashier code locked by wrong PINs (no session needed). */
  unlockCode = (lane: string, cashierId: string, s: Supervisor) =>
    this.call<{ cashierId: string; wasLocked: boolean }>(
      "POST",
      this.lanePath(lane, `/staff/${encodeURIComponent(cashierId)}/unlock`),
      s,
    );
  scale = (lane: string, action: "zero" | "tare") =>
    this.call<{ ok: true }>("POST", this.lanePath(lane, `/devices/scale/${action}`));
}

/**
 * The lane's WebSocket: cart views, device events, sale and print results, pushed by the edge.
 * Reconnects with a capped backoff; `onState` tells the UI whether the lane is live. A close with
 * 4401 (no valid session) is final: `onUnauthorized` gets the edge's reason, no reconnect.
 */
export class LaneSocket {
  private ws: WebSocket | undefined;
  private closed = false;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private refusal: ApiError | undefined;

  constructor(
    private readonly url: string,
    private readonly onMessage: (m: LaneMessage) => void,
    private readonly onState: (open: boolean) => void,
    private readonly onUnauthorized: (e: ApiError) => void = () => {},
  ) {
    this.connect();
  }

  static urlFor(lane: string, token: string, loc: Location = location): string {
    return `${loc.protocol === "https:" ? "wss" : "ws"}://${loc.host}/api/v1/lanes/${encodeURIComponent(lane)}/ws?token=${encodeURIComponent(token)}`;
  }

  private connect(): void {
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.onopen = () => {
      this.attempt = 0;
      this.onState(true);
    };
    ws.onmessage = (e) => {
      let m: LaneMessage;
      try {
        m = JSON.parse(String(e.data)) as LaneMessage;
      } catch {
        return; // not ours to crash on: the edge sends JSON
      }
      // The refusal comes just before the 4401 close: kept to say why.
      if (m.type === "error" && m.code === "unauthorized") {
        this.refusal = new ApiError(401, m.code, m.field, m.message);
        return;
      }
      this.onMessage(m);
    };
    ws.onclose = (e) => {
      this.onState(false);
      if (this.closed) return;
      if (e.code === WS_UNAUTHORIZED) {
        this.closed = true;
        this.onUnauthorized(
          this.refusal ?? new ApiError(401, "unauthorized", "token", e.reason || "the session ended"),
        );
        return;
      }
      const delay = Math.min(5000, 250 * 2 ** this.attempt++);
      this.timer = setTimeout(() => this.connect(), delay);
    };
  }

  /** A keyboard-wedge scan typed into the terminal, sent over the socket. */
  sendScan(code: string): boolean {
    if (this.ws?.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify({ type: "scan", code }));
    return true;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.ws?.close();
  }
}
