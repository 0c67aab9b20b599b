// Reconciliation end to end at a real hub: wallet sales reach HQ over MQTT (their tenders carry
// the provider's transaction id), then the day's WeChat Pay bill (UTF-8), Alipay 业务明细 (GBK
// bytes) and a bank statement are imported through the API. Planted differences (a payment HQ
// lacks, a tender the file lacks, an amount off, a fee off, a bad row) are listed exactly, each
// with its reason; the rest matches; runs and items are kept.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type AnyEnvelope, formatYuanPlain, uuidv7 } from "@retail/protocol";
import { asc, eq } from "drizzle-orm";
import { createDeferredIndex, TENDERS_BY_DOC } from "../db/deferred-index.ts";
import { voucherLines } from "../db/schema.ts";
import {
  ADMIN_TOKEN,
  api,
  connectStore,
  enrollStore,
  event,
  type StoreClient,
  saleEvent,
  startTestHub,
  waitFor,
} from "../test-kit.ts";
import { encodeGbk, type PaidEntry, writeAlipayBill, writeWechatBill } from "./bill-writer.ts";
import { createHqTenders } from "./hq-tenders.ts";

const DAY = "2026-11-25"; // saleEvent's business day
type Hub = Awaited<ReturnType<typeof startTestHub>>;

/** A return of one unit refunded to the wallet: the return tender carries the provider's refund id. */
function walletReturn(storeId: string, seq: number, refundId: string, fen: number): AnyEnvelope {
  return event("sale.returned", storeId, seq, {
    returnId: uuidv7(),
    receiptNo: `RT-${storeId}-${seq}`,
    reason: "质量问题",
    supervisorId: "9001",
    laneId: "1",
    cashierId: "1001",
    shiftId: "shift-1",
    businessDay: DAY,
    training: false,
    lines: [{ lineId: "l1", sku: "SKU1", qty: 1, weighed: false, refund: fen, tax: 0, restock: true }],
    totals: { refund: fen, tax: 0 },
    tenders: [{ kind: "wechat", amount: fen, reference: refundId }],
    returnedAt: "2026-11-25T10:00:00.000+08:00",
  });
}

function walletSale(
  storeId: string,
  seq: number,
  kind: "wechat" | "alipay",
  ref: string,
  fen: number,
): AnyEnvelope {
  const e = saleEvent(storeId, seq, { lines: 1, unitPrice: fen });
  e.payload.tenders = [{ kind, amount: fen, reference: ref }];
  return e as AnyEnvelope;
}

const paid = (id: string, fen: number, feeFen: number): PaidEntry => ({
  kind: "payment",
  transactionId: id,
  merchantOrderNo: `M${id}`,
  refundId: "",
  amountFen: fen,
  settledFen: fen,
  feeFen,
  at: `${DAY} 10:00:00`,
});

