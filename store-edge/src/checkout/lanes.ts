// Checkout for every lane of the store: each lane has its own cart, cashier, shift and
// devices. Domain rules live in the pure modules beside this one (cart, tender, returns,
// shift); this file loads, persists and commits. Every cart change is saved before the call
// returns (kill -9 mid-basket loses nothing); a sale is one transaction with its lines,
// tenders, stock movements and outbox event; printing and payment providers are awaited per
// lane, never holding up another lane.
import {
  type Cashier,
  formatFieldPath,
  formatReceiptNo,
  formatYuanPlain,
  isAdjustmentDiscount,
  type LaneView,
  lineGross,
  OrderAdjustmentV1,
  type ParsedScan,
  type Payload,
  type PriceResult,
  PricingError,
  type PriorReturns,
  type Promotion,
  parseScan,
  type SaleCompleted,
  type SaleLine,
  type SaleReturned,
  type ScaleLabelLayout,
  type Tender,
  uuidv7,
} from "@retail/protocol";
import { and, asc, eq, sql, sum } from "drizzle-orm";
import type { CatalogReplica } from "../catalog/replica.ts";
import { businessDay, type Clock } from "../clock.ts";
import {
  couponRefused,
  oneTime,
  pricingCart,
  qualifies,
  requireUsable,
  spentCoupons,
} from "../coupons/coupons.ts";
import { crashPoint } from "../crash.ts";
import {
  carts,
  cashMovements,
  couponRedemptions,
  coupons,
  lanes,
  payments,
  returnLines,
  returns,
  saleLines,
  sales,
  shifts,
  suspended,
  tenders,
} from "../db/schema.ts";
import type { EdgeDb } from "../db.ts";
import type { DeviceEvent, LaneDevices, ReceiptDoc } from "../devices/port.ts";
import { adjustmentLines, qtyText } from "../devices/receipt.ts";
import { conflict, EdgeError, forbidden, invalid, notFound } from "../errors.ts";
import type { Outbox } from "../outbox/outbox.ts";
import { nextReceiptCounter } from "../outbox/receipt-floor.ts";
import type { PaymentProvider, PayResult } from "../payments/provider.ts";
import { plantedBug } from "../plant.ts";
import { type PinPurpose, PinVerifier, type SourceLimits } from "../staff/verify-pin.ts";
import type { StockLedger } from "../stock.ts";
import {
  addCoupon,
  addLine,
  buildSale,
  type Cart,
  emptyCart,
  gramsForLabelPrice,
  type NewLine,
  overridePrice,
  priceCart,
  priceCartChecked,
  removeCoupon,
  setMember,
  setQty,
  voidLine,
} from "./cart.ts";
import { clearAdjustment, keepAdjustment, roleMayAdjust, setAdjustment } from "./order-adjustment.ts";
import { planRefund, type RefundPlan, refundedByKind } from "./refund.ts";
import { planReturn, type ReturnPlan, returnable, shelfRefund } from "./returns.ts";
import { DEFAULT_SESSION_IDLE_MS, LaneSessions, LOCK_MS } from "./sessions.ts";
import { countTotal, overShort, type ShiftSummary, summarize } from "./shift.ts";
import { type ShiftCounts, shiftCounts } from "./shift-counts.ts";
import { shiftReportDoc } from "./shift-report.ts";
import { cardTender, cashTender, paid, remaining, walletAmount, walletTender } from "./tender.ts";

interface LaneRecord {
  cashierId?: string;
  shiftId?: string;
  training: boolean;
}

export type { LaneView } from "@retail/protocol";

export type LaneMessage =
  | { type: "cart"; view: LaneView }
  | { type: "device"; event: DeviceEvent }
  | { type: "error"; code: string; field: string; message: string }
  | { type: "sale"; receiptNo: string; saleId: string; change: number; training: boolean }
  | { type: "print"; receiptNo: string; ok: boolean; error?: string };

interface LaneRuntime {
  id: string;
  record: LaneRecord;
  cart: Cart;
  devices: LaneDevices;
  listeners: Set<(m: LaneMessage) => void>;
  paymentInFlight?: string;
  unsubscribe: () => void;
  priced?: { cart: Cart; promos: Promotion[]; result: PriceResult };
}

export interface CheckoutDeps {
  db: EdgeDb;
  outbox: Outbox;
  replica: CatalogReplica;
  stock: StockLedger;
  clock: Clock;
  storeId: () => string;
  devicesFor: (lane: string) => LaneDevices;
  payments: PaymentProvider;
  paymentTiming: { timeoutMs: number; queryIntervalMs: number; queryAttempts: number };
  scaleLayouts?: readonly ScaleLabelLayout[];
  /** Called after a commit that appended to the outbox (wakes the publisher). */
  onLedger: () => void;
  /** A cashier's LAN session ends after this long without use (default 12 h). */
  sessionIdleMs?: number;
  /** How long 5 wrong PINs in a row lock a cashier code (default LOCK_MS, 5 min). */
  pinLockMs?: number;
  /** Per-source PIN limits (staff/verify-pin.ts; defaults DEFAULT_SOURCE_LIMITS). */
  pinSourceLimits?: Partial<SourceLimits>;
  /** Cash-outs above this many fen need a supervisor (store-edge.json cash.payoutSupervisorAboveFen). */
  payoutSupervisorAboveFen?: number;
  log?: (msg: string) => void;
}

/** What a sign-in answers: the lane view and the session's bearer token (shown only here). */
export type SignedIn = LaneView & { session: { token: string; idleSeconds: number } };

export interface ScanOutcome {
  kind: ParsedScan["kind"];
  lineId?: string;
  view: LaneView;
  sale?: SaleCompleted;
}

const LANE_RE = /^[0-9]{1,2}$/;
/** Cash-outs above ¥100 need a supervisor unless store-edge.json says otherwise. */
export const DEFAULT_PAYOUT_SUPERVISOR_ABOVE_FEN = 10_000;

export class Checkout {
  private readonly lanes = new Map<string, LaneRuntime>();
  /** Cart ids read back from disk at start -> the id the restored basket has now (one per lane). */
  readonly restoredCarts = new Map<string, string>();
  /** Statements on the scan path (every cart change and view), prepared once. */
  private readonly q;
  /** Cashier sessions of the LAN API: who may drive which lane (sessions.ts). */
  readonly sessions: LaneSessions;
  /** Every PIN the till accepts is checked here (staff/verify-pin.ts). */
  readonly pins: PinVerifier;
  private readonly sweepTimer: ReturnType<typeof setInterval>;

  constructor(private readonly d: CheckoutDeps) {
    this.sessions = new LaneSessions(
      d.db,
      d.clock,
      d.sessionIdleMs ?? DEFAULT_SESSION_IDLE_MS,
      (id) => this.lookup.cashiers.get(id)?.status === "active",
      d.pinLockMs ?? LOCK_MS,
    );
    this.pins = new PinVerifier({
      db: d.db,
      sessions: this.sessions,
      cashier: (id) => this.lookup.cashiers.get(id),
      noCashiers: () => this.lookup.cashiers.size === 0,
      clock: d.clock,
      audit: (a) => this.audit(a),
      log: d.log ?? (() => {}),
      ...(d.pinSourceLimits ? { limits: d.pinSourceLimits } : {}),
    });
    // Idle sessions are ended (and their lane sockets closed) even when nobody calls.
    this.sweepTimer = setInterval(() => this.sessions.sweep(), 30_000);
    this.sweepTimer.unref?.();
    const db = d.db.d;
    const p = sql.placeholder;
    this.q = {
      saveCart: db
        .insert(carts)
        .values({ lane: p("lane"), data: p("data"), updatedAt: p("updatedAt") })
        .onConflictDoUpdate({
          target: carts.lane,
          set: { data: sql`excluded.data`, updatedAt: sql`excluded.updated_at` },
        })
        .prepare(),
      saveRecord: db
        .insert(lanes)
        .values({ lane: p("lane"), data: p("data") })
        .onConflictDoUpdate({ target: lanes.lane, set: { data: sql`excluded.data` } })
        .prepare(),
      shift: db
        .select()
        .from(shifts)
        .where(eq(shifts.shiftId, p("shiftId")))
        .prepare(),
      unanswered: db
        .select({ paymentId: payments.paymentId, provider: payments.provider, amount: payments.amountFen })
        .from(payments)
        .where(and(eq(payments.cartId, p("cartId")), eq(payments.status, "pending")))
        .prepare(),
      // The sale commit's statements.
      insertSale: db
        .insert(sales)
        .values({
          saleId: p("saleId"),
          receiptNo: p("receiptNo"),
          lane: p("lane"),
          shiftId: p("shiftId"),
          training: p("training"),
          businessDay: p("businessDay"),
          netFen: p("netFen"),
          taxFen: p("taxFen"),
          completedAt: p("completedAt"),
          data: p("data"),
        })
        .prepare(),
      insertLine: db
        .insert(saleLines)
        .values({
          saleId: p("saleId"),
          lineId: p("lineId"),
          sku: p("sku"),
          qty: p("qty"),
          weighed: p("weighed"),
          netFen: p("netFen"),
          taxFen: p("taxFen"),
          priceVersion: p("priceVersion"),
        })
        .prepare(),
      insertTender: db
        .insert(tenders)
        .values({
          saleId: p("saleId"),
          idx: p("idx"),
          kind: p("kind"),
          amountFen: p("amountFen"),
          receivedFen: p("receivedFen"),
          changeFen: p("changeFen"),
          reference: p("reference"),
        })
        .prepare(),
      paymentsUsed: db
        .update(payments)
        .set({ status: "used" })
        .where(and(eq(payments.cartId, p("cartId")), eq(payments.status, "approved")))
        .prepare(),
      saleByReceipt: db
        .select({ data: sales.data })
        .from(sales)
        .where(eq(sales.receiptNo, p("receiptNo")))
        .prepare(),
    };
  }

