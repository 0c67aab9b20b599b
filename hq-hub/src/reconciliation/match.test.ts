// Matching a day's settlement file with HQ's wallet tenders: a day with planted differences
// (missing, extra, amount off, refund off, a reversal HQ sold, a duplicate, a bad row) lists
// exactly those, each with its reason; the rest matches and is summed per store for posting.
import { describe, expect, test } from "bun:test";
import type { SettlementEntry } from "./bill.ts";
import { rowProblem } from "./bill.ts";
import { formatRate, type HqTender, matchSettlement, parseRatePercent } from "./match.ts";

let line = 1;
const entry = (
  kind: SettlementEntry["kind"],
  id: string,
  amountFen: number,
  feeFen: number,
  refundId = "",
): SettlementEntry => ({
  row: ++line,
  kind,
  transactionId: id,
  merchantOrderNo: `M${id}`,
  refundId,
  amountFen,
  settledFen: amountFen,
  feeFen,
  at: "2026-12-06 12:00:00",
});
const sale = (storeId: string, ref: string | null, amountFen: number): HqTender => ({
  storeId,
  docKind: "sale",
  docId: `sale-${ref}`,
  amountFen,
  reference: ref,
});
const ret = (storeId: string, ref: string, amountFen: number): HqTender => ({
  storeId,
  docKind: "return",
  docId: `ret-${ref}`,
  amountFen,
  reference: ref,
});

describe("matchSettlement", () => {
  test("a day with planted differences lists exactly those, with their reasons", () => {
    line = 1;
    const file = [
      entry("payment", "T1", 1000, 4), // matched S001
      entry("payment", "T2", 2000, 8), // matched S002
      entry("payment", "T3", 1500, 6), // planted: amount off (HQ 1550)
      entry("payment", "T4", 700, 3), // planted: not at HQ
      entry("refund", "T1", 300, -1, "R1"), // matched return
      entry("refund", "T2", 500, -2, "R2"), // planted: refund off (HQ 400)
      entry("reversed", "T6", 900, 0), // reversed at the till: fine
      entry("reversed", "T7", 800, 0), // planted: reversed but HQ sold it
      entry("payment", "T2", 2000, 8), // planted: duplicate line
      entry("payment", "T8", 5000, 25), // planted: fee above the contracted 0.38% (19)
    ];
    const hq = [
      sale("S001", "T1", 1000),
      sale("S002", "T2", 2000),
      sale("S001", "T3", 1550),
      sale("S002", "T5", 1200), // planted: not in the file
      sale("S001", "T7", 800),
      sale("S002", null, 300), // planted: a wallet tender without its transaction id
      ret("S001", "R1", 300),
      ret("S002", "R2", 400),
      sale("S001", "T8", 5000),
    ];
    const r = matchSettlement("wechat", file, [rowProblem(12, "手续费", { code: "negative" }, "x")], hq, {
      feeRatePpm: 3800,
    });
    const differences = r.items
      .filter((i) => i.status !== "matched" && i.status !== "reversed")
      .map((i) => [i.status, i.transactionId || i.refundId || i.docId || `line ${i.row}`]);
    expect(differences.sort()).toEqual(
      [
        ["amount_mismatch", "T3"],
        ["not_at_hq", "T4"],
        ["refund_mismatch", "T2"],
        ["reversed_but_sold", "T7"],
        ["duplicate", "T2"],
        ["not_in_file", "T5"],
        ["not_in_file", "sale-null"],
        ["bad_row", "line 12"],
        ["fee_mismatch", "T8"],
      ].sort(),
    );
    expect(r.totals.differences).toBe(9);
    expect(
      r.items
        .filter((i) => i.status === "matched")
        .map((i) => i.transactionId)
        .sort(),
    ).toEqual(["T1", "T1", "T2"]);
    const reason = (s: string) => r.items.find((i) => i.status === s)!.reason;
    expect(reason("amount_mismatch")).toBe(
      "paid 15.00 元 in the file, 15.50 元 at HQ (sale sale-T3): -0.50 元 apart",
    );
    expect(reason("refund_mismatch")).toBe(
      "refunded 5.00 元 in the file, 4.00 元 at HQ (return ret-R2): 1.00 元 apart",
    );
    expect(reason("not_at_hq")).toBe(
      "WeChat Pay settled 7.00 元 but HQ holds no sale tender with this transaction id",
    );
    expect(reason("duplicate")).toBe("the same payment is already on line 3 of the file");
    expect(reason("bad_row")).toBe("line 12, 手续费: must not be negative");
    expect(reason("fee_mismatch")).toBe(
      "fee 0.25 元 in the file, 0.19 元 at the contracted 0.38% of 50.00 元",
    );
    // The same reasons as data: what the console formats in Chinese and English.
    const why = (st: string) => r.items.find((i) => i.status === st)!.why;
    expect(why("fee_mismatch")).toEqual({
      code: "fee_mismatch",
      feeFen: 25,
      dueFen: 19,
      ratePpm: 3800,
      amountFen: 5000,
    });
    expect(why("duplicate")).toEqual({ code: "duplicate", entryKind: "payment", firstRow: 3 });
    expect(why("bad_row")).toEqual({
      code: "bad_row",
      row: 12,
      column: "手续费",
      detail: { code: "negative" },
    });
    expect(why("not_in_file")).toMatchObject({ provider: "wechat", docKind: "sale" });
    // Every file line and every HQ tender ends in exactly one item.
    expect(r.items.filter((i) => i.row !== null).length).toBe(file.length + 1);
    expect(r.items.filter((i) => i.docId !== null).length).toBe(hq.length);
    // Posting: what HQ can place at a store (matched and differing amounts as the file says).
    expect(r.stores).toEqual([
      { storeId: "S001", clearedFen: 1000 + 1500 - 300 + 5000, feeFen: 4 + 6 - 1 + 25, bankFen: 7200 - 34 },
      { storeId: "S002", clearedFen: 2000 - 500, feeFen: 8 - 2, bankFen: 1500 - 6 },
    ]);
    expect(r.totals).toMatchObject({
      paymentsFen: 1000 + 2000 + 1500 + 700 + 2000 + 5000,
      refundsFen: 800,
      feesFen: 4 + 8 + 6 + 3 - 1 - 2 + 8 + 25,
    });
  });

  test("contracted rates are read exactly", () => {
    expect(parseRatePercent("0.38")).toBe(3800);
    expect(parseRatePercent("0.6")).toBe(6000);
    expect(parseRatePercent("1.2345")).toBe(12345);
    expect(parseRatePercent("0.38%")).toBeUndefined();
    expect(parseRatePercent("1e2")).toBeUndefined();
    expect(formatRate(3800)).toBe("0.38%");
    expect(formatRate(60000)).toBe("6%");
  });

  test("a clean day: everything matched, no differences", () => {
    line = 1;
    const r = matchSettlement("alipay", [entry("payment", "A1", 100, 1)], [], [sale("S001", "A1", 100)]);
    expect(r.items.map((i) => i.status)).toEqual(["matched"]);
    expect(r.totals.differences).toBe(0);
  });
});
