// Checkout through the edge in-process: scans of every kind, weighed goods, overrides, member
// and coupons, suspend/recall, split tenders, wallet payments, returns, training, shifts, and a
// restart from the same data directory.
import { afterEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { encodeScaleLabel, lineGross, type SaleCompleted } from "@retail/protocol";
import { manualClock } from "../clock.ts";
import type { SimulatedDevices } from "../devices/port.ts";
import { Edge } from "../edge.ts";
import { EdgeError } from "../errors.ts";
import {
  applyPages,
  catalogItems,
  gtinOf,
  openLane,
  pagesOf,
  readyEdge,
  skuOf,
  T0,
  tempDir,
  testConfig,
} from "../testing/fixtures.ts";
import { gramsForLabelPrice, priceCart } from "./cart.ts";

// Real brokers and processes on a shared CI machine: generous, never a timed assertion.
setDefaultTimeout(120_000);

const edges: Edge[] = [];
afterEach(async () => {
  for (const e of edges.splice(0)) await e.stop().catch(() => {});
});

async function edgeWithLane(opts: Parameters<typeof readyEdge>[0] = { products: 50, weighed: 5 }) {
  const edge = await readyEdge(opts);
  edges.push(edge);
  await openLane(edge);
  return edge;
}

async function rejects(p: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof p === "function" ? p() : p);
  } catch (e) {
    if (e instanceof EdgeError) return `${e.code}:${e.field}`;
    throw e;
  }
  throw new Error("did not throw");
}

const outboxTypes = (edge: Edge) =>
  edge.outbox.range(1, Number.MAX_SAFE_INTEGER, 1_000_000).map((r) => r.type);

describe("scan", () => {
  test("product, unknown barcode, scale labels, weighed goods only at stable weight", async () => {
    const edge = await edgeWithLane();
    const r = await edge.scanner.scan("1", gtinOf(10));
    expect(r.kind).toBe("product");
    expect(r.view.cart.lines[0]).toMatchObject({ sku: skuOf(10), qty: 1, unitPrice: 200, priceVersion: 1 });
    expect(await rejects(edge.scanner.scan("1", gtinOf(999)))).toBe("not_found:code");
    expect(await rejects(edge.scanner.scan("1", "6901234567890"))).toBe("invalid:code"); // bad check digit
    expect(edge.lanes.view("1").cart.lines.length).toBe(1);

    const weightLabel = encodeScaleLabel({ pattern: "2 2 PPPPP VVVVV C", value: "weight_g" }, 3, 1250);
    const w = await edge.scanner.scan("1", weightLabel);
    expect(w.view.cart.lines.at(-1)).toMatchObject({
      sku: skuOf(3),
      weighed: true,
      qty: 1250,
      unitPrice: 1280,
    });
    expect(w.view.priced.lines.at(-1)!.gross).toBe(1600);
    // A price label on a weighed item (1280 fen/kg): 888 fen is 694 g, sold and stocked by weight.
    const priceLayout = { pattern: "2 0 PPPPP VVVVV C", value: "price_fen" } as const;
    const p = await edge.scanner.scan("1", encodeScaleLabel(priceLayout, 4, 888));
    expect(p.view.cart.lines.at(-1)).toMatchObject({
      sku: skuOf(4),
      weighed: true,
      qty: 694,
      unitPrice: 1280,
    });
    expect(p.view.priced.lines.at(-1)!.gross).toBe(888);
    // 889 fen is no whole number of grams at 1280/kg (694 g -> 888, 695 g -> 890): one unit at the label's amount.
    const odd = await edge.scanner.scan("1", encodeScaleLabel(priceLayout, 4, 889));
    expect(odd.view.cart.lines.at(-1)).toMatchObject({ weighed: false, qty: 1, unitPrice: 889 });

    const scale = edge.lanes.devices("1") as SimulatedDevices;
    scale.simulateWeight(500, false);
    expect(await rejects(edge.scanner.scan("1", gtinOf(2)))).toBe("conflict:weight");
    scale.simulateWeight(0, true);
    expect(await rejects(edge.scanner.scan("1", gtinOf(2)))).toBe("conflict:weight");
    scale.simulateWeight(456, true);
    expect((await edge.scanner.scan("1", gtinOf(2))).view.cart.lines.at(-1)).toMatchObject({
      qty: 456,
      weighed: true,
    });
  });

  test("search by barcode, PLU, SKU, pinyin initials and name", async () => {
    const edge = await edgeWithLane();
    const l = edge.replica.lookup;
    expect(l.search(gtinOf(7))[0]).toMatchObject({ sku: skuOf(7), matched: "barcode" });
    expect(l.search(skuOf(7))[0]).toMatchObject({ matched: "sku" });
    expect(l.search("3")[0]).toMatchObject({ sku: skuOf(3), matched: "plu" });
    expect(l.search("kkkl").every((h) => h.matched === "pinyin")).toBe(true);
    expect(l.search("kkkl").length).toBeGreaterThan(0);
    const byName = l.search("可乐饮料");
    expect(byName.length).toBeGreaterThan(0);
    expect(byName.every((h) => h.name.includes("可乐饮料"))).toBe(true);
  });

  test("a product HQ sent without pinyin is found by the initials of its name", async () => {
    const edge = await edgeWithLane();
    const product = (sku: string, name: string, pinyin?: string) => ({
      op: "upsert" as const,
      entity: "product" as const,
      data: {
        sku,
        name,
        category: ["10", "1001"],
        unit: "EA" as const,
        taxRate: 13 as const,
        weighed: false,
        status: "active" as const,
        ...(pinyin ? { pinyin } : {}),
      },
    });
    applyPages(
      edge,
      pagesOf("delta", 2, 1, [
        product("NOPY1", "可口可乐"),
        product("NOPY2", "雪碧", "qsyl"),
        product("NOPY3", "银行卡"),
      ]),
    );
    const l = edge.replica.lookup;
    expect(l.search("kkkl").map((h) => h.sku)).toContain("NOPY1");
    expect(l.search("kkkl").find((h) => h.sku === "NOPY1")?.matched).toBe("pinyin");
    // HQ's pinyin wins when it is sent; the name's initials are only the fallback.
    expect(l.search("qsyl").map((h) => h.sku)).toEqual(["NOPY2"]);
    expect(l.search("xb").map((h) => h.sku)).not.toContain("NOPY2");
    expect(l.search("yhk").map((h) => h.sku)).toEqual(["NOPY3"]);
    // Renamed without pinyin: the initials follow the name; the same after a restart (from rows).
    applyPages(edge, pagesOf("delta", 3, 2, [product("NOPY1", "百事可乐")]));
    expect(edge.replica.lookup.search("kkkl").map((h) => h.sku)).not.toContain("NOPY1");
    expect(edge.replica.lookup.search("bskl").map((h) => h.sku)).toContain("NOPY1");
    expect(
      edge.replica
        .load()
        .search("bskl")
        .map((h) => h.sku),
    ).toContain("NOPY1");
  });
});