  private get lookup() {
    return this.d.replica.lookup;
  }

  private now(): { ms: number; iso: string } {
    const ms = this.d.clock.now();
    return { ms, iso: new Date(ms).toISOString() };
  }

  lane(id: string): LaneRuntime {
    if (!LANE_RE.test(id)) throw invalid("lane", "a lane is 1-2 digits");
    const rt = this.lanes.get(id);
    if (rt) return rt;
    const db = this.d.db.d;
    const recRow = db.select({ data: lanes.data }).from(lanes).where(eq(lanes.lane, id)).get();
    const cartRow = db.select({ data: carts.data }).from(carts).where(eq(carts.lane, id)).get();
    const devices = this.d.devicesFor(id);
    const saved = cartRow ? (JSON.parse(cartRow.data) as Cart) : undefined;
    const runtime: LaneRuntime = {
      id,
      record: recRow ? JSON.parse(recRow.data) : { training: false },
      cart: saved ? this.reloadedCart(saved) : emptyCart(uuidv7(), this.now().iso),
      devices,
      listeners: new Set(),
      unsubscribe: () => {},
    };
    runtime.unsubscribe = devices.subscribe((e) => this.onDevice(runtime, e));
    // The till asks after a restart what became of the cart it was paying (journal/outcome.ts).
    if (saved) this.restoredCarts.set(saved.cartId, runtime.cart.cartId);
    this.lanes.set(id, runtime);
    return runtime;
  }

  /**
   * A cart read back when the process starts gets a new id unless a tender or a payment names
   * it. Its id becomes the sale id, and a restored copy of edge.db must not sell under an id
   * the lost instance may already have sold under (HQ would refuse the second sale).
   */
  private reloadedCart(cart: Cart): Cart {
    if (cart.tenders.length > 0) return cart;
    const paid = this.d.db.d
      .select({ id: payments.cartId })
      .from(payments)
      .where(eq(payments.cartId, cart.cartId))
      .limit(1)
      .get();
    return paid ? cart : { ...cart, cartId: uuidv7() };
  }

  /** Lanes with state on disk or in memory. */
  laneIds(): string[] {
    const ids = new Set(this.lanes.keys());
    const db = this.d.db.d;
    for (const r of db
      .select({ lane: carts.lane })
      .from(carts)
      .union(db.select({ lane: lanes.lane }).from(lanes))
      .all())
      ids.add(r.lane);
    return [...ids].sort((a, b) => Number(a) - Number(b));
  }

  subscribe(laneId: string, listener: (m: LaneMessage) => void): () => void {
    const rt = this.lane(laneId);
    rt.listeners.add(listener);
    listener({ type: "cart", view: this.view(rt) });
    return () => rt.listeners.delete(listener);
  }

  private emit(rt: LaneRuntime, m: LaneMessage): void {
    for (const l of rt.listeners) {
      try {
        l(m);
      } catch {
        // a broken socket must not break the lane
      }
    }
  }

  private onDevice(rt: LaneRuntime, e: DeviceEvent): void {
    this.emit(rt, { type: "device", event: e });
    if (e.type === "scan") {
      this.scan(rt.id, e.code, e.aim).catch((err) => {
        const ee = err instanceof EdgeError ? err : undefined;
        this.emit(rt, {
          type: "error",
          code: ee?.code ?? "internal",
          field: ee?.field ?? "",
          message: (err as Error).message,
        });
      });
    }
  }

  devices(laneId: string): LaneDevices {
    return this.lane(laneId).devices;
  }

  // -----------------------------------------------------------------------------------------
  // State, views and persistence.

  /**
   * Saves the cart and, when given, its audit event for HQ in one transaction: a supervised
   * change (void, override) is never saved without its audit trail, nor audited without it.
   */
  private commitAudited(
    rt: LaneRuntime,
    cart: Cart,
    audit?: Omit<Payload<"audit.recorded">, "auditId" | "laneId" | "at">,
  ): LaneView {
    cart = keepAdjustment(rt.cart, cart);
    const { ms, iso } = this.now();
    this.d.db.write(() => {
      if (audit)
        this.d.outbox.append(
          "audit.recorded",
          { auditId: uuidv7(ms), laneId: rt.id, ...audit, at: iso },
          iso,
        );
      this.writeCart(rt.id, cart);
    });
    rt.cart = cart;
    this.d.onLedger();
    return this.changed(rt);
  }

  view(rtOrId: LaneRuntime | string): LaneView {
    const rt = typeof rtOrId === "string" ? this.lane(rtOrId) : rtOrId;
    const priced = this.price(rt);
    const due = rt.cart.return ? 0 : priced.totals.net;
    const cashier = rt.record.cashierId ? this.lookup.cashiers.get(rt.record.cashierId) : undefined;
    const v: LaneView = {
      lane: rt.id,
      training: rt.record.training,
      mode: rt.cart.return ? "return" : "sale",
      cart: rt.cart,
      priced,
      due,
      paid: paid(rt.cart.tenders),
      remaining: remaining(due, rt.cart.tenders),
      catalogVersion: this.d.replica.applied,
      promotions: {},
    };
    for (const id of priced.applied) {
      const p = this.lookup.promotions.get(id);
      if (p)
        v.promotions[id] = {
          kind: p.kind,
          ...(p.name ? { name: p.name } : {}),
          ...(p.nameEn ? { nameEn: p.nameEn } : {}),
        };
    }
    if (rt.record.cashierId)
      v.cashier = { id: rt.record.cashierId, name: cashier?.name ?? "", role: cashier?.role ?? "cashier" };
    const shift = rt.record.shiftId ? this.shiftRow(rt.record.shiftId) : undefined;
    if (shift)
      v.shift = {
        shiftId: shift.shiftId,
        openedAt: shift.openedAt,
        float: shift.floatFen,
        training: shift.training === 1,
      };
    if (rt.paymentInFlight) v.paymentInFlight = rt.paymentInFlight;
    const unanswered = this.q.unanswered
      .all({ cartId: rt.cart.cartId })
      .filter((p) => p.paymentId !== rt.paymentInFlight);
    if (unanswered.length) v.unansweredPayments = unanswered;
    return v;
  }

  private price(rt: LaneRuntime): PriceResult {
    // Priced once per cart state: the view, the push and the response share it.
    const promos = this.lookup.promotionArray();
    if (rt.priced?.cart === rt.cart && rt.priced.promos === promos) return rt.priced.result;
    const result = this.priceOf(rt.cart, this.now().iso);
    rt.priced = { cart: rt.cart, promos, result };
    return result;
  }

  private priceOf(cart: Cart, at: string): PriceResult {
    // A return without receipt refunds shelf prices: no promotions apply to it.
    if (cart.return) return priceCart(cart, [], this.d.storeId(), at);
    // The store's promotions were checked once when the set changed (the subset that can touch
    // this basket, once per subset): only the basket is validated here.
    const checked = this.lookup.checkedFor(cart.lines);
    // Coupons reach the engine as their bound promotions' gates (coupons/coupons.ts).
    const basket = pricingCart(this.lookup, cart);
    if (checked) return priceCartChecked(basket, checked, this.d.storeId(), at);
    // The engine refused a promotion HQ sent (promotionSet().error). Priced as before promotions were
    // checked once: with the promotions that can touch this basket, validated on the call, so a
    // basket the bad one touches fails with the engine's PricingError naming its field (nothing
    // saved), and the others still sell.
    return priceCart(basket, this.lookup.promotionsFor(cart.lines), this.d.storeId(), at);
  }

  /**
   * Saves the cart. Building it (scans, quantities, member, coupons) survives kill -9 at once
   * and is made durable by the next durable commit (db.ts writeVolatile); a tender is durable
   * at once: an approved card payment must never be forgotten, even on a power cut.
   */
  private saveCart(rt: LaneRuntime, cart: Cart, durable = false): void {
    if (durable) this.d.db.write(() => this.writeCart(rt.id, cart));
    else this.d.db.writeVolatile(() => this.writeCart(rt.id, cart));
    rt.cart = cart;
    crashPoint("cart.after_save");
  }

  private writeCart(lane: string, cart: Cart): void {
    this.q.saveCart.run({ lane, data: JSON.stringify(cart), updatedAt: this.now().iso });
  }

  private saveRecord(rt: LaneRuntime, record: LaneRecord): void {
    this.d.db.write(() => this.writeRecord(rt.id, record));
    rt.record = record;
  }

  private writeRecord(lane: string, record: LaneRecord): void {
    this.q.saveRecord.run({ lane, data: JSON.stringify(record) });
  }

  private changed(rt: LaneRuntime): LaneView {
    const v = this.view(rt);
    this.emit(rt, { type: "cart", view: v });
    const last = rt.cart.lines.at(-1);
    void rt.devices
      .showCustomer(last ? `${last.name}` : "", `合计 ${formatYuanPlain(v.due)}`)
      .catch(() => {});
    return v;
  }

  /** Applies a pure cart change, persists it, pushes the new view. */
  private mutate(rt: LaneRuntime, fn: (cart: Cart) => Cart): LaneView {
    if (rt.paymentInFlight) throw conflict("lane", "a payment is in progress on this lane");
    const next = keepAdjustment(rt.cart, fn(rt.cart));
    // Price before saving: a basket the engine rejects is never persisted.
    const result = this.priceOf(next, this.now().iso);
    this.saveCart(rt, next);
    rt.priced = { cart: next, promos: this.lookup.promotionArray(), result };
    return this.changed(rt);
  }

  // -----------------------------------------------------------------------------------------
  // People: cashiers, supervisors, shifts.

