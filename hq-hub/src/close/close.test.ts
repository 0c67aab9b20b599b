// The month-end close through a real hub (in process, a store over real MQTT): the checklist
// names what is left per step (store-days without a digest, steps whose module is not on the
// hub), costs and posts as it checks, records who ran it; closing is refused naming the step,
// also through finance's period close when closeChecklist is on; roles, bad input, and an
// audited reopen.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { writeWechatBill } from "../reconciliation/bill-writer.ts";
import {
  ADMIN_TOKEN,
  api,
  connectStore,
  enrollStore,
  event,
  type StoreClient,
  saleEvent,
  startTestHub,
} from "../test-kit.ts";

setDefaultTimeout(60_000);

let clock = Date.parse("2026-11-24T20:00:00Z"); // 2026-11-25 04:00 in China
const now = () => new Date(clock);
let hub: Awaited<ReturnType<typeof startTestHub>>;
let store: StoreClient;
let seq = 0;
const S = "S801";

async function publish(events: ReturnType<typeof event>[]) {
  await store.publishEvents(events);
  const upTo = seq;
  await store.next("events.ack", (a) => a.payload.upToSeq >= upTo);
}
const step = (body: { steps: { id: string }[] }, id: string) =>
  body.steps.find((s) => s.id === id) as never as {
    status: string;
    summary: string;
    left: string[];
    leftCount: number;
    ranBy: string | null;
    ranAt: string | null;
    confirmedBy: string | null;
  };

beforeAll(async () => {
  hub = await startTestHub({ closeChecklist: true }, now);
  store = await connectStore(await enrollStore(hub, S));
  const wechat = saleEvent(S, ++seq, { lines: 1 });
  wechat.payload.tenders = [{ kind: "wechat", amount: 100, reference: "4200001234202611250001" }];
  await publish([
    saleEvent(S, ++seq, { lines: 2 }),
    wechat,
    event("receiving.confirmed", S, ++seq, {
      receivingId: "RC-1125",
      purchaseOrderId: "PO-1125",
      confirmedBy: "1001",
      lines: [{ sku: "SKU1", qty: 12 }],
      confirmedAt: "2026-11-25T08:00:00.000+08:00",
    }),
    event("stock.counted", S, ++seq, {
      countId: "C-1125",
      countedBy: "1001",
      lines: [{ sku: "SKU1", counted: 3, expected: 5 }],
      countedAt: "2026-11-25T21:00:00.000+08:00",
    }),
  ]);
  clock = Date.parse("2026-12-02T02:00:00Z"); // 2026-12-02 10:00 in China: November is over
});
afterAll(async () => {
  await store.close();
  await hub.cleanup();
});

