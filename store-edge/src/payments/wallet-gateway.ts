// The real PaymentProvider: WeChat Pay and Alipay through their merchant APIs (wechat-pay.ts,
// alipay.ts), each payment routed to the wallet its code belongs to. `query` gets only the
// till's payment id: the wallet is remembered from the pay call, and after an edge restart both
// are asked (each answers "unknown" for the other's payments).
import { AlipayClient, type AlipayConfig } from "./alipay.ts";
import type {
  PaymentProvider,
  PayRequest,
  PayResult,
  RefundRequest,
  RefundResult,
  ReverseResult,
} from "./provider.ts";
import { WechatPayClient, type WechatPayConfig } from "./wechat-pay.ts";

export class WalletGatewayProvider implements PaymentProvider {
  private readonly wechat: WechatPayClient;
  private readonly alipay: AlipayClient;
  private readonly walletOf = new Map<string, "wechat" | "alipay">();

  constructor(config: { wechat: WechatPayConfig; alipay: AlipayConfig }) {
    this.wechat = new WechatPayClient(config.wechat);
    this.alipay = new AlipayClient(config.alipay);
  }

  pay(req: PayRequest): Promise<PayResult> {
    this.walletOf.set(req.paymentId, req.provider);
    if (this.walletOf.size > 10_000) this.walletOf.delete(this.walletOf.keys().next().value!);
    return req.provider === "wechat" ? this.wechat.pay(req) : this.alipay.pay(req);
  }

  async query(paymentId: string): Promise<PayResult> {
    const known = this.walletOf.get(paymentId);
    if (known) return known === "wechat" ? this.wechat.query(paymentId) : this.alipay.query(paymentId);
    const w = await this.wechat.query(paymentId);
    if (w.status !== "declined" || !/ORDER_NOT_EXIST/.test(w.reason)) return w;
    return this.alipay.query(paymentId);
  }

  refund(req: RefundRequest): Promise<RefundResult> {
    return req.provider === "wechat" ? this.wechat.refund(req) : this.alipay.refund(req);
  }

  reverse(provider: "wechat" | "alipay", paymentId: string): Promise<ReverseResult> {
    return provider === "wechat" ? this.wechat.reverse(paymentId) : this.alipay.reverse(paymentId);
  }
}