  /** A supervisor's code and PIN, through the one PIN path (durable lockout, source limit). */
  supervisor(laneId: string, s: { id: string; pin: string }, purpose: PinPurpose): Promise<Cashier> {
    return this.pins.verifyPin({
      cashierId: s.id,
      pin: s.pin,
      need: "supervisor",
      field: "supervisorId",
      purpose,
      lane: laneId,
    });
  }

  /** An audit event to HQ in a transaction of its own. */
  audit(a: {
    action: Payload<"audit.recorded">["action"];
    laneId: string;
    cashierId: string;
    supervisorId?: string;
    amount?: number;
    saleId?: string;
    detail: string;
  }): void {
    const { ms, iso } = this.now();
    this.d.db.write(() =>
      this.d.outbox.append(
        "audit.recorded",
        { auditId: uuidv7(ms), ...a, detail: a.detail.slice(0, 200), at: iso },
        iso,
      ),
    );
    this.d.onLedger();
  }

  /** A supervisor or manager unlocks a cashier code locked by wrong PINs, at the till. */
  async unlockPin(
    laneId: string,
    cashierId: string,
    supervisor: { id: string; pin: string },
  ): Promise<{ cashierId: string; wasLocked: boolean }> {
    this.lane(laneId);
    if (!this.lookup.cashiers.has(cashierId)) throw notFound("cashierId", `no cashier ${cashierId}`);
    const by = await this.supervisor(laneId, supervisor, "unlock");
    return { cashierId, wasLocked: this.pins.unlockCode(cashierId, by, laneId) };
  }

  /**
   * Signs the cashier in on the lane and starts the lane's session (ending the one before it,
   * in the same transaction): the answer carries its bearer token, which is stored only hashed.
   */
  async login(laneId: string, cashierId: string, pin: string): Promise<SignedIn> {
    const c = await this.pins.verifyPin({
      cashierId,
      pin,
      need: "staff",
      field: "cashierId",
      purpose: "sign_in",
      lane: laneId,
    });
    const rt = this.lane(laneId);
    if (rt.record.cashierId && rt.record.cashierId !== c.id && rt.record.shiftId)
      throw conflict("cashierId", `cashier ${rt.record.cashierId} has an open shift on this lane`);
    const record = { ...rt.record, cashierId: c.id };
    const session = this.d.db.write(() => {
      this.writeRecord(rt.id, record);
      return this.sessions.startTx(rt.id, c.id);
    });
    rt.record = record;
    session.committed();
    const view = this.changed(rt);
    return {
      ...view,
      session: { token: session.token, idleSeconds: Math.round(this.sessions.idleMs / 1000) },
    };
  }

  /** Signs the cashier out; the lane's session ends with it. */
  logout(laneId: string): LaneView {
    const rt = this.lane(laneId);
    if (rt.record.shiftId) throw conflict("shift", "close the shift before signing out");
    const { cashierId: _c, ...rest } = rt.record;
    const ended = this.d.db.write(() => {
      this.writeRecord(rt.id, rest);
      return this.sessions.endLaneTx(rt.id, "logout");
    });
    rt.record = rest;
    ended.committed();
    return this.changed(rt);
  }

  private requireCashier(rt: LaneRuntime): string {
    if (!rt.record.cashierId) throw conflict("cashier", "no cashier is signed in on this lane");
    return rt.record.cashierId;
  }

  private requireShift(rt: LaneRuntime): string {
    this.requireCashier(rt);
    if (!rt.record.shiftId) throw conflict("shift", "open a shift first");
    return rt.record.shiftId;
  }

  /**
   * A shift's row. Open shifts are cached: every lane view shows its shift, and what the view
   * and the reports read of it (lane, cashier, day, training, float, opened) never changes.
   */
  private shiftRow(shiftId: string): typeof shifts.$inferSelect | undefined {
    const cached = this.openShifts.get(shiftId);
    if (cached) return cached;
    const row = this.q.shift.get({ shiftId });
    if (row && row.closedAt === null) this.openShifts.set(shiftId, row);
    return row;
  }
  private readonly openShifts = new Map<string, typeof shifts.$inferSelect>();

  openShift(laneId: string, float: number): LaneView {
    const rt = this.lane(laneId);
    const cashierId = this.requireCashier(rt);
    if (rt.record.shiftId) throw conflict("shift", "a shift is already open on this lane");
    if (!Number.isSafeInteger(float) || float < 0) throw invalid("float", "must be whole fen, not negative");
    const { ms, iso } = this.now();
    const shiftId = uuidv7(ms);
    const day = businessDay(ms);
    const training = rt.record.training;
    this.d.db.write(() => {
      this.d.db.d
        .insert(shifts)
        .values({
          shiftId,
          lane: laneId,
          cashierId,
          businessDay: day,
          training: training ? 1 : 0,
          floatFen: float,
          openedAt: iso,
        })
        .run();
      this.d.outbox.append(
        "shift.opened",
        { shiftId, laneId, cashierId, businessDay: day, training, float, openedAt: iso },
        iso,
      );
      this.writeRecord(laneId, { ...rt.record, shiftId });
    });
    rt.record = { ...rt.record, shiftId };
    this.d.onLedger();
    void rt.devices.kickDrawer().catch(() => {});
    return this.changed(rt);
  }

  async cashMove(
    laneId: string,
    direction: "in" | "out",
    amount: number,
    reason: string,
    supervisor?: { id: string; pin: string },
  ): Promise<{ movementId: string; summary: ShiftSummary }> {
    if (!Number.isSafeInteger(amount) || amount <= 0)
      throw invalid("amount", "must be a positive whole number of fen");
    const rt = this.lane(laneId);
    const limit = this.d.payoutSupervisorAboveFen ?? DEFAULT_PAYOUT_SUPERVISOR_ABOVE_FEN;
    if (direction === "out" && amount > limit && !supervisor)
      throw forbidden(
        "supervisorId",
        `a cash-out above ${formatYuanPlain(limit)} yuan needs a supervisor's code and PIN`,
      );
    if (supervisor) await this.supervisor(laneId, supervisor, "cash_move");
    const shiftId = this.requireShift(rt);
    const cashierId = rt.record.cashierId!;
    const { ms, iso } = this.now();
    const movementId = uuidv7(ms);
    const training = rt.record.training;
    this.d.db.write(() => {
      // Training cash is make-believe: it goes up as training activity and moves no drawer total.
      if (!training)
        this.d.db.d
          .insert(cashMovements)
          .values({ movementId, shiftId, direction, amountFen: amount, reason, movedAt: iso })
          .run();
      this.d.outbox.append(
        "cash.moved",
        {
          movementId,
          shiftId,
          laneId,
          cashierId,
          training,
          direction,
          amount,
          reason,
          ...(supervisor ? { supervisorId: supervisor.id } : {}),
          movedAt: iso,
        },
        iso,
      );
    });
    this.d.onLedger();
    void rt.devices.kickDrawer().catch(() => {});
    return { movementId, summary: this.shiftSummary(shiftId) };
  }

  /** The shift's figures so far (X report). */
  shiftSummary(shiftId: string): ShiftSummary {
    const shift = this.shiftRow(shiftId);
    if (!shift) throw notFound("shiftId", `no shift ${shiftId}`);
    const db = this.d.db.d;
    const shiftSales = db
      .select({ saleId: sales.saleId, netFen: sales.netFen })
      .from(sales)
      .where(and(eq(sales.shiftId, shiftId), eq(sales.training, 0)))
      .all();
    const shiftTenders = db
      .select({ saleId: tenders.saleId, kind: tenders.kind, amountFen: tenders.amountFen })
      .from(tenders)
      .innerJoin(sales, eq(sales.saleId, tenders.saleId))
      .where(and(eq(sales.shiftId, shiftId), eq(sales.training, 0)))
      .all();
    const bySale = new Map<string, Tender[]>();
    for (const t of shiftTenders) {
      const list = bySale.get(t.saleId) ?? [];
      list.push({ kind: t.kind as Tender["kind"], amount: t.amountFen });
      bySale.set(t.saleId, list);
    }
    const shiftReturns = db
      .select({ refundFen: returns.refundFen, tenderKind: returns.tenderKind, data: returns.data })
      .from(returns)
      .where(and(eq(returns.shiftId, shiftId), eq(returns.training, 0)))
      .all();
    const moves = db
      .select({ direction: cashMovements.direction, total: sum(cashMovements.amountFen).mapWith(Number) })
      .from(cashMovements)
      .where(eq(cashMovements.shiftId, shiftId))
      .groupBy(cashMovements.direction)
      .all();
    return summarize({
      float: shift.floatFen,
      sales: shiftSales.map((s) => ({ net: s.netFen, tenders: bySale.get(s.saleId) ?? [] })),
      returns: shiftReturns.map((r) => ({
        refund: r.refundFen,
        tenderKind: r.tenderKind as Tender["kind"],
        cash: (JSON.parse(r.data) as SaleReturned).tenders
          .filter((t) => t.kind === "cash")
          .reduce((n, t) => n + t.amount, 0),
      })),
      cashIn: moves.find((m) => m.direction === "in")?.total ?? 0,
      cashOut: moves.find((m) => m.direction === "out")?.total ?? 0,
    });
  }

  xReport(laneId: string): ShiftSummary & { shiftId: string; counts: ShiftCounts } {
    const rt = this.lane(laneId);
    const shiftId = this.requireShift(rt);
    return { shiftId, ...this.shiftSummary(shiftId), counts: this.shiftCounts(shiftId) };
  }

  /** Voids, discounts and refunds of the shift (X and Z reports). */
  shiftCounts(shiftId: string): ShiftCounts {
    const s = this.shiftRow(shiftId);
    if (!s) throw notFound("shiftId", `no shift ${shiftId}`);
    return shiftCounts(this.d.db, { shiftId, lane: s.lane, openedAt: s.openedAt, closedAt: s.closedAt });
  }

