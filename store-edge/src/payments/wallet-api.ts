// The wire shapes of the WeChat Pay and Alipay calls the till makes after a sale: a refund, and
// the reverse / cancel of a payment that got no answer. The simulated provider takes and answers
// exactly these (docs/store-edge.md, "Wallet refunds and reversals"), so a real client speaks
// the same fields; signing, certificates and transport are the real client's business.
//
// WeChat Pay: POST /v3/refund/domestic/refunds (API v3, JSON, amounts in fen);
//             POST /secapi/pay/reverse (micropay reverse, API v2: XML fields, shown as an object).
// Alipay:     alipay.trade.refund and alipay.trade.cancel (gateway.do, biz_content JSON,
//             amounts in yuan as strings with two decimals).
import { formatYuanPlain } from "@retail/protocol";

/** WeChat Pay v3 refund request body. */
export interface WechatRefundRequest {
  transaction_id?: string;
  out_trade_no?: string;
  /** The merchant's refund number: the same one again never refunds twice. */
  out_refund_no: string;
  reason?: string;
  amount: { refund: number; total: number; currency: "CNY" };
}

/** WeChat Pay v3 refund answer (HTTP 200). */
export interface WechatRefundResponse {
  refund_id: string;
  out_refund_no: string;
  transaction_id: string;
  out_trade_no: string;
  channel: "ORIGINAL" | "BALANCE" | "OTHER_BALANCE" | "OTHER_BANKCARD";
  user_received_account: string;
  success_time?: string;
  create_time: string;
  status: "SUCCESS" | "CLOSED" | "PROCESSING" | "ABNORMAL";
  funds_account?: string;
  amount: {
    total: number;
    refund: number;
    payer_total: number;
    payer_refund: number;
    settlement_refund: number;
    settlement_total: number;
    discount_refund: number;
    currency: "CNY";
  };
}

/** WeChat Pay v3 error answer (HTTP 4xx/5xx). */
export interface WechatError {
  code: "INVALID_REQUEST" | "NOT_ENOUGH" | "RESOURCE_NOT_EXISTS" | "USER_ACCOUNT_ABNORMAL" | "SYSTEM_ERROR";
  message: string;
}

/** WeChat Pay micropay reverse (API v2 /secapi/pay/reverse) request fields. */
export interface WechatReverseRequest {
  appid: string;
  mch_id: string;
  out_trade_no: string;
  transaction_id?: string;
  nonce_str: string;
}

/** Its answer: recall "Y" means call again. */
export interface WechatReverseResponse {
  return_code: "SUCCESS" | "FAIL";
  return_msg?: string;
  result_code?: "SUCCESS" | "FAIL";
  err_code?: string;
  err_code_des?: string;
  recall?: "Y" | "N";
}

/** Alipay alipay.trade.refund biz_content. */
export interface AlipayRefundRequest {
  out_trade_no?: string;
  trade_no?: string;
  /** Yuan, two decimals ("12.34"). */
  refund_amount: string;
  refund_reason?: string;
  /** Identifies this refund of the trade: the same one again never refunds twice. */
  out_request_no: string;
  store_id?: string;
  terminal_id?: string;
}

/** The alipay_trade_refund_response object. */
export interface AlipayRefundResponse {
  code: string;
  msg: string;
  sub_code?: string;
  sub_msg?: string;
  trade_no?: string;
  out_trade_no?: string;
  buyer_logon_id?: string;
  /** "Y": money moved by this call; "N": already refunded by an earlier call with the same number. */
  fund_change?: "Y" | "N";
  /** Total refunded on the trade so far, yuan. */
  refund_fee?: string;
  gmt_refund_pay?: string;
}

/** Alipay alipay.trade.cancel biz_content. */
export interface AlipayCancelRequest {
  out_trade_no?: string;
  trade_no?: string;
}

/** The alipay_trade_cancel_response object. */
export interface AlipayCancelResponse {
  code: string;
  msg: string;
  sub_code?: string;
  sub_msg?: string;
  trade_no?: string;
  out_trade_no?: string;
  /** "Y": call again. */
  retry_flag?: "Y" | "N";
  /** "close": nothing was paid, the trade is closed; "refund": it was paid and is refunded. */
  action?: "close" | "refund";
}

export const ALIPAY_SUCCESS = "10000";

/** Fen to Alipay's yuan string ("12.34"), exact. */
export function alipayYuan(fen: number): string {
  return formatYuanPlain(fen);
}

/** Alipay's yuan string back to fen, exact (no floats). */
export function alipayFen(yuan: string): number {
  const m = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(yuan);
  if (!m) return Number.NaN;
  return Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0"));
}

/** The alipay.trade.refund biz_content of a till refund (the simulator and the real client). */
export function alipayRefundBiz(req: {
  paymentId: string;
  transactionId: string;
  amount: number;
  reason: string;
  refundNo: string;
  storeId: string;
}): AlipayRefundRequest {
  return {
    out_trade_no: req.paymentId,
    trade_no: req.transactionId,
    refund_amount: alipayYuan(req.amount),
    refund_reason: req.reason.slice(0, 256),
    out_request_no: req.refundNo,
    store_id: req.storeId,
  };
}
