// Issue 16's "Done when": one month driven through a real hub (in process, two stores over real
// MQTT, the HTTP API for everything HQ does) on a clock that walks through November: purchase
// orders priced from a supplier's list, receipts (one partial, weighed goods by the gram), sales
// (cash, WeChat Pay, Alipay), a return naming its sale, a transfer between the stores, counts with
// a loss and a gain, supplier invoices matched three ways (one exact, one billed above the
// order's price and accepted with a note), a payment, and the wallets' settlement files with
// planted differences. Then, to the fen: each store's inventory account = the valuation report =
// what a plain moving-average reference computes from the same movements; cost of goods sold =
// the cost of the units sold less the units returned (plus the invoice's price variance, which
// goes there too); every voucher balanced; reconciliation lists exactly what was planted.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { type AnyEnvelope, makeEnvelope, uuidv7 } from "@retail/protocol";
import {
  encodeGbk,
  type PaidEntry,
  writeAlipayBill,
  writeWechatBill,
} from "../reconciliation/bill-writer.ts";
import {
  ADMIN_TOKEN,
  api,
  connectStore,
  enrollStore,
  event,
  type StoreClient,
  startTestHub,
  waitFor,
} from "../test-kit.ts";

setDefaultTimeout(90_000);

type Hub = Awaited<ReturnType<typeof startTestHub>>;
let hub: Hub;
const stores: Record<string, StoreClient> = {};
const seqs: Record<string, number> = { E1: 0, E2: 0 };
/** 08:00 China time of `day` (00:00 UTC), moved by `h` hours. */
let clock = Date.parse("2026-11-01T02:00:00Z");
const now = () => new Date(clock);
const at = (day: string, h = 10) => {
  clock = Date.parse(`${day}T00:00:00Z`) + (h - 8) * 3_600_000;
};

// --- the reference: moving-weighted average, written from the documented rules ----------------
const half = (a: bigint, b: bigint) => {
  const n = a < 0n ? -a : a;
  const q = (2n * n + b) / (2n * b);
  return a < 0n ? -q : q;
};
/** round half up (value x qty / onHand), exact */
const share = (value: number, qty: number, of: number) =>
  Number(half(BigInt(value) * BigInt(qty), BigInt(of)));
const position = new Map<string, { onHand: number; value: number }>();
const pos = (store: string, sku: string) => {
  const k = `${store}/${sku}`;
  if (!position.has(k)) position.set(k, { onHand: 0, value: 0 });
  return position.get(k)!;
};
/** What each sale line took, for the return. */
const saleCost = new Map<string, { qty: number; value: number }>();
let soldCost = 0;
let returnedCost = 0;
/** Cost of goods sold per "store day" (sales less returns), and each store's value at some days' end. */
const cogsByDay = new Map<string, number>();
const addCogs = (store: string, day: string, fen: number) =>
  cogsByDay.set(`${store} ${day}`, (cogsByDay.get(`${store} ${day}`) ?? 0) + fen);
const valueAt = new Map<string, Record<string, number>>();
function snapshot(day: string) {
  const byStore: Record<string, number> = {};
  for (const [k, p] of position) {
    const storeId = k.split("/")[0]!;
    byStore[storeId] = (byStore[storeId] ?? 0) + p.value;
  }
  valueAt.set(day, byStore);
}
let receivedValue = 0;
function refIn(store: string, sku: string, qty: number, value: number) {
  const p = pos(store, sku);
  p.onHand += qty;
  p.value += value;
}
function refOut(store: string, sku: string, qty: number): number {
  const p = pos(store, sku);
  if (qty > p.onHand) throw new Error(`the scenario sells ${sku} below zero at ${store}`);
  const v = qty === p.onHand ? p.value : share(p.value, qty, p.onHand);
  p.onHand -= qty;
  p.value -= v;
  return v;
}