  /** Prints the X report on the lane's printer (the answer comes as the lane's `print` message). */
  printXReport(laneId: string): { receiptNo: string } {
    const rt = this.lane(laneId);
    const shiftId = this.requireShift(rt);
    const doc = this.reportDoc("X", shiftId, this.shiftSummary(shiftId), this.shiftCounts(shiftId));
    this.print(rt, doc);
    return { receiptNo: doc.receiptNo };
  }

  private reportDoc(
    kind: "X" | "Z",
    shiftId: string,
    summary: ShiftSummary,
    counts: ShiftCounts,
    close?: { counted: number; overShort: number },
  ): ReceiptDoc {
    const s = this.shiftRow(shiftId)!;
    const name = this.lookup.cashiers.get(s.cashierId)?.name;
    return shiftReportDoc({
      kind,
      storeId: this.d.storeId(),
      lane: s.lane,
      shiftId,
      cashier: name ? `${name} (${s.cashierId})` : s.cashierId,
      openedAt: s.openedAt,
      at: this.now().iso,
      training: s.training === 1,
      summary,
      counts,
      ...(close ? { close } : {}),
    });
  }

  closeShift(
    laneId: string,
    denominations: Record<string, number>,
  ): ShiftSummary & { shiftId: string; counted: number; overShort: number; counts: ShiftCounts } {
    const rt = this.lane(laneId);
    const shiftId = this.requireShift(rt);
    if (rt.cart.lines.length || rt.cart.tenders.length)
      throw conflict("cart", "finish or suspend the sale first");
    const counted = countTotal(denominations);
    const summary = this.shiftSummary(shiftId);
    const counts = this.shiftCounts(shiftId);
    const diff = overShort(counted, summary.expectedCash);
    const shift = this.shiftRow(shiftId)!;
    const { iso } = this.now();
    const ended = this.d.db.write(() => {
      this.d.db.d
        .update(shifts)
        .set({
          closedAt: iso,
          closing: JSON.stringify({ denominations, counted, overShort: diff, ...summary, counts }),
        })
        .where(eq(shifts.shiftId, shiftId))
        .run();
      this.d.outbox.append(
        "shift.closed",
        {
          shiftId,
          laneId,
          cashierId: shift.cashierId,
          businessDay: shift.businessDay,
          training: shift.training === 1,
          denominations,
          counted,
          expected: Math.max(0, summary.expectedCash),
          overShort: diff,
          sales: summary.sales,
          returns: summary.returns,
          byTender: summary.byTender,
          cashIn: summary.cashIn,
          cashOut: summary.cashOut,
          closedAt: iso,
        },
        iso,
      );
      // The shift's close is the cashier's hand-over: signed out, the lane's session ended.
      const { shiftId: _s, cashierId: _c, ...rest } = rt.record;
      this.writeRecord(laneId, rest);
      return this.sessions.endLaneTx(laneId, "shift_close");
    });
    const { shiftId: _s, cashierId: _c, ...rest } = rt.record;
    rt.record = rest;
    this.openShifts.delete(shiftId);
    this.d.onLedger();
    this.changed(rt);
    ended.committed();
    // The Z report comes out of the lane's printer with the close.
    this.print(rt, this.reportDoc("Z", shiftId, summary, counts, { counted, overShort: diff }));
    return { shiftId, ...summary, counted, overShort: diff, counts };
  }

  /**
   * A no-sale: the drawer opens without a sale, only with a supervisor's code and PIN (on every
   * kind of lane), and HQ hears of it as an audit event.
   */
  async noSale(laneId: string, supervisor: { id: string; pin: string } | undefined): Promise<void> {
    const rt = this.lane(laneId);
    if (!supervisor) throw forbidden("supervisorId", "opening the drawer without a sale needs a supervisor");
    const by = await this.supervisor(laneId, supervisor, "no_sale");
    await rt.devices.kickDrawer({ kind: "no_sale", supervisorApproved: true });
    this.auditNoSale(laneId, by.id);
  }

  /** Records a no-sale drawer opening (noSale checked the supervisor). */
  private auditNoSale(laneId: string, supervisorId?: string): void {
    const rt = this.lane(laneId);
    const { ms, iso } = this.now();
    this.d.db.write(() => {
      this.d.outbox.append(
        "audit.recorded",
        {
          auditId: uuidv7(ms),
          action: "no_sale",
          laneId,
          cashierId: rt.record.cashierId ?? supervisorId ?? "000",
          ...(supervisorId ? { supervisorId } : {}),
          detail: `drawer opened without a sale${rt.record.training ? " (training)" : ""}`,
          at: iso,
        },
        iso,
      );
    });
    this.d.onLedger();
  }

  async setTraining(laneId: string, on: boolean, supervisorId: string, pin: string): Promise<LaneView> {
    await this.supervisor(laneId, { id: supervisorId, pin }, "training");
    const rt = this.lane(laneId);
    if (rt.cart.lines.length || rt.cart.tenders.length)
      throw conflict("cart", "finish or void the sale first");
    if (rt.record.training === on) return this.view(rt);
    const { iso } = this.now();
    this.d.db.write(() => {
      this.d.outbox.append(
        "audit.recorded",
        {
          auditId: uuidv7(),
          action: on ? "training_on" : "training_off",
          laneId,
          cashierId: rt.record.cashierId ?? supervisorId,
          supervisorId,
          detail: on ? "training mode on" : "training mode off",
          at: iso,
        },
        iso,
      );
      this.writeRecord(laneId, { ...rt.record, training: on });
    });
    rt.record = { ...rt.record, training: on };
    this.d.onLedger();
    return this.changed(rt);
  }

  // -----------------------------------------------------------------------------------------
  // Building the basket.

  /** One scan, from the lane's scanner or typed in: product, scale label, payment code, receipt. */
  async scan(laneId: string, code: string, aim?: string): Promise<ScanOutcome> {
    const rt = this.lane(laneId);
    const parsed = parseScan(code, this.d.scaleLayouts ? { scaleLayouts: this.d.scaleLayouts } : {}, aim);
    switch (parsed.kind) {
      case "unknown":
        throw invalid("code", `cannot read ${JSON.stringify(parsed.code)}: ${parsed.reason}`);
      case "payment": {
        const r = await this.payWallet(laneId, parsed.provider, parsed.code, undefined);
        return { kind: parsed.kind, view: r.view, ...(r.sale ? { sale: r.sale } : {}) };
      }
      case "receipt":
        return { kind: parsed.kind, view: this.startReturn(laneId, parsed.code) };
      case "scale_label": {
        const p = this.lookup.byPlu(parsed.label.plu);
        if (!p) throw notFound("code", `no product with PLU ${parsed.label.plu} (label ${parsed.code})`);
        const base = this.lineFor(p.sku, parsed.code);
        // A weight label carries the grams, sold at shelf price. A price label carries the amount
        // to charge: a weighed item is sold as the grams that amount stands for (so stock moves
        // by weight), or as one unit at that amount when no weight gives it exactly.
        let line: NewLine;
        if (parsed.label.priceFen === undefined) {
          line = { ...base, weighed: true, qty: this.positiveGrams(parsed.label.weightG, "code") };
        } else {
          const grams = base.weighed ? gramsForLabelPrice(parsed.label.priceFen, base.unitPrice) : undefined;
          line =
            grams !== undefined
              ? { ...base, weighed: true, qty: grams }
              : { ...base, weighed: false, qty: 1, unitPrice: parsed.label.priceFen };
        }
        return { kind: parsed.kind, ...this.add(rt, line) };
      }
      case "product": {
        const p = this.lookup.byBarcode(parsed.gtin ?? parsed.code);
        if (!p) throw notFound("code", `unknown barcode ${parsed.code}: nothing added`);
        return { kind: parsed.kind, ...this.add(rt, this.lineFor(p.sku, parsed.code, rt)) };
      }
    }
  }

  /** Adds by SKU (search result or keypad); weighed goods take the lane scale's weight. */
  addSku(laneId: string, sku: string, qty = 1): { lineId: string; view: LaneView } {
    const rt = this.lane(laneId);
    const line = this.lineFor(sku, undefined, rt);
    if (!line.weighed) {
      if (!Number.isSafeInteger(qty) || qty < 1 || qty > 9999)
        throw invalid("qty", "must be a whole number 1..9999");
      line.qty = qty;
    }
    return this.add(rt, line);
  }

  private positiveGrams(g: number | undefined, field: string): number {
    if (g === undefined || !Number.isSafeInteger(g) || g <= 0)
      throw invalid(field, "weight must be positive");
    return g;
  }

  private lineFor(sku: string, barcode: string | undefined, rt?: LaneRuntime): NewLine {
    const p = this.lookup.products.get(sku);
    if (!p) throw notFound("sku", `no product ${sku}`);
    if (p.status !== "active") throw conflict("sku", `${p.name} (${sku}) is not on sale`);
    const price = this.lookup.priceOf(sku, this.d.clock.now());
    if (!price) throw conflict("sku", `${p.name} (${sku}) has no price in effect`);
    let qty = 1;
    if (p.weighed && rt) {
      const w = rt.devices.weight();
      if (!w || w.grams === undefined) throw conflict("weight", "no reading from the lane scale");
      if (!w.stable) throw conflict("weight", "the scale is not stable yet");
      if (w.grams <= 0) throw conflict("weight", "put the item on the scale");
      qty = w.grams;
    }
    const line: NewLine = {
      sku,
      name: p.name,
      category: p.category.at(-1)!,
      qty,
      weighed: p.weighed,
      unitPrice: price.price,
      taxRate: p.taxRate,
      priceVersion: this.d.replica.applied,
    };
    if (barcode && barcode.length <= 48) line.barcode = barcode;
    return line;
  }

