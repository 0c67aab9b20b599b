// WeChat Pay / Alipay at the till: a payment code is charged through the provider, the attempt
// recorded first (a crash while waiting leaves a row to query), queried again after the timeout,
// reversed when the customer pays another way. An approved payment becomes the sale's tender
// (sale/commit.ts). Training lanes never call the provider.
import { type LaneView, type SaleCompleted, uuidv7 } from "@retail/protocol";
import { and, eq } from "drizzle-orm";
import { payments } from "../db/schema.ts";
import { conflict, EdgeError, notFound } from "../errors.ts";
import type { LaneRuntime, Lanes } from "../lanes/lanes.ts";
import type { SaleCommit, Tendered } from "../sale/commit.ts";
import { saleTransition } from "../sale/lifecycle.ts";
import { walletAmount, walletTender } from "../sale/tender.ts";
import type { PaymentProvider, PayResult } from "./provider.ts";

export type Wallet = "wechat" | "alipay";

export interface PaymentTiming {
  timeoutMs: number;
  queryIntervalMs: number;
  queryAttempts: number;
}

export class WalletPayments {
  constructor(
    private readonly lanes: Lanes,
    private readonly commit: SaleCommit,
    readonly provider: PaymentProvider,
    readonly timing: PaymentTiming,
  ) {}

  private setStatus(paymentId: string, status: string, reference?: string): void {
    const db = this.lanes.d.db;
    db.write(() =>
      db.d
        .update(payments)
        .set(reference === undefined ? { status } : { status, reference })
        .where(eq(payments.paymentId, paymentId))
        .run(),
    );
  }

  /**
   * Charges a WeChat Pay / Alipay payment code. The attempt is recorded first, so a crash while
   * waiting leaves a row to query; after `timeoutMs` without an answer the provider is queried.
   * Training lanes never call the provider: the payment is simulated as approved.
   */
  async payWallet(
    laneId: string,
    provider: Wallet,
    authCode: string,
    amount: number | undefined,
  ): Promise<{ view: LaneView; sale?: SaleCompleted; paymentId: string }> {
    const rt = this.lanes.lane(laneId);
    this.lanes.requireShift(rt);
    saleTransition(rt, "pay_wallet");
    const due = this.commit.due(rt);
    const charge = walletAmount(amount, due, rt.cart.tenders);
    const { ms, iso } = this.lanes.now();
    const paymentId = uuidv7(ms);
    if (rt.record.training) {
      return {
        paymentId,
        ...this.commit.addTender(rt, walletTender(provider, charge, `TRAINING-${paymentId.slice(-12)}`)),
      };
    }
    const db = this.lanes.d.db;
    db.write(() =>
      db.d
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
    this.lanes.changed(rt);
    let result: PayResult;
    try {
      result = await this.awaitPayment(
        this.provider.pay({ paymentId, provider, authCode, amount: charge, storeId: this.lanes.d.storeId() }),
        paymentId,
      );
    } finally {
      delete rt.paymentInFlight;
    }
    return { paymentId, ...this.settle(rt, paymentId, provider, charge, result) };
  }

  private async awaitPayment(call: Promise<PayResult>, paymentId: string): Promise<PayResult> {
    const t = this.timing;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<PayResult>((resolve) => {
      timer = setTimeout(() => resolve({ status: "pending" }), t.timeoutMs);
    });
    let result = await Promise.race([call, timeout]).finally(() => clearTimeout(timer));
    for (let i = 0; result.status === "pending" && i < t.queryAttempts; i++) {
      await Bun.sleep(t.queryIntervalMs);
      result = await this.provider.query(paymentId);
    }
    return result;
  }

  private settle(
    rt: LaneRuntime,
    paymentId: string,
    provider: Wallet,
    charge: number,
    result: PayResult,
  ): Tendered {
    if (result.status === "declined") {
      this.setStatus(paymentId, "declined");
      this.lanes.changed(rt);
      throw new EdgeError("payment_declined", "code", `payment declined: ${result.reason}`);
    }
    if (result.status === "pending") {
      this.lanes.changed(rt);
      throw new EdgeError(
        "payment_pending",
        "paymentId",
        `no answer from ${provider} yet: query payment ${paymentId} again before taking another tender`,
      );
    }
    this.setStatus(paymentId, "approved", result.transactionId);
    return this.commit.addTender(rt, walletTender(provider, charge, result.transactionId));
  }

  /** Asks the provider again about a payment that had no answer. */
  async queryPayment(laneId: string, paymentId: string): Promise<Tendered> {
    const rt = this.lanes.lane(laneId);
    const row = this.lanes.d.db.d
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
    const result = await this.provider.query(paymentId);
    return this.settle(rt, paymentId, row.provider as Wallet, row.amountFen, result);
  }

  /**
   * Reverses (WeChat Pay) / cancels (Alipay) a payment that got no answer, so the customer can
   * pay another way: the provider closes it if unpaid, refunds it if it went through after all.
   */
  async reversePayment(laneId: string, paymentId: string): Promise<{ view: LaneView; action: string }> {
    const rt = this.lanes.lane(laneId);
    const row = this.lanes.d.db.d
      .select({ provider: payments.provider, status: payments.status })
      .from(payments)
      .where(and(eq(payments.paymentId, paymentId), eq(payments.lane, laneId)))
      .get();
    if (!row) throw notFound("paymentId", `no payment ${paymentId} on lane ${laneId}`);
    if (row.status !== "pending") throw conflict("paymentId", `payment ${paymentId} is ${row.status}`);
    if (rt.paymentInFlight) throw conflict("lane", "a payment is in progress on this lane");
    const r = await this.provider.reverse(row.provider as Wallet, paymentId);
    if (r.status === "retry")
      throw new EdgeError(
        "payment_pending",
        "paymentId",
        `${row.provider} asks to reverse ${paymentId} again`,
      );
    if (r.status === "refused")
      throw conflict("paymentId", `${row.provider} refused the reverse: ${r.reason}`);
    this.setStatus(paymentId, "reversed");
    return { view: this.lanes.changed(rt), action: r.action };
  }
}
