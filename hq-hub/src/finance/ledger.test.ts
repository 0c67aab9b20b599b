// The bookkeeping rules: a day's summary balances, the delta voucher is what is missing, and
// a closed month is never posted into.
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import {
  checkBalanced,
  type DayRows,
  difference,
  nextPeriodStart,
  plus,
  postingDay,
  summarise,
  type Totals,
  UnbalancedVoucherError,
} from "./ledger.ts";

const linesOf = (t: Totals) => [...t].map(([account, v]) => ({ account, ...v }));
const sideOf = (t: Totals, account: string) => t.get(account) ?? { debitFen: 0, creditFen: 0 };

describe("summarise", () => {
  test("a day of two sales, a return and a short shift, by hand", () => {
    const t = summarise({
      // 113.00 incl. 13.00 VAT, paid by WeChat; 50.00 incl. 5.75, paid 40 cash + 10 Alipay
      sales: [
        { netFen: 11300, taxFen: 1300 },
        { netFen: 5000, taxFen: 575 },
      ],
      returns: [{ refundFen: 2260, taxFen: 260 }],
      tenders: [
        { docKind: "sale", kind: "wechat", amountFen: 11300 },
        { docKind: "sale", kind: "cash", amountFen: 4000 },
        { docKind: "sale", kind: "alipay", amountFen: 1000 },
        { docKind: "return", kind: "cash", amountFen: 2260 },
      ],
      overShortFen: [-150],
    });
    expect(sideOf(t, "1012.01")).toEqual({ debitFen: 11300, creditFen: 0 });
    expect(sideOf(t, "1012.02")).toEqual({ debitFen: 1000, creditFen: 0 });
    expect(sideOf(t, "1001")).toEqual({ debitFen: 4000, creditFen: 2260 + 150 });
    expect(sideOf(t, "6001")).toEqual({ debitFen: 2000, creditFen: 10000 + 4425 });
    expect(sideOf(t, "2221.01.01")).toEqual({ debitFen: 260, creditFen: 1875 });
    expect(sideOf(t, "1901")).toEqual({ debitFen: 150, creditFen: 0 });
    expect(checkBalanced(linesOf(t))).toEqual({ debitFen: 18710, creditFen: 18710 });
  });

  test("points paid part of a sale: full revenue, the points a selling expense (6601.02)", () => {
    const t = summarise({
      // 20.00 incl. 2.30 VAT: 5.00 in points (500 points at 100 a yuan), 15.00 cash
      sales: [{ netFen: 2000, taxFen: 230 }],
      returns: [{ refundFen: 1000, taxFen: 115 }],
      tenders: [
        { docKind: "sale", kind: "points", amountFen: 500 },
        { docKind: "sale", kind: "cash", amountFen: 1500 },
        { docKind: "return", kind: "points", amountFen: 250 },
        { docKind: "return", kind: "cash", amountFen: 750 },
      ],
      overShortFen: [],
    });
    expect(sideOf(t, "6601.02")).toEqual({ debitFen: 500, creditFen: 250 });
    expect(sideOf(t, "6001")).toEqual({ debitFen: 885, creditFen: 1770 });
    expect(sideOf(t, "1901")).toEqual({ debitFen: 0, creditFen: 0 });
    checkBalanced(linesOf(t));
  });

  test("tenders that do not add up to the sale go to 1901, so the books still balance", () => {
    const t = summarise({
      sales: [{ netFen: 1000, taxFen: 115 }],
      returns: [],
      tenders: [{ docKind: "sale", kind: "card", amountFen: 990 }],
      overShortFen: [],
    });
    expect(sideOf(t, "1901")).toEqual({ debitFen: 10, creditFen: 0 });
    checkBalanced(linesOf(t));
  });
});

describe("difference", () => {
  test("nothing new: no lines; a figure that went down becomes the opposite side", () => {
    const a: Totals = new Map([["1001", { debitFen: 100, creditFen: 0 }]]);
    expect(difference(a, a)).toEqual([]);
    const less: Totals = new Map([["1001", { debitFen: 60, creditFen: 0 }]]);
    expect(difference(less, a)).toEqual([{ account: "1001", debitFen: 0, creditFen: 40 }]);
  });

  test("checkBalanced refuses an unbalanced voucher, naming it", () => {
    expect(() =>
      checkBalanced([{ account: "1001", debitFen: 1, creditFen: 0 }], "voucher S1 2026-11-25"),
    ).toThrow(UnbalancedVoucherError);
  });
});