  private add(rt: LaneRuntime, line: NewLine): { lineId: string; view: LaneView } {
    if (rt.cart.return?.original)
      throw conflict("mode", "a return against a receipt takes lines from the receipt");
    if (!rt.cart.return) this.requireShift(rt);
    let lineId = "";
    const view = this.mutate(rt, (cart) => {
      const r = addLine(cart, line);
      lineId = r.lineId;
      return r.cart;
    });
    return { lineId, view };
  }

  changeQty(laneId: string, lineId: string, qty: number): LaneView {
    const rt = this.lane(laneId);
    return this.mutate(rt, (c) => setQty(c, lineId, qty));
  }

  /** Voids a line; a supervisor authorises it (loss prevention), and it is audited to HQ. */
  async voidLine(laneId: string, lineId: string, supervisor: { id: string; pin: string }): Promise<LaneView> {
    const rt = this.lane(laneId);
    if (rt.paymentInFlight) throw conflict("lane", "a payment is in progress on this lane");
    await this.supervisor(laneId, supervisor, "line_void");
    const { cart, line } = voidLine(rt.cart, lineId);
    return this.commitAudited(rt, cart, {
      action: "line_void",
      cashierId: rt.record.cashierId ?? "000",
      supervisorId: supervisor.id,
      sku: line.sku,
      amount: lineGross(line),
      detail: `${line.name} x${line.qty}${rt.record.training ? " (training)" : ""}`,
    });
  }

  async overridePrice(
    laneId: string,
    lineId: string,
    price: number,
    supervisorId: string,
    pin: string,
    reason: string,
  ): Promise<LaneView> {
    await this.supervisor(laneId, { id: supervisorId, pin }, "price_override");
    const rt = this.lane(laneId);
    if (rt.paymentInFlight) throw conflict("lane", "a payment is in progress on this lane");
    const { cart, line } = overridePrice(rt.cart, lineId, price, supervisorId, reason);
    return this.commitAudited(rt, cart, {
      action: "price_override",
      cashierId: rt.record.cashierId ?? supervisorId,
      supervisorId,
      sku: line.sku,
      amount: price - (line.override?.catalogPrice ?? price),
      detail: `${line.name}: ${line.override?.catalogPrice} -> ${price} fen; ${reason}`.slice(0, 200),
    });
  }