// --- the store's side -------------------------------------------------------------------------
async function publish(storeId: string, events: AnyEnvelope[]) {
  await stores[storeId]!.publishEvents(events);
  const upTo = seqs[storeId]!;
  await stores[storeId]!.next("events.ack", (a) => a.payload.upToSeq >= upTo, 30_000);
}

const PRODUCTS: Record<string, { price: number; tax: 13 | 9; weighed: boolean }> = {
  M1: { price: 450, tax: 13, weighed: false },
  M2: { price: 1800, tax: 13, weighed: false },
  PORK: { price: 3980, tax: 9, weighed: true },
};
const taxOf = (net: number, rate: number) => Math.floor((net * rate) / (100 + rate) + 0.5);

/** A sale rung up at `storeId` on `day`, lines of distinct SKUs, paid by one tender. */
async function sell(
  storeId: string,
  day: string,
  lines: [string, number][],
  tender: { kind: "cash" | "wechat" | "alipay"; ref?: string },
): Promise<{ saleId: string; net: number }> {
  const saleId = uuidv7();
  const ls = lines.map(([sku, qty], i) => {
    const p = PRODUCTS[sku]!;
    const gross = p.weighed ? share(qty, p.price, 1000) : qty * p.price;
    return {
      lineId: `l${i + 1}`,
      sku,
      name: sku,
      category: "1001",
      qty,
      weighed: p.weighed,
      unitPrice: p.price,
      taxRate: p.tax,
      priceVersion: 0,
      gross,
      discounts: [],
      net: gross,
      tax: taxOf(gross, p.tax),
    };
  });
  const net = ls.reduce((s, l) => s + l.net, 0);
  const tax = ls.reduce((s, l) => s + l.tax, 0);
  const completedAt = `${day}T11:00:00.000+08:00`;
  const env = makeEnvelope(
    "sale.completed",
    {
      saleId,
      receiptNo: `RC-${storeId}-01-${saleId.slice(-8)}`,
      laneId: "1",
      cashierId: "1001",
      shiftId: "shift-1",
      businessDay: day,
      training: false,
      catalogVersion: 0,
      coupons: [],
      lines: ls,
      totals: { gross: net, discount: 0, net, tax },
      applied: [],
      tenders: [
        tender.kind === "cash"
          ? { kind: "cash", amount: net, received: net, change: 0 }
          : { kind: tender.kind, amount: net, reference: tender.ref! },
      ],
      completedAt,
    },
    { storeId, seq: ++seqs[storeId]! },
  ) as unknown as AnyEnvelope;
  await publish(storeId, [env]);
  for (const [sku, qty] of lines) {
    const v = refOut(storeId, sku, qty);
    soldCost += v;
    addCogs(storeId, day, v);
    saleCost.set(`${saleId}/${sku}`, { qty, value: v });
  }
  return { saleId, net };
}

async function receive(
  storeId: string,
  day: string,
  id: string,
  poId: string,
  lines: { sku: string; qty: number }[],
) {
  await publish(storeId, [
    event("receiving.confirmed", storeId, ++seqs[storeId]!, {
      receivingId: id,
      purchaseOrderId: poId,
      supplierId: "SUP1",
      confirmedBy: "1001",
      lines,
      confirmedAt: `${day}T08:00:00.000+08:00`,
    }),
  ]);
}

async function order(storeId: string, lines: { sku: string; qty: number }[]): Promise<string> {
  const po = await api(hub, "POST", "/api/v1/purchase-orders", { storeId, supplierId: "SUP1", lines });
  expect(po.status).toBe(200);
  expect((await api(hub, "POST", `/api/v1/purchase-orders/${po.body.id}/send`)).status).toBe(200);
  return po.body.id;
}