describe("posting day", () => {
  test("an open month posts on the day; a closed one on the first day of the next open month", () => {
    expect(postingDay("2026-11-30", new Set())).toEqual({
      businessDay: "2026-11-30",
      memo: "2026-11-30 销售日结",
    });
    const late = postingDay("2026-11-30", new Set(["2026-11", "2026-12"]));
    expect(late.businessDay).toBe("2027-01-01");
    expect(late.memo).toContain("2026-11-30");
    expect(nextPeriodStart("2026-12")).toBe("2027-01-01");
  });
});

const fen = fc.integer({ min: 0, max: 5_000_000 });
const saleArb = fc
  .record({
    net: fen,
    rate: fc.constantFrom(0, 9, 13),
    tenders: fc.array(
      fc.tuple(fc.constantFrom("cash", "card", "wechat", "alipay", "voucher"), fc.nat(1000)),
      {
        minLength: 1,
        maxLength: 3,
      },
    ),
  })
  .map(({ net, rate, tenders }) => {
    // Split the net over the tenders by weight, the rest to the first: tenders add up to the net.
    const w = tenders.reduce((n, [, x]) => n + x + 1, 0);
    const amounts = tenders.map(([, x]) => Math.floor((net * (x + 1)) / w));
    amounts[0]! += net - amounts.reduce((a, b) => a + b, 0);
    return {
      netFen: net,
      taxFen: Math.floor((net * rate) / (100 + rate) + 0.5),
      tenders: tenders.map(([kind], i) => ({ docKind: "sale" as const, kind, amountFen: amounts[i]! })),
    };
  });
const dayArb = fc.record({
  sales: fc.array(saleArb, { maxLength: 30 }),
  returns: fc.array(fc.record({ refundFen: fc.nat(100_000), kind: fc.constantFrom("cash", "wechat") }), {
    maxLength: 5,
  }),
  overShortFen: fc.array(fc.integer({ min: -5000, max: 5000 }), { maxLength: 3 }),
  /** Where the day's rows are cut into what arrived before and after the first posting. */
  cut: fc.nat(),
});
type Sale = { netFen: number; taxFen: number; tenders: DayRows["tenders"] };

function dayRows(
  sales: Sale[],
  rest: Omit<DayRows, "sales" | "tenders">,
  returnTenders: DayRows["tenders"],
): DayRows {
  return {
    sales: sales.map(({ netFen, taxFen }) => ({ netFen, taxFen })),
    tenders: [...sales.flatMap((s) => s.tenders), ...returnTenders],
    ...rest,
  };
}

describe("property: random sale sets", () => {
  test("every summary and every delta voucher balances; the deltas add up to the whole day", () => {
    fc.assert(
      fc.property(dayArb, ({ sales, returns, overShortFen, cut }) => {
        const rets = returns.map((r) => ({
          refundFen: r.refundFen,
          taxFen: Math.floor((r.refundFen * 13) / 113),
        }));
        const retTenders = returns.map((r) => ({
          docKind: "return" as const,
          kind: r.kind,
          amountFen: r.refundFen,
        }));
        const k = sales.length === 0 ? 0 : cut % (sales.length + 1);
        const early = summarise(dayRows(sales.slice(0, k), { returns: [], overShortFen: [] }, []));
        const late = summarise(dayRows(sales.slice(k), { returns: rets, overShortFen }, retTenders));
        const whole = summarise(dayRows(sales, { returns: rets, overShortFen }, retTenders));
        for (const t of [early, late, whole]) checkBalanced(linesOf(t));
        // Post the early rows, then the whole day: the second voucher is exactly the rest.
        const first = difference(early, new Map());
        const afterFirst = plus(
          new Map(),
          new Map(first.map((l) => [l.account, { debitFen: l.debitFen, creditFen: l.creditFen }])),
        );
        const second = difference(whole, afterFirst);
        checkBalanced(first);
        checkBalanced(second);
        const both = plus(afterFirst, new Map());
        for (const l of second) {
          const e = both.get(l.account) ?? { debitFen: 0, creditFen: 0 };
          both.set(l.account, { debitFen: e.debitFen + l.debitFen, creditFen: e.creditFen + l.creditFen });
        }
        // Net per account (debit - credit) of everything posted equals the whole day's.
        for (const a of new Set([...both.keys(), ...whole.keys()])) {
          const p = both.get(a) ?? { debitFen: 0, creditFen: 0 };
          const w = whole.get(a) ?? { debitFen: 0, creditFen: 0 };
          expect(p.debitFen - p.creditFen).toBe(w.debitFen - w.creditFen);
        }
        // Posting the whole day again posts nothing.
        expect(difference(whole, plus(early, late))).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});