  /**
   * 整单折扣 / 抹零 (order-adjustment.ts): a signed-in supervisor or manager applies it; a
   * cashier needs a supervisor's code and PIN (the one PIN path). The engine prices it.
   */
  async adjustOrder(
    laneId: string,
    input: unknown,
    supervisor?: { id: string; pin: string },
  ): Promise<LaneView> {
    const parsed = OrderAdjustmentV1.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw invalid(formatFieldPath(issue.path, "adjustment"), issue.message);
    }
    const adjustment = parsed.data;
    const rt = this.lane(laneId);
    const role = rt.record.cashierId ? this.lookup.cashiers.get(rt.record.cashierId)?.role : undefined;
    let approvedBy = rt.record.cashierId;
    if (supervisor) approvedBy = (await this.supervisor(laneId, supervisor, "order_adjustment")).id;
    else if (!roleMayAdjust(role) || !approvedBy)
      throw forbidden("supervisorId", "an order discount or 抹零 needs a supervisor's code and PIN");
    try {
      return this.mutate(rt, (c) => setAdjustment(c, adjustment, approvedBy!));
    } catch (e) {
      // Above the amount due: the engine names the field; nothing was saved.
      if (e instanceof PricingError) throw invalid(e.field.replace(/^adjustment\./, ""), e.message);
      throw e;
    }
  }

  clearOrderAdjustment(laneId: string): LaneView {
    return this.mutate(this.lane(laneId), clearAdjustment);
  }

  memberByPhone(laneId: string, phone: string): LaneView {
    if (!/^1\d{10}$/.test(phone)) throw invalid("phone", "a mainland mobile number of 11 digits");
    const m = this.lookup.memberByPhone(phone);
    if (!m) throw notFound("phone", `no member with phone ${phone}`);
    if (m.status !== "active") throw conflict("phone", `member ${m.id} is blocked`);
    const rt = this.lane(laneId);
    return this.mutate(rt, (c) =>
      setMember(c, { id: m.id, tier: m.tier, phone: m.phone, ...(m.name ? { name: m.name } : {}) }),
    );
  }

  clearMember(laneId: string): LaneView {
    return this.mutate(this.lane(laneId), (c) => setMember(c, undefined));
  }

  /** Adds a coupon only if it gives its promotion's discount now; else says why (coupons/). */
  addCoupon(laneId: string, code: string): LaneView {
    const rt = this.lane(laneId);
    const spentHere = !!this.d.db.d
      .select({ saleId: couponRedemptions.saleId })
      .from(couponRedemptions)
      .where(eq(couponRedemptions.code, code))
      .get();
    const coupon = requireUsable(this.lookup, rt.cart, code, { nowMs: this.d.clock.now(), spentHere });
    if (!qualifies(coupon, this.priceOf(addCoupon(rt.cart, code), this.now().iso)))
      throw couponRefused(code, "not_qualified", `promotion ${coupon.promotionId}`);
    return this.mutate(rt, (c) => addCoupon(c, code));
  }

  removeCoupon(laneId: string, code: string): LaneView {
    return this.mutate(this.lane(laneId), (c) => removeCoupon(c, code));
  }

  /** Voids the whole sale; a supervisor authorises it when there is anything to void. */
  async voidCart(laneId: string, supervisor?: { id: string; pin: string }): Promise<LaneView> {
    const rt = this.lane(laneId);
    if (rt.paymentInFlight) throw conflict("lane", "a payment is in progress on this lane");
    if (rt.cart.tenders.some((t) => t.kind !== "cash"))
      throw conflict("tenders", "card or wallet payments were taken: complete the sale and return it");
    if (rt.cart.lines.length) {
      if (!supervisor) throw forbidden("supervisorId", "voiding a sale needs a supervisor");
      await this.supervisor(laneId, supervisor, "sale_void");
    }
    const old = rt.cart;
    const fresh = emptyCart(uuidv7(), this.now().iso);
    return this.commitAudited(
      rt,
      fresh,
      old.lines.length
        ? {
            action: "sale_void",
            cashierId: rt.record.cashierId ?? "000",
            ...(supervisor ? { supervisorId: supervisor.id } : {}),
            amount: this.price(rt).totals.net,
            detail: `${old.lines.length} line(s)${rt.record.training ? " (training)" : ""}`,
          }
        : undefined,
    );
  }

  suspend(laneId: string): { suspendId: string; view: LaneView } {
    const rt = this.lane(laneId);
    if (!rt.cart.lines.length) throw conflict("cart", "nothing to suspend");
    if (rt.cart.tenders.length || rt.cart.return)
      throw conflict("cart", "a paid or return cart cannot be suspended");
    const { iso } = this.now();
    const suspendId = rt.cart.cartId;
    const fresh = emptyCart(uuidv7(), iso);
    this.d.db.write(() => {
      this.d.db.d
        .insert(suspended)
        .values({ id: suspendId, lane: laneId, data: JSON.stringify(rt.cart), suspendedAt: iso })
        .run();
      this.writeCart(laneId, fresh);
    });
    rt.cart = fresh;
    return { suspendId, view: this.changed(rt) };
  }

  suspended(): { id: string; lane: string; suspendedAt: string; lines: number }[] {
    return this.d.db.d
      .select()
      .from(suspended)
      .orderBy(asc(suspended.suspendedAt))
      .all()
      .map((r) => ({
        id: r.id,
        lane: r.lane,
        suspendedAt: r.suspendedAt,
        lines: (JSON.parse(r.data) as Cart).lines.length,
      }));
  }

  /** Recalls a suspended cart onto this lane (any lane: the customer may change queues). */
  recall(laneId: string, suspendId: string): LaneView {
    const rt = this.lane(laneId);
    if (rt.cart.lines.length || rt.cart.return) throw conflict("cart", "the lane's cart is not empty");
    const row = this.d.db.d
      .select({ data: suspended.data })
      .from(suspended)
      .where(eq(suspended.id, suspendId))
      .get();
    if (!row) throw notFound("suspendId", `no suspended cart ${suspendId}`);
    const cart = JSON.parse(row.data) as Cart;
    this.d.db.write(() => {
      this.d.db.d.delete(suspended).where(eq(suspended.id, suspendId)).run();
      this.writeCart(laneId, cart);
    });
    rt.cart = cart;
    return this.changed(rt);
  }

  // -----------------------------------------------------------------------------------------
  // Tenders and the sale commit.

  private dueOf(rt: LaneRuntime): number {
    if (rt.cart.return) throw conflict("mode", "this lane is doing a return");
    if (!rt.cart.lines.length) throw conflict("cart", "the cart is empty");
    return this.price(rt).totals.net;
  }

  /** Adds a tender; when the sale is fully paid it is committed and returned. */
  private addTender(rt: LaneRuntime, tender: Tender): { view: LaneView; sale?: SaleCompleted } {
    const cart = { ...rt.cart, tenders: [...rt.cart.tenders, tender] };
    const due = this.dueOf(rt);
    if (paid(cart.tenders) >= due) {
      const sale = this.commitSale(rt, cart);
      return { view: this.view(rt), sale };
    }
    this.saveCart(rt, cart, true);
    return { view: this.changed(rt) };
  }

  tenderCash(laneId: string, received: number): { view: LaneView; sale?: SaleCompleted } {
    const rt = this.lane(laneId);
    this.requireShift(rt);
    if (rt.paymentInFlight) throw conflict("lane", "a payment is in progress on this lane");
    return this.addTender(rt, cashTender(received, this.dueOf(rt), rt.cart.tenders));
  }

  tenderCard(
    laneId: string,
    amount: number | undefined,
    approvalCode: string,
  ): { view: LaneView; sale?: SaleCompleted } {
    const rt = this.lane(laneId);
    this.requireShift(rt);
    if (rt.paymentInFlight) throw conflict("lane", "a payment is in progress on this lane");
    const due = this.dueOf(rt);
    return this.addTender(
      rt,
      cardTender(amount ?? remaining(due, rt.cart.tenders), approvalCode, due, rt.cart.tenders),
    );
  }

  /**
   * Charges a WeChat Pay / Alipay payment code. The attempt is recorded first, so a crash while
   * waiting leaves a row to query; after `timeoutMs` without an answer the provider is queried.
   * Training lanes never call the provider: the payment is simulated as approved.
   */
  async payWallet(
    laneId: string,
    provider: "wechat" | "alipay",
    authCode: string,
    amount: number | undefined,
  ): Promise<{ view: LaneView; sale?: SaleCompleted; paymentId: string }> {
    const rt = this.lane(laneId);
    this.requireShift(rt);
    if (rt.paymentInFlight) throw conflict("lane", "a payment is in progress on this lane");
    const due = this.dueOf(rt);
    const charge = walletAmount(amount, due, rt.cart.tenders);
    const { ms, iso } = this.now();
    const paymentId = uuidv7(ms);
    if (rt.record.training) {
      return {
        paymentId,
        ...this.addTender(rt, walletTender(provider, charge, `TRAINING-${paymentId.slice(-12)}`)),
      };
    }
    this.d.db.write(() =>
      this.d.db.d
        .insert(payments)
        .values({
          paymentId,
          lane: laneId,
          cartId: rt.cart.cartId,
          provider,
          amountFen: charge,
          status: "pending",
          createdAt: iso,
        })
        .run(),
    );
    rt.paymentInFlight = paymentId;
    this.changed(rt);
    let result: PayResult;
    try {
      result = await this.awaitPayment(
        this.d.payments.pay({ paymentId, provider, authCode, amount: charge, storeId: this.d.storeId() }),
        paymentId,
      );
    } finally {
      delete rt.paymentInFlight;
    }
    return { paymentId, ...this.settlePayment(rt, paymentId, provider, charge, result) };
  }

  private async awaitPayment(call: Promise<PayResult>, paymentId: string): Promise<PayResult> {
    const t = this.d.paymentTiming;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<PayResult>((resolve) => {
      timer = setTimeout(() => resolve({ status: "pending" }), t.timeoutMs);
    });
    let result = await Promise.race([call, timeout]).finally(() => clearTimeout(timer));
    for (let i = 0; result.status === "pending" && i < t.queryAttempts; i++) {
      await Bun.sleep(t.queryIntervalMs);
      result = await this.d.payments.query(paymentId);
    }
    return result;
  }

  private settlePayment(
    rt: LaneRuntime,
    paymentId: string,
    provider: "wechat" | "alipay",
    charge: number,
    result: PayResult,
  ): { view: LaneView; sale?: SaleCompleted } {
    const setStatus = (status: string, reference?: string) =>
      this.d.db.write(() =>
        this.d.db.d
          .update(payments)
          .set({ status, reference: reference ?? null })
          .where(eq(payments.paymentId, paymentId))
          .run(),
      );
    if (result.status === "declined") {
      setStatus("declined");
      this.changed(rt);
      throw new EdgeError("payment_declined", "code", `payment declined: ${result.reason}`);
    }
    if (result.status === "pending") {
      this.changed(rt);
      throw new EdgeError(
        "payment_pending",
        "paymentId",
        `no answer from ${provider} yet: query payment ${paymentId} again before taking another tender`,
      );
    }
    setStatus("approved", result.transactionId);
    return this.addTender(rt, walletTender(provider, charge, result.transactionId));
  }

  /** Asks the provider again about a payment that had no answer. */
  async queryPayment(laneId: string, paymentId: string): Promise<{ view: LaneView; sale?: SaleCompleted }> {
    const rt = this.lane(laneId);
    const row = this.d.db.d
      .select({
        provider: payments.provider,
        amountFen: payments.amountFen,
        status: payments.status,
        cartId: payments.cartId,
      })
      .from(payments)
      .where(and(eq(payments.paymentId, paymentId), eq(payments.lane, laneId)))
      .get();
    if (!row) throw notFound("paymentId", `no payment ${paymentId} on lane ${laneId}`);
    if (row.status !== "pending") throw conflict("paymentId", `payment ${paymentId} is ${row.status}`);
    if (row.cartId !== rt.cart.cartId) throw conflict("paymentId", "the payment belongs to another cart");
    const result = await this.d.payments.query(paymentId);
    return this.settlePayment(rt, paymentId, row.provider as "wechat" | "alipay", row.amountFen, result);
  }

  /**
   * Reverses (WeChat Pay) / cancels (Alipay) a payment that got no answer, so the customer can
   * pay another way: the provider closes it if unpaid, refunds it if it went through after all.
   */
  async reversePayment(laneId: string, paymentId: string): Promise<{ view: LaneView; action: string }> {
    const rt = this.lane(laneId);
    const row = this.d.db.d
      .select({ provider: payments.provider, status: payments.status })
      .from(payments)
      .where(and(eq(payments.paymentId, paymentId), eq(payments.lane, laneId)))
      .get();
    if (!row) throw notFound("paymentId", `no payment ${paymentId} on lane ${laneId}`);
    if (row.status !== "pending") throw conflict("paymentId", `payment ${paymentId} is ${row.status}`);
    if (rt.paymentInFlight) throw conflict("lane", "a payment is in progress on this lane");
    const r = await this.d.payments.reverse(row.provider as "wechat" | "alipay", paymentId);
    if (r.status === "retry")
      throw new EdgeError(
        "payment_pending",
        "paymentId",
        `${row.provider} asks to reverse ${paymentId} again`,
      );
    if (r.status === "refused")
      throw conflict("paymentId", `${row.provider} refused the reverse: ${r.reason}`);
    this.d.db.write(() =>
      this.d.db.d.update(payments).set({ status: "reversed" }).where(eq(payments.paymentId, paymentId)).run(),
    );
    return { view: this.changed(rt), action: r.action };
  }

  private receiptNo(laneId: string, ms: number): string {
    const day = businessDay(ms).replace(/-/g, "");
    // Above today's floor after a restore or replacement (outbox/receipt-floor.ts).
    const n = nextReceiptCounter(this.d.db, laneId, businessDay(ms));
    return formatReceiptNo({ storeId: this.d.storeId(), lane: Number(laneId), day, number: n % 1_000_000 });
  }

  /** Sale, lines, tenders, stock, outbox and the emptied cart: one transaction. */
  private commitSale(rt: LaneRuntime, cart: Cart): SaleCompleted {
    const shiftId = this.requireShift(rt);
    const { ms, iso } = this.now();
    // Priced again at the moment of sale: that is the price the receipt and HQ's audit use.
    const priced = this.priceOf(cart, iso);
    const training = rt.record.training;
    const fresh = emptyCart(uuidv7(ms), iso);
    const q = this.q;
    const sale = this.d.db.write(() => {
      // Only the coupons whose promotion applied are spent (and sent to HQ).
      const sale = buildSale({ ...cart, coupons: spentCoupons(this.lookup, cart, priced) }, priced, {
        saleId: cart.cartId,
        receiptNo: this.receiptNo(rt.id, ms),
        laneId: rt.id,
        cashierId: rt.record.cashierId!,
        shiftId,
        businessDay: businessDay(ms),
        training,
        catalogVersion: this.d.replica.applied,
        completedAt: iso,
      });
      q.insertSale.run({
        saleId: sale.saleId,
        receiptNo: sale.receiptNo,
        lane: rt.id,
        shiftId,
        training: training ? 1 : 0,
        businessDay: sale.businessDay,
        netFen: sale.totals.net,
        taxFen: sale.totals.tax,
        completedAt: iso,
        data: JSON.stringify(sale),
      });
      for (const l of sale.lines)
        q.insertLine.run({
          saleId: sale.saleId,
          lineId: l.lineId,
          sku: l.sku,
          qty: l.qty,
          weighed: l.weighed ? 1 : 0,
          netFen: l.net,
          taxFen: l.tax,
          priceVersion: l.priceVersion,
        });
      sale.tenders.forEach((t, i) => {
        q.insertTender.run({
          saleId: sale.saleId,
          idx: i,
          kind: t.kind,
          amountFen: t.amount,
          receivedFen: t.received ?? null,
          changeFen: t.change ?? null,
          reference: t.reference ?? null,
        });
      });
      if (!training)
        for (const l of sale.lines) this.d.stock.move(l.sku, -l.qty, "sale", sale.receiptNo, iso);
      if (plantedBug !== "skip_outbox_row") this.d.outbox.append("sale.completed", sale, iso);
      // Single-use coupons are spent here at once, so a second lane cannot take the same one
      // before HQ's next change set says so (training spends nothing).
      if (!training)
        for (const code of oneTime(this.lookup, sale.coupons)) {
          this.d.db.d
            // json_set: drizzle has no JSON path update; the record stays HQ's JSON otherwise.
            .update(coupons)
            .set({ data: sql`json_set(${coupons.data}, '$.status', 'redeemed')` })
            .where(eq(coupons.code, code))
            .run();
          // Kept apart from HQ's record, which a snapshot may replace before HQ has this sale.
          this.d.db.d
            .insert(couponRedemptions)
            .values({ code, saleId: sale.saleId, redeemedAt: iso })
            .onConflictDoNothing()
            .run();
        }
      q.paymentsUsed.run({ cartId: cart.cartId });
      this.writeCart(rt.id, fresh);
      crashPoint("sale.before_commit");
      return sale;
    });
    crashPoint("sale.after_commit");
    if (!training)
      for (const code of oneTime(this.lookup, sale.coupons)) {
        const c = this.lookup.coupons.get(code);
        if (c) this.lookup.coupons.set(code, { ...c, status: "redeemed" });
      }
    rt.cart = fresh;
    this.d.onLedger();
    const change = sale.tenders.reduce((s, t) => s + (t.change ?? 0), 0);
    this.emit(rt, { type: "sale", receiptNo: sale.receiptNo, saleId: sale.saleId, change, training });
    this.changed(rt);
    if (sale.tenders.some((t) => t.kind === "cash")) void rt.devices.kickDrawer().catch(() => {});
    this.print(rt, saleReceipt(sale, this.d.storeId()));
    return sale;
  }

  private print(rt: LaneRuntime, doc: ReceiptDoc): void {
    rt.devices.printReceipt(doc).then(
      () => this.emit(rt, { type: "print", receiptNo: doc.receiptNo, ok: true }),
      (e) =>
        this.emit(rt, { type: "print", receiptNo: doc.receiptNo, ok: false, error: (e as Error).message }),
    );
  }

  /** Prints a sale's receipt again (marked as a copy). */
  reprint(laneId: string, receiptNo: string): void {
    const sale = this.saleByReceipt(receiptNo);
    if (!sale) throw notFound("receiptNo", `no sale ${receiptNo} in this store`);
    const doc = saleReceipt(sale, this.d.storeId());
    doc.title = `${doc.title} (重印 COPY)`;
    this.print(this.lane(laneId), doc);
  }

  saleByReceipt(receiptNo: string): SaleCompleted | undefined {
    const row = this.q.saleByReceipt.get({ receiptNo });
    return row ? JSON.parse(row.data) : undefined;
  }

  returnByReceipt(receiptNo: string): SaleReturned | undefined {
    const row = this.d.db.d
      .select({ data: returns.data })
      .from(returns)
      .where(eq(returns.receiptNo, receiptNo))
      .get();
    return row ? (JSON.parse(row.data) as SaleReturned) : undefined;
  }

  // -----------------------------------------------------------------------------------------
  // Returns.

  private priorReturns(saleId: string): Map<string, PriorReturns> {
    const rows = this.d.db.d
      .select({
        lineId: returnLines.lineId,
        units: sum(returnLines.qty).mapWith(Number),
        net: sum(returnLines.refundFen).mapWith(Number),
        tax: sum(returnLines.taxFen).mapWith(Number),
      })
      .from(returnLines)
      .where(eq(returnLines.saleId, saleId))
      .groupBy(returnLines.lineId)
      .all();
    return new Map(rows.map((r) => [r.lineId, { units: r.units, net: r.net, tax: r.tax }]));
  }

  /** Starts a return against a receipt of this store (scanned or typed). */
  startReturn(laneId: string, receiptNo: string): LaneView {
    const rt = this.lane(laneId);
    this.requireShift(rt);
    if (rt.cart.lines.length || rt.cart.tenders.length || rt.cart.return)
      throw conflict("cart", "finish the current sale before a return");
    const sale = this.saleByReceipt(receiptNo);
    if (!sale) throw notFound("receiptNo", `no sale ${receiptNo} in this store`);
    if (sale.training !== rt.record.training)
      throw conflict(
        "receiptNo",
        sale.training
          ? "a training sale can be returned only in training"
          : "training mode cannot return a real sale",
      );
    return this.mutate(rt, (c) => ({
      ...c,
      return: {
        original: { saleId: sale.saleId, receiptNo: sale.receiptNo, storeId: this.d.storeId() },
        reason: "",
        lines: [],
      },
    }));
  }

  /** Starts a return without receipt: a supervisor authorises it; items are then scanned. */
  async startReturnWithoutReceipt(
    laneId: string,
    supervisorId: string,
    pin: string,
    reason: string,
  ): Promise<LaneView> {
    await this.supervisor(laneId, { id: supervisorId, pin }, "return_without_receipt");
    const rt = this.lane(laneId);
    this.requireShift(rt);
    if (rt.cart.lines.length || rt.cart.tenders.length || rt.cart.return)
      throw conflict("cart", "finish the current sale before a return");
    return this.mutate(rt, (c) => ({ ...c, return: { supervisorId, reason, lines: [] } }));
  }

  /** What can still be returned of the receipt being returned. */
  returnable(laneId: string) {
    const rt = this.lane(laneId);
    const original = rt.cart.return?.original;
    if (!original) throw conflict("mode", "no return against a receipt in progress");
    const sale = this.saleByReceipt(original.receiptNo)!;
    return returnable(sale.lines, this.priorReturns(sale.saleId));
  }

  /**
   * The refund the return in progress would pay, before it is confirmed: the same rule as
   * completeReturn (planReturn against the receipt, shelf prices without one), nothing saved.
   */
  previewReturn(laneId: string): ReturnPlan {
    const rt = this.lane(laneId);
    const draft = rt.cart.return;
    if (!draft) throw conflict("mode", "no return in progress");
    if (!draft.original) return shelfRefund(rt.cart.lines, this.price(rt));
    if (!draft.lines.length) return { lines: [], totals: { refund: 0, tax: 0 } };
    const sale = this.saleByReceipt(draft.original.receiptNo)!;
    return planReturn(sale.lines, this.priorReturns(sale.saleId), draft.lines);
  }

  setReturnLine(laneId: string, lineId: string, units: number, restock: boolean): LaneView {
    const rt = this.lane(laneId);
    const draft = rt.cart.return;
    if (!draft?.original) throw conflict("mode", "no return against a receipt in progress");
    if (draft.refundNo) throw refundSent(draft);
    const sale = this.saleByReceipt(draft.original.receiptNo)!;
    const lines = draft.lines.filter((l) => l.lineId !== lineId);
    if (units > 0) lines.push({ lineId, units, restock });
    // Validates against what earlier returns took back before anything is saved.
    if (lines.length) planReturn(sale.lines, this.priorReturns(sale.saleId), lines);
    return this.mutate(rt, (c) => ({ ...c, return: { ...draft, lines } }));
  }

  cancelReturn(laneId: string): LaneView {
    const rt = this.lane(laneId);
    if (!rt.cart.return) throw conflict("mode", "no return in progress");
    if (rt.cart.return.refundNo) throw refundSent(rt.cart.return);
    return this.mutate(rt, () => emptyCart(uuidv7(), this.now().iso));
  }

  /**
   * Refunds the return and commits it: return rows, stock, outbox, in one transaction. The money
   * goes back to the original tenders unless `tenderKind` says otherwise (checkout/refund.ts);
   * cash instead of a wallet or card needs a supervisor and is audited. Wallet refunds go
   * through the provider's refund call first, under a refund number kept in the cart, so a
   * retry after a timeout or a crash never refunds twice.
   */
  async completeReturn(
    laneId: string,
    tenderKind: Tender["kind"] | undefined,
    reason: string,
    supervisor?: { id: string; pin: string },
  ): Promise<{ returned: SaleReturned; view: LaneView }> {
    const rt = this.lane(laneId);
    this.requireShift(rt);
    if (rt.paymentInFlight) throw conflict("lane", "a payment or refund is in progress on this lane");
    if (!rt.cart.return) throw conflict("mode", "no return in progress");
    const draft0 = rt.cart.return;
    let refund: RefundPlan;
    let refundOf: SaleCompleted | undefined;
    if (draft0.original) {
      refundOf = this.saleByReceipt(draft0.original.receiptNo)!;
      const amount = planReturn(refundOf.lines, this.priorReturns(refundOf.saleId), draft0.lines).totals
        .refund;
      refund = planRefund(refundOf.tenders, this.priorRefunds(refundOf.saleId), amount, tenderKind);
    } else {
      if (tenderKind === "wechat" || tenderKind === "alipay")
        throw invalid("tender", "a return without receipt has no wallet payment to refund to");
      refund = {
        tenders: [{ kind: tenderKind ?? "cash", amount: this.price(rt).totals.net }],
        cashInsteadOf: 0,
      };
    }
    // A refund already sent under this return's number (its answer lost) may have gone through:
    // the retry must send the very same refund, never another one.
    const sent = draft0.refundTenders;
    if (
      sent &&
      JSON.stringify(sent) !== JSON.stringify(refund.tenders.map((t) => ({ kind: t.kind, amount: t.amount })))
    )
      throw refundSent(draft0);
    let approvedBy: Cashier | undefined;
    if (refund.cashInsteadOf > 0) {
      if (!supervisor)
        throw forbidden(
          "supervisorId",
          `the sale was paid by ${refundOf!.tenders.map((t) => t.kind).join("+")}: a cash refund needs a supervisor`,
        );
      approvedBy = await this.supervisor(laneId, supervisor, "refund_to_cash");
    }
    const references = await this.refundWallets(rt, refundOf, refund, reason);
    return this.commitReturn(rt, refund, references, approvedBy, reason);
  }

  /** Earlier refunds of a sale per kind of tender. */
  private priorRefunds(saleId: string) {
    const rows = this.d.db.d
      .select({ data: returns.data })
      .from(returns)
      .where(eq(returns.originalSaleId, saleId))
      .all();
    return refundedByKind(rows.flatMap((r) => (JSON.parse(r.data) as SaleReturned).tenders));
  }

  /**
   * Calls the provider's refund for each wallet tender of the plan; answers each tender's new
   * reference (the provider's refund id). Nothing is committed here: a refusal leaves the return
   * open, a timeout leaves the refund number in the cart for the retry.
   */
  private async refundWallets(
    rt: LaneRuntime,
    sale: SaleCompleted | undefined,
    plan: RefundPlan,
    reason: string,
  ): Promise<(string | undefined)[]> {
    const wallets = plan.tenders.filter((t) => t.kind === "wechat" || t.kind === "alipay");
    if (!wallets.length || !sale) return plan.tenders.map(() => undefined);
    if (rt.record.training)
      return plan.tenders.map((t, i) =>
        t.kind === "wechat" || t.kind === "alipay" ? `TRAINING-R${i}` : undefined,
      );
    // The refund number is fixed before the first call and kept with the cart (durable).
    const planned = plan.tenders.map((t) => ({ kind: t.kind, amount: t.amount }));
    let refundNo = rt.cart.return!.refundNo;
    if (!refundNo) {
      refundNo = uuidv7(this.now().ms);
      const cart = { ...rt.cart, return: { ...rt.cart.return!, refundNo, refundTenders: planned } };
      this.saveCart(rt, cart, true);
    }
    const out: (string | undefined)[] = [];
    rt.paymentInFlight = `refund:${refundNo}`;
    try {
      for (const [i, t] of plan.tenders.entries()) {
        if (t.kind !== "wechat" && t.kind !== "alipay") {
          out.push(undefined);
          continue;
        }
        const pay = this.d.db.d
          .select({ paymentId: payments.paymentId, total: payments.amountFen })
          .from(payments)
          .where(and(eq(payments.reference, t.originalReference ?? ""), eq(payments.provider, t.kind)))
          .get();
        if (!pay)
          throw conflict("tender", `no ${t.kind} payment ${t.originalReference} on this edge to refund`);
        const timeout = new Promise<"timeout">((r) =>
          setTimeout(() => r("timeout"), this.d.paymentTiming.timeoutMs),
        );
        const r = await Promise.race([
          this.d.payments.refund({
            provider: t.kind,
            paymentId: pay.paymentId,
            transactionId: t.originalReference ?? "",
            refundNo: `${refundNo.replace(/-/g, "")}${i}`,
            amount: t.amount,
            total: pay.total,
            reason: (reason || rt.cart.return!.reason || "退货 return").slice(0, 80),
            storeId: this.d.storeId(),
          }),
          timeout,
        ]);
        if (r === "timeout")
          throw new EdgeError(
            "payment_pending",
            "tender",
            `no answer from ${t.kind} to the refund yet: confirm the return again (same refund number, it is never refunded twice)`,
          );
        if (r.status === "refused")
          throw new EdgeError("payment_declined", "tender", `refund refused by ${t.kind}: ${r.reason}`);
        out.push(r.refundId);
      }
    } finally {
      delete rt.paymentInFlight;
    }
    return out;
  }

  private commitReturn(
    rt: LaneRuntime,
    refund: RefundPlan,
    references: (string | undefined)[],
    approvedBy: Cashier | undefined,
    reason: string,
  ): { returned: SaleReturned; view: LaneView } {
    const shiftId = this.requireShift(rt);
    const draft = rt.cart.return;
    if (!draft) throw conflict("mode", "no return in progress");
    const { ms, iso } = this.now();
    let original: SaleCompleted | undefined;
    let lines: SaleReturned["lines"];
    let totals: SaleReturned["totals"];
    if (draft.original) {
      original = this.saleByReceipt(draft.original.receiptNo)!;
      const plan = planReturn(original.lines, this.priorReturns(original.saleId), draft.lines);
      lines = plan.lines.map((l) => ({
        lineId: l.lineId,
        sku: l.sku,
        qty: l.qty,
        weighed: l.weighed,
        refund: l.refund,
        tax: l.tax,
        restock: l.restock,
      }));
      totals = plan.totals;
    } else {
      if (!rt.cart.lines.length) throw conflict("lines", "scan the returned items first");
      const priced = this.price(rt);
      lines = rt.cart.lines.map((l, i) => ({
        lineId: l.lineId,
        sku: l.sku,
        qty: l.qty,
        weighed: l.weighed,
        refund: priced.lines[i]!.net,
        tax: priced.lines[i]!.tax,
        restock: true,
      }));
      totals = { refund: priced.totals.net, tax: priced.totals.tax };
    }
    const training = rt.record.training;
    const returnId = uuidv7(ms);
    const fresh = emptyCart(uuidv7(ms), iso);
    const db = this.d.db.d;
    const returned = this.d.db.write(() => {
      const payload: SaleReturned = {
        returnId,
        receiptNo: this.receiptNo(rt.id, ms),
        reason: (reason || draft.reason || "customer return").slice(0, 80),
        laneId: rt.id,
        cashierId: rt.record.cashierId!,
        shiftId,
        businessDay: businessDay(ms),
        training,
        lines,
        totals,
        tenders: refund.tenders.map((t, i) => ({
          kind: t.kind,
          amount: t.amount,
          ...(references[i] ? { reference: references[i] } : {}),
        })),
        returnedAt: iso,
      };
      if (draft.original) payload.original = draft.original;
      if (draft.supervisorId) payload.supervisorId = draft.supervisorId;
      db.insert(returns)
        .values({
          returnId,
          receiptNo: payload.receiptNo,
          originalSaleId: original?.saleId ?? null,
          lane: rt.id,
          shiftId,
          training: training ? 1 : 0,
          refundFen: totals.refund,
          tenderKind: refund.tenders[0]?.kind ?? "cash",
          returnedAt: iso,
          data: JSON.stringify(payload),
        })
        .run();
      for (const l of lines) {
        const units = draft.original
          ? (draft.lines.find((x) => x.lineId === l.lineId)?.units ?? l.qty)
          : l.qty;
        db.insert(returnLines)
          .values({
            returnId,
            saleId: original?.saleId ?? null,
            lineId: l.lineId,
            qty: units,
            refundFen: l.refund,
            taxFen: l.tax,
          })
          .run();
        if (!training && l.restock) this.d.stock.move(l.sku, l.qty, "return", payload.receiptNo, iso);
      }
      if (!draft.original)
        this.d.outbox.append(
          "audit.recorded",
          {
            auditId: uuidv7(ms),
            action: "return_without_receipt",
            laneId: rt.id,
            cashierId: rt.record.cashierId!,
            supervisorId: draft.supervisorId!,
            amount: totals.refund,
            detail: payload.reason,
            at: iso,
          },
          iso,
        );
      if (approvedBy)
        this.d.outbox.append(
          "audit.recorded",
          {
            auditId: uuidv7(ms),
            action: "refund_to_cash",
            laneId: rt.id,
            cashierId: rt.record.cashierId!,
            supervisorId: approvedBy.id,
            ...(original ? { saleId: original.saleId } : {}),
            amount: refund.cashInsteadOf,
            detail: `refund ${payload.receiptNo} of ${original?.receiptNo ?? "?"} paid by ${original?.tenders.map((t) => t.kind).join("+") ?? "?"} given in cash`,
            at: iso,
          },
          iso,
        );
      this.d.outbox.append("sale.returned", payload, iso);
      this.writeCart(rt.id, fresh);
      return payload;
    });
    rt.cart = fresh;
    this.d.onLedger();
    if (refund.tenders.some((t) => t.kind === "cash")) void rt.devices.kickDrawer().catch(() => {});
    this.print(rt, returnReceipt(returned));
    return { returned, view: this.changed(rt) };
  }

  async close(): Promise<void> {
    clearInterval(this.sweepTimer);
    for (const rt of this.lanes.values()) {
      rt.unsubscribe();
      await rt.devices.close().catch(() => {});
    }
  }
}

