// Returns at the till: against a receipt of this store (lines picked from it, refunded as sold,
// never more than was bought across all returns) or without one (a supervisor, items scanned,
// shelf prices). The money goes back to the original tenders unless the cashier says otherwise
// (refund.ts); cash instead of a wallet or card needs a supervisor and is audited.
import type { Cashier, LaneView, PriorReturns, SaleCompleted, SaleReturned, Tender } from "@retail/protocol";
import { pointsPaid, uuidv7, formatYuanPlain as yuan } from "@retail/protocol";
import { eq, sum } from "drizzle-orm";
import { returnLines, returns } from "../db/schema.ts";
import { conflict, type EdgeError, forbidden, invalid, notFound } from "../errors.ts";
import type { Lanes } from "../lanes/lanes.ts";
import { pointsBack } from "../member/points.ts";
import type { WalletRefunds } from "../payments/wallet-refund.ts";
import type { Cart } from "../sale/cart.ts";
import { emptyCart } from "../sale/cart.ts";
import type { SaleCommit } from "../sale/commit.ts";
import { saleTransition } from "../sale/lifecycle.ts";
import type { Staff, Supervisor } from "../staff/service.ts";
import type { StockLedger } from "../stock.ts";
import { ReturnCommit } from "./commit.ts";
import { planRefund, type RefundPlan, refundedByKind } from "./refund.ts";
import { planReturn, type ReturnPlan, returnable, shelfRefund } from "./returns.ts";

export class Returns {
  readonly commit: ReturnCommit;

  constructor(
    private readonly lanes: Lanes,
    private readonly staff: Staff,
    private readonly sales: SaleCommit,
    private readonly wallets: WalletRefunds,
    stock: StockLedger,
  ) {
    this.commit = new ReturnCommit(
      lanes,
      stock,
      (saleId) => this.priorReturns(saleId),
      (r) => this.sale(r),
    );
  }

  private sale(receiptNo: string): SaleCompleted {
    return this.sales.saleByReceipt(receiptNo)!;
  }

