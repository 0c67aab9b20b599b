// Pure domain logic: cart, tenders, refunds, shift math, change-set assembly, backoff, batching.
import { describe, expect, test } from "bun:test";
import type { SaleLine } from "@retail/protocol";
import { assemble, judgePage, missingPages, nextFetch } from "./catalog/changeset.ts";
import { EdgeError } from "./errors.ts";
import { backoffDelay } from "./link/backoff.ts";
import { batchEnvelopes } from "./outbox/outbox.ts";
import { planReturn } from "./returns/returns.ts";
import { addLine, type Cart, emptyCart, overridePrice, priceCart, setQty, voidLine } from "./sale/cart.ts";
import { cardTender, cashTender, paid, remaining, walletAmount } from "./sale/tender.ts";
import { countTotal, overShort, summarize } from "./shift/shift.ts";
import { pagesOf } from "./testing/fixtures.ts";

const AT = "2026-11-25T10:00:00+08:00";
const line = (sku: string, unitPrice: number, qty = 1, weighed = false) => ({
  sku,
  name: sku,
  category: "1001",
  qty,
  weighed,
  unitPrice,
  taxRate: 13 as const,
  priceVersion: 7,
});

function fieldOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof EdgeError) return `${e.code}:${e.field}`;
    throw e;
  }
  throw new Error("did not throw");
}

describe("cart", () => {
  test("same unit item merges into one line; weighed items never merge", () => {
    let c: Cart = emptyCart("c1", AT);
    c = addLine(c, line("A", 350)).cart;
    const r = addLine(c, line("A", 350, 2));
    expect(r.lineId).toBe("l1");
    c = r.cart;
    c = addLine(c, line("W", 1280, 500, true)).cart;
    c = addLine(c, line("W", 1280, 300, true)).cart;
    expect(c.lines.map((l) => [l.lineId, l.qty])).toEqual([
      ["l1", 3],
      ["l2", 500],
      ["l3", 300],
    ]);
  });

  test("qty change, void, override; priced through priceBasket with a multi-buy", () => {
    let c = addLine(emptyCart("c1", AT), line("A", 350)).cart;
    c = setQty(c, "l1", 3);
    const promos = [{ id: "P3", kind: "multi_buy" as const, count: 3, price: 900, skus: ["A"] }];
    const priced = priceCart(c, promos, "S001", AT);
    expect(priced.totals).toEqual({ gross: 1050, discount: 150, net: 900, tax: 104 });
    const o = overridePrice(c, "l1", 300, "9001", "damaged");
    expect(o.line.override).toEqual({ catalogPrice: 350, supervisorId: "9001", reason: "damaged" });
    expect(voidLine(o.cart, "l1").cart.lines).toEqual([]);
    expect(fieldOf(() => setQty(c, "l9", 2))).toBe("not_found:lineId");
    expect(fieldOf(() => setQty(c, "l1", 0))).toBe("invalid:qty");
  });

  test("the basket is frozen once a tender is taken", () => {
    let c = addLine(emptyCart("c1", AT), line("A", 350)).cart;
    c = { ...c, tenders: [{ kind: "cash", amount: 100, received: 100, change: 0 }] };
    expect(fieldOf(() => addLine(c, line("B", 100)))).toBe("conflict:tenders");
  });
});

describe("tenders", () => {
  test("cash gives change; split tenders pay the rest", () => {
    const t1 = cardTender(500, "A1B2C3", 1234, []);
    expect(remaining(1234, [t1])).toBe(734);
    const t2 = cashTender(1000, 1234, [t1]);
    expect(t2).toEqual({ kind: "cash", amount: 734, received: 1000, change: 266 });
    expect(paid([t1, t2])).toBe(1234);
    expect(fieldOf(() => cashTender(100, 1234, [t1, t2]))).toBe("conflict:received");
    expect(fieldOf(() => cardTender(2000, "A1B2C3", 1234, []))).toBe("invalid:amount");
    expect(fieldOf(() => cardTender(10, "x", 1234, []))).toBe("invalid:approvalCode");
    expect(walletAmount(undefined, 1234, [t1])).toBe(734);
    expect(fieldOf(() => cashTender(12.5, 1234, []))).toBe("invalid:received");
    // nothing due (a full discount): one cash tender of 0 closes the sale, all change
    expect(cashTender(100, 0, [])).toEqual({ kind: "cash", amount: 0, received: 100, change: 100 });
  });
});

