// WeChat Pay / Alipay "micropay" (the customer shows a payment code, the till charges it):
// the provider answers approved, declined, or not yet (the customer is entering a password);
// when the answer does not come in time the till queries by its own payment id. The simulated
// provider behaves like that, chosen by the code's last four digits, for the demo and tests.

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

export interface PaymentProvider {
  pay(req: PayRequest): Promise<PayResult>;
  query(paymentId: string): Promise<PayResult>;
}

/**
 * ...0000 declines; ...9999 never answers the pay call and is approved on the second query;
 * ...8888 never answers and is declined on query; ...7777 stays pending; anything else approves
 * after `latencyMs`.
 */
export class SimulatedPaymentProvider implements PaymentProvider {
  private readonly outcomes = new Map<string, { result: PayResult; queriesLeft: number }>();
  constructor(private readonly latencyMs = 5) {}

  async pay(req: PayRequest): Promise<PayResult> {
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
    return result;
  }

  async query(paymentId: string): Promise<PayResult> {
    await Bun.sleep(this.latencyMs);
    const o = this.outcomes.get(paymentId);
    if (!o) return { status: "declined", reason: "unknown payment" };
    if (o.queriesLeft > 0) {
      o.queriesLeft--;
      return { status: "pending" };
    }
    return o.result;
  }
}