const yuan = formatYuanPlain;

/** The return is fixed once a wallet refund was sent for it (the answer may have been lost). */
function refundSent(draft: NonNullable<Cart["return"]>): EdgeError {
  const what = (draft.refundTenders ?? []).map((t) => `${t.kind} ${yuan(t.amount)}`).join(" + ");
  return conflict(
    "refund",
    `a refund (${what}) was already sent to the payment provider for this return: confirm it again as it is (it is never refunded twice)`,
  );
}

function saleReceipt(sale: SaleCompleted, storeId: string): ReceiptDoc {
  const lines: ReceiptDoc["lines"] = [];
  for (const l of sale.lines) {
    const qty = l.weighed ? qtyText(l.qty, true) : `x${l.qty}`;
    lines.push({ left: `${l.name} ${qty}`, right: yuan(l.gross) });
    for (const d of l.discounts)
      if (!isAdjustmentDiscount(d.promotionId))
        lines.push({ left: `  优惠 ${d.promotionId}`, right: `-${yuan(d.amount)}` });
  }
  for (const a of adjustmentLines(sale)) lines.push({ left: a.label, right: `-${yuan(a.amountFen)}` });
  lines.push({ left: "合计 TOTAL", right: yuan(sale.totals.net) });
  lines.push({ left: "其中税额 TAX", right: yuan(sale.totals.tax) });
  for (const t of sale.tenders) {
    lines.push({ left: t.kind, right: yuan(t.received ?? t.amount) });
    if (t.change) lines.push({ left: "找零 CHANGE", right: yuan(t.change) });
  }
  return {
    receiptNo: sale.receiptNo,
    training: sale.training,
    title: `${sale.training ? "*** 培训 TRAINING *** " : ""}${storeId} ${sale.completedAt}`,
    lines,
    barcode: sale.receiptNo,
  };
}

function returnReceipt(r: SaleReturned): ReceiptDoc {
  return {
    receiptNo: r.receiptNo,
    training: r.training,
    title: `${r.training ? "*** 培训 TRAINING *** " : ""}退货 RETURN ${r.original?.receiptNo ?? "(无小票)"}`,
    lines: [
      ...r.lines.map((l) => ({ left: `${l.sku} x${l.qty}`, right: `-${yuan(l.refund)}` })),
      { left: "退款 REFUND", right: yuan(r.totals.refund) },
    ],
    barcode: r.receiptNo,
  };
}

export type { SaleLine };
