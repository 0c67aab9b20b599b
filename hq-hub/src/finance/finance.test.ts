// Reports and finance through the real hub: sales go up as MQTT events, are ingested, then
// reported and posted over the API. Numbers are hand-computed in the comments.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import type { AnyEnvelope } from "@retail/protocol";
import {
  api,
  connectStore,
  enrollStore,
  event,
  type StoreClient,
  saleEvent,
  startTestHub,
} from "../test-kit.ts";

// Real processes and brokers on a shared 2-core machine: generous, never a timing assertion.
setDefaultTimeout(60_000);

let hub: Awaited<ReturnType<typeof startTestHub>>;
let auditor: string;
let eastManager: string;
let e1: StoreClient;
let w1: StoreClient;
const sent: AnyEnvelope[] = [];

type Sale = ReturnType<typeof saleEvent>;
/** A sale of `lines` ([sku, gross, discount, tax]) on `day`, paid with `tenders`. */
function sale(
  storeId: string,
  seq: number,
  day: string,
  lines: [string, number, number, number][],
  tenders: Sale["payload"]["tenders"],
  training = false,
): Sale {
  const e = saleEvent(storeId, seq, { lines: lines.length, skus: lines.map((l) => l[0]), training });
  const p = e.payload;
  p.businessDay = day;
  p.completedAt = `${day}T10:00:00.000+08:00`;
  p.lines = p.lines.map((l, i) => {
    const [, gross, discount, tax] = lines[i]!;
    return {
      ...l,
      unitPrice: gross,
      gross,
      discounts: discount ? [{ promotionId: "P-OFF", amount: discount }] : [],
      net: gross - discount,
      tax,
    };
  });
  const sum = (f: (l: (typeof p.lines)[number]) => number) => p.lines.reduce((n, l) => n + f(l), 0);
  p.totals = {
    gross: sum((l) => l.gross),
    discount: sum((l) => l.gross - l.net),
    net: sum((l) => l.net),
    tax: sum((l) => l.tax),
  };
  p.tenders = tenders;
  return e;
}

async function publish(store: StoreClient, events: AnyEnvelope[]) {
  const upTo = Math.max(...events.map((e) => e.seq));
  await store.publishEvents(events);
  sent.push(...events);
  await store.next("events.ack", (a) => a.payload.upToSeq >= upTo);
}

let firstSaleOfE1: Sale;

beforeAll(async () => {
  hub = await startTestHub();
  auditor = (await api(hub, "POST", "/api/v1/tokens", { name: "audit", role: "auditor" })).body.token;
  eastManager = (
    await api(hub, "POST", "/api/v1/tokens", { name: "zhang", role: "regional_manager", region: "east" })
  ).body.token;
  e1 = await connectStore(await enrollStore(hub, "E1", { region: "east", name: "徐汇店" }));
  w1 = await connectStore(await enrollStore(hub, "W1", { region: "west", name: "成都店" }));
  for (const [sku, category] of [
    ["P1", ["10", "1001"]],
    ["P2", ["20", "2001"]],
  ] as const) {
    const r = await api(hub, "POST", "/api/v1/catalog/product", {
      sku,
      name: sku,
      category,
      unit: "EA",
      taxRate: 13,
      weighed: false,
      status: "active",
    });
    expect(r.status).toBe(200);
  }
  expect((await api(hub, "PUT", "/api/v1/reports/categories/10", { name: "食品" })).status).toBe(200);

  firstSaleOfE1 = sale(
    "E1",
    1,
    "2026-11-25",
    [
      ["P1", 100, 0, 12],
      ["P2", 100, 0, 12],
    ],
    [{ kind: "cash", amount: 200, received: 500, change: 300 }],
  );
  await publish(e1, [
    firstSaleOfE1,
    // 300 with 50 off: net 250, tax 29
    sale("E1", 2, "2026-11-25", [["P1", 300, 50, 29]], [{ kind: "wechat", amount: 250 }]),
    sale("E1", 3, "2026-11-26", [["P2", 500, 0, 58]], [{ kind: "alipay", amount: 500 }]),
    // Training: never in reports or the books.
    sale("E1", 4, "2026-11-25", [["P1", 9900, 0, 1139]], [{ kind: "cash", amount: 9900 }], true),
    event("sale.returned", "E1", 5, {
      returnId: "R1",
      receiptNo: "RT-1",
      original: {
        saleId: firstSaleOfE1.payload.saleId,
        receiptNo: firstSaleOfE1.payload.receiptNo,
        storeId: "E1",
      },
      reason: "质量问题",
      laneId: "1",
      cashierId: "1001",
      shiftId: "shift-1",
      businessDay: "2026-11-26",
      training: false,
      lines: [{ lineId: "l1", sku: "P1", qty: 1, weighed: false, refund: 100, tax: 12, restock: true }],
      totals: { refund: 100, tax: 12 },
      tenders: [{ kind: "cash", amount: 100 }],
      returnedAt: "2026-11-26T11:00:00.000+08:00",
    }),
    event("shift.closed", "E1", 6, {
      shiftId: "shift-1",
      laneId: "1",
      cashierId: "1001",
      businessDay: "2026-11-26",
      training: false,
      denominations: { "100": 1 },
      counted: 100,
      expected: 250,
      overShort: -150,
      sales: { count: 3, net: 950 },
      returns: { count: 1, refund: 100 },
      byTender: { cash: 200 },
      cashIn: 0,
      cashOut: 0,
      closedAt: "2026-11-26T22:00:00.000+08:00",
    }),
  ]);
  await publish(w1, [sale("W1", 1, "2026-11-25", [["P1", 1000, 0, 115]], [{ kind: "card", amount: 1000 }])]);
});
afterAll(async () => {
  await e1.close();
  await w1.close();
  await hub.cleanup();
});