describe("the month-end checklist", () => {
  test("before any run every declared step is not_run and the month is open", async () => {
    const r = await api(hub, "GET", "/api/v1/close/2026-11");
    expect(r.status).toBe(200);
    expect(r.body.state).toBe("open");
    expect(r.body.steps.map((s: { id: string; status: string }) => [s.id, s.status])).toEqual([
      ["store_days_complete", "not_run"],
      ["payments_reconciled", "not_run"],
      ["receipts_invoiced", "not_run"],
      ["counts_posted", "not_run"],
      ["cost_valuation_run", "not_run"],
      ["vouchers_balanced", "not_run"],
      ["vouchers_exported", "not_run"],
    ]);
    expect(r.body.canClose).toBe(false);
  });

  test("a run checks every step, names what is left, costs and posts, and says who ran it", async () => {
    const r = await api(hub, "POST", "/api/v1/close/2026-11/check");
    expect(r.status).toBe(200);
    expect(r.body.state).toBe("checking");
    // The store sent no day digest: each of its days from enrollment (25th) to the 30th is named.
    const days = step(r.body, "store_days_complete");
    expect(days.status).toBe("failed");
    expect(days.left).toEqual(
      ["25", "26", "27", "28", "29", "30"].map((d) => `${S} 2026-11-${d}: no_digest`),
    );
    expect(days.summary).toBe("0 of 6 store-day(s) proven complete by the stores' day digests");
    // Nothing handed to the accounting package yet: the day's voucher is named.
    expect(step(r.body, "vouchers_exported")).toMatchObject({
      status: "failed",
      left: ["company default 2026-11-25: 1 of 1 voucher(s) not in an export made after they were posted"],
    });
    // The WeChat Pay day has no settlement file at HQ.
    expect(step(r.body, "payments_reconciled")).toMatchObject({
      status: "failed",
      left: ["wechat 2026-11-25 (1 tender(s) at HQ): no settlement file imported"],
      summary: "0 of 1 wallet-day(s) reconciled with the providers' settlement files and posted",
    });
    // The receipt names an order no invoice was entered for: the month is over, so it is accrued
    // (at 0.00: SKU1 has no price anywhere, its receipt moved no value into GRNI).
    expect(step(r.body, "receipts_invoiced")).toMatchObject({
      status: "passed",
      left: [],
      summary:
        "1 of 1 receipt(s) up to 2026-11-30 invoiced or accrued: 0 invoiced, 1 accrued (0.00 yuan on 2026-11-30, reversed on 2026-12-01)",
    });
    // The count is costed and posted (the inventory posting runs as part of the step).
    expect(step(r.body, "counts_posted")).toMatchObject({
      status: "passed",
      summary: "1 count(s) in the period, costed and posted to the inventory accounts",
    });
    // Cost caught up with every stock movement: a receipt at no known price, sales, a count.
    const cost = step(r.body, "cost_valuation_run");
    expect(cost.status).toBe("passed");
    expect(cost.summary).toContain("valuation at 2026-11-30: 1 store(s)");
    expect(cost.summary).toContain("inventory accounts 0.00 yuan = valuation");
    expect(cost.left).toEqual([]);
    // Posting ran as part of the step: the day's sales are one balanced voucher (300 fen).
    const v = step(r.body, "vouchers_balanced");
    expect(v.status).toBe("passed");
    expect(v.summary).toBe(
      "1 voucher(s) dated in the period, 1 balanced (Dr = Cr 3.00 yuan); 0 store-day(s) not posted",
    );
    expect(v.ranBy).toBe("admin (hq_admin)");
    expect(v.ranAt).toBe(new Date(clock).toISOString());
    expect(r.body.audit).toMatchObject([
      { event: "check", fromState: "open", toState: "checking", actor: "admin (hq_admin)" },
    ]);
  });

  test("a passed step is signed off; a step that did not pass cannot be", async () => {
    const ok = await api(hub, "POST", "/api/v1/close/2026-11/steps/vouchers_balanced/confirm");
    expect(ok.status).toBe(200);
    expect(step(ok.body, "vouchers_balanced").confirmedBy).toBe("admin (hq_admin)");
    const no = await api(hub, "POST", "/api/v1/close/2026-11/steps/store_days_complete/confirm");
    expect(no.status).toBe(409);
    expect(no.body.message).toContain("step store_days_complete has not passed (failed)");
    const bad = await api(hub, "POST", "/api/v1/close/2026-11/steps/nope/confirm");
    expect(bad.body).toMatchObject({ error: "validation", field: "step" });
  });

  test("closing is refused naming the first step that fails; so is finance's close (closeChecklist on)", async () => {
    const r = await api(hub, "POST", "/api/v1/close/2026-11/close");
    expect(r.status).toBe(409);
    expect(r.body.step).toBe("store_days_complete");
    expect(r.body.steps).toEqual(["store_days_complete", "payments_reconciled", "vouchers_exported"]);
    expect(r.body.message).toContain("2 more step(s) not passed");
    expect(r.body.message).toContain("step store_days_complete failed");
    expect(r.body.message).toContain(`${S} 2026-11-25: no_digest`);
    const books = await api(hub, "POST", "/api/v1/finance/periods/2026-11/close");
    expect(books.status).toBe(409);
    expect(books.body.step).toBe("store_days_complete");
    const periods = (await api(hub, "GET", "/api/v1/finance/periods")).body;
    expect(periods.find((p: { period: string }) => p.period === "2026-11").status).toBe("open");
    // The run refused is kept: still checking, the sign-off of a step that still passes kept.
    const s = (await api(hub, "GET", "/api/v1/close/2026-11")).body;
    expect(s.state).toBe("checking");
    expect(step(s, "vouchers_balanced").confirmedBy).toBe("admin (hq_admin)");
  });

  test("the wallet day passes once its settlement file is imported with no difference and posted", async () => {
    const bill = writeWechatBill([
      {
        kind: "payment",
        transactionId: "4200001234202611250001",
        merchantOrderNo: "M1",
        refundId: "",
        amountFen: 100,
        settledFen: 100,
        feeFen: 0,
        at: "2026-11-25 10:00:00",
      },
    ]);
    const res = await fetch(`${hub.http.url}/api/v1/reconciliation/imports?source=wechat&date=2026-11-25`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/octet-stream" },
      body: bill,
    });
    const run = (await res.json()) as { id: number; differences: number };
    expect(run.differences).toBe(0);
    let s = (await api(hub, "POST", "/api/v1/close/2026-11/check")).body;
    expect(step(s, "payments_reconciled").left).toEqual([
      `wechat 2026-11-25 (1 tender(s) at HQ): run ${run.id} matched, its settlement and fees not posted`,
    ]);
    expect((await api(hub, "POST", `/api/v1/reconciliation/runs/${run.id}/post`)).status).toBe(200);
    s = (await api(hub, "POST", "/api/v1/close/2026-11/check")).body;
    expect(step(s, "payments_reconciled")).toMatchObject({
      status: "passed",
      left: [],
      summary: "1 of 1 wallet-day(s) reconciled with the providers' settlement files and posted",
    });
  });

  test("the month's vouchers pass as exported once an export covering their days was made after them", async () => {
    const exp = await fetch(
      `${hub.http.url}/api/v1/finance/export?from=2026-11-01&to=2026-11-30&company=default&format=csv`,
      {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      },
    );
    expect(exp.status).toBe(200);
    const s = (await api(hub, "POST", "/api/v1/close/2026-11/check")).body;
    expect(step(s, "vouchers_exported")).toMatchObject({
      status: "passed",
      left: [],
      summary: "2 of 2 voucher(s) dated in the period exported to the accounting package",
    });
  });

  test("cancel returns to open; a reopen of an open month is refused naming the state; reopen needs a reason", async () => {
    const c = await api(hub, "POST", "/api/v1/close/2026-11/cancel");
    expect(c.body.state).toBe("open");
    const again = await api(hub, "POST", "/api/v1/close/2026-11/cancel");
    expect(again.status).toBe(409);
    expect(again.body.message).toBe("period 2026-11 is open; cancel is not allowed");
    const reopen = await api(hub, "POST", "/api/v1/close/2026-11/reopen", { reason: "late invoice" });
    expect(reopen.status).toBe(409);
    const empty = await api(hub, "POST", "/api/v1/close/2026-11/reopen", { reason: "   " });
    expect(empty.body).toMatchObject({ error: "validation", field: "reason" });
  });

  test("roles and bad input: a regional manager may not read it, an auditor may not run it, a bad month is named", async () => {
    const west = (
      await api(hub, "POST", "/api/v1/tokens", { name: "west", role: "regional_manager", region: "west" })
    ).body.token;
    const auditor = (await api(hub, "POST", "/api/v1/tokens", { name: "audit", role: "auditor" })).body.token;
    expect((await api(hub, "GET", "/api/v1/close/2026-11", undefined, west)).status).toBe(403);
    expect((await api(hub, "GET", "/api/v1/close/2026-11", undefined, auditor)).status).toBe(200);
    expect((await api(hub, "POST", "/api/v1/close/2026-11/check", undefined, auditor)).status).toBe(403);
    expect((await api(hub, "POST", "/api/v1/close/2026-11/close", undefined, west)).status).toBe(403);
    expect((await api(hub, "GET", "/api/v1/close/2026-13")).body).toMatchObject({
      error: "validation",
      field: "period",
    });
    expect((await api(hub, "POST", "/api/v1/close/x'--/check")).status).toBe(400);
    const huge = await api(hub, "POST", "/api/v1/close/2026-11/reopen", { reason: "x".repeat(10_000) });
    expect(huge.body).toMatchObject({ error: "validation", field: "reason" });
  });
});