  priorReturns(saleId: string): Map<string, PriorReturns> {
    const rows = this.lanes.d.db.d
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

  /** The points each `points` refund tender gives back (member/points.ts pointsBack). */
  private withPoints(refund: RefundPlan, sale: SaleCompleted): RefundPlan {
    if (!refund.tenders.some((t) => t.kind === "points")) return refund;
    const rows = this.lanes.d.db.d
      .select({ data: returns.data })
      .from(returns)
      .where(eq(returns.originalSaleId, sale.saleId))
      .all();
    const prior = pointsPaid(rows.flatMap((r) => (JSON.parse(r.data) as SaleReturned).tenders));
    const tenders = refund.tenders.map((t) => {
      if (t.kind !== "points") return t;
      const points = pointsBack(sale.tenders, prior, t.amount);
      prior.fen += t.amount;
      prior.points += points;
      return { ...t, points };
    });
    return { ...refund, tenders };
  }

  /** Earlier refunds of a sale per kind of tender. */
  private priorRefunds(saleId: string) {
    const rows = this.lanes.d.db.d
      .select({ data: returns.data })
      .from(returns)
      .where(eq(returns.originalSaleId, saleId))
      .all();
    return refundedByKind(rows.flatMap((r) => (JSON.parse(r.data) as SaleReturned).tenders));
  }

  returnByReceipt(receiptNo: string): SaleReturned | undefined {
    const row = this.lanes.d.db.d
      .select({ data: returns.data })
      .from(returns)
      .where(eq(returns.receiptNo, receiptNo))
      .get();
    return row ? (JSON.parse(row.data) as SaleReturned) : undefined;
  }

  /** Starts a return against a receipt of this store (scanned or typed). */
  startReturn(laneId: string, receiptNo: string): LaneView {
    const rt = this.lanes.lane(laneId);
    this.lanes.requireShift(rt);
    saleTransition(rt, "start_return");
    const sale = this.sales.saleByReceipt(receiptNo);
    if (!sale) throw notFound("receiptNo", `no sale ${receiptNo} in this store`);
    if (sale.training !== rt.record.training)
      throw conflict(
        "receiptNo",
        sale.training
          ? "a training sale can be returned only in training"
          : "training mode cannot return a real sale",
      );
    return this.lanes.mutate(rt, "start_return", (c) => ({
      ...c,
      return: {
        original: { saleId: sale.saleId, receiptNo: sale.receiptNo, storeId: this.lanes.d.storeId() },
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
    await this.staff.supervisor(laneId, { id: supervisorId, pin }, "return_without_receipt");
    const rt = this.lanes.lane(laneId);
    this.lanes.requireShift(rt);
    return this.lanes.mutate(rt, "start_return_shelf", (c) => ({
      ...c,
      return: { supervisorId, reason, lines: [] },
    }));
  }

  /** What can still be returned of the receipt being returned. */
  returnable(laneId: string) {
    const original = this.lanes.lane(laneId).cart.return?.original;
    if (!original) throw conflict("mode", "no return against a receipt in progress");
    const sale = this.sale(original.receiptNo);
    return returnable(sale.lines, this.priorReturns(sale.saleId));
  }

  /**
   * The refund the return in progress would pay, before it is confirmed: the same rule as
   * completeReturn (planReturn against the receipt, shelf prices without one), nothing saved.
   */
  previewReturn(laneId: string): ReturnPlan {
    const rt = this.lanes.lane(laneId);
    const draft = rt.cart.return;
    if (!draft) throw conflict("mode", "no return in progress");
    if (!draft.original) return shelfRefund(rt.cart.lines, this.lanes.price(rt));
    if (!draft.lines.length) return { lines: [], totals: { refund: 0, tax: 0 } };
    const sale = this.sale(draft.original.receiptNo);
    return planReturn(sale.lines, this.priorReturns(sale.saleId), draft.lines);
  }

  setReturnLine(laneId: string, lineId: string, units: number, restock: boolean): LaneView {
    const rt = this.lanes.lane(laneId);
    saleTransition(rt, "pick_return_line");
    const draft = rt.cart.return!;
    if (draft.refundNo) throw refundSent(draft);
    const sale = this.sale(draft.original!.receiptNo);
    const lines = draft.lines.filter((l) => l.lineId !== lineId);
    if (units > 0) lines.push({ lineId, units, restock });
    // Validates against what earlier returns took back before anything is saved.
    if (lines.length) planReturn(sale.lines, this.priorReturns(sale.saleId), lines);
    return this.lanes.mutate(rt, "pick_return_line", (c) => ({ ...c, return: { ...draft, lines } }));
  }

  cancelReturn(laneId: string): LaneView {
    const rt = this.lanes.lane(laneId);
    saleTransition(rt, "cancel_return");
    if (rt.cart.return!.refundNo) throw refundSent(rt.cart.return!);
    return this.lanes.mutate(rt, "cancel_return", () => emptyCart(uuidv7(), this.lanes.now().iso));
  }

  /**
   * Refunds the return and commits it: return rows, stock, outbox, in one transaction. The money
   * goes back to the original tenders unless `tenderKind` says otherwise (refund.ts); cash
   * instead of a wallet or card needs a supervisor and is audited. Wallet refunds go through the
   * provider's refund call first, under a refund number kept in the cart, so a retry after a
   * timeout or a crash never refunds twice.
   */
  async completeReturn(
    laneId: string,
    tenderKind: Tender["kind"] | undefined,
    reason: string,
    supervisor?: Supervisor,
  ): Promise<{ returned: SaleReturned; view: LaneView }> {
    const rt = this.lanes.lane(laneId);
    this.lanes.requireShift(rt);
    saleTransition(rt, "complete_return");
    const draft0 = rt.cart.return!;
    let refund: RefundPlan;
    let refundOf: SaleCompleted | undefined;
    if (draft0.original) {
      refundOf = this.sale(draft0.original.receiptNo);
      const amount = planReturn(refundOf.lines, this.priorReturns(refundOf.saleId), draft0.lines).totals
        .refund;
      refund = planRefund(refundOf.tenders, this.priorRefunds(refundOf.saleId), amount, tenderKind);
      refund = this.withPoints(refund, refundOf);
    } else {
      if (tenderKind === "wechat" || tenderKind === "alipay")
        throw invalid("tender", "a return without receipt has no wallet payment to refund to");
      if (tenderKind === "points")
        throw invalid("tender", "a return without receipt has no member points to give back");
      refund = {
        tenders: [{ kind: tenderKind ?? "cash", amount: this.lanes.price(rt).totals.net }],
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
      approvedBy = await this.staff.supervisor(laneId, supervisor, "refund_to_cash");
    }
    const references = await this.wallets.refund(rt, refundOf, refund, reason);
    return this.commit.commit(rt, refund, references, approvedBy, reason);
  }
}

/** The return is fixed once a wallet refund was sent for it (the answer may have been lost). */
function refundSent(draft: NonNullable<Cart["return"]>): EdgeError {
  const what = (draft.refundTenders ?? []).map((t) => `${t.kind} ${yuan(t.amount)}`).join(" + ");
  return conflict(
    "refund",
    `a refund (${what}) was already sent to the payment provider for this return: confirm it again as it is (it is never refunded twice)`,
  );
}
