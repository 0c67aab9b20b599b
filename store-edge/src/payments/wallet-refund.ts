// A return's money back to WeChat Pay / Alipay: the provider's refund call per wallet tender of
// the refund plan, under a refund number fixed before the first call and kept with the cart
// (durable), so a retry after a timeout or a crash never refunds twice. Nothing is committed
// here: a refusal leaves the return open, a timeout leaves the refund number for the retry.
import { type SaleCompleted, uuidv7 } from "@retail/protocol";
import { and, eq } from "drizzle-orm";
import { payments } from "../db/schema.ts";
import { conflict, EdgeError } from "../errors.ts";
import type { LaneRuntime, Lanes } from "../lanes/lanes.ts";
import type { RefundPlan } from "../returns/refund.ts";
import { saleTransition } from "../sale/lifecycle.ts";
import type { PaymentProvider } from "./provider.ts";
import type { PaymentTiming } from "./wallet.ts";

export class WalletRefunds {
  constructor(
    private readonly lanes: Lanes,
    private readonly provider: PaymentProvider,
    private readonly timing: PaymentTiming,
  ) {}

  /** Each tender's new reference (the provider's refund id; undefined for non-wallet tenders). */
  async refund(
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
    saleTransition(rt, "refund_wallet");
    // The refund number is fixed before the first call and kept with the cart (durable).
    const planned = plan.tenders.map((t) => ({ kind: t.kind, amount: t.amount }));
    let refundNo = rt.cart.return!.refundNo;
    if (!refundNo) {
      refundNo = uuidv7(this.lanes.now().ms);
      const cart = { ...rt.cart, return: { ...rt.cart.return!, refundNo, refundTenders: planned } };
      this.lanes.saveCart(rt, cart, true);
    }
    const out: (string | undefined)[] = [];
    rt.paymentInFlight = `refund:${refundNo}`;
    try {
      for (const [i, t] of plan.tenders.entries()) {
        if (t.kind !== "wechat" && t.kind !== "alipay") {
          out.push(undefined);
          continue;
        }
        const pay = this.lanes.d.db.d
          .select({ paymentId: payments.paymentId, total: payments.amountFen })
          .from(payments)
          .where(and(eq(payments.reference, t.originalReference ?? ""), eq(payments.provider, t.kind)))
          .get();
        if (!pay)
          throw conflict("tender", `no ${t.kind} payment ${t.originalReference} on this edge to refund`);
        const timeout = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), this.timing.timeoutMs));
        const r = await Promise.race([
          this.provider.refund({
            provider: t.kind,
            paymentId: pay.paymentId,
            transactionId: t.originalReference ?? "",
            refundNo: `${refundNo.replace(/-/g, "")}${i}`,
            amount: t.amount,
            total: pay.total,
            reason: (reason || rt.cart.return!.reason || "退货 return").slice(0, 80),
            storeId: this.lanes.d.storeId(),
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
}