describe("sale", () => {
  test("one transaction: sale, lines, tenders, stock, outbox; split card + cash with change", async () => {
    const edge = await edgeWithLane();
    await edge.scanner.scan("1", gtinOf(10));
    await edge.scanner.scan("1", gtinOf(10));
    const due = edge.lanes.view("1").due;
    const card = edge.sales.tenderCard("1", 100, "AB1234");
    expect(card.sale).toBeUndefined();
    const done = edge.sales.tenderCash("1", 1000);
    const sale = done.sale as SaleCompleted;
    expect(sale.totals.net).toBe(due);
    expect(sale.tenders).toEqual([
      { kind: "card", amount: 100, reference: "AB1234" },
      { kind: "cash", amount: due - 100, received: 1000, change: 1000 - (due - 100) },
    ]);
    expect(sale.receiptNo).toBe("RC-DEMO-01-20261125-0001");
    expect(sale.lines[0]!.priceVersion).toBe(1);
    expect(done.view.cart.lines).toEqual([]);
    expect(edge.stock.onHand(skuOf(10))).toBe(-2);
    expect(outboxTypes(edge)).toEqual(["shift.opened", "sale.completed"]);
    expect(edge.outbox.lastSeq).toBe(2);
    await Bun.sleep(0);
    expect((edge.lanes.devices("1") as SimulatedDevices).printed.at(-1)?.receiptNo).toBe(sale.receiptNo);
  });

  test("member price, coupons, supervisor override (audited), line void (audited)", async () => {
    const edge = await edgeWithLane();
    applyPages(
      edge,
      pagesOf("delta", 2, 1, [
        {
          op: "upsert",
          entity: "promotion",
          data: { id: "MP", kind: "member_price", price: 100, skus: [skuOf(20)] },
        },
        {
          op: "upsert",
          entity: "promotion",
          data: { id: "P-CPN10", kind: "threshold", min: 100, off: 10, couponCode: "CPN10" },
        },
      ]),
    );
    await edge.scanner.scan("1", gtinOf(20)); // 100 + 20*10 = 300 fen
    expect(edge.lanes.view("1").due).toBe(300);
    edge.members.attach("1", { phone: "13800138000" });
    expect(edge.lanes.view("1").due).toBe(100);
    edge.coupons.add("1", "CPN10");
    expect(edge.lanes.view("1").due).toBe(90);
    expect(await rejects(() => edge.coupons.add("1", "NOPE"))).toBe("not_found:coupon");
    expect(await rejects(edge.basket.overridePrice("1", "l1", 50, "1001", "1234", "x"))).toBe(
      "forbidden:supervisorId",
    );
    expect(await rejects(edge.basket.overridePrice("1", "l1", 50, "9001", "0000", "x"))).toBe(
      "forbidden:pin",
    );
    await edge.basket.overridePrice("1", "l1", 250, "9001", "9999", "damaged box");
    expect(edge.lanes.view("1").cart.lines[0]!.override).toEqual({
      catalogPrice: 300,
      supervisorId: "9001",
      reason: "damaged box",
    });
    await edge.scanner.scan("1", gtinOf(21));
    // A line void needs a supervisor: a cashier's code or a wrong PIN is refused, nothing voided.
    expect(await rejects(edge.basket.voidLine("1", "l2", { id: "1001", pin: "1234" }))).toBe(
      "forbidden:supervisorId",
    );
    expect(await rejects(edge.basket.voidLine("1", "l2", { id: "9001", pin: "0000" }))).toBe("forbidden:pin");
    expect(edge.lanes.view("1").cart.lines.map((l) => l.lineId)).toContain("l2");
    await edge.basket.voidLine("1", "l2", { id: "9001", pin: "9999" });
    expect(edge.lanes.view("1").cart.lines.map((l) => l.lineId)).not.toContain("l2");
    expect(outboxTypes(edge)).toEqual(["shift.opened", "audit.recorded", "audit.recorded"]);
    const sale = edge.sales.tenderCash("1", 1000).sale!;
    expect(sale.coupons).toEqual(["CPN10"]);
    expect(sale.member).toEqual({ id: "M001", tier: "gold" });
    // the coupon is spent: a second use is refused, also after a restart (it is in the table)
    edge.members.attach("1", { phone: "13800138000" });
    expect(await rejects(() => edge.coupons.add("1", "CPN10"))).toBe("conflict:coupon");
    expect(edge.replica.load().coupons.get("CPN10")?.status).toBe("redeemed");

    // HQ has not ingested that sale yet and sends a snapshot whose coupon record still says
    // "issued": the store still knows it spent it.
    applyPages(
      edge,
      pagesOf("snapshot", 3, 2, [
        ...catalogItems({ products: 50, weighed: 5 }),
        {
          op: "upsert",
          entity: "promotion",
          data: { id: "P-CPN10", kind: "threshold", min: 100, off: 10, couponCode: "CPN10" },
        },
      ]),
    );
    expect(edge.replica.applied).toBe(3);
    expect(edge.replica.lookup.coupons.get("CPN10")?.status).toBe("issued");
    const again = await rejects(() => edge.coupons.add("1", "CPN10"));
    expect(again).toBe("conflict:coupon");
  });

  test("a basket that costs nothing still closes (one cash tender of 0)", async () => {
    const edge = await edgeWithLane();
    await edge.scanner.scan("1", gtinOf(10));
    await edge.basket.overridePrice("1", "l1", 0, "9001", "9999", "sample, free");
    const sale = edge.sales.tenderCash("1", 100).sale!;
    expect(sale.totals.net).toBe(0);
    expect(sale.tenders).toEqual([{ kind: "cash", amount: 0, received: 100, change: 100 }]);
  });

  test("suspend and recall on another lane", async () => {
    const edge = await edgeWithLane();
    await openLane(edge, "2");
    await edge.scanner.scan("1", gtinOf(11));
    const { suspendId } = edge.suspends.suspend("1");
    expect(edge.lanes.view("1").cart.lines).toEqual([]);
    expect(edge.suspends.list().map((s) => s.id)).toEqual([suspendId]);
    expect(edge.suspends.recall("2", suspendId).cart.lines[0]!.sku).toBe(skuOf(11));
    expect(edge.suspends.list()).toEqual([]);
  });

  test("wallet payment codes: approve, decline, timeout then query", async () => {
    const edge = await edgeWithLane({
      products: 50,
      config: { payments: { provider: "simulated", timeoutMs: 50, queryIntervalMs: 5, queryAttempts: 3 } },
    });
    await edge.scanner.scan("1", gtinOf(12));
    expect(await rejects(edge.scanner.scan("1", "134567890123450000"))).toBe("payment_declined:code");
    expect(edge.lanes.view("1").cart.lines.length).toBe(1);
    const slow = await edge.scanner.scan("1", "134567890123459999"); // no answer; approved on query
    expect(slow.sale?.tenders[0]).toMatchObject({ kind: "wechat" });
    await edge.scanner.scan("1", gtinOf(13));
    expect(await rejects(edge.scanner.scan("1", "284567890123458888"))).toBe("payment_declined:code");
    const ok = await edge.scanner.scan("1", "284567890123451234");
    expect(ok.sale?.tenders[0]?.kind).toBe("alipay");
    // still no answer after the queries: the payment stays visible on the cart to query later
    await edge.scanner.scan("1", gtinOf(14));
    expect(await rejects(edge.scanner.scan("1", "134567890123457777"))).toBe("payment_pending:paymentId");
    const [pending] = edge.lanes.view("1").unansweredPayments ?? [];
    expect(pending).toMatchObject({ provider: "wechat" });
    expect(await rejects(edge.wallet.queryPayment("1", pending!.paymentId))).toBe(
      "payment_pending:paymentId",
    );
  });
});