async function upload(query: string, body: string | Uint8Array) {
  const res = await fetch(`${hub.http.url}/api/v1/reconciliation/imports?${query}`, {
    method: "POST",
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/octet-stream" },
    body,
  });
  const out = (await res.json()) as { id: number; differences: number };
  expect([res.status, out]).toMatchObject([200, {}]);
  return out;
}
const fee = (fen: number) => share(fen, 38, 10_000); // the contracted 0.38%
const paid = (id: string, fen: number, feeFen = fee(fen)): PaidEntry => ({
  kind: "payment",
  transactionId: id,
  merchantOrderNo: `M${id}`,
  refundId: "",
  amountFen: fen,
  settledFen: fen,
  feeFen,
  at: "2026-11-06 11:00:00",
});

/** The balance (debit - credit) of an account over vouchers dated in November, per store. */
function balance(account: string, storeId?: string): number {
  const r = hub.db
    .prepare(
      `SELECT TOTAL(l.debit_fen) - TOTAL(l.credit_fen) AS b FROM voucher_lines l JOIN vouchers v ON v.id = l.voucher_id
       WHERE l.account = ? AND v.business_day BETWEEN '2026-11-01' AND '2026-11-30' AND (? IS NULL OR v.store_id = ?)`,
    )
    .get(account, storeId ?? null, storeId ?? null) as { b: number };
  return r.b;
}

// What the month planted and what it must come to.
const planted: [string, string, string][] = [];
let priceVariance = 0;
let grniExpected = 0;
const wallet: Record<string, { saleId: string; net: number }> = {};

