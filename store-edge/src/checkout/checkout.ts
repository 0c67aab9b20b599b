// The till: every lane's checkout, put together from the folders that each hold one business
// operation (lanes/ the lane's state and view, staff/ sign-in and PINs, shift/, sale/ basket,
// scan, suspend and commit, coupons/, payments/ wallets, returns/). This file only wires them,
// and keeps the one-line calls other modules and the tests use (`edge.checkout.scan(...)`).
import type { ScaleLabelLayout } from "@retail/protocol";
import type { CatalogReplica } from "../catalog/replica.ts";
import type { Clock } from "../clock.ts";
import { CartCoupons } from "../coupons/service.ts";
import type { EdgeDb } from "../db.ts";
import type { LaneDevices } from "../devices/port.ts";
import { Lanes } from "../lanes/lanes.ts";
import type { Outbox } from "../outbox/outbox.ts";
import type { PaymentProvider } from "../payments/provider.ts";
import { type PaymentTiming, WalletPayments } from "../payments/wallet.ts";
import { WalletRefunds } from "../payments/wallet-refund.ts";
import { Returns } from "../returns/service.ts";
import { Basket } from "../sale/basket.ts";
import { SaleCommit } from "../sale/commit.ts";
import { Scanner } from "../sale/scan.ts";
import { SuspendedCarts } from "../sale/suspend.ts";
import { Shifts } from "../shift/service.ts";
import { ShiftStore } from "../shift/store.ts";
import { Staff } from "../staff/service.ts";
import type { SourceLimits } from "../staff/verify-pin.ts";
import type { StockLedger } from "../stock.ts";

export type { LaneMessage, LaneView } from "../lanes/lanes.ts";
export type { ScanOutcome } from "../sale/scan.ts";
export { DEFAULT_PAYOUT_SUPERVISOR_ABOVE_FEN } from "../shift/service.ts";
export type { SignedIn } from "../staff/service.ts";

export interface CheckoutDeps {
  db: EdgeDb;
  outbox: Outbox;
  replica: CatalogReplica;
  stock: StockLedger;
  clock: Clock;
  storeId: () => string;
  devicesFor: (lane: string) => LaneDevices;
  payments: PaymentProvider;
  paymentTiming: PaymentTiming;
  scaleLayouts?: readonly ScaleLabelLayout[];
  /** Called after a commit that appended to the outbox (wakes the publisher). */
  onLedger: () => void;
  /** A cashier's LAN session ends after this long without use (default 12 h). */
  sessionIdleMs?: number | undefined;
  /** How long 5 wrong PINs in a row lock a cashier code (default LOCK_MS, 5 min). */
  pinLockMs?: number | undefined;
  /** Per-source PIN limits (staff/verify-pin.ts; defaults DEFAULT_SOURCE_LIMITS). */
  pinSourceLimits?: Partial<SourceLimits>;
  /** Cash-outs above this many fen need a supervisor (store-edge.json cash.payoutSupervisorAboveFen). */
  payoutSupervisorAboveFen?: number | undefined;
  log?: (msg: string) => void;
}

type Args<F> = F extends (...a: infer A) => unknown ? A : never;

export class Checkout {
  readonly lanes: Lanes;
  readonly staff: Staff;
  readonly shifts: Shifts;
  readonly basket: Basket;
  readonly scanner: Scanner;
  readonly suspends: SuspendedCarts;
  readonly coupons: CartCoupons;
  readonly sales: SaleCommit;
  readonly wallet: WalletPayments;
  readonly returns: Returns;

  constructor(d: CheckoutDeps) {
    const shiftStore = new ShiftStore(d.db);
    this.lanes = new Lanes({ ...d, shifts: shiftStore });
    this.staff = new Staff(this.lanes, d);
    this.shifts = new Shifts(this.lanes, this.staff, shiftStore, d.payoutSupervisorAboveFen);
    this.basket = new Basket(this.lanes, this.staff);
    this.suspends = new SuspendedCarts(this.lanes);
    this.coupons = new CartCoupons(this.lanes);
    this.sales = new SaleCommit(this.lanes, d.stock);
    this.wallet = new WalletPayments(this.lanes, this.sales, d.payments, d.paymentTiming);
    const refunds = new WalletRefunds(this.lanes, d.payments, d.paymentTiming);
    this.returns = new Returns(this.lanes, this.staff, this.sales, refunds, d.stock);
    this.scanner = new Scanner(this.lanes, this.basket, this.wallet, this.returns, d.scaleLayouts);
    this.lanes.onScan = (lane, code, aim) => this.scanner.scan(lane, code, aim);
  }

  get restoredCarts() {
    return this.lanes.restoredCarts;
  }
  get sessions() {
    return this.staff.sessions;
  }
  get pins() {
    return this.staff.pins;
  }

