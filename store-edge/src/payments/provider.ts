// WeChat Pay / Alipay "micropay" (the customer shows a payment code, the till charges it):
// the provider answers approved, declined, or not yet (the customer is entering a password);
// when the answer does not come in time the till queries by its own payment id, and may reverse
// (WeChat) / cancel (Alipay) it. A return refunds through the provider's refund call. The
// simulated provider behaves like that, chosen by the code's last four digits, for the demo and
// tests, and takes its refund and reverse calls in the real APIs' shapes (wallet-api.ts).
import {
  ALIPAY_SUCCESS,
  type AlipayCancelRequest,
  type AlipayCancelResponse,
  type AlipayRefundRequest,
  type AlipayRefundResponse,
  alipayFen,
  alipayRefundBiz,
  alipayYuan,
  type WechatError,
  type WechatRefundRequest,
  type WechatRefundResponse,
  type WechatReverseRequest,
  type WechatReverseResponse,
} from "./wallet-api.ts";

export type PayResult =
  | { status: "approved"; transactionId: string }
  | { status: "declined"; reason: string }
  | { status: "pending" };

export interface PayRequest {
  paymentId: string;
  provider: "wechat" | "alipay";
  authCode: string;
  amount: number;
  storeId: string;
}

export interface RefundRequest {
  provider: "wechat" | "alipay";
  /** The till's payment id of the original payment (out_trade_no). */
  paymentId: string;
  /** The provider's transaction id of it (transaction_id / trade_no). */
  transactionId: string;
  /** The till's refund number (out_refund_no / out_request_no): retried as is, never twice. */
  refundNo: string;
  amount: number;
  /** What the original payment charged. */
  total: number;
  reason: string;
  storeId: string;
}

export type RefundResult =
  | { status: "refunded" | "processing"; refundId: string }
  | { status: "refused"; reason: string };

export type ReverseResult =
  | { status: "reversed"; action: "closed" | "refunded" }
  | { status: "retry" }
  | { status: "refused"; reason: string };

export interface PaymentProvider {
  pay(req: PayRequest): Promise<PayResult>;
  query(paymentId: string): Promise<PayResult>;
  /** Refunds (part of) a payment to the customer's wallet. */
  refund(req: RefundRequest): Promise<RefundResult>;
  /** Reverses / cancels a payment that got no answer: closed if unpaid, refunded if paid. */
  reverse(provider: "wechat" | "alipay", paymentId: string): Promise<ReverseResult>;
}

/**
 * One money movement the simulated provider settled, as its daily settlement file would list it
 * (scripts/demo/reconciliation.ts renders the WeChat Pay / Alipay files from these). The ids are
 * the ones the till got back, so HQ's tenders carry them.
 */
export interface SimulatedSettlement {
  provider: "wechat" | "alipay";
  kind: "payment" | "refund" | "reversed";
  storeId: string;
  transactionId: string;
  /** The till's payment id (out_trade_no). */
  merchantOrderNo: string;
  /** A refund's id as the till's return tender holds it; "" otherwise. */
  refundId: string;
  amountFen: number;
  at: string;
}

/**
 * ...0000 declines; ...9999 never answers the pay call and is approved on the second query;
 * ...8888 never answers and is declined on query; ...7777 stays pending; anything else approves
 * after `latencyMs`.
 */
export class SimulatedPaymentProvider implements PaymentProvider {
  private readonly outcomes = new Map<string, { result: PayResult; queriesLeft: number }>();
  /** The wire calls made, in order (tests read the shapes). */
  readonly calls: { api: string; request: unknown; response: unknown }[] = [];
  /** Refunds per trade and per refund number, as the providers keep them. */
  private readonly refunds = new Map<
    string,
    { total: number; byNo: Map<string, { id: string; amount: number }> }
  >();
  private readonly reversed = new Set<string>();
  private readonly requests = new Map<string, PayRequest>();
  private readonly settled = new Set<string>();
  /** `journal` hears every payment, refund and reversal the provider settles (the demo's bills). */
  constructor(
    private readonly latencyMs = 5,
    private readonly journal?: (s: SimulatedSettlement) => void,
  ) {}

