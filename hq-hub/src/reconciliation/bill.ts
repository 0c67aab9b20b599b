// What a provider's settlement file says, whatever its format: one entry per payment, refund or
// reversal the provider settled, amounts in integer fen. The parsers (wechat-bill.ts,
// alipay-bill.ts, bank-statement.ts) produce it; match.ts compares it with HQ's tenders.
import { type RowDetail, rowDetailText } from "./reason.ts";

export type { RowDetail };

export type Provider = "wechat" | "alipay";
export const PROVIDERS: readonly Provider[] = ["wechat", "alipay"];

export interface SettlementEntry {
  /** The line of the file (1-based) the entry was read from. */
  row: number;
  /** payment: money taken; refund: money given back; reversed: a payment the provider undid. */
  kind: "payment" | "refund" | "reversed";
  /** The provider's transaction id (微信订单号 / 支付宝交易号): the till's tender reference. */
  transactionId: string;
  /** The merchant's order number (商户订单号: the till's payment id). */
  merchantOrderNo: string;
  /**
   * A refund's id as the till's return tender holds it: WeChat's 微信退款单号, Alipay's
   * `交易号:退款批次号/请求号` (the edge's Alipay refund reference). "" for payments.
   */
  refundId: string;
  /** What the customer paid (订单金额) or was refunded (申请退款金额 / 订单金额 of the refund), > 0. */
  amountFen: number;
  /** What the provider settles for it (应结订单金额 / 退款金额; 商家实收), > 0. */
  settledFen: number;
  /** The provider's fee: charged > 0, given back on a refund < 0. */
  feeFen: number;
  /** The provider's time of the entry, as the file writes it. */
  at: string;
  /**
   * The merchant account the provider settled it to (WeChat's 特约商户号, else 商户号; Alipay's
   * 账号 of the file's header); "" when the file does not say.
   */
  merchantId?: string;
  /** The store the till named on the payment (WeChat 设备号, Alipay 门店编号); "" when none. */
  storeCode?: string;
}

/** A row that could not be read: the line, the column at fault, why, and the raw text kept. */
export interface RowProblem {
  row: number;
  column: string;
  detail: RowDetail;
  /** The detail in English. */
  reason: string;
  raw: string;
}

export const rowProblem = (row: number, column: string, detail: RowDetail, raw: string): RowProblem => ({
  row,
  column,
  detail,
  reason: rowDetailText(detail),
  raw,
});

export interface ParsedBill {
  provider: Provider;
  entries: SettlementEntry[];
  problems: RowProblem[];
}

/** A whole file that cannot be read as its format (no header, wrong columns, wrong encoding). */
export class BillFormatError extends Error {
  override readonly name = "BillFormatError";
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}