describe("returns", () => {
  test("against the receipt: partial and repeated, never more than paid; without receipt needs a supervisor", async () => {
    const edge = await edgeWithLane();
    applyPages(
      edge,
      pagesOf("delta", 2, 1, [
        {
          op: "upsert",
          entity: "promotion",
          data: { id: "M3", kind: "multi_buy", count: 3, price: 500, skus: [skuOf(15)] },
        },
      ]),
    );
    for (let i = 0; i < 3; i++) await edge.scanner.scan("1", gtinOf(15)); // 3 x 250 -> 500
    const sale = edge.sales.tenderCash("1", 500).sale!;
    expect(sale.lines[0]!.net).toBe(500);
    const view = (await edge.scanner.scan("1", sale.receiptNo)).view;
    expect(view.mode).toBe("return");
    edge.returns.setReturnLine("1", "l1", 1, true);
    const r1 = (await edge.returns.completeReturn("1", "cash", "不想要了")).returned;
    expect(r1.totals.refund).toBe(167);
    expect(r1.original?.receiptNo).toBe(sale.receiptNo);
    edge.returns.startReturn("1", sale.receiptNo);
    expect(await rejects(() => edge.returns.setReturnLine("1", "l1", 3, true))).toBe("invalid:lines.0.units");
    edge.returns.setReturnLine("1", "l1", 2, true);
    const r2 = (await edge.returns.completeReturn("1", "cash", "")).returned;
    expect(r1.totals.refund + r2.totals.refund).toBe(500);
    expect(edge.stock.onHand(skuOf(15))).toBe(0);

    expect(await rejects(edge.returns.startReturnWithoutReceipt("1", "1001", "1234", "no receipt"))).toBe(
      "forbidden:supervisorId",
    );
    await edge.returns.startReturnWithoutReceipt("1", "9001", "9999", "no receipt");
    await edge.scanner.scan("1", gtinOf(16));
    const r3 = (await edge.returns.completeReturn("1", "cash", "")).returned;
    expect(r3.supervisorId).toBe("9001");
    expect(r3.original).toBeUndefined();
    expect(outboxTypes(edge).slice(-2)).toEqual(["audit.recorded", "sale.returned"]);
  });
});

