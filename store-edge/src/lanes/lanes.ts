// Every lane of the store as it stands: its cart, cashier, shift, devices and listeners, the
// lane view the till shows, and how a change is saved and pushed. The services of sale/,
// shift/, staff/, payments/, coupons/ and returns/ act on a lane through this one place. Every
// cart change is saved before the call returns (kill -9 mid-basket loses nothing).
import {
  formatYuanPlain,
  type LaneView,
  type Payload,
  type PriceResult,
  type Promotion,
  uuidv7,
} from "@retail/protocol";
import { and, eq, sql } from "drizzle-orm";
import type { CatalogReplica } from "../catalog/replica.ts";
import type { Clock } from "../clock.ts";
import { pricingCart } from "../coupons/coupons.ts";
import { crashPoint } from "../crash.ts";
import { carts, lanes, payments } from "../db/schema.ts";
import type { EdgeDb } from "../db.ts";
import type { DeviceEvent, LaneDevices, ReceiptDoc } from "../devices/port.ts";
import { conflict, EdgeError, invalid } from "../errors.ts";
import type { Outbox } from "../outbox/outbox.ts";
import { type Cart, emptyCart, priceCart, priceCartChecked } from "../sale/cart.ts";
import { type SaleEvent, saleTransition } from "../sale/lifecycle.ts";
import { keepAdjustment } from "../sale/order-adjustment.ts";
import { paid, remaining } from "../sale/tender.ts";
import { shiftTransition } from "../shift/lifecycle.ts";
import type { ShiftStore } from "../shift/store.ts";

export type { LaneView } from "@retail/protocol";

export interface LaneRecord {
  cashierId?: string;
  shiftId?: string;
  training: boolean;
  /** Locked from HQ (remote command lock_lane): no sign-in, no new sale until unlocked. */
  locked?: { reason?: string; at: string };
}

/** The refusal a locked lane answers, in the till's words. */
export function laneLocked(lane: string, locked: { reason?: string }) {
  return new EdgeError(
    "conflict",
    "lane",
    `收银台 ${lane} 已被总部锁定${locked.reason ? `（${locked.reason}）` : ""}，请使用其他收银台`,
    "lane_locked",
  );
}

import type { LaneMessage } from "@retail/protocol";

export type { LaneMessage };

export interface LaneRuntime {
  id: string;
  record: LaneRecord;
  cart: Cart;
  devices: LaneDevices;
  listeners: Set<(m: LaneMessage) => void>;
  /** A wallet payment's id, or `refund:<refundNo>`, while the provider is being asked. */
  paymentInFlight?: string;
  unsubscribe: () => void;
  priced?: { cart: Cart; promos: Promotion[]; result: PriceResult };
}

export interface LanesDeps {
  db: EdgeDb;
  outbox: Outbox;
  replica: CatalogReplica;
  clock: Clock;
  storeId: () => string;
  devicesFor: (lane: string) => LaneDevices;
  shifts: ShiftStore;
  /** Called after a commit that appended to the outbox (wakes the publisher). */
  onLedger: () => void;
}

/** An audit event of a supervised cart change (void, override), saved with the cart. */
export type CartAudit = Omit<Payload<"audit.recorded">, "auditId" | "laneId" | "at">;

const LANE_RE = /^[0-9]{1,2}$/;

export class Lanes {
  private readonly runtimes = new Map<string, LaneRuntime>();
  /** Cart ids read back from disk at start -> the id the restored basket has now (one per lane). */
  readonly restoredCarts = new Map<string, string>();
  /** What a scan on a lane's scanner does (sale/scan.ts, wired by the composition). */
  onScan: (lane: string, code: string, aim?: string) => Promise<unknown> = async () => undefined;
  /** Statements on the scan path (every cart change and view), prepared once. */
  private readonly q;

  constructor(readonly d: LanesDeps) {
    const db = d.db.d;
    const p = sql.placeholder;
    this.q = {
      // `excluded.*` is SQLite's upsert row: drizzle's documented way to say "the new value".
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
      unanswered: db
        .select({ paymentId: payments.paymentId, provider: payments.provider, amount: payments.amountFen })
        .from(payments)
        .where(and(eq(payments.cartId, p("cartId")), eq(payments.status, "pending")))
        .prepare(),
    };
  }

  get lookup() {
    return this.d.replica.lookup;
  }

  now(): { ms: number; iso: string } {
    const ms = this.d.clock.now();
    return { ms, iso: new Date(ms).toISOString() };
  }