beforeAll(async () => {
  hub = await startTestHub({ financePostMs: 0 }, now);
  for (const id of ["E1", "E2"])
    stores[id] = await connectStore(await enrollStore(hub, id, { region: "east" }));
  const csv =
    "sku,name,category,unit,taxRate,weighed,status\nM1,纯牛奶 250ml,10/1001,EA,13,false,active\nM2,全麦面包,10/1002,EA,13,false,active\nPORK,猪里脊,20/2001,KG,9,true,active\n";
  const job = (await api(hub, "POST", "/api/v1/imports/products", csv)).body;
  await waitFor(
    async () => (await api(hub, "GET", `/api/v1/imports/${job.id}`)).body.state === "done",
    "product import",
    30_000,
  );
  expect(
    (
      await api(hub, "POST", "/api/v1/suppliers", {
        id: "SUP1",
        name: "光明乳业",
        leadTimeDays: 2,
        minOrderQty: 1,
        packSize: 1,
      })
    ).status,
  ).toBe(200);
  expect(
    (
      await api(hub, "POST", "/api/v1/suppliers/SUP1/prices", {
        prices: [
          { sku: "M1", costFen: 250, taxRate: 13, effectiveFrom: "2026-01-01" },
          { sku: "M2", costFen: 1000, taxRate: 13, effectiveFrom: "2026-01-01" },
          { sku: "PORK", costFen: 1990, taxRate: 9, effectiveFrom: "2026-01-01" },
          { sku: "M1", costFen: 260, taxRate: 13, effectiveFrom: "2026-11-10" },
        ],
      })
    ).status,
  ).toBe(200);

  // 11-02: orders. 11-03: E1 receives part of its order (M1 30 of 40, pork 4 of 5 kg), E2 all.
  at("2026-11-02");
  const po1 = await order("E1", [
    { sku: "M1", qty: 40 },
    { sku: "M2", qty: 20 },
    { sku: "PORK", qty: 5000 },
  ]);
  const po2 = await order("E2", [{ sku: "M1", qty: 12 }]);
  at("2026-11-03");
  await receive("E1", "2026-11-03", "RC-E1-1103", po1, [
    { sku: "M1", qty: 30 },
    { sku: "M2", qty: 20 },
    { sku: "PORK", qty: 4000 },
  ]);
  refIn("E1", "M1", 30, 7500);
  refIn("E1", "M2", 20, 20_000);
  refIn("E1", "PORK", 4000, 7960); // 4 kg at 19.90/kg
  await receive("E2", "2026-11-03", "RC-E2-1103", po2, [{ sku: "M1", qty: 12 }]);
  refIn("E2", "M1", 12, 3000);
  receivedValue += 7500 + 20_000 + 7960 + 3000;

  // 11-05: a cash sale and a WeChat Pay sale of weighed goods (750 g).
  at("2026-11-05", 12);
  const a = await sell(
    "E1",
    "2026-11-05",
    [
      ["M1", 3],
      ["M2", 2],
    ],
    { kind: "cash" },
  );
  wallet.WX1 = await sell("E1", "2026-11-05", [["PORK", 750]], { kind: "wechat", ref: "4200001105000001" });
  snapshot("2026-11-05");

  // 11-06: wallet sales at both stores (the settlement files plant differences on them).
  at("2026-11-06", 12);
  wallet.WX2 = await sell("E1", "2026-11-06", [["M1", 7]], { kind: "wechat", ref: "4200001106000002" });
  wallet.WX3 = await sell("E1", "2026-11-06", [["M2", 1]], { kind: "wechat", ref: "4200001106000003" });
  wallet.WX4 = await sell("E1", "2026-11-06", [["M1", 2]], { kind: "wechat", ref: "4200001106000004" });
  wallet.AL1 = await sell("E2", "2026-11-06", [["M1", 5]], { kind: "alipay", ref: "2026110622001001" });
  wallet.AL2 = await sell("E2", "2026-11-06", [["M1", 1]], { kind: "alipay", ref: "2026110622001002" });

  // 11-07: one unit of the 5th's M1 comes back to the shelf, at the cost it left with.
  at("2026-11-07", 12);
  await publish("E1", [
    event("sale.returned", "E1", ++seqs.E1!, {
      returnId: uuidv7(),
      receiptNo: "RT-E1-1107",
      original: { saleId: a.saleId, receiptNo: "RC", storeId: "E1" },
      reason: "质量问题",
      laneId: "1",
      cashierId: "1001",
      shiftId: "shift-1",
      businessDay: "2026-11-07",
      training: false,
      lines: [{ lineId: "l1", sku: "M1", qty: 1, weighed: false, refund: 450, tax: 52, restock: true }],
      totals: { refund: 450, tax: 52 },
      tenders: [{ kind: "cash", amount: 450 }],
      returnedAt: "2026-11-07T12:00:00.000+08:00",
    }),
  ]);
  const back = share(saleCost.get(`${a.saleId}/M1`)!.value, 1, 3);
  refIn("E1", "M1", 1, back);
  returnedCost += back;
  addCogs("E1", "2026-11-07", -back);
  snapshot("2026-11-07");

  // 11-08: HQ moves 4 M2 from E1 to E2 (at E1's average); 11-09 E2 sells 2 of them.
  at("2026-11-08", 12);
  expect(
    (
      await api(hub, "POST", "/api/v1/stock/transfers", {
        from: "E1",
        to: "E2",
        reference: "TR-1108",
        lines: [{ sku: "M2", qty: 4 }],
      })
    ).status,
  ).toBe(200);
  refIn("E2", "M2", 4, refOut("E1", "M2", 4));
  at("2026-11-09", 12);
  await sell("E2", "2026-11-09", [["M2", 2]], { kind: "cash" });

  // 11-11: another order for E1 at the new price (2.60), received whole and never invoiced.
  at("2026-11-10");
  const po3 = await order("E1", [{ sku: "M1", qty: 9 }]);
  at("2026-11-11");
  await receive("E1", "2026-11-11", "RC-E1-1111", po3, [{ sku: "M1", qty: 9 }]);
  refIn("E1", "M1", 9, 9 * 260);
  receivedValue += 9 * 260;
  grniExpected += 9 * 260;

  // 11-12: counts: E1 finds 2 M1 fewer than it expected, E2 one more.
  at("2026-11-12", 22);
  const e1m1 = pos("E1", "M1").onHand;
  await publish("E1", [
    event("stock.counted", "E1", ++seqs.E1!, {
      countId: "CNT-E1-1112",
      countedBy: "1001",
      lines: [{ sku: "M1", counted: e1m1 - 2, expected: e1m1 }],
      countedAt: "2026-11-12T22:00:00.000+08:00",
    }),
  ]);
  refOut("E1", "M1", 2);
  const e2m1 = pos("E2", "M1");
  const gain = share(e2m1.value, 1, e2m1.onHand);
  await publish("E2", [
    event("stock.counted", "E2", ++seqs.E2!, {
      countId: "CNT-E2-1112",
      countedBy: "1001",
      lines: [{ sku: "M1", counted: e2m1.onHand + 1, expected: e2m1.onHand }],
      countedAt: "2026-11-12T22:00:00.000+08:00",
    }),
  ]);
  refIn("E2", "M1", 1, gain);
  snapshot("2026-11-12");

  // 11-13: sales at the re-averaged cost (rounding: the position's value, not a unit cost).
  at("2026-11-13", 12);
  await sell(
    "E1",
    "2026-11-13",
    [
      ["M1", 4],
      ["PORK", 1234],
    ],
    { kind: "cash" },
  );
  await sell("E2", "2026-11-13", [["M1", 3]], { kind: "cash" });

  // 11-20: the supplier's invoices. E1's order in two: M1 + pork exactly as received; M2 billed
  // at 10.30 against the order's 10.00 (above the 1% tolerance: in dispute, accepted with a note).
  at("2026-11-20", 15);
  const inv1 = await api(hub, "POST", "/api/v1/payables/invoices", {
    supplierId: "SUP1",
    invoiceNo: "11000001",
    purchaseOrderId: po1,
    invoiceDate: "2026-11-20",
    lines: [
      { sku: "M1", qty: 30, unitPriceFen: 250, taxRate: 13 },
      { sku: "PORK", qty: 4000, unitPriceFen: 1990, taxRate: 9 },
    ],
  });
  expect(inv1.body.status).toBe("matched");
  expect((await api(hub, "POST", `/api/v1/payables/invoices/${inv1.body.id}/approve`)).body.status).toBe(
    "approved",
  );
  const inv2 = await api(hub, "POST", "/api/v1/payables/invoices", {
    supplierId: "SUP1",
    invoiceNo: "11000002",
    purchaseOrderId: po1,
    invoiceDate: "2026-11-20",
    lines: [{ sku: "M2", qty: 20, unitPriceFen: 1030, taxRate: 13 }],
  });
  expect(inv2.body.status).toBe("in_dispute");
  expect(inv2.body.match.lines[0].differences).toEqual([
    { reason: "price_above_tolerance", blocking: true, expected: 1000, actual: 1030, allowed: 10 },
  ]);
  const accepted = await api(hub, "POST", `/api/v1/payables/invoices/${inv2.body.id}/accept`, {
    note: "供应商涨价，采购已确认",
  });
  expect(accepted.body).toMatchObject({ status: "approved", match: { grniFen: 20_000, varianceFen: 600 } });
  priceVariance += 600;
  const inv3 = await api(hub, "POST", "/api/v1/payables/invoices", {
    supplierId: "SUP1",
    invoiceNo: "11000003",
    purchaseOrderId: po2,
    invoiceDate: "2026-11-20",
    lines: [{ sku: "M1", qty: 12, unitPriceFen: 250, taxRate: 13 }],
  });
  expect(inv3.body.status).toBe("matched");
  expect((await api(hub, "POST", `/api/v1/payables/invoices/${inv3.body.id}/approve`)).status).toBe(200);
  at("2026-11-25", 15);
  const owed = (await api(hub, "GET", `/api/v1/payables/invoices/${inv1.body.id}`)).body;
  expect(
    (
      await api(hub, "POST", `/api/v1/payables/invoices/${inv1.body.id}/payments`, {
        amountFen: owed.outstandingFen,
        paidOn: "2026-11-25",
        reference: "BANK-1125",
      })
    ).status,
  ).toBe(200);
}, 180_000);

