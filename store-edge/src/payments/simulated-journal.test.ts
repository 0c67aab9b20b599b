// The simulated provider's settlement journal: exactly what it settled (each approved payment
// once, also when the approval came through a query; refunds with the id the till got back;
// declines never), the input of the demo's daily settlement files.
import { expect, test } from "bun:test";
import { SimulatedPaymentProvider, type SimulatedSettlement } from "./provider.ts";

test("every settled payment and refund once, with the ids the till holds; declines not", async () => {
  const seen: SimulatedSettlement[] = [];
  const p = new SimulatedPaymentProvider(1, (s) => seen.push(s));
  const paid = await p.pay({
    paymentId: "pay-1",
    provider: "wechat",
    authCode: "134567890123451234",
    amount: 1234,
    storeId: "S001",
  });
  expect(paid.status).toBe("approved");
  await p.pay({
    paymentId: "pay-2",
    provider: "wechat",
    authCode: "134567890123450000",
    amount: 999,
    storeId: "S001",
  });
  const ali = await p.pay({
    paymentId: "pay-3",
    provider: "alipay",
    authCode: "284567890123451234",
    amount: 500,
    storeId: "S002",
  });
  // Approved only on the second query: journaled at that answer, and not again on a third.
  void p.pay({
    paymentId: "pay-4",
    provider: "wechat",
    authCode: "134567890123459999",
    amount: 700,
    storeId: "S001",
  });
  expect((await p.query("pay-4")).status).toBe("pending");
  expect((await p.query("pay-4")).status).toBe("approved");
  await p.query("pay-4");
  const txn = (r: typeof paid) => (r.status === "approved" ? r.transactionId : "");
  const wr = await p.refund({
    provider: "wechat",
    paymentId: "pay-1",
    transactionId: txn(paid),
    refundNo: "R1",
    amount: 234,
    total: 1234,
    reason: "退货",
    storeId: "S001",
  });
  await p.refund({
    provider: "wechat",
    paymentId: "pay-1",
    transactionId: txn(paid),
    refundNo: "R1",
    amount: 234,
    total: 1234,
    reason: "退货",
    storeId: "S001",
  });
  const ar = await p.refund({
    provider: "alipay",
    paymentId: "pay-3",
    transactionId: txn(ali),
    refundNo: "R2",
    amount: 500,
    total: 500,
    reason: "退货",
    storeId: "S002",
  });
  expect(seen.map(({ at, ...s }) => s)).toEqual([
    {
      provider: "wechat",
      kind: "payment",
      storeId: "S001",
      transactionId: txn(paid),
      merchantOrderNo: "pay-1",
      refundId: "",
      amountFen: 1234,
    },
    {
      provider: "alipay",
      kind: "payment",
      storeId: "S002",
      transactionId: txn(ali),
      merchantOrderNo: "pay-3",
      refundId: "",
      amountFen: 500,
    },
    {
      provider: "wechat",
      kind: "payment",
      storeId: "S001",
      transactionId: "SIMpay4",
      merchantOrderNo: "pay-4",
      refundId: "",
      amountFen: 700,
    },
    {
      provider: "wechat",
      kind: "refund",
      storeId: "S001",
      transactionId: txn(paid),
      merchantOrderNo: "pay-1",
      refundId: wr.status === "refunded" ? wr.refundId : "?",
      amountFen: 234,
    },
    {
      provider: "alipay",
      kind: "refund",
      storeId: "S002",
      transactionId: txn(ali),
      merchantOrderNo: "pay-3",
      refundId: ar.status === "refunded" ? ar.refundId : "?",
      amountFen: 500,
    },
  ]);
});