async function upload(hub: Hub, query: string, body: Uint8Array | string, token = ADMIN_TOKEN) {
  const res = await fetch(`${hub.http.url}/api/v1/reconciliation/imports?${query}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/octet-stream" },
    body,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & { id: number } };
}

describe("payment reconciliation at the hub", () => {
  let hub: Hub;
  let store: StoreClient;

  beforeAll(async () => {
    hub = await startTestHub();
    store = await connectStore(await enrollStore(hub, "S001"));
    await store.publishEvents([
      walletSale("S001", 1, "wechat", "4200001", 1000),
      walletSale("S001", 2, "wechat", "4200002", 2500),
      walletSale("S001", 3, "wechat", "4200003", 1800), // the file says 18.50
      walletSale("S001", 4, "wechat", "4200004", 990), // not in the file
      walletSale("S001", 5, "alipay", "2026112522001", 5000),
      walletSale("S001", 6, "alipay", "2026112522002", 3000), // fee off in the file
      walletReturn("S001", 7, "50300001", 500),
      walletReturn("S001", 8, "50300002", 300), // the file refunds 3.50
    ]);
    await waitFor(
      async () => (await api(hub, "GET", "/api/v1/stores/S001/sales")).body.length === 6,
      "6 sales at HQ",
      30_000,
    );
    await waitFor(() => store.next("events.ack", (a) => a.payload.upToSeq >= 8), "the returns acked", 30_000);
  }, 60_000);
  afterAll(async () => {
    await store?.close();
    await hub?.cleanup();
  });

  test("WeChat Pay: exactly the planted differences, with their reasons", async () => {
    const lines = writeWechatBill([
      paid("4200001", 1000, 4),
      paid("4200002", 2500, 10),
      paid("4200003", 1850, 7),
      paid("4200009", 700, 3), // not at HQ
      paid("4200010", 100, 0),
      { ...paid("4200002", 500, -2), kind: "refund", refundId: "50300001" },
      { ...paid("4200001", 350, -1), kind: "refund", refundId: "50300002" }, // HQ refunded 3.00
    ]).split("\r\n");
    lines[5] = lines[5]!.replace("`1.00,", "`1.0O,"); // a bad amount on line 6
    const r = await upload(hub, `source=wechat&date=${DAY}&feeRate=0.38&file=wx.csv`, lines.join("\r\n"));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      source: "wechat",
      billDate: DAY,
      fileName: "wx.csv",
      entries: 6,
      badRows: 1,
      differences: 5,
    });
    const items = (await api(hub, "GET", `/api/v1/reconciliation/runs/${r.body.id}/items?differences=1`))
      .body as {
      status: string;
      transactionId: string;
      row: number | null;
      column: string | null;
      reason: string;
      why: unknown;
      raw: string | null;
    }[];
    expect(items.map((i) => [i.status, i.transactionId || `line ${i.row}`]).sort()).toEqual(
      [
        ["amount_mismatch", "4200003"],
        ["not_at_hq", "4200009"],
        ["not_in_file", "4200004"],
        ["bad_row", "line 6"],
        ["refund_mismatch", "4200001"],
      ].sort(),
    );
    const bad = items.find((i) => i.status === "bad_row")!;
    expect([bad.column, bad.reason]).toEqual([
      "应结订单金额",
      'line 6, 应结订单金额: "1.0O" is not a yuan amount like 12.34',
    ]);
    expect(bad.raw).toBe(lines[5]!);
    // The same reasons as data through the API: the console words them from these fields.
    expect(bad.why).toEqual({
      code: "bad_row",
      row: 6,
      column: "应结订单金额",
      detail: { code: "not_yuan", text: "1.0O" },
    });
    expect(items.find((i) => i.status === "amount_mismatch")!.why).toEqual({
      code: "amount_mismatch",
      fileFen: 1850,
      hqFen: 1800,
      docKind: "sale",
      docId: await saleIdOf(hub, "4200003"),
    });
    expect(items.find((i) => i.status === "amount_mismatch")!.reason).toBe(
      "paid 18.50 元 in the file, 18.00 元 at HQ (sale " +
        `${await saleIdOf(hub, "4200003")}): 0.50 元 apart`,
    );
    const all = (await api(hub, "GET", `/api/v1/reconciliation/runs/${r.body.id}/items`)).body as {
      status: string;
    }[];
    expect(all.filter((i) => i.status === "matched").length).toBe(3); // two payments, one refund
    expect(items.find((i) => i.status === "refund_mismatch")!.reason).toStartWith(
      "refunded 3.50 元 in the file, 3.00 元 at HQ (return ",
    );
    const run = (await api(hub, "GET", `/api/v1/reconciliation/runs/${r.body.id}`)).body;
    // What HQ can place at S001 (matched and the amounts off, as the file settled them; refunds back).
    expect(run.settlement).toEqual([
      { storeId: "S001", clearedFen: 1000 + 2500 + 1850 - 500 - 350, feeFen: 21 - 3, bankFen: 4500 - 18 },
    ]);
  });

  test("posting: one balanced voucher per wallet, day and store (bank + fee / clearing), once", async () => {
    const runs = (await api(hub, "GET", `/api/v1/reconciliation/runs?from=${DAY}&to=${DAY}`)).body as {
      id: number;
      source: string;
    }[];
    const id = runs.find((r) => r.source === "wechat")!.id;
    const posted = await api(hub, "POST", `/api/v1/reconciliation/runs/${id}/post`);
    expect(posted.status).toBe(200);
    expect(posted.body.vouchers.length).toBe(1);
    expect(posted.body.postedAt).toBeString();
    const again = await api(hub, "POST", `/api/v1/reconciliation/runs/${id}/post`);
    expect(again.body.vouchers).toEqual(posted.body.vouchers);
    const l = voucherLines;
    const lines = hub.orm
      .select({ account: l.account, d: l.debitFen, c: l.creditFen })
      .from(l)
      .where(eq(l.voucherId, posted.body.vouchers[0]))
      .orderBy(asc(l.account))
      .all();
    expect(lines).toEqual([
      { account: "1002", d: 4500 - 18, c: 0 },
      { account: "1012.01", d: 0, c: 4500 },
      { account: "6603.01", d: 18, c: 0 },
    ]);
  });

  test("Alipay (GBK 业务明细): the fee off the contracted rate is listed, the rest matches", async () => {
    const text = writeAlipayBill([paid("2026112522001", 5000, 19), paid("2026112522002", 3000, 30)], {
      day: DAY,
    });
    const r = await upload(hub, `source=alipay&date=${DAY}&feeRate=0.38`, encodeGbk(text));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      entries: 2,
      badRows: 0,
      differences: 1,
      paymentsFen: 8000,
      feesFen: 49,
      netFen: 7951,
    });
    const items = (await api(hub, "GET", `/api/v1/reconciliation/runs/${r.body.id}/items?differences=1`))
      .body;
    expect(items.map((i: { status: string; reason: string }) => [i.status, i.reason])).toEqual([
      ["fee_mismatch", "fee 0.30 元 in the file, 0.11 元 at the contracted 0.38% of 30.00 元"],
    ]);
  });

  test("bank statement: the wallets' net settlements found, a short one and a stray credit listed", async () => {
    const runs = (await api(hub, "GET", `/api/v1/reconciliation/runs?from=${DAY}&to=${DAY}`)).body as {
      source: string;
      netFen: number;
    }[];
    const wechatNet = runs.find((r) => r.source === "wechat")!.netFen;
    const csv = [
      "交易日期,流水号,对方户名,摘要,收入金额,支出金额,余额",
      `2026-11-26,B1,财付通支付科技有限公司,微信支付结算,${formatYuanPlain(wechatNet)},,0`,
      "2026-11-26,B2,支付宝（中国）网络技术有限公司,提现,79.00,,0",
      "2026-11-26,B3,支付宝（中国）网络技术有限公司,提现,12.00,,0",
      "2026-11-26,B4,上海电力,电费,,300.00,0",
    ].join("\n");
    const r = await upload(hub, "source=bank&date=2026-11-26", encodeGbk(csv));
    expect(r.status).toBe(200);
    const items = (await api(hub, "GET", `/api/v1/reconciliation/runs/${r.body.id}/items`)).body as {
      status: string;
      transactionId: string;
      reason: string;
    }[];
    expect(items.map((i) => [i.status, i.transactionId])).toEqual([
      ["matched", "B1"],
      ["settlement_amount", "B2"],
      ["unexpected_credit", "B3"],
    ]);
    expect(items[1]!.reason).toBe(
      "the bank received 79.00 元 from Alipay on 2026-11-26, the 2026-11-25 bill settles 79.51 元: -0.51 元 apart",
    );
  });

  test("a day not over (until) is matched up to then and cannot be posted", async () => {
    const text = writeWechatBill([paid("4200001", 1000, 4)]);
    const r = await upload(hub, `source=wechat&date=${DAY}&until=2026-11-25T01:30:00.000Z`, text);
    // Only the documents completed by then were expected: saleEvent's sales completed at 01:30Z.
    expect(r.body).toMatchObject({ until: "2026-11-25T01:30:00.000Z", differences: 3 });
    const before = await upload(hub, `source=wechat&date=${DAY}&until=2026-11-25T01:29:59.000Z`, text);
    const items = (await api(hub, "GET", `/api/v1/reconciliation/runs/${before.body.id}/items`)).body;
    expect(items.map((i: { status: string }) => i.status)).toEqual(["not_at_hq"]);
    const refused = await api(hub, "POST", `/api/v1/reconciliation/runs/${r.body.id}/post`);
    expect(refused.status).toBe(409);
    expect(refused.body.message).toContain("import the whole day's file to post it");
  });

  test("HQ's tenders of the day: the same through the look-up (tenders_by_doc) as through its tail", () => {
    const read = createHqTenders(hub.orm);
    const before = read("wechat", DAY);
    createDeferredIndex(hub.db, TENDERS_BY_DOC).catchUp();
    const after = read("wechat", DAY);
    expect(after).toEqual(before);
    expect(after.map((t) => [t.reference, t.amountFen]).sort()).toEqual([
      ["4200001", 1000],
      ["4200002", 2500],
      ["4200003", 1800],
      ["4200004", 990],
      ["50300001", 500],
      ["50300002", 300],
    ]);
    expect(read("alipay", DAY).length).toBe(2);
    expect(read("wechat", "2026-11-24")).toEqual([]);
  });

  test("hostile: not a bill, an empty body, a wrong token, a bad date, garbage bytes", async () => {
    expect((await upload(hub, `source=wechat&date=${DAY}`, "hello,world\n1,2")).body).toMatchObject({
      error: "validation",
      field: "header",
    });
    expect((await upload(hub, `source=wechat&date=${DAY}`, "")).status).toBe(400);
    expect((await upload(hub, `source=wechat&date=${DAY}`, "x", "wrong-token")).status).toBe(401);
    expect((await upload(hub, "source=wechat&date=2026-13-40", "x")).body).toMatchObject({
      field: "query.date",
    });
    expect((await upload(hub, `source=wechat&date=${DAY}&feeRate=abc`, "x")).body).toMatchObject({
      field: "query.feeRate",
    });
    const garbage = crypto.getRandomValues(new Uint8Array(64 * 1024));
    expect((await upload(hub, `source=alipay&date=${DAY}`, garbage)).status).toBe(400);
    expect((await api(hub, "GET", "/api/v1/reconciliation/runs/999999")).status).toBe(404);
    expect((await api(hub, "GET", "/api/v1/reconciliation/runs/abc")).status).toBe(400);
  });
});

async function saleIdOf(hub: Hub, ref: string): Promise<string> {
  // The hub's reads by transaction id are the reconciliation's own: find the sale through an item.
  const runs = (await api(hub, "GET", "/api/v1/reconciliation/runs")).body as { id: number }[];
  for (const run of runs) {
    const items = (await api(hub, "GET", `/api/v1/reconciliation/runs/${run.id}/items`)).body as {
      transactionId: string;
      docId: string | null;
    }[];
    const hit = items.find((i) => i.transactionId === ref && i.docId);
    if (hit) return hit.docId!;
  }
  throw new Error(`no sale for ${ref}`);
}