afterAll(async () => {
  for (const s of Object.values(stores)) await s.close();
  await hub?.cleanup();
});

describe("a month through the books (issue 16, Done when)", () => {
  test("the wallets' settlement files: exactly the planted differences are listed; the rest posts once", async () => {
    at("2026-11-28", 10);
    // 11-05: WeChat Pay settles the one payment as HQ holds it.
    const d5 = await upload(
      "source=wechat&date=2026-11-05&feeRate=0.38",
      writeWechatBill([paid("4200001105000001", wallet.WX1!.net)]),
    );
    expect(d5.differences).toBe(0);
    // 11-06 WeChat Pay: WX2 as held; WX3 settled 0.50 more; WX4 missing; a payment HQ never saw.
    const d6 = await upload(
      "source=wechat&date=2026-11-06&feeRate=0.38",
      writeWechatBill([
        paid("4200001106000002", wallet.WX2!.net),
        paid("4200001106000003", wallet.WX3!.net + 50),
        paid("4200001106000009", 700),
      ]),
    );
    planted.push(
      ["wechat", "amount_mismatch", "4200001106000003"],
      ["wechat", "not_in_file", "4200001106000004"],
      ["wechat", "not_at_hq", "4200001106000009"],
    );
    // 11-06 Alipay (GBK): AL1 as held; AL2 with a fee that is not the contracted 0.38%.
    const a6 = await upload(
      "source=alipay&date=2026-11-06&feeRate=0.38",
      encodeGbk(
        writeAlipayBill(
          [paid("2026110622001001", wallet.AL1!.net), paid("2026110622001002", wallet.AL2!.net, 9)],
          {
            day: "2026-11-06",
          },
        ),
      ),
    );
    planted.push(["alipay", "fee_mismatch", "2026110622001002"]);
    const listed: [string, string, string][] = [];
    for (const [run, source] of [
      [d5, "wechat"],
      [d6, "wechat"],
      [a6, "alipay"],
    ] as const) {
      const items = (await api(hub, "GET", `/api/v1/reconciliation/runs/${run.id}/items?differences=1`))
        .body as {
        status: string;
        transactionId: string;
      }[];
      for (const i of items) listed.push([source, i.status, i.transactionId]);
      const all = (await api(hub, "GET", `/api/v1/reconciliation/runs/${run.id}/items`)).body as {
        status: string;
      }[];
      expect(all.length).toBeGreaterThan(items.length);
      const posted = await api(hub, "POST", `/api/v1/reconciliation/runs/${run.id}/post`);
      expect(posted.status).toBe(200);
      expect(posted.body.vouchers.length).toBe(1);
    }
    expect(listed.sort()).toEqual([...planted].sort());
  });

  test("posted: inventory account = valuation report = the reference, per store, to the fen", async () => {
    at("2026-12-01", 10);
    expect((await api(hub, "POST", "/api/v1/finance/post")).status).toBe(200);
    const inv = await api(hub, "POST", "/api/v1/finance/inventory/post");
    expect(inv.status).toBe(200);
    expect(inv.body.movements).toBeGreaterThan(0);
    const v = (await api(hub, "GET", "/api/v1/finance/valuation?date=2026-11-30")).body as {
      rows: { storeId: string; valueFen: number; onHand: number }[];
      stores: { storeId: string; valuationFen: number; accountFen: number; differenceFen: number }[];
      valuationFen: number;
      accountFen: number;
      differenceFen: number;
      unpostedMovements: number;
    };
    expect(v.unpostedMovements).toBe(0);
    for (const storeId of ["E1", "E2"]) {
      const expected = [...position]
        .filter(([k]) => k.startsWith(`${storeId}/`))
        .reduce((s, [, p]) => s + p.value, 0);
      const row = v.stores.find((s) => s.storeId === storeId)!;
      expect([storeId, row.valuationFen, row.accountFen, row.differenceFen]).toEqual([
        storeId,
        expected,
        expected,
        0,
      ]);
      // The account as the vouchers say it, independently of the report.
      expect(balance("1405", storeId)).toBe(expected);
      expect(v.rows.filter((r) => r.storeId === storeId).reduce((s, r) => s + r.valueFen, 0)).toBe(expected);
    }
    expect(v.valuationFen).toBe(v.accountFen);
    expect(v.differenceFen).toBe(0);
    // On-hand per store and SKU as the reference counts it.
    for (const [k, p] of position) {
      const [storeId, sku] = k.split("/") as [string, string];
      const [c] = (await api(hub, "GET", `/api/v1/stores/${storeId}/cost?sku=${sku}`)).body;
      expect([k, c.onHand, c.valueFen]).toEqual([k, p.onHand, p.value]);
    }
    // On earlier days too: the report and the account as of that day's end, against the reference then.
    for (const [day, byStore] of valueAt) {
      const d = (await api(hub, "GET", `/api/v1/finance/valuation?date=${day}`)).body as typeof v;
      for (const [storeId, fen] of Object.entries(byStore))
        expect([day, storeId, d.stores.find((s) => s.storeId === storeId)]).toMatchObject([
          day,
          storeId,
          { valuationFen: fen, accountFen: fen, differenceFen: 0 },
        ]);
    }
    // Goods in transit nets to 0 once both sides of the transfer are in.
    expect(balance("1402")).toBe(0);
  });

  test("cost of goods sold = the cost of the units sold less those returned; the invoice's price variance on top", async () => {
    expect(soldCost).toBeGreaterThan(0);
    const fromInventory = hub.db
      .prepare(
        `SELECT TOTAL(l.debit_fen) - TOTAL(l.credit_fen) AS b FROM voucher_lines l JOIN vouchers v ON v.id = l.voucher_id
         WHERE l.account = '6401' AND v.source_kind = 'inventory.cogs'`,
      )
      .get() as { b: number };
    expect(fromInventory.b).toBe(soldCost - returnedCost);
    // Per store and day, as the reference took it.
    const perDay = hub.db
      .prepare(
        `SELECT v.store_id || ' ' || v.business_day AS k, TOTAL(l.debit_fen) - TOTAL(l.credit_fen) AS b
         FROM voucher_lines l JOIN vouchers v ON v.id = l.voucher_id
         WHERE l.account = '6401' AND v.source_kind = 'inventory.cogs' GROUP BY k ORDER BY k`,
      )
      .all() as { k: string; b: number }[];
    expect(perDay.map((r) => [r.k, r.b])).toEqual([...cogsByDay].sort(([a], [b]) => (a < b ? -1 : 1)));
    expect(balance("6401")).toBe(soldCost - returnedCost + priceVariance);
    // Goods received not invoiced: what arrived less what the approved invoices cleared (the 11th's receipt).
    expect(-balance("2202.02")).toBe(grniExpected);
    expect(receivedValue).toBe(7500 + 20_000 + 7960 + 3000 + 2340);
  });

  test("every voucher of the month balances, each document posted once", async () => {
    const vouchers = hub.db
      .prepare(
        `SELECT v.id, v.source_kind AS kind, v.source_id AS source, v.debit_fen AS dh, v.credit_fen AS ch,
                TOTAL(l.debit_fen) AS d, TOTAL(l.credit_fen) AS c, COUNT(l.line_no) AS n
         FROM vouchers v JOIN voucher_lines l ON l.voucher_id = v.id GROUP BY v.id`,
      )
      .all() as {
      id: number;
      kind: string | null;
      source: string | null;
      dh: number;
      ch: number;
      d: number;
      c: number;
      n: number;
    }[];
    const unbalanced = vouchers.filter((x) => !(x.d === x.c && x.dh === x.d && x.ch === x.c && x.n >= 2));
    expect(unbalanced).toEqual([]);
    const kinds = new Set(vouchers.map((x) => x.kind ?? "sales_day"));
    for (const k of [
      "sales_day",
      "inventory.cogs",
      "inventory.receipt",
      "inventory.count",
      "inventory.transfer",
      "supplier_invoice",
      "supplier_payment",
      "wallet.settlement",
    ])
      expect([k, kinds.has(k)]).toEqual([k, true]);
    const docs = vouchers.filter((x) => x.kind).map((x) => `${x.kind}:${x.source}`);
    expect(new Set(docs).size).toBe(docs.length);
    // The trial balance of the month nets to zero.
    const tb = hub.db
      .prepare(
        "SELECT TOTAL(l.debit_fen) - TOTAL(l.credit_fen) AS b FROM voucher_lines l JOIN vouchers v ON v.id = l.voucher_id WHERE v.business_day LIKE '2026-11-%'",
      )
      .get() as { b: number };
    expect(tb.b).toBe(0);
    // A second posting run posts nothing.
    expect((await api(hub, "POST", "/api/v1/finance/inventory/post")).body.vouchers).toBe(0);
  });

  test("the close checklist agrees: counts posted, valuation = accounts, vouchers balanced; the planted differences and the uninvoiced receipt named", async () => {
    const r = await api(hub, "POST", "/api/v1/close/2026-11/check");
    expect(r.status).toBe(200);
    const step = (id: string) =>
      (r.body.steps as { id: string; status: string; left: string[]; summary: string }[]).find(
        (s) => s.id === id,
      )!;
    expect(step("counts_posted")).toMatchObject({ status: "passed", left: [] });
    expect(step("cost_valuation_run")).toMatchObject({ status: "passed", left: [] });
    expect(step("vouchers_balanced")).toMatchObject({ status: "passed", left: [] });
    // The wallet days with planted differences stay open; the clean one passes.
    const pay = step("payments_reconciled");
    expect(pay.status).toBe("failed");
    expect(pay.left.map((l) => l.split(" (")[0]).sort()).toEqual(["alipay 2026-11-06", "wechat 2026-11-06"]);
    // The 11th's receipt was never invoiced: accrued at month end (Dr GRNI / Cr 2202.03 on the
    // 30th), reversed on December 1st; the step counts it.
    const rec = step("receipts_invoiced");
    expect(rec).toMatchObject({
      status: "passed",
      left: [],
      summary:
        "3 of 3 receipt(s) up to 2026-11-30 invoiced or accrued: 2 invoiced, 1 accrued (23.40 yuan on 2026-11-30, reversed on 2026-12-01)",
    });
    const accruals = hub.db
      .prepare(
        `SELECT v.source_kind AS kind, v.store_id AS store, v.business_day AS day, l.account, l.debit_fen AS d, l.credit_fen AS c
         FROM vouchers v JOIN voucher_lines l ON l.voucher_id = v.id WHERE v.source_kind LIKE 'grni.accrual%' ORDER BY v.id, l.line_no`,
      )
      .all();
    expect(accruals).toEqual([
      { kind: "grni.accrual", store: "E1", day: "2026-11-30", account: "2202.02", d: grniExpected, c: 0 },
      { kind: "grni.accrual", store: "E1", day: "2026-11-30", account: "2202.03", d: 0, c: grniExpected },
      {
        kind: "grni.accrual.reversal",
        store: "E1",
        day: "2026-12-01",
        account: "2202.03",
        d: grniExpected,
        c: 0,
      },
      {
        kind: "grni.accrual.reversal",
        store: "E1",
        day: "2026-12-01",
        account: "2202.02",
        d: 0,
        c: grniExpected,
      },
    ]);
    // November closes with GRNI empty and the accrual owed; December opens with GRNI back.
    expect([balance("2202.02"), balance("2202.03")]).toEqual([0, -grniExpected]);
    // Checking again accrues nothing twice.
    await api(hub, "POST", "/api/v1/close/2026-11/check");
    expect(
      (
        hub.db.prepare("SELECT COUNT(*) AS n FROM vouchers WHERE source_kind LIKE 'grni.accrual%'").get() as {
          n: number;
        }
      ).n,
    ).toBe(2);
  });
});
