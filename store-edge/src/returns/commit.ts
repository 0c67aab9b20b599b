// The return's commit: return rows, stock back on the shelf, the audit events and the
// sale.returned outbox row with the emptied cart, in one transaction; then the drawer and the
// return receipt.
import {
  type Cashier,
  type LaneView,
  type PriorReturns,
  type SaleCompleted,
  type SaleReturned,
  uuidv7,
  formatYuanPlain as yuan,
} from "@retail/protocol";
import { businessDay } from "../clock.ts";
import { returnLines, returns } from "../db/schema.ts";
import type { ReceiptDoc } from "../devices/port.ts";
import { conflict } from "../errors.ts";
import type { LaneRuntime, Lanes } from "../lanes/lanes.ts";
import { emptyCart } from "../sale/cart.ts";
import { saleTransition } from "../sale/lifecycle.ts";
import { nextReceiptNo } from "../sale/receipt.ts";
import type { StockLedger } from "../stock.ts";
import type { RefundPlan } from "./refund.ts";
import { planReturn } from "./returns.ts";

export class ReturnCommit {
  /** Member points a return gives back, kept in its transaction (member/points.ts). */
  givePointsBack?: (returned: SaleReturned, original: SaleCompleted | undefined) => void;

  constructor(
    private readonly lanes: Lanes,
    private readonly stock: StockLedger,
    private readonly priorReturns: (saleId: string) => Map<string, PriorReturns>,
    private readonly saleByReceipt: (receiptNo: string) => SaleCompleted,
  ) {}

  commit(
    rt: LaneRuntime,
    refund: RefundPlan,
    references: (string | undefined)[],
    approvedBy: Cashier | undefined,
    reason: string,
  ): { returned: SaleReturned; view: LaneView } {
    const shiftId = this.lanes.requireShift(rt);
    saleTransition(rt, "complete_return");
    const draft = rt.cart.return;
    if (!draft) throw conflict("mode", "no return in progress");
    const d = this.lanes.d;
    const { ms, iso } = this.lanes.now();
    let original: SaleCompleted | undefined;
    let lines: SaleReturned["lines"];
    let totals: SaleReturned["totals"];
    if (draft.original) {
      original = this.saleByReceipt(draft.original.receiptNo);
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
      const priced = this.lanes.price(rt);
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
    const db = d.db.d;
    const returned = d.db.write(() => {
      const payload: SaleReturned = {
        returnId,
        receiptNo: nextReceiptNo(d.db, d.storeId(), rt.id, ms),
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
          ...(t.points ? { points: t.points } : {}),
          ...(references[i] ? { reference: references[i] } : {}),
        })),
        returnedAt: iso,
      };
      if (draft.original) payload.original = draft.original;
      if (draft.supervisorId) payload.supervisorId = draft.supervisorId;
      if (!training) this.givePointsBack?.(payload, original);
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
        if (!training && l.restock) this.stock.move(l.sku, l.qty, "return", payload.receiptNo, iso);
      }
      if (!draft.original)
        d.outbox.append(
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
        d.outbox.append(
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
      d.outbox.append("sale.returned", payload, iso);
      this.lanes.writeCart(rt.id, fresh);
      return payload;
    });
    rt.cart = fresh;
    d.onLedger();
    if (refund.tenders.some((t) => t.kind === "cash")) void rt.devices.kickDrawer().catch(() => {});
    this.lanes.print(rt, returnReceipt(returned));
    return { returned, view: this.lanes.changed(rt) };
  }
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
