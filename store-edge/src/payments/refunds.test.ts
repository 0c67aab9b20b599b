// Refunds go back the way the customer paid: a WeChat Pay / Alipay sale is refunded through the
// provider's refund call (in the real APIs' shapes) by default; cash instead needs a supervisor
// and is audited. A timed-out refund retried never refunds twice. A wallet payment that got no
// answer can be reversed / cancelled. Cash-outs above the store's amount and every no-sale need
// a supervisor. Over the HTTP app, as the terminal calls it.
import { afterEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import type { SaleCompleted, SaleReturned } from "@retail/protocol";
import { manualClock } from "../clock.ts";
import { payments as paymentsTable } from "../db/schema.ts";
import { Edge } from "../edge.ts";
import {
  applyPages,
  auditsOf as audits,
  catalogItems,
  gtinOf,
  pagesOf,
  T0,
  tempDir,
  testConfig,
} from "../testing/fixtures.ts";
import { laneApi } from "../testing/lane-api.ts";
import { type RefundRequest, SimulatedPaymentProvider } from "./provider.ts";
import { alipayFen, alipayYuan } from "./wallet-api.ts";

setDefaultTimeout(60_000);

const edges: Edge[] = [];
afterEach(async () => {
  for (const e of edges.splice(0)) await e.stop().catch(() => {});
});

/** The simulated provider, whose refund call can be made to hang once (a lost answer). */
class FlakyProvider extends SimulatedPaymentProvider {
  hangNextRefund = false;
  override async refund(req: RefundRequest) {
    if (this.hangNextRefund) {
      this.hangNextRefund = false;
      void super.refund(req); // the provider did refund; its answer is lost
      return new Promise<never>(() => {});
    }
    return super.refund(req);
  }
}

async function till(config: Parameters<typeof testConfig>[0] = {}) {
  const payments = new FlakyProvider(1);
  const edge = new Edge({
    dataDir: tempDir(),
    config: testConfig({
      payments: { provider: "simulated", timeoutMs: 300, queryIntervalMs: 5, queryAttempts: 2 },
      ...config,
    }),
    clock: manualClock(T0),
    payments,
  });
  edges.push(edge);
  applyPages(edge, pagesOf("snapshot", 1, 0, catalogItems({ products: 20 })));
  const api = laneApi(edge);
  const call = api.call;
  await api.signInWithShift();
  /** A sale of two items paid with a wallet payment code (approved). */
  const walletSale = async (code: string): Promise<SaleCompleted> => {
    await call("POST", "/lanes/1/scan", { code: gtinOf(5) });
    await call("POST", "/lanes/1/scan", { code: gtinOf(6) });
    const r = await call("POST", "/lanes/1/scan", { code });
    expect(r.status).toBe(200);
    return r.body.sale;
  };
  const returnFirstLine = async (sale: SaleCompleted) => {
    expect((await call("POST", "/lanes/1/returns", { receiptNo: sale.receiptNo })).status).toBe(200);
    expect((await call("PUT", "/lanes/1/returns/lines/l1", { units: 1, restock: true })).status).toBe(200);
  };
  return { edge, payments, call, walletSale, returnFirstLine };
}

describe("refunds to the original tender", () => {
  test("a WeChat Pay sale is refunded to WeChat Pay through the provider by default (v3 refund shape)", async () => {
    const t = await till();
    const sale = await t.walletSale("134567890123451234");
    expect(sale.tenders.map((x) => x.kind)).toEqual(["wechat"]);
    await t.returnFirstLine(sale);
    const done = await t.call("POST", "/lanes/1/returns/complete", {});
    expect(done.status).toBe(200);
    const returned: SaleReturned = done.body.returned;
    const refund = sale.lines[0]!.net;
    expect(returned.tenders).toEqual([{ kind: "wechat", amount: refund, reference: expect.any(String) }]);
    const call = t.payments.calls.find((c) => c.api === "POST /v3/refund/domestic/refunds")!;
    const payment = { payment_id: t.edge.db.d.select().from(paymentsTable).get()!.paymentId };
    expect(call.request).toEqual({
      transaction_id: sale.tenders[0]!.reference,
      out_trade_no: payment.payment_id,
      out_refund_no: expect.stringMatching(/^[0-9a-f]{32}0$/),
      reason: expect.any(String),
      amount: { refund, total: sale.totals.net, currency: "CNY" },
    });
    expect(call.response).toMatchObject({
      status: "SUCCESS",
      channel: "ORIGINAL",
      out_trade_no: payment.payment_id,
      amount: { refund, total: sale.totals.net, currency: "CNY" },
    });
    expect(returned.tenders[0]!.reference).toBe((call.response as { refund_id: string }).refund_id);
    // No cash left the drawer: the X report's expected cash is the float.
    const x = await t.call("GET", "/lanes/1/shift/x-report");
    expect(x.body.expectedCash).toBe(50000);
    expect(audits(t.edge).filter((a) => a.action === "refund_to_cash")).toEqual([]);
  });

  test("cash for a WeChat Pay sale needs a supervisor (a cashier's PIN will not do) and is audited", async () => {
    const t = await till();
    const sale = await t.walletSale("134567890123451234");
    await t.returnFirstLine(sale);
    const refused = await t.call("POST", "/lanes/1/returns/complete", { tender: "cash" });
    expect([refused.status, refused.body.field]).toEqual([403, "supervisorId"]);
    expect(refused.body.message).toContain("wechat");
    const cashier = await t.call("POST", "/lanes/1/returns/complete", {
      tender: "cash",
      supervisorId: "1001",
      pin: "1234",
    });
    expect([cashier.status, cashier.body.field]).toEqual([403, "supervisorId"]);
    const ok = await t.call("POST", "/lanes/1/returns/complete", {
      tender: "cash",
      supervisorId: "9001",
      pin: "9999",
    });
    expect(ok.status).toBe(200);
    expect(ok.body.returned.tenders).toEqual([{ kind: "cash", amount: sale.lines[0]!.net }]);
    expect(t.payments.calls.filter((c) => c.api.includes("refund"))).toEqual([]);
    const audit = audits(t.edge).find((a) => a.action === "refund_to_cash")!;
    expect(audit).toMatchObject({ supervisorId: "9001", cashierId: "1001" });
    expect(audit.detail).toContain(sale.receiptNo);
    const x = await t.call("GET", "/lanes/1/shift/x-report");
    expect(x.body.expectedCash).toBe(50000 - sale.lines[0]!.net);
  });

  test("a cash sale is refunded in cash without a supervisor; a tender the sale was not paid by is refused", async () => {
    const t = await till();
    await t.call("POST", "/lanes/1/scan", { code: gtinOf(5) });
    const sale: SaleCompleted = (await t.call("POST", "/lanes/1/tenders", { kind: "cash", received: 100000 }))
      .body.sale;
    await t.returnFirstLine(sale);
    const wrong = await t.call("POST", "/lanes/1/returns/complete", { tender: "alipay" });
    expect([wrong.status, wrong.body.field]).toEqual([400, "tender"]);
    const ok = await t.call("POST", "/lanes/1/returns/complete", {});
    expect(ok.body.returned.tenders).toEqual([{ kind: "cash", amount: sale.lines[0]!.net }]);
  });

  test("an Alipay refund goes through alipay.trade.refund in yuan; the rest of the sale can be refunded later, never more", async () => {
    const t = await till();
    const sale = await t.walletSale("284567890123451234");
    await t.returnFirstLine(sale);
    expect((await t.call("POST", "/lanes/1/returns/complete", {})).status).toBe(200);
    const first = t.payments.calls.find((c) => c.api === "alipay.trade.refund")!;
    expect(first.request).toMatchObject({
      trade_no: sale.tenders[0]!.reference,
      refund_amount: alipayYuan(sale.lines[0]!.net),
      out_request_no: expect.any(String),
    });
    expect(first.response).toMatchObject({ code: "10000", msg: "Success", fund_change: "Y" });
    // The second line, by default to Alipay again: the trade's refunds add up to the sale.
    expect((await t.call("POST", "/lanes/1/returns", { receiptNo: sale.receiptNo })).status).toBe(200);
    await t.call("PUT", "/lanes/1/returns/lines/l2", { units: 1, restock: true });
    const second = await t.call("POST", "/lanes/1/returns/complete", {});
    expect(second.body.returned.tenders[0].kind).toBe("alipay");
    const last = t.payments.calls.filter((c) => c.api === "alipay.trade.refund").at(-1)!;
    expect(alipayFen((last.response as { refund_fee: string }).refund_fee)).toBe(sale.totals.net);
  });

  test("a refund whose answer is lost is retried under the same refund number: refunded once; the return is fixed meanwhile", async () => {
    const t = await till();
    const sale = await t.walletSale("134567890123451234");
    await t.returnFirstLine(sale);
    t.payments.hangNextRefund = true;
    const lost = await t.call("POST", "/lanes/1/returns/complete", {});
    expect([lost.status, lost.body.error, lost.body.field]).toEqual([202, "payment_pending", "tender"]);
    expect(t.edge.lanes.view("1").mode).toBe("return");
    // The refund may have gone through: the return cannot be changed, cancelled or paid in cash now.
    const change = await t.call("PUT", "/lanes/1/returns/lines/l2", { units: 1, restock: true });
    expect([change.status, change.body.field]).toEqual([409, "refund"]);
    expect((await t.call("DELETE", "/lanes/1/returns")).body.field).toBe("refund");
    const cash = await t.call("POST", "/lanes/1/returns/complete", {
      tender: "cash",
      supervisorId: "9001",
      pin: "9999",
    });
    expect([cash.status, cash.body.field]).toEqual([409, "refund"]);
    const again = await t.call("POST", "/lanes/1/returns/complete", {});
    expect(again.status).toBe(200);
    const calls = t.payments.calls.filter((c) => c.api === "POST /v3/refund/domestic/refunds");
    expect(calls).toHaveLength(2);
    const [a, b] = calls.map((c) => c.request as { out_refund_no: string });
    expect(a!.out_refund_no).toBe(b!.out_refund_no);
    expect(calls.map((c) => (c.response as { refund_id: string }).refund_id)).toEqual([
      (calls[0]!.response as { refund_id: string }).refund_id,
      (calls[0]!.response as { refund_id: string }).refund_id,
    ]);
    // A further refund of more than is left is refused by the provider (NOT_ENOUGH shape).
    const direct = t.payments.wechatRefund({
      out_trade_no: (calls[0]!.request as { out_trade_no: string }).out_trade_no,
      out_refund_no: "other",
      amount: { refund: sale.totals.net, total: sale.totals.net, currency: "CNY" },
    });
    expect(direct).toMatchObject({ code: "NOT_ENOUGH" });
  });

  test("a wallet payment with no answer is reversed (WeChat) / cancelled (Alipay), then paid another way", async () => {
    const t = await till();
    await t.call("POST", "/lanes/1/scan", { code: gtinOf(5) });
    const pending = await t.call("POST", "/lanes/1/scan", { code: "134567890123457777" });
    expect(pending.body.error).toBe("payment_pending");
    const [p] = t.edge.lanes.view("1").unansweredPayments ?? [];
    const rev = await t.call("POST", `/lanes/1/payments/${p!.paymentId}/reverse`);
    expect(rev.status).toBe(200);
    expect(rev.body.action).toBe("closed");
    expect(rev.body.view.unansweredPayments ?? []).toEqual([]);
    expect(t.payments.calls.find((c) => c.api === "POST /secapi/pay/reverse")).toMatchObject({
      request: { out_trade_no: p!.paymentId },
      response: { return_code: "SUCCESS", result_code: "SUCCESS", recall: "N" },
    });
    const again = await t.call("POST", `/lanes/1/payments/${p!.paymentId}/reverse`);
    expect([again.status, again.body.field]).toEqual([409, "paymentId"]);
    const paidAli = await t.call("POST", "/lanes/1/scan", { code: "284567890123457777" });
    expect(paidAli.body.error).toBe("payment_pending");
    const [q] = t.edge.lanes.view("1").unansweredPayments ?? [];
    expect((await t.call("POST", `/lanes/1/payments/${q!.paymentId}/reverse`)).body.action).toBe("closed");
    expect(t.payments.calls.find((c) => c.api === "alipay.trade.cancel")).toMatchObject({
      request: { out_trade_no: q!.paymentId },
      response: { code: "10000", retry_flag: "N", action: "close" },
    });
    const cash = await t.call("POST", "/lanes/1/tenders", { kind: "cash", received: 100000 });
    expect(cash.body.sale.tenders.map((x: { kind: string }) => x.kind)).toEqual(["cash"]);
  });
});

describe("cash control", () => {
  test("a ¥200 cash-out needs a supervisor; ¥50 does not; the amount is the store's (store-edge.json)", async () => {
    const t = await till();
    const big = await t.call("POST", "/lanes/1/shift/cash", {
      direction: "out",
      amount: 20000,
      reason: "bank",
    });
    expect([big.status, big.body.field]).toEqual([403, "supervisorId"]);
    expect(big.body.message).toContain("100.00");
    const small = await t.call("POST", "/lanes/1/shift/cash", {
      direction: "out",
      amount: 5000,
      reason: "bank",
    });
    expect(small.status).toBe(200);
    const ok = await t.call("POST", "/lanes/1/shift/cash", {
      direction: "out",
      amount: 20000,
      reason: "bank",
      supervisorId: "9001",
      pin: "9999",
    });
    expect(ok.status).toBe(200);
    const cashIn = await t.call("POST", "/lanes/1/shift/cash", {
      direction: "in",
      amount: 20000,
      reason: "change",
    });
    expect(cashIn.status).toBe(200);
    const strict = await till({ cash: { payoutSupervisorAboveFen: 0 } });
    const any = await strict.call("POST", "/lanes/1/shift/cash", {
      direction: "out",
      amount: 100,
      reason: "x",
    });
    expect([any.status, any.body.field]).toEqual([403, "supervisorId"]);
  });

  test("a no-sale drawer opening needs a supervisor, and is audited with them", async () => {
    const t = await till();
    const alone = await t.call("POST", "/lanes/1/devices/drawer", {});
    expect([alone.status, alone.body.field]).toEqual([403, "supervisorId"]);
    expect(audits(t.edge).filter((a) => a.action === "no_sale")).toEqual([]);
    const ok = await t.call("POST", "/lanes/1/devices/drawer", { supervisorId: "9001", pin: "9999" });
    expect(ok.status).toBe(200);
    expect(audits(t.edge).find((a) => a.action === "no_sale")).toMatchObject({ supervisorId: "9001" });
  });
});
