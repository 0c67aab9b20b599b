// An Alipay client for the till's wallet calls ("当面付" bar-code payments), through the
// openapi gateway (gateway.do, form fields, RSA2): alipay.trade.pay, alipay.trade.query,
// alipay.trade.refund, alipay.trade.cancel. Amounts go out in yuan strings, exact (alipayYuan).
// A pay call without a trustworthy answer (timeout, network, code 20000, 10003 waiting for the
// buyer's password) is "pending": the checkout queries and may cancel. Answers whose signature
// does not verify are not trusted.
import type { KeyObject } from "node:crypto";
import type { PayRequest, PayResult, RefundRequest, RefundResult, ReverseResult } from "./provider.ts";
import {
  ALIPAY_SUCCESS,
  type AlipayCancelResponse,
  type AlipayRefundResponse,
  alipayRefundBiz,
  alipayYuan,
} from "./wallet-api.ts";
import { alipayResponseText, alipaySignContent, alipayTimestamp, rsaSign, rsaVerify } from "./wallet-sign.ts";
import { WalletUnreachable } from "./wechat-pay.ts";

export interface AlipayConfig {
  /** https://openapi.alipay.com/gateway.do in production. */
  gatewayUrl: string;
  appId: string;
  /** The app's RSA2 private key (PEM). */
  appPrivateKey: KeyObject | string;
  /** Alipay's public key: every answer's signature is checked with it. */
  alipayPublicKey: KeyObject | string;
  /** Per HTTP call (default 10 s). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

interface AlipayAnswer {
  code: string;
  msg: string;
  sub_code?: string;
  sub_msg?: string;
  [k: string]: unknown;
}

const why = (r: AlipayAnswer) => `${r.sub_code ?? r.code}: ${r.sub_msg ?? r.msg}`;

export class AlipayClient {
  private readonly fetch: typeof fetch;
  constructor(private readonly c: AlipayConfig) {
    this.fetch = c.fetch ?? fetch;
  }

  async pay(req: PayRequest): Promise<PayResult> {
    const r = await this.call("alipay.trade.pay", {
      out_trade_no: req.paymentId,
      scene: "bar_code",
      auth_code: req.authCode,
      subject: `门店 ${req.storeId}`,
      total_amount: alipayYuan(req.amount),
      store_id: req.storeId,
    }).catch((e) => {
      if (e instanceof WalletUnreachable) return undefined;
      throw e;
    });
    if (!r || r.code === "10003" || r.code === "20000") return { status: "pending" };
    if (r.code === ALIPAY_SUCCESS) return { status: "approved", transactionId: String(r.trade_no ?? "") };
    return { status: "declined", reason: why(r) };
  }

  async query(paymentId: string): Promise<PayResult> {
    const r = await this.call("alipay.trade.query", { out_trade_no: paymentId }).catch((e) => {
      if (e instanceof WalletUnreachable) return undefined;
      throw e;
    });
    if (!r || r.code === "20000") return { status: "pending" };
    if (r.code !== ALIPAY_SUCCESS) return { status: "declined", reason: why(r) };
    switch (r.trade_status) {
      case "TRADE_SUCCESS":
      case "TRADE_FINISHED":
        return { status: "approved", transactionId: String(r.trade_no ?? "") };
      case "WAIT_BUYER_PAY":
        return { status: "pending" };
      default:
        return { status: "declined", reason: `${String(r.trade_status)}: 交易已关闭` };
    }
  }

  async refund(req: RefundRequest): Promise<RefundResult> {
    const biz = alipayRefundBiz(req);
    // Unreachable or 20000 is thrown: the checkout retries with the same out_request_no, which
    // Alipay never refunds twice (fund_change "N" on the repeat).
    const r = (await this.call("alipay.trade.refund", biz)) as AlipayAnswer & AlipayRefundResponse;
    if (r.code === "20000") throw new WalletUnreachable(`alipay refund: ${why(r)}`);
    if (r.code !== ALIPAY_SUCCESS) return { status: "refused", reason: why(r) };
    return { status: "refunded", refundId: `${r.trade_no}:${req.refundNo}` };
  }

  async reverse(paymentId: string): Promise<ReverseResult> {
    const r = (await this.call("alipay.trade.cancel", { out_trade_no: paymentId }).catch((e) => {
      if (e instanceof WalletUnreachable) return undefined;
      throw e;
    })) as (AlipayAnswer & AlipayCancelResponse) | undefined;
    if (!r || r.code === "20000") return { status: "retry" };
    if (r.code === ALIPAY_SUCCESS)
      return { status: "reversed", action: r.action === "refund" ? "refunded" : "closed" };
    return r.retry_flag === "Y" ? { status: "retry" } : { status: "refused", reason: why(r) };
  }

  private async call(method: string, biz: object): Promise<AlipayAnswer> {
    const fields: Record<string, string> = {
      app_id: this.c.appId,
      method,
      format: "JSON",
      charset: "utf-8",
      sign_type: "RSA2",
      timestamp: alipayTimestamp(),
      version: "1.0",
      biz_content: JSON.stringify(biz),
    };
    fields.sign = rsaSign(alipaySignContent(fields), this.c.appPrivateKey);
    let text: string;
    try {
      const res = await this.fetch(this.c.gatewayUrl, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded;charset=utf-8" },
        body: new URLSearchParams(fields).toString(),
        signal: AbortSignal.timeout(this.c.timeoutMs ?? 10_000),
      });
      if (res.status >= 500) throw new Error(`HTTP ${res.status}`);
      text = await res.text();
    } catch (e) {
      throw new WalletUnreachable(`alipay ${method}: ${(e as Error).message}`);
    }
    const name = `${method.replaceAll(".", "_")}_response`;
    const part = alipayResponseText(text, name);
    let parsed: { sign?: string } & Record<string, AlipayAnswer | string | undefined>;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new WalletUnreachable(`alipay ${method}: not a JSON answer`);
    }
    const answer = parsed[name] as AlipayAnswer | undefined;
    if (!answer || part === undefined)
      throw new WalletUnreachable(`alipay ${method}: no ${name} in the answer`);
    // Alipay signs every business answer; only a gateway-level error may come unsigned.
    const signed = typeof parsed.sign === "string" && rsaVerify(part, parsed.sign, this.c.alipayPublicKey);
    if (!signed && (answer.code === ALIPAY_SUCCESS || parsed.sign !== undefined))
      throw new WalletUnreachable(`alipay ${method}: answer signature does not verify`);
    return answer;
  }
}