describe("shift and training", () => {
  test("cash in/out, X report, close with count and over/short; training moves no stock or cash", async () => {
    const edge = await edgeWithLane();
    await edge.scanner.scan("1", gtinOf(10)); // 200
    edge.sales.tenderCash("1", 500);
    await edge.shifts.cashMove("1", "out", 3000, "bank drop");
    await edge.staff.setTraining("1", true, "9001", "9999");
    await edge.scanner.scan("1", gtinOf(10));
    const training = edge.sales.tenderCash("1", 200).sale!;
    expect(training.training).toBe(true);
    expect(edge.stock.onHand(skuOf(10))).toBe(-1);
    await edge.staff.setTraining("1", false, "9001", "9999");
    const x = edge.shifts.xReport("1");
    expect(x.expectedCash).toBe(10000 + 200 - 3000);
    expect(x.sales).toEqual({ count: 1, net: 200 });
    const closed = edge.shifts.closeShift("1", { "5000": 1, "1000": 2, "100": 1 });
    expect(closed.counted).toBe(7100);
    expect(closed.overShort).toBe(7100 - 7200);
    expect(edge.lanes.view("1").shift).toBeUndefined();
    expect(outboxTypes(edge)).toEqual([
      "shift.opened",
      "sale.completed",
      "cash.moved",
      "audit.recorded",
      "sale.completed",
      "audit.recorded",
      "shift.closed",
    ]);
  });
});