  private record(
    kind: SimulatedSettlement["kind"],
    paymentId: string,
    transactionId: string,
    amountFen: number,
    refundId = "",
    who: { provider: "wechat" | "alipay"; storeId: string } | undefined = this.requests.get(paymentId),
  ) {
    const req = who;
    if (!this.journal || !req) return;
    if (kind === "payment") {
      if (this.settled.has(paymentId)) return; // a query repeats the approval
      this.settled.add(paymentId);
    }
    try {
      this.journal({
        provider: req.provider,
        kind,
        storeId: req.storeId,
        transactionId,
        merchantOrderNo: paymentId,
        refundId,
        amountFen,
        at: new Date().toISOString(),
      });
    } catch {
      // the journal is the demo's; a full disk there must not fail a payment
    }
  }

  async pay(req: PayRequest): Promise<PayResult> {
    this.paidFen.set(req.paymentId, req.amount);
    this.requests.set(req.paymentId, req);
    const tail = req.authCode.slice(-4);
    const approved: PayResult = {
      status: "approved",
      transactionId: `SIM${req.paymentId.replace(/-/g, "").slice(-20)}`,
    };
    if (tail === "9999" || tail === "8888" || tail === "7777") {
      this.outcomes.set(req.paymentId, {
        result:
          tail === "9999"
            ? approved
            : tail === "8888"
              ? { status: "declined", reason: "余额不足" }
              : { status: "pending" },
        queriesLeft: 1,
      });
      return new Promise(() => {}); // the provider never answers this call
    }
    await Bun.sleep(this.latencyMs);
    const result: PayResult = tail === "0000" ? { status: "declined", reason: "付款码已失效" } : approved;
    this.outcomes.set(req.paymentId, { result, queriesLeft: 0 });
    if (result.status === "approved") this.record("payment", req.paymentId, result.transactionId, req.amount);
    return result;
  }

  async query(paymentId: string): Promise<PayResult> {
    await Bun.sleep(this.latencyMs);
    const o = this.outcomes.get(paymentId);
    if (!o) return { status: "declined", reason: "unknown payment" };
    if (this.reversed.has(paymentId)) return { status: "declined", reason: "已撤销 reversed" };
    if (o.queriesLeft > 0) {
      o.queriesLeft--;
      return { status: "pending" };
    }
    if (o.result.status === "approved")
      this.record("payment", paymentId, o.result.transactionId, this.paidFen.get(paymentId) ?? 0);
    return o.result;
  }

  async refund(req: RefundRequest): Promise<RefundResult> {
    await Bun.sleep(this.latencyMs);
    if (req.provider === "wechat") {
      const body: WechatRefundRequest = {
        transaction_id: req.transactionId,
        out_trade_no: req.paymentId,
        out_refund_no: req.refundNo,
        reason: req.reason.slice(0, 80),
        amount: { refund: req.amount, total: req.total, currency: "CNY" },
      };
      const r = this.wechatRefund(body);
      if ("code" in r) return { status: "refused", reason: `${r.code}: ${r.message}` };
      if (r.status === "SUCCESS" && !this.settled.has(`refund:${r.refund_id}`)) {
        this.settled.add(`refund:${r.refund_id}`);
        this.record("refund", req.paymentId, r.transaction_id, req.amount, r.refund_id, req);
      }
      return { status: r.status === "SUCCESS" ? "refunded" : "processing", refundId: r.refund_id };
    }
    const r = this.alipayRefund(alipayRefundBiz(req));
    if (r.code !== ALIPAY_SUCCESS) return { status: "refused", reason: `${r.sub_code}: ${r.sub_msg}` };
    const refundId = `${r.trade_no}:${req.refundNo}`;
    if (!this.settled.has(`refund:${refundId}`)) {
      this.settled.add(`refund:${refundId}`);
      this.record("refund", req.paymentId, r.trade_no ?? req.transactionId, req.amount, refundId, req);
    }
    return { status: "refunded", refundId };
  }