  lane(id: string): LaneRuntime {
    if (!LANE_RE.test(id)) throw invalid("lane", "a lane is 1-2 digits");
    const rt = this.runtimes.get(id);
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
    this.runtimes.set(id, runtime);
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
    const ids = new Set(this.runtimes.keys());
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

  emit(rt: LaneRuntime, m: LaneMessage): void {
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
      this.onScan(rt.id, e.code, e.aim).catch((err) => {
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
    const shift = rt.record.shiftId ? this.d.shifts.row(rt.record.shiftId) : undefined;
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

  price(rt: LaneRuntime): PriceResult {
    // Priced once per cart state: the view, the push and the response share it.
    const promos = this.lookup.promotionArray();
    if (rt.priced?.cart === rt.cart && rt.priced.promos === promos) return rt.priced.result;
    const result = this.priceOf(rt.cart, this.now().iso);
    rt.priced = { cart: rt.cart, promos, result };
    return result;
  }

  priceOf(cart: Cart, at: string): PriceResult {
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
  saveCart(rt: LaneRuntime, cart: Cart, durable = false): void {
    if (durable) this.d.db.write(() => this.writeCart(rt.id, cart));
    else this.d.db.writeVolatile(() => this.writeCart(rt.id, cart));
    rt.cart = cart;
    crashPoint("cart.after_save");
  }

  /** Inside the caller's transaction. */
  writeCart(lane: string, cart: Cart): void {
    this.q.saveCart.run({ lane, data: JSON.stringify(cart), updatedAt: this.now().iso });
  }

  saveRecord(rt: LaneRuntime, record: LaneRecord): void {
    this.d.db.write(() => this.writeRecord(rt.id, record));
    rt.record = record;
  }

  /** Inside the caller's transaction. */
  writeRecord(lane: string, record: LaneRecord): void {
    this.q.saveRecord.run({ lane, data: JSON.stringify(record) });
  }

  /** Pushes the lane's new view to its listeners and the customer display; answers it. */
  changed(rt: LaneRuntime): LaneView {
    const v = this.view(rt);
    this.emit(rt, { type: "cart", view: v });
    const last = rt.cart.lines.at(-1);
    void rt.devices
      .showCustomer(last ? `${last.name}` : "", `合计 ${formatYuanPlain(v.due)}`)
      .catch(() => {});
    return v;
  }

  /** Applies a pure cart change the sale lifecycle takes as `event`, persists it, pushes the view. */
  mutate(rt: LaneRuntime, event: SaleEvent, fn: (cart: Cart) => Cart): LaneView {
    // A sale already under way on a lane locked meanwhile is finished; no new one starts.
    if (rt.record.locked && !rt.cart.lines.length && !rt.cart.tenders.length)
      throw laneLocked(rt.id, rt.record.locked);
    saleTransition(rt, event);
    const next = keepAdjustment(rt.cart, fn(rt.cart));
    // Price before saving: a basket the engine rejects is never persisted.
    const result = this.priceOf(next, this.now().iso);
    this.saveCart(rt, next);
    rt.priced = { cart: next, promos: this.lookup.promotionArray(), result };
    return this.changed(rt);
  }

  /**
   * Saves the cart and, when given, its audit event for HQ in one transaction: a supervised
   * change (void, override) is never saved without its audit trail, nor audited without it.
   */
  commitAudited(rt: LaneRuntime, cart: Cart, audit?: CartAudit): LaneView {
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

  /** The lane's open shift (the shift lifecycle refuses anything else). */
  requireShift(rt: LaneRuntime): string {
    shiftTransition(rt.record, "use");
    return rt.record.shiftId!;
  }

  /** Prints on the lane's printer; the outcome comes as the lane's `print` message. */
  print(rt: LaneRuntime, doc: ReceiptDoc): void {
    rt.devices.printReceipt(doc).then(
      () => this.emit(rt, { type: "print", receiptNo: doc.receiptNo, ok: true }),
      (e) =>
        this.emit(rt, { type: "print", receiptNo: doc.receiptNo, ok: false, error: (e as Error).message }),
    );
  }

  /**
   * Restarts a lane (remote command restart_lane): its devices closed and opened again, its
   * state read back from disk and pushed to its terminal. Refused while a payment is in flight.
   */
  async reopen(id: string): Promise<LaneView> {
    const old = this.runtimes.get(id);
    if (old?.paymentInFlight) throw conflict("lane", `lane ${id} is waiting for a payment`);
    const listeners = old ? [...old.listeners] : [];
    if (old) {
      old.unsubscribe();
      this.runtimes.delete(id);
      await old.devices.close().catch(() => {});
    }
    const rt = this.lane(id);
    for (const l of listeners) rt.listeners.add(l);
    return this.changed(rt);
  }

  async close(): Promise<void> {
    for (const rt of this.runtimes.values()) {
      rt.unsubscribe();
      await rt.devices.close().catch(() => {});
    }
  }
}