  // The lane.
  lane = (...a: Args<Lanes["lane"]>) => this.lanes.lane(...a);
  laneIds = () => this.lanes.laneIds();
  subscribe = (...a: Args<Lanes["subscribe"]>) => this.lanes.subscribe(...a);
  view = (...a: Args<Lanes["view"]>) => this.lanes.view(...a);
  devices = (...a: Args<Lanes["devices"]>) => this.lanes.devices(...a);
  // People.
  login = (...a: Args<Staff["login"]>) => this.staff.login(...a);
  logout = (...a: Args<Staff["logout"]>) => this.staff.logout(...a);
  unlockPin = (...a: Args<Staff["unlockPin"]>) => this.staff.unlockPin(...a);
  supervisor = (...a: Args<Staff["supervisor"]>) => this.staff.supervisor(...a);
  audit = (...a: Args<Staff["audit"]>) => this.staff.audit(...a);
  setTraining = (...a: Args<Staff["setTraining"]>) => this.staff.setTraining(...a);
  // The shift.
  openShift = (...a: Args<Shifts["openShift"]>) => this.shifts.openShift(...a);
  cashMove = (...a: Args<Shifts["cashMove"]>) => this.shifts.cashMove(...a);
  shiftSummary = (...a: Args<Shifts["shiftSummary"]>) => this.shifts.shiftSummary(...a);
  shiftCounts = (...a: Args<Shifts["shiftCounts"]>) => this.shifts.shiftCounts(...a);
  xReport = (...a: Args<Shifts["xReport"]>) => this.shifts.xReport(...a);
  printXReport = (...a: Args<Shifts["printXReport"]>) => this.shifts.printXReport(...a);
  closeShift = (...a: Args<Shifts["closeShift"]>) => this.shifts.closeShift(...a);
  noSale = (...a: Args<Shifts["noSale"]>) => this.shifts.noSale(...a);
  // The basket.
  scan = (...a: Args<Scanner["scan"]>) => this.scanner.scan(...a);
  addSku = (...a: Args<Basket["addSku"]>) => this.basket.addSku(...a);
  changeQty = (...a: Args<Basket["changeQty"]>) => this.basket.changeQty(...a);
  voidLine = (...a: Args<Basket["voidLine"]>) => this.basket.voidLine(...a);
  overridePrice = (...a: Args<Basket["overridePrice"]>) => this.basket.overridePrice(...a);
  adjustOrder = (...a: Args<Basket["adjustOrder"]>) => this.basket.adjustOrder(...a);
  clearOrderAdjustment = (...a: Args<Basket["clearOrderAdjustment"]>) =>
    this.basket.clearOrderAdjustment(...a);
  memberByPhone = (...a: Args<Basket["memberByPhone"]>) => this.basket.memberByPhone(...a);
  clearMember = (...a: Args<Basket["clearMember"]>) => this.basket.clearMember(...a);
  voidCart = (...a: Args<Basket["voidCart"]>) => this.basket.voidCart(...a);
  addCoupon = (...a: Args<CartCoupons["add"]>) => this.coupons.add(...a);
  removeCoupon = (...a: Args<CartCoupons["remove"]>) => this.coupons.remove(...a);
  suspend = (...a: Args<SuspendedCarts["suspend"]>) => this.suspends.suspend(...a);
  suspended = () => this.suspends.list();
  recall = (...a: Args<SuspendedCarts["recall"]>) => this.suspends.recall(...a);
  // Paying and the sale.
  tenderCash = (...a: Args<SaleCommit["tenderCash"]>) => this.sales.tenderCash(...a);
  tenderCard = (...a: Args<SaleCommit["tenderCard"]>) => this.sales.tenderCard(...a);
  payWallet = (...a: Args<WalletPayments["payWallet"]>) => this.wallet.payWallet(...a);
  queryPayment = (...a: Args<WalletPayments["queryPayment"]>) => this.wallet.queryPayment(...a);
  reversePayment = (...a: Args<WalletPayments["reversePayment"]>) => this.wallet.reversePayment(...a);
  saleByReceipt = (...a: Args<SaleCommit["saleByReceipt"]>) => this.sales.saleByReceipt(...a);
  reprint = (...a: Args<SaleCommit["reprint"]>) => this.sales.reprint(...a);
  // Returns.
  returnByReceipt = (...a: Args<Returns["returnByReceipt"]>) => this.returns.returnByReceipt(...a);
  startReturn = (...a: Args<Returns["startReturn"]>) => this.returns.startReturn(...a);
  startReturnWithoutReceipt = (...a: Args<Returns["startReturnWithoutReceipt"]>) =>
    this.returns.startReturnWithoutReceipt(...a);
  returnable = (...a: Args<Returns["returnable"]>) => this.returns.returnable(...a);
  previewReturn = (...a: Args<Returns["previewReturn"]>) => this.returns.previewReturn(...a);
  setReturnLine = (...a: Args<Returns["setReturnLine"]>) => this.returns.setReturnLine(...a);
  cancelReturn = (...a: Args<Returns["cancelReturn"]>) => this.returns.cancelReturn(...a);
  completeReturn = (...a: Args<Returns["completeReturn"]>) => this.returns.completeReturn(...a);

  async close(): Promise<void> {
    this.staff.close();
    await this.lanes.close();
  }
}
