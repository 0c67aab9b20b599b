import { describe, expect, test } from "bun:test";
import { packReceipts, receiptsHash, type StoreDayDigest } from "@retail/protocol";
import fc from "fast-check";
import { compareDay, type HqReceipt, summarise } from "./compare.ts";

const DAY = "2026-11-25";
const no = (n: number) => `RC-S001-01-20261125-${String(n).padStart(4, "0")}`;

function sale(n: number, seq: number, net = 1000, kind = "cash"): HqReceipt {
  return {
    receiptNo: no(n),
    seq,
    kind: "sale",
    net,
    tax: Math.floor(net / 10),
    refund: 0,
    tenders: [{ kind, amount: net }],
  };
}
function ret(n: number, seq: number, refund = 300): HqReceipt {
  return {
    receiptNo: no(n),
    seq,
    kind: "return",
    net: 0,
    tax: 0,
    refund,
    tenders: [{ kind: "cash", amount: refund }],
  };
}

/** What the store would send for exactly these receipts. */
function digestOf(rs: HqReceipt[], opts: { final?: boolean; listed?: boolean } = {}): StoreDayDigest {
  const s = summarise(rs);
  const seqs = rs.map((r) => r.seq);
  return {
    businessDay: DAY,
    final: opts.final ?? true,
    asOf: "2026-11-26T00:01:00.000+08:00",
    sales: s.sales,
    returns: s.returns,
    salesByTender: s.salesByTender as StoreDayDigest["salesByTender"],
    returnsByTender: s.returnsByTender as StoreDayDigest["returnsByTender"],
    ...(rs.length ? { firstSeq: Math.min(...seqs), lastSeq: Math.max(...seqs) } : {}),
    receiptCount: rs.length,
    receiptsHash: receiptsHash(rs.map((r) => r.receiptNo)),
    ...(opts.listed === false ? {} : { receipts: packReceipts(rs.map((r) => r.receiptNo)) }),
  };
}

describe("compareDay", () => {
  const day = [sale(1, 1), sale(2, 2, 2500, "wechat"), ret(3, 3), sale(4, 5)];

  test("HQ holds exactly the store's receipts: complete", () => {
    const v = compareDay(digestOf(day), 6, day, 6);
    expect(v.status).toBe("complete");
    expect(v).toMatchObject({ missing: [], extra: [], later: [], mismatches: [], final: true, listed: true });
  });

  test("a receipt missing at HQ is named, with the totals it takes away", () => {
    const held = day.filter((r) => r.receiptNo !== no(2));
    const v = compareDay(digestOf(day), 6, held, 6);
    expect(v.status).toBe("incomplete");
    expect(v.missing).toEqual([no(2)]);
    expect(v.extra).toEqual([]);
    expect(v.mismatches).toContainEqual({ field: "sales.net", store: 4500, hq: 2000 });
    expect(v.mismatches).toContainEqual({ field: "salesByTender.wechat", store: 2500, hq: 0 });
  });

  test("a receipt at HQ the store does not list is extra", () => {
    const forged = sale(99, 4);
    const v = compareDay(digestOf(day), 6, [...day, forged], 6);
    expect(v.status).toBe("incomplete");
    expect(v.extra).toEqual([no(99)]);
    expect(v.missing).toEqual([]);
  });

  test("receipts HQ got after the digest are later, not extra; the day stays complete", () => {
    const v = compareDay(digestOf(day, { final: false }), 6, [...day, sale(5, 7)], 7);
    expect(v.status).toBe("complete");
    expect(v.later).toEqual([no(5)]);
    expect(v.final).toBe(false);
  });

  test("while HQ has not received up to the digest's last receipt, a difference is pending", () => {
    const held = day.filter((r) => r.seq !== 5);
    expect(compareDay(digestOf(day), 6, held, 4).status).toBe("pending");
    expect(compareDay(digestOf(day), 6, held, 4).missing).toEqual([no(4)]);
    expect(compareDay(digestOf(day), 6, held, 6).status).toBe("incomplete");
  });

  test("same receipts, different money (a tender changed in transit): incomplete with the field", () => {
    const held = [sale(1, 1), sale(2, 2, 2500, "alipay"), ret(3, 3), sale(4, 5)];
    const v = compareDay(digestOf(day), 6, held, 6);
    expect(v.status).toBe("incomplete");
    expect(v.missing).toEqual([]);
    expect(v.mismatches.map((m) => m.field)).toEqual(["salesByTender.alipay", "salesByTender.wechat"]);
  });

  test("a digest without its list still tells by hash and count, and says it cannot name them", () => {
    const v = compareDay(digestOf(day, { listed: false }), 6, day.slice(1), 6);
    expect(v.status).toBe("incomplete");
    expect(v.listed).toBe(false);
    expect(v.mismatches.map((m) => m.field)).toContain("receiptsHash");
  });

  test("a day with no receipts on either side is complete", () => {
    expect(compareDay(digestOf([]), 1, [], 1).status).toBe("complete");
  });

  test("property: complete iff HQ holds exactly the store's receipts; otherwise missing/extra name the difference", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: 60 }), { maxLength: 40 }),
        fc.uniqueArray(fc.integer({ min: 1, max: 60 }), { maxLength: 40 }),
        (storeNs, hqNs) => {
          const store = storeNs.map((n) => sale(n, n));
          const held = hqNs.map((n) => sale(n, n));
          const v = compareDay(digestOf(store), 100, held, 100);
          const s = new Set(storeNs);
          const h = new Set(hqNs);
          expect(v.missing.sort()).toEqual(
            storeNs
              .filter((n) => !h.has(n))
              .map(no)
              .sort(),
          );
          expect(v.extra.sort()).toEqual(
            hqNs
              .filter((n) => !s.has(n))
              .map(no)
              .sort(),
          );
          const same = s.size === h.size && [...s].every((n) => h.has(n));
          expect(v.status === "complete").toBe(same);
        },
      ),
      { numRuns: 300 },
    );
  });
});