describe("returns", () => {
  const sold: SaleLine[] = [
    {
      lineId: "l1",
      sku: "A",
      name: "A",
      category: "1",
      qty: 3,
      weighed: false,
      unitPrice: 350,
      taxRate: 13,
      priceVersion: 1,
      gross: 1050,
      discounts: [{ promotionId: "P", amount: 150 }],
      net: 900,
      tax: 104,
    },
    {
      lineId: "l2",
      sku: "W",
      name: "W",
      category: "1",
      qty: 1250,
      weighed: true,
      unitPrice: 1280,
      taxRate: 9,
      priceVersion: 1,
      gross: 1600,
      discounts: [],
      net: 1600,
      tax: 132,
    },
  ];

  test("partial and repeated returns never refund more than was paid", () => {
    const first = planReturn(sold, new Map(), [{ lineId: "l1", units: 1, restock: true }]);
    expect(first.lines[0]).toMatchObject({ refund: 300, tax: 35, qty: 1 });
    const prior = new Map([["l1", { units: 1, net: 300, tax: 35 }]]);
    const last = planReturn(sold, prior, [{ lineId: "l1", units: 2, restock: true }]);
    expect(last.lines[0]).toMatchObject({ refund: 600, tax: 69 });
    const done = new Map([["l1", { units: 3, net: 900, tax: 104 }]]);
    expect(fieldOf(() => planReturn(sold, done, [{ lineId: "l1", units: 1, restock: true }]))).toBe(
      "invalid:lines.0.units",
    );
  });

  test("a weighed line comes back whole, with its grams", () => {
    const r = planReturn(sold, new Map(), [{ lineId: "l2", units: 1, restock: false }]);
    expect(r.lines[0]).toMatchObject({ qty: 1250, weighed: true, refund: 1600, tax: 132, restock: false });
    expect(fieldOf(() => planReturn(sold, new Map(), [{ lineId: "l9", units: 1, restock: true }]))).toBe(
      "not_found:lines.0.lineId",
    );
  });
});

describe("shift", () => {
  test("expected cash, over/short, count by denomination", () => {
    expect(countTotal({ "10000": 2, "100": 5, "50": 1 })).toBe(20550);
    expect(fieldOf(() => countTotal({ "300": 1 }))).toBe("invalid:denominations.300");
    const s = summarize({
      float: 20000,
      sales: [
        { net: 734, tenders: [{ kind: "cash", amount: 734, received: 1000, change: 266 }] },
        { net: 500, tenders: [{ kind: "wechat", amount: 500 }] },
      ],
      returns: [{ refund: 300, tenderKind: "cash" }],
      cashIn: 1000,
      cashOut: 5000,
    });
    expect(s.expectedCash).toBe(20000 + 734 - 300 + 1000 - 5000);
    expect(s.byTender).toEqual({ cash: 734, wechat: 500 });
    expect(overShort(16400, s.expectedCash)).toBe(-34);
  });
});

describe("change sets", () => {
  const items = Array.from({ length: 12 }, (_, i) => ({
    op: "delete" as const,
    entity: "product" as const,
    key: `S${i}`,
  }));

  test("pages assemble in order, never with one missing", () => {
    const pages = pagesOf("delta", 6, 5, items, 5);
    expect(pages.length).toBe(3);
    const out = assemble([pages[2]!, pages[0]!, pages[1]!]);
    expect(out.items.map((i) => (i as { key: string }).key)).toEqual(items.map((i) => i.key));
    expect(() => assemble([pages[0]!, pages[2]!])).toThrow(/expected page 1/);
  });

  test("what to fetch next and which pages to keep", () => {
    expect(nextFetch(5, { version: 8, snapshotFloor: 0 }, undefined)).toEqual({ fromVersion: 5, page: 0 });
    expect(nextFetch(8, { version: 8, snapshotFloor: 0 }, undefined)).toBeUndefined();
    const target = { kind: "snapshot" as const, version: 9, fromVersion: 0, pages: 3, have: [0, 2] };
    expect(missingPages(target)).toEqual([1]);
    expect(nextFetch(0, { version: 9, snapshotFloor: 4 }, target)).toEqual({
      fromVersion: 0,
      page: 1,
      snapshotVersion: 9,
    });
    const [p0] = pagesOf("delta", 6, 4, items);
    expect(judgePage(p0!, 5, undefined)).toMatchObject({ stage: false });
    expect(judgePage(pagesOf("delta", 6, 5, items)[0]!, 5, undefined)).toEqual({ stage: true });
    expect(judgePage(pagesOf("delta", 5, 4, items)[0]!, 5, undefined)).toMatchObject({ stage: false });
  });
});

test("backoff: full jitter under a ceiling that doubles up to 60 s", () => {
  expect(backoffDelay(0, 0.999)).toBeLessThan(1000);
  expect(backoffDelay(3, 0.5)).toBe(4000);
  expect(backoffDelay(20, 0.999)).toBeLessThan(60_000);
  expect(backoffDelay(20, 0)).toBe(0);
});

test("outbox batches stay under the payload limit and keep order", () => {
  const envs = Array.from({ length: 10 }, (_, i) => JSON.stringify({ seq: i + 1, pad: "x".repeat(100) }));
  const batches = batchEnvelopes(envs, 400);
  expect(batches.every((b) => Buffer.byteLength(b) <= 400)).toBe(true);
  expect(batches.flatMap((b) => JSON.parse(b).map((e: { seq: number }) => e.seq))).toEqual(
    Array.from({ length: 10 }, (_, i) => i + 1),
  );
});