  async reverse(provider: "wechat" | "alipay", paymentId: string): Promise<ReverseResult> {
    await Bun.sleep(this.latencyMs);
    if (provider === "wechat") {
      const r = this.wechatReverse({
        appid: "wxSIM",
        mch_id: "SIM",
        out_trade_no: paymentId,
        nonce_str: paymentId.slice(-16),
      });
      if (r.return_code !== "SUCCESS") return { status: "retry" };
      if (r.result_code === "SUCCESS") {
        const action = this.paidAction(paymentId);
        const paid = this.outcomes.get(paymentId)?.result;
        if (action === "refunded" && paid?.status === "approved")
          this.record("reversed", paymentId, paid.transactionId, this.paidFen.get(paymentId) ?? 0);
        return { status: "reversed", action };
      }
      return r.recall === "Y"
        ? { status: "retry" }
        : { status: "refused", reason: `${r.err_code}: ${r.err_code_des}` };
    }
    const r = this.alipayCancel({ out_trade_no: paymentId });
    if (r.code === ALIPAY_SUCCESS)
      return { status: "reversed", action: r.action === "refund" ? "refunded" : "closed" };
    return r.retry_flag === "Y"
      ? { status: "retry" }
      : { status: "refused", reason: `${r.sub_code}: ${r.sub_msg}` };
  }

  /** POST /v3/refund/domestic/refunds, as WeChat Pay answers it. */
  wechatRefund(body: WechatRefundRequest): WechatRefundResponse | WechatError {
    const res = ((): WechatRefundResponse | WechatError => {
      const trade = body.out_trade_no ?? body.transaction_id ?? "";
      const a = body.amount;
      if (
        !body.out_refund_no ||
        !trade ||
        !Number.isSafeInteger(a.refund) ||
        a.refund <= 0 ||
        a.refund > a.total
      )
        return { code: "INVALID_REQUEST", message: "amount.refund must be 1..amount.total fen" };
      if (this.reversed.has(trade)) return { code: "RESOURCE_NOT_EXISTS", message: "订单已撤销" };
      const known = this.outcomes.get(trade);
      if (known && known.result.status !== "approved")
        return { code: "RESOURCE_NOT_EXISTS", message: "订单不存在" };
      const book = this.book(trade);
      const again = book.byNo.get(body.out_refund_no);
      if (!again && book.total + a.refund > a.total)
        return { code: "NOT_ENOUGH", message: "申请退款金额超过订单可退金额" };
      const rec = again ?? {
        id: `50${trade.replace(/-/g, "").slice(-18)}${book.byNo.size}`,
        amount: a.refund,
      };
      if (!again) {
        book.byNo.set(body.out_refund_no, rec);
        book.total += a.refund;
      }
      const now = new Date().toISOString();
      return {
        refund_id: rec.id,
        out_refund_no: body.out_refund_no,
        transaction_id: body.transaction_id ?? `SIM${trade.replace(/-/g, "").slice(-20)}`,
        out_trade_no: trade,
        channel: "ORIGINAL",
        user_received_account: "支付用户零钱",
        success_time: now,
        create_time: now,
        status: "SUCCESS",
        amount: {
          total: a.total,
          refund: rec.amount,
          payer_total: a.total,
          payer_refund: rec.amount,
          settlement_refund: rec.amount,
          settlement_total: a.total,
          discount_refund: 0,
          currency: "CNY",
        },
      };
    })();
    this.calls.push({ api: "POST /v3/refund/domestic/refunds", request: body, response: res });
    return res;
  }