describe("catalog replica", () => {
  test("future effectiveAt and price windows take effect on the store's clock; snapshot replaces all", async () => {
    const clock = manualClock(T0);
    const edge = await edgeWithLane({ products: 20, clock });
    const later = new Date(T0 + 3600_000).toISOString();
    applyPages(
      edge,
      pagesOf(
        "delta",
        2,
        1,
        [
          {
            op: "upsert",
            entity: "price",
            data: { sku: skuOf(1), windows: [{ price: 999, source: "chain" }] },
          },
        ],
        5000,
        later,
      ),
    );
    applyPages(
      edge,
      pagesOf("delta", 3, 2, [
        {
          op: "upsert",
          entity: "price",
          data: {
            sku: skuOf(2),
            windows: [
              { price: 110, source: "chain" },
              { price: 55, source: "store", startsAt: later },
            ],
          },
        },
      ]),
    );
    expect(edge.replica.applied).toBe(3);
    expect(edge.replica.lookup.priceOf(skuOf(1), clock.now())!.price).toBe(110);
    expect(edge.replica.lookup.priceOf(skuOf(2), clock.now())!.price).toBe(110);
    clock.advance(3600_000);
    expect(edge.replica.promoteDue()).toBe(1);
    expect(edge.replica.lookup.priceOf(skuOf(1), clock.now())!.price).toBe(999);
    expect(edge.replica.lookup.priceOf(skuOf(2), clock.now())!.price).toBe(55);

    applyPages(
      edge,
      pagesOf("snapshot", 9, 0, [
        { op: "upsert", entity: "product", data: { ...edge.replica.lookup.products.get(skuOf(5))! } },
      ]),
    );
    expect(edge.replica.applied).toBe(9);
    expect(edge.replica.lookup.products.size).toBe(1);
  });

  test("a half-received version is never applied", async () => {
    const edge = await edgeWithLane({ products: 20 });
    const pages = pagesOf(
      "delta",
      2,
      1,
      Array.from({ length: 10 }, (_, i) => ({
        op: "delete" as const,
        entity: "product" as const,
        key: skuOf(i + 1),
      })),
      4,
    );
    edge.replica.stage(pages[0]!);
    edge.replica.stage(pages[2]!);
    expect(edge.replica.applyStaged()).toBeUndefined();
    expect(edge.replica.lookup.products.size).toBe(20);
    expect(edge.replica.progress().collecting).toEqual({ kind: "delta", version: 2, pages: 3, have: 2 });
    edge.replica.stage(pages[1]!);
    expect(edge.replica.applyStaged()?.version).toBe(2);
    expect(edge.replica.lookup.products.size).toBe(10);
  });
});

test("pricing with only the promotions that can touch the basket equals pricing with all of them", async () => {
  const edge = await readyEdge({ products: 60, promotions: 200 });
  edges.push(edge);
  const l = edge.replica.lookup;
  const all = l.promotionArray();
  for (let b = 0; b < 40; b++) {
    const lines = Array.from({ length: 1 + (b % 9) }, (_, i) => {
      const p = l.products.get(skuOf(1 + ((b * 11 + i * 7) % 60)))!;
      return {
        lineId: `l${i}`,
        sku: p.sku,
        name: p.name,
        category: p.category.at(-1)!,
        qty: 1 + ((b + i) % 4),
        weighed: false,
        unitPrice: l.priceOf(p.sku, T0)!.price,
        taxRate: p.taxRate,
        priceVersion: 1,
      };
    });
    const cart = { cartId: "c", startedAt: "", nextLine: 99, lines, coupons: [], tenders: [] };
    const at = new Date(T0).toISOString();
    expect(priceCart(cart, l.promotionsFor(lines), "DEMO", at)).toEqual(priceCart(cart, all, "DEMO", at));
  }
});

