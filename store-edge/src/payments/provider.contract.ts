// The payment provider contract: what the checkout relies on from a PaymentProvider (pay, query,
// refund, reverse/cancel a payment that got no answer, retries that never charge or refund
// twice, errors as result shapes with a reason), for WeChat Pay and Alipay alike. Written once,
// run by simulated.contract.test.ts (the simulator) and wallet-gateway.contract.test.ts (the real
// WeChat Pay / Alipay clients over HTTP against testing/wallet-sandbox.ts).
// Outcomes are chosen by the payment code's last four digits (provider.ts): ...0000 declines,
// ...9999 never answers and is approved on the second query, ...8888 never answers and is
// declined, ...7777 stays pending, anything else approves.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { uuidv7 } from "@retail/protocol";
import type { PaymentProvider, PayResult } from "./provider.ts";

export interface ProviderUnderTest {
  provider: PaymentProvider;
  close(): Promise<void>;
}

const WALLETS = ["wechat", "alipay"] as const;
/** Payment codes as the customers' phones show them (WeChat 10-15..., Alipay 25-30...). */
const code = (wallet: "wechat" | "alipay", tail: string) =>
  `${wallet === "wechat" ? "13" : "28"}45678901234${tail}`;

export function paymentProviderContract(name: string, start: () => Promise<ProviderUnderTest>): void {
  setDefaultTimeout(60_000);
  let under: ProviderUnderTest;
  let p: PaymentProvider;
  beforeAll(async () => {
    under = await start();
    p = under.provider;
  });
  afterAll(async () => {
    await under?.close();
  });

  /** The till's patience with a pay call: an answer in time, or "pending" (then it queries). */
  const payWithin = async (req: Parameters<PaymentProvider["pay"]>[0]): Promise<PayResult> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const patience = new Promise<PayResult>((r) => {
      timer = setTimeout(() => r({ status: "pending" }), 3_000);
    });
    return Promise.race([p.pay(req), patience]).finally(() => clearTimeout(timer));
  };
  /** Queries as the checkout does until the outcome is known (or it gives up: pending). */
  const settle = async (paymentId: string): Promise<PayResult> => {
    let r: PayResult = { status: "pending" };
    for (let i = 0; i < 10 && r.status === "pending"; i++) r = await p.query(paymentId);
    return r;
  };
  const pay = (wallet: "wechat" | "alipay", tail: string, amount = 1000) => {
    const paymentId = uuidv7();
    return {
      paymentId,
      req: { paymentId, provider: wallet, authCode: code(wallet, tail), amount, storeId: "S001" },
    };
  };

  describe(`payment provider contract: ${name}`, () => {
    for (const wallet of WALLETS) {
      test(`${wallet}: an approved payment is approved by query too, with the same transaction id`, async () => {
        const { paymentId, req } = pay(wallet, "1234", 1288);
        const r = await payWithin(req);
        expect(r.status).toBe("approved");
        const tx = (r as { transactionId: string }).transactionId;
        expect(tx.length).toBeGreaterThan(0);
        expect(await p.query(paymentId)).toEqual({ status: "approved", transactionId: tx });
      });

      test(`${wallet}: a declined payment says why, and query agrees`, async () => {
        const { paymentId, req } = pay(wallet, "0000");
        const r = await payWithin(req);
        expect(r.status).toBe("declined");
        expect((r as { reason: string }).reason.length).toBeGreaterThan(0);
        expect((await p.query(paymentId)).status).toBe("declined");
      });

      test(`${wallet}: a pay call retried with the same payment id never charges twice`, async () => {
        const { paymentId, req } = pay(wallet, "4321");
        const first = await payWithin(req);
        expect(first.status).toBe("approved");
        const again = await payWithin(req);
        const settled = again.status === "pending" ? await settle(paymentId) : again;
        expect(settled).toEqual(first);
      });

      test(`${wallet}: no answer to pay, then approved on query: reversing it refunds, and the trade is closed`, async () => {
        const { paymentId, req } = pay(wallet, "9999");
        const r = await payWithin(req);
        expect(r.status).toBe("pending");
        const settled = await settle(paymentId);
        expect(settled.status).toBe("approved");
        expect(await p.reverse(wallet, paymentId)).toEqual({ status: "reversed", action: "refunded" });
        expect((await p.query(paymentId)).status).toBe("declined");
      });

      test(`${wallet}: no answer, declined on query or still pending: reversing closes it`, async () => {
        const declined = pay(wallet, "8888");
        expect((await payWithin(declined.req)).status).toBe("pending");
        expect((await settle(declined.paymentId)).status).toBe("declined");
        expect(await p.reverse(wallet, declined.paymentId)).toEqual({ status: "reversed", action: "closed" });
        const waiting = pay(wallet, "7777");
        expect((await payWithin(waiting.req)).status).toBe("pending");
        expect((await settle(waiting.paymentId)).status).toBe("pending");
        expect(await p.reverse(wallet, waiting.paymentId)).toEqual({ status: "reversed", action: "closed" });
      });

      test(`${wallet}: reversing a payment the provider never saw is refused with its reason`, async () => {
        const r = await p.reverse(wallet, uuidv7());
        expect(r.status).toBe("refused");
        expect((r as { reason: string }).reason).toMatch(/NOT_?EXIST/);
      });

      test(`${wallet}: refunds in parts; the same refund number again never refunds twice; beyond the total is refused`, async () => {
        const { paymentId, req } = pay(wallet, "5678", 1000);
        const r = await payWithin(req);
        expect(r.status).toBe("approved");
        const transactionId = (r as { transactionId: string }).transactionId;
        const refund = (refundNo: string, amount: number) =>
          p.refund({
            provider: wallet,
            paymentId,
            transactionId,
            refundNo,
            amount,
            total: 1000,
            reason: "退货",
            storeId: "S001",
          });
        const first = await refund("R1", 400);
        expect(first.status).toBe("refunded");
        const id = (first as { refundId: string }).refundId;
        expect(await refund("R1", 400)).toEqual({ status: "refunded", refundId: id }); // a retry after a lost answer
        expect((await refund("R2", 600)).status).toBe("refunded");
        const over = await refund("R3", 1);
        expect(over.status).toBe("refused");
        expect((over as { reason: string }).reason.length).toBeGreaterThan(0);
      });

      test(`${wallet}: a refund above what the payment charged is refused, naming why`, async () => {
        const { paymentId, req } = pay(wallet, "2468", 500);
        const r = await payWithin(req);
        const transactionId = (r as { transactionId: string }).transactionId;
        const over = await p.refund({
          provider: wallet,
          paymentId,
          transactionId,
          refundNo: "R1",
          amount: 501,
          total: 500,
          reason: "退货",
          storeId: "S001",
        });
        expect(over.status).toBe("refused");
        expect((over as { reason: string }).reason).toMatch(/[A-Z_.]+: /);
      });
    }
  });
}
