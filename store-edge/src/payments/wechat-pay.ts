// A WeChat Pay client for the till's wallet calls (merchant side, "付款码支付" micropay):
//   pay     POST /pay/micropay                                  (API v2, XML, HMAC-SHA256 sign)
//   query   GET  /v3/pay/transactions/out-trade-no/{no}?mchid=   (API v3, signed both ways)
//   refund  POST /v3/refund/domestic/refunds                     (API v3, amounts in fen)
//   reverse POST /secapi/pay/reverse                             (API v2; needs the merchant's
//           client certificate: pass a `fetch` whose TLS carries it)
// A pay call without a trustworthy answer (timeout, network, a 5xx, SYSTEMERROR, USERPAYING)
// is "pending": the checkout queries by the till's payment id and may reverse. Answers whose
// signature does not verify are not trusted.
import type { KeyObject } from "node:crypto";
import { EdgeError } from "../errors.ts";
import type { PayRequest, PayResult, RefundRequest, RefundResult, ReverseResult } from "./provider.ts";
import type { WechatError, WechatRefundRequest, WechatRefundResponse } from "./wallet-api.ts";
import {
  fromWechatXml,
  nonce,
  rsaVerify,
  toWechatXml,
  wechatV2Sign,
  wechatV3Authorization,
} from "./wallet-sign.ts";

export interface WechatPayConfig {
  /** https://api.mch.weixin.qq.com in production. */
  baseUrl: string;
  appId: string;
  mchId: string;
  /** The merchant's API v3 private key (PEM) and its certificate serial number. */
  merchantKey: KeyObject | string;
  merchantSerialNo: string;
  /** WeChat Pay's platform public key: every v3 answer's signature is checked with it. */
  platformPublicKey: KeyObject | string;
  /** The API v2 key (micropay, reverse). */
  apiV2Key: string;
  /** Per HTTP call (default 10 s). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/**
 * A call that got no usable answer: its outcome is unknown. The checkout answers it like a
 * timeout (payment_pending: confirm again with the same refund number, never refunded twice).
 */
export class WalletUnreachable extends EdgeError {
  constructor(message: string) {
    super("payment_pending", "tender", message);
  }
}

/**
 * WeChat Pay's out_trade_no is at most 32 characters of [0-9A-Za-z_-|*]: the till's payment id (a
 * UUID, 36 with its dashes) goes without the dashes, the same way on every call.
 */
export const wechatTradeNo = (paymentId: string) => paymentId.replaceAll("-", "");

// err_code of micropay that leave the payment's outcome open: query, then maybe reverse.
const OPEN = new Set(["USERPAYING", "SYSTEMERROR", "BANKERROR", "ORDERPAID"]);

export class WechatPayClient {
  private readonly fetch: typeof fetch;
  constructor(private readonly c: WechatPayConfig) {
    this.fetch = c.fetch ?? fetch;
  }

  async pay(req: PayRequest): Promise<PayResult> {
    let r: Record<string, string>;
    try {
      r = await this.v2("/pay/micropay", {
        body: `门店 ${req.storeId}`.slice(0, 128),
        out_trade_no: wechatTradeNo(req.paymentId),
        total_fee: String(req.amount),
        fee_type: "CNY",
        spbill_create_ip: "127.0.0.1",
        auth_code: req.authCode,
        device_info: req.storeId.slice(0, 32),
      });
    } catch (e) {
      if (e instanceof WalletUnreachable) return { status: "pending" };
      throw e;
    }
    // return_code FAIL: the request itself was refused (signature, parameters): nothing charged.
    if (r.return_code !== "SUCCESS")
      return { status: "declined", reason: `FAIL: ${r.return_msg ?? "refused"}` };
    if (r.result_code === "SUCCESS" && r.transaction_id)
      return { status: "approved", transactionId: r.transaction_id };
    if (OPEN.has(r.err_code ?? "")) return { status: "pending" };
    return { status: "declined", reason: `${r.err_code ?? "FAIL"}: ${r.err_code_des ?? "declined"}` };
  }

  async query(paymentId: string): Promise<PayResult> {
    const path = `/v3/pay/transactions/out-trade-no/${encodeURIComponent(wechatTradeNo(paymentId))}?mchid=${encodeURIComponent(this.c.mchId)}`;
    const res = await this.v3("GET", path).catch((e) => {
      if (e instanceof WalletUnreachable) return undefined;
      throw e;
    });
    if (!res) return { status: "pending" };
    if (res.status === 404) return { status: "declined", reason: "ORDER_NOT_EXIST: unknown payment" };
    if (res.status !== 200) return { status: "pending" };
    const t = res.body as { trade_state?: string; transaction_id?: string; trade_state_desc?: string };
    switch (t.trade_state) {
      case "SUCCESS":
        return { status: "approved", transactionId: t.transaction_id ?? "" };
      case "USERPAYING":
      case "NOTPAY":
        return { status: "pending" };
      default:
        return { status: "declined", reason: `${t.trade_state}: ${t.trade_state_desc ?? ""}`.trim() };
    }
  }