  /** POST /secapi/pay/reverse (micropay), as WeChat Pay answers it. */
  wechatReverse(req: WechatReverseRequest): WechatReverseResponse {
    const known = this.outcomes.get(req.out_trade_no);
    const res: WechatReverseResponse = known
      ? { return_code: "SUCCESS", result_code: "SUCCESS", recall: "N" }
      : {
          return_code: "SUCCESS",
          result_code: "FAIL",
          err_code: "ORDERNOTEXIST",
          err_code_des: "此交易订单号不存在",
          recall: "N",
        };
    if (known) this.reversed.add(req.out_trade_no);
    this.calls.push({ api: "POST /secapi/pay/reverse", request: req, response: res });
    return res;
  }

  /** alipay.trade.refund, as Alipay answers it (alipay_trade_refund_response). */
  alipayRefund(biz: AlipayRefundRequest): AlipayRefundResponse {
    const res = ((): AlipayRefundResponse => {
      const trade = biz.out_trade_no ?? biz.trade_no ?? "";
      const fen = alipayFen(biz.refund_amount);
      const fail = (sub_code: string, sub_msg: string): AlipayRefundResponse => ({
        code: "40004",
        msg: "Business Failed",
        sub_code,
        sub_msg,
      });
      if (!trade || !Number.isSafeInteger(fen) || fen <= 0) return fail("ACQ.INVALID_PARAMETER", "参数无效");
      if (this.reversed.has(trade)) return fail("ACQ.TRADE_STATUS_ERROR", "交易状态不合法");
      const known = this.outcomes.get(trade);
      if (known && known.result.status !== "approved") return fail("ACQ.TRADE_NOT_EXIST", "交易不存在");
      const book = this.book(trade);
      const again = book.byNo.get(biz.out_request_no);
      // The simulated trade's total is only known for payments made since the sim started.
      const total = known?.result.status === "approved" ? (this.paidFen.get(trade) ?? Infinity) : Infinity;
      if (!again && book.total + fen > total) return fail("ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", "退款金额超限");
      if (!again) {
        book.byNo.set(biz.out_request_no, { id: biz.out_request_no, amount: fen });
        book.total += fen;
      }
      return {
        code: ALIPAY_SUCCESS,
        msg: "Success",
        trade_no: biz.trade_no ?? `SIM${trade.replace(/-/g, "").slice(-20)}`,
        out_trade_no: trade,
        buyer_logon_id: "159****5620",
        fund_change: again ? "N" : "Y",
        refund_fee: alipayYuan(book.total),
        gmt_refund_pay: new Date().toISOString().replace("T", " ").slice(0, 19),
      };
    })();
    this.calls.push({ api: "alipay.trade.refund", request: biz, response: res });
    return res;
  }

  /** alipay.trade.cancel, as Alipay answers it (alipay_trade_cancel_response). */
  alipayCancel(biz: AlipayCancelRequest): AlipayCancelResponse {
    const trade = biz.out_trade_no ?? biz.trade_no ?? "";
    const known = this.outcomes.get(trade);
    const res: AlipayCancelResponse = known
      ? {
          code: ALIPAY_SUCCESS,
          msg: "Success",
          trade_no: `SIM${trade.replace(/-/g, "").slice(-20)}`,
          out_trade_no: trade,
          retry_flag: "N",
          action: known.result.status === "approved" ? "refund" : "close",
        }
      : {
          code: "40004",
          msg: "Business Failed",
          sub_code: "ACQ.TRADE_NOT_EXIST",
          sub_msg: "交易不存在",
          retry_flag: "N",
        };
    if (known) this.reversed.add(trade);
    this.calls.push({ api: "alipay.trade.cancel", request: biz, response: res });
    return res;
  }

  private readonly paidFen = new Map<string, number>();

  private paidAction(paymentId: string): "closed" | "refunded" {
    return this.outcomes.get(paymentId)?.result.status === "approved" ? "refunded" : "closed";
  }

  private book(trade: string) {
    let b = this.refunds.get(trade);
    if (!b) {
      b = { total: 0, byNo: new Map() };
      this.refunds.set(trade, b);
    }
    return b;
  }
}