test("a restart from the same data directory resumes cart, cashier and shift", async () => {
  const dir = tempDir();
  const a = await readyEdge({ products: 20, dataDir: dir });
  await openLane(a);
  await a.scanner.scan("1", gtinOf(4));
  await a.scanner.scan("1", gtinOf(5));
  await a.stop();
  const b = new Edge({ dataDir: dir, config: testConfig(), clock: manualClock(T0) });
  edges.push(b);
  const v = b.lanes.view("1");
  expect(v.cart.lines.map((l) => l.sku)).toEqual([skuOf(4), skuOf(5)]);
  expect(v.cashier?.id).toBe("1001");
  expect(v.shift).toBeDefined();
  expect(b.sales.tenderCash("1", 10000).sale?.lines.length).toBe(2);
});

test("a parent-category promotion discounts products in every leaf under it, including leaves added later", async () => {
  const edge = await edgeWithLane({ products: 20 });
  // The fixture's products sit under 饮料 "10" in leaves "1000".."1009"; one snack outside it.
  const snack = {
    sku: "SNACK1",
    name: "薯片",
    category: ["20", "2001"],
    unit: "EA" as const,
    taxRate: 13 as const,
    weighed: false,
    status: "active" as const,
  };
  applyPages(
    edge,
    pagesOf("delta", 2, 1, [
      { op: "upsert", entity: "product", data: snack },
      { op: "upsert", entity: "barcode", data: { code: "6900000000014", sku: "SNACK1" } },
      { op: "upsert", entity: "price", data: { sku: "SNACK1", windows: [{ price: 500, source: "chain" }] } },
      {
        op: "upsert",
        entity: "promotion",
        data: { id: "P-DRINKS", kind: "percent_off", percent: 10, categories: ["10"] },
      },
    ]),
  );
  await edge.scanner.scan("1", gtinOf(10)); // 200 fen, leaf 1000
  await edge.scanner.scan("1", "6900000000014"); // 500 fen, not a drink
  let view = edge.lanes.view("1");
  expect(view.priced.lines.map((l) => l.discounts.map((d) => d.promotionId))).toEqual([["P-DRINKS"], []]);
  expect(view.priced.totals.discount).toBe(20);

  // A new leaf under 饮料 appears after the promotion was published: it is covered too.
  const tea = { ...snack, sku: "TEA1", name: "乌龙茶", category: ["10", "1099"] };
  applyPages(
    edge,
    pagesOf("delta", 3, 2, [
      { op: "upsert", entity: "product", data: tea },
      { op: "upsert", entity: "barcode", data: { code: "6900000000021", sku: "TEA1" } },
      { op: "upsert", entity: "price", data: { sku: "TEA1", windows: [{ price: 300, source: "chain" }] } },
    ]),
  );
  await edge.scanner.scan("1", "6900000000021");
  view = edge.lanes.view("1");
  expect(view.priced.lines.at(-1)!.discounts).toEqual([{ promotionId: "P-DRINKS", amount: 30 }]);
});

test("gramsForLabelPrice finds the weight whose shelf charge is exactly the label's amount", () => {
  expect(gramsForLabelPrice(888, 1280)).toBe(694);
  expect(gramsForLabelPrice(889, 1280)).toBeUndefined();
  // Cheap goods: several weights give the amount; the nearest to amount / per-kg wins.
  expect(gramsForLabelPrice(150, 300)).toBe(500);
  // Dear goods: one gram is several fen, so most amounts have no weight.
  expect(gramsForLabelPrice(12_800, 25_600)).toBe(500);
  expect(gramsForLabelPrice(12_801, 25_600)).toBeUndefined();
  expect(gramsForLabelPrice(0, 1280)).toBeUndefined();
  expect(gramsForLabelPrice(500, 0)).toBeUndefined();
  for (let price = 1; price < 3000; price += 7) {
    const g = gramsForLabelPrice(price, 1999);
    if (g !== undefined) expect(lineGross({ weighed: true, qty: g, unitPrice: 1999 })).toBe(price);
  }
});