  async refund(req: RefundRequest): Promise<RefundResult> {
    const body: WechatRefundRequest = {
      transaction_id: req.transactionId,
      out_trade_no: wechatTradeNo(req.paymentId),
      out_refund_no: req.refundNo,
      reason: req.reason.slice(0, 80),
      amount: { refund: req.amount, total: req.total, currency: "CNY" },
    };
    // Unreachable is thrown: the checkout keeps the refund open and retries it with the same
    // out_refund_no, which WeChat Pay never refunds twice.
    const res = await this.v3("POST", "/v3/refund/domestic/refunds", body);
    if (res.status >= 500) throw new WalletUnreachable(`wechat refund: HTTP ${res.status}`);
    if (res.status !== 200) {
      const err = res.body as WechatError;
      return { status: "refused", reason: `${err.code}: ${err.message}` };
    }
    const r = res.body as WechatRefundResponse;
    if (r.status === "SUCCESS") return { status: "refunded", refundId: r.refund_id };
    if (r.status === "PROCESSING") return { status: "processing", refundId: r.refund_id };
    return { status: "refused", reason: `${r.status}: refund ${r.refund_id}` };
  }

  async reverse(paymentId: string): Promise<ReverseResult> {
    // The reverse answer does not say whether money had moved; the trade's state before does.
    const before = await this.query(paymentId);
    let r: Record<string, string>;
    try {
      r = await this.v2("/secapi/pay/reverse", { out_trade_no: wechatTradeNo(paymentId) });
    } catch (e) {
      if (e instanceof WalletUnreachable) return { status: "retry" };
      throw e;
    }
    if (r.return_code !== "SUCCESS") return { status: "retry" };
    if (r.result_code === "SUCCESS")
      return { status: "reversed", action: before.status === "approved" ? "refunded" : "closed" };
    if (r.recall === "Y") return { status: "retry" };
    return { status: "refused", reason: `${r.err_code ?? "FAIL"}: ${r.err_code_des ?? ""}`.trim() };
  }

  private async v2(path: string, fields: Record<string, string>): Promise<Record<string, string>> {
    const all: Record<string, string> = {
      appid: this.c.appId,
      mch_id: this.c.mchId,
      nonce_str: nonce(),
      sign_type: "HMAC-SHA256",
      ...fields,
    };
    all.sign = wechatV2Sign(all, this.c.apiV2Key);
    const text = await this.send(`${this.c.baseUrl}${path}`, {
      method: "POST",
      headers: { "content-type": "text/xml; charset=utf-8" },
      body: toWechatXml(all),
    }).then((r) => r.text);
    let r: Record<string, string>;
    try {
      r = fromWechatXml(text);
    } catch {
      throw new WalletUnreachable(`wechat ${path}: not an XML answer`);
    }
    // A business answer must be signed with our key; a communication failure carries no sign.
    if (r.return_code === "SUCCESS" && r.sign !== wechatV2Sign(r, this.c.apiV2Key))
      throw new WalletUnreachable(`wechat ${path}: answer signature does not verify`);
    return r;
  }

  private async v3(method: "GET" | "POST", pathAndQuery: string, body?: unknown) {
    const text = body === undefined ? "" : JSON.stringify(body);
    const res = await this.send(`${this.c.baseUrl}${pathAndQuery}`, {
      method,
      headers: {
        accept: "application/json",
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        authorization: wechatV3Authorization({
          mchId: this.c.mchId,
          serialNo: this.c.merchantSerialNo,
          key: this.c.merchantKey,
          method,
          pathAndQuery,
          body: text,
        }),
      },
      ...(body === undefined ? {} : { body: text }),
    });
    const ts = res.headers.get("wechatpay-timestamp") ?? "";
    const n = res.headers.get("wechatpay-nonce") ?? "";
    const sig = res.headers.get("wechatpay-signature") ?? "";
    if (!rsaVerify(`${ts}\n${n}\n${res.text}\n`, sig, this.c.platformPublicKey))
      throw new WalletUnreachable(`wechat ${method} ${pathAndQuery}: answer signature does not verify`);
    let parsed: unknown = {};
    try {
      parsed = res.text ? JSON.parse(res.text) : {};
    } catch {
      throw new WalletUnreachable(`wechat ${method} ${pathAndQuery}: not a JSON answer`);
    }
    return { status: res.status, body: parsed };
  }

  private async send(
    url: string,
    init: RequestInit,
  ): Promise<{ status: number; headers: Headers; text: string }> {
    try {
      const res = await this.fetch(url, { ...init, signal: AbortSignal.timeout(this.c.timeoutMs ?? 10_000) });
      return { status: res.status, headers: res.headers, text: await res.text() };
    } catch (e) {
      throw new WalletUnreachable(`wechat ${url}: ${(e as Error).message}`);
    }
  }
}