const q = "from=2026-11-25&to=2026-11-26";
const zero = {
  saleCount: 0,
  returnCount: 0,
  grossFen: 0,
  discountFen: 0,
  netFen: 0,
  taxFen: 0,
  refundFen: 0,
};

describe("sales report", () => {
  test("by day: hand-computed totals, training excluded", async () => {
    const r = await api(hub, "GET", `/api/v1/reports/sales?${q}&by=day`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      from: "2026-11-25",
      to: "2026-11-26",
      by: "day",
      rows: [
        // E1 200 + 300-50 + W1 1000; tax 24 + 29 + 115
        {
          key: "2026-11-25",
          label: "2026-11-25",
          ...zero,
          saleCount: 3,
          grossFen: 1500,
          discountFen: 50,
          netFen: 1450,
          taxFen: 168,
        },
        {
          key: "2026-11-26",
          label: "2026-11-26",
          ...zero,
          saleCount: 1,
          returnCount: 1,
          grossFen: 500,
          netFen: 500,
          taxFen: 58,
          refundFen: 100,
        },
      ],
      totals: {
        saleCount: 4,
        returnCount: 1,
        grossFen: 2000,
        discountFen: 50,
        netFen: 1950,
        taxFen: 226,
        refundFen: 100,
      },
      excluded: [],
    });
  });

  test("by store: labels are store names; ?store= narrows", async () => {
    const r = await api(hub, "GET", `/api/v1/reports/sales?${q}&by=store`);
    expect(r.body.rows).toEqual([
      {
        key: "E1",
        label: "徐汇店",
        ...zero,
        saleCount: 3,
        returnCount: 1,
        grossFen: 1000,
        discountFen: 50,
        netFen: 950,
        taxFen: 111,
        refundFen: 100,
      },
      { key: "W1", label: "成都店", ...zero, saleCount: 1, grossFen: 1000, netFen: 1000, taxFen: 115 },
    ]);
    const one = await api(hub, "GET", `/api/v1/reports/sales?${q}&by=store&store=W1`);
    expect(one.body.rows.map((x: { key: string }) => x.key)).toEqual(["W1"]);
  });

  test("by category: from sale lines (discount as allocated to them), top-level category, a sale counted once in totals", async () => {
    const r = await api(hub, "GET", `/api/v1/reports/sales?${q}&by=category`);
    expect(r.body.rows).toEqual([
      // P1: 100 + (300-50) + 1000; tax 12 + 29 + 115; the return refunded a P1
      {
        key: "10",
        label: "食品",
        ...zero,
        saleCount: 3,
        returnCount: 1,
        grossFen: 1400,
        discountFen: 50,
        netFen: 1350,
        taxFen: 156,
        refundFen: 100,
      },
      // P2: 100 + 500, category 20 has no name: its code
      { key: "20", label: "20", ...zero, saleCount: 2, grossFen: 600, netFen: 600, taxFen: 70 },
    ]);
    expect(r.body.totals).toEqual({
      saleCount: 4,
      returnCount: 1,
      grossFen: 2000,
      discountFen: 50,
      netFen: 1950,
      taxFen: 226,
      refundFen: 100,
    });
  });

  test("tenders: net of change (cash 200 of 500 handed over) and of refunds", async () => {
    const r = await api(hub, "GET", `/api/v1/reports/tenders?${q}`);
    expect(r.body).toEqual({
      rows: [
        { method: "alipay", count: 1, amountFen: 500 },
        { method: "card", count: 1, amountFen: 1000 },
        { method: "cash", count: 1, amountFen: 100 },
        { method: "wechat", count: 1, amountFen: 250 },
      ],
      totalFen: 1850,
      excluded: [],
    });
  });

  test("validation errors name the field", async () => {
    for (const [query, field] of [
      ["from=2026-11-25&to=2026-11-26&by=fortnight", "query.by"],
      ["from=2026-13-01&to=2026-11-26", "query.from"],
      ["from=2026-11-27&to=2026-11-26", "query.to"],
      ["to=2026-11-26", "query.from"],
    ] as const) {
      const r = await api(hub, "GET", `/api/v1/reports/sales?${query}`);
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ error: "validation", field });
    }
    const t = await api(hub, "GET", "/api/v1/reports/tenders?from=2026-11-27&to=2026-11-26");
    expect(t.body).toMatchObject({ error: "validation", field: "query.to" });
    const v = await api(hub, "GET", "/api/v1/finance/vouchers?from=2026-11-01&to=nope");
    expect(v.body).toMatchObject({ error: "validation", field: "query.to" });
  });

  test("a regional manager sees only its region; another region's store is 403", async () => {
    const r = await api(hub, "GET", `/api/v1/reports/sales?${q}&by=store`, undefined, eastManager);
    expect(r.body.rows.map((x: { key: string }) => x.key)).toEqual(["E1"]);
    expect(r.body.totals.netFen).toBe(950);
    const t = await api(hub, "GET", `/api/v1/reports/tenders?${q}`, undefined, eastManager);
    expect(t.body.totalFen).toBe(850);
    for (const path of [
      `/api/v1/reports/sales?${q}&store=W1`,
      `/api/v1/reports/tenders?${q}&store=W1`,
      `/api/v1/finance/vouchers?${q}&store=W1`,
      `/api/v1/finance/trial-balance?${q}&store=W1`,
    ]) {
      const f = await api(hub, "GET", path, undefined, eastManager);
      expect(f.status).toBe(403);
      expect(f.body.reason).toMatch(/region west/);
    }
    expect((await api(hub, "GET", `/api/v1/reports/sales?${q}`, undefined, auditor)).status).toBe(200);
  });
});

/** Sums of the trial balance as net debit (debit - credit) per account. */
async function netByAccount(query: string) {
  const tb = await api(hub, "GET", `/api/v1/finance/trial-balance?${query}`);
  expect(tb.body.debitFen).toBe(tb.body.creditFen);
  return Object.fromEntries(
    tb.body.rows.map((r: { account: string; debitFen: number; creditFen: number }) => [
      r.account,
      r.debitFen - r.creditFen,
    ]),
  );
}

describe("finance", () => {
  test("only hq_admin posts or closes", async () => {
    expect((await api(hub, "POST", "/api/v1/finance/post", undefined, auditor)).status).toBe(403);
    expect((await api(hub, "POST", "/api/v1/finance/post", undefined, eastManager)).status).toBe(403);
    expect(
      (await api(hub, "POST", "/api/v1/finance/periods/2026-11/close", undefined, eastManager)).status,
    ).toBe(403);
  });

  test("exactly once: post, post again, a duplicate resend and a late sale for an old day, post again", async () => {
    // (E1, 11-25), (E1, 11-26), (W1, 11-25)
    expect((await api(hub, "POST", "/api/v1/finance/post")).body).toEqual({ vouchers: 3, failed: [] });
    expect((await api(hub, "POST", "/api/v1/finance/post")).body).toEqual({ vouchers: 0, failed: [] });

    // The store resends sale 2 (a duplicate) with a new sale for 11-25: 100 cash, tax 12.
    await publish(e1, [
      sent[1]!,
      sale("E1", 7, "2026-11-25", [["P2", 100, 0, 12]], [{ kind: "cash", amount: 100 }]),
    ]);
    const again = await api(hub, "POST", "/api/v1/finance/post");
    expect(again.body).toEqual({ vouchers: 1, failed: [] });
    expect((await api(hub, "POST", "/api/v1/finance/post")).body).toEqual({ vouchers: 0, failed: [] });

    const vouchers = (await api(hub, "GET", `/api/v1/finance/vouchers?${q}`)).body as {
      storeId: string;
      businessDay: string;
      memo: string;
      debitFen: number;
      creditFen: number;
      lines: { account: string; accountName: string; debitFen: number; creditFen: number }[];
    }[];
    expect(vouchers).toHaveLength(4);
    for (const v of vouchers) {
      expect(v.debitFen).toBe(v.creditFen);
      expect(v.lines.reduce((n, l) => n + l.debitFen, 0)).toBe(v.debitFen);
      expect(v.lines.reduce((n, l) => n + l.creditFen, 0)).toBe(v.creditFen);
    }
    const delta = vouchers[3]!;
    expect(delta).toMatchObject({ storeId: "E1", businessDay: "2026-11-25", debitFen: 100 });
    expect(delta.lines).toEqual([
      { account: "1001", accountName: "库存现金", debitFen: 100, creditFen: 0 },
      { account: "2221.01.01", accountName: "应交税费—应交增值税(销项税额)", debitFen: 0, creditFen: 12 },
      { account: "6001", accountName: "主营业务收入", debitFen: 0, creditFen: 88 },
    ]);

    // Every sale once: net 200 + 250 + 500 + 1000 + 100 = 2050, tax 24 + 29 + 58 + 115 + 12 = 238;
    // the return 100 (tax 12); the short shift 150.
    const net = await netByAccount(q);
    expect(net).toEqual({
      "1001": 200 + 100 - 100 - 150,
      "1012.01": 250,
      "1012.02": 500,
      "1122.01": 1000,
      "1901": 150,
      "2221.01.01": -(238 - 12),
      "6001": -(2050 - 238 - (100 - 12)),
    });
    // The same from the tables: what the store sent, nothing twice.
    const sums = hub.db
      .prepare("SELECT SUM(net_fen) AS net, SUM(tax_fen) AS tax, COUNT(*) AS n FROM sales")
      .get() as { net: number; tax: number; n: number };
    expect(sums).toEqual({ net: 2050, tax: 238, n: 5 });
    const mgr = await api(hub, "GET", `/api/v1/finance/vouchers?${q}`, undefined, eastManager);
    expect(new Set(mgr.body.map((v: { storeId: string }) => v.storeId))).toEqual(new Set(["E1"]));
  });

  test("period close: a late sale for a closed month posts on the first day of the next, memo naming the day", async () => {
    const novBefore = await netByAccount("from=2026-11-01&to=2026-11-30");
    const closed = await api(hub, "POST", "/api/v1/finance/periods/2026-11/close");
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ period: "2026-11", posted: 0 });
    const twice = await api(hub, "POST", "/api/v1/finance/periods/2026-11/close");
    expect(twice.status).toBe(409);
    const bad = await api(hub, "POST", "/api/v1/finance/periods/2026-13/close");
    expect(bad.body).toMatchObject({ error: "validation", field: "period" });

    await publish(e1, [sale("E1", 8, "2026-11-26", [["P1", 300, 0, 35]], [{ kind: "cash", amount: 300 }])]);
    expect((await api(hub, "POST", "/api/v1/finance/post")).body).toEqual({ vouchers: 1, failed: [] });

    expect(await netByAccount("from=2026-11-01&to=2026-11-30")).toEqual(novBefore);
    const dec = (await api(hub, "GET", "/api/v1/finance/vouchers?from=2026-12-01&to=2026-12-31")).body;
    expect(dec).toHaveLength(1);
    expect(dec[0]).toMatchObject({
      storeId: "E1",
      businessDay: "2026-12-01",
      sourceDay: "2026-11-26",
      debitFen: 300,
    });
    expect(dec[0].memo).toContain("2026-11-26");
    // The report still files the sale under its own business day.
    const r = await api(hub, "GET", "/api/v1/reports/sales?from=2026-11-26&to=2026-11-26&store=E1");
    expect(r.body.totals.netFen).toBe(800);

    const periods = (await api(hub, "GET", "/api/v1/finance/periods", undefined, auditor)).body;
    expect(periods).toMatchObject([
      { period: "2026-11", status: "closed", vouchers: 4 },
      { period: "2026-12", status: "open", vouchers: 1, debitFen: 300 },
    ]);
    // The east manager's months count E1's vouchers only (W1 had one in November).
    const east = (await api(hub, "GET", "/api/v1/finance/periods", undefined, eastManager)).body;
    expect(east).toMatchObject([
      { period: "2026-11", status: "closed", vouchers: 3 },
      { period: "2026-12", status: "open", vouchers: 1 },
    ]);
  });

  test("the routes are in /openapi.json", async () => {
    const spec = (await api(hub, "GET", "/openapi.json")).body;
    for (const p of [
      "/api/v1/reports/sales",
      "/api/v1/reports/tenders",
      "/api/v1/finance/post",
      "/api/v1/finance/periods",
      "/api/v1/finance/periods/{period}/close",
      "/api/v1/finance/vouchers",
      "/api/v1/finance/trial-balance",
    ])
      expect(spec.paths[p]).toBeDefined();
  });
});
