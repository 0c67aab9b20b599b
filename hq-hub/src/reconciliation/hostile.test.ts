// Hostile settlement files: a bill of another merchant, or one that mixes another merchant's
// rows into ours, carrying our transaction ids; and rows claiming a payment for another store
// than the one HQ holds it at. Never matched to our tenders, never posted; each is a
// difference with its reason, and HQ's tender stays unsettled (not_in_file).
import { describe, expect, test } from "bun:test";
import { parseAlipayBill } from "./alipay-bill.ts";
import type { SettlementEntry } from "./bill.ts";
import { writeAlipayBill, writeWechatBill } from "./bill-writer.ts";
import { type HqTender, matchSettlement } from "./match.ts";
import { parseWechatBill } from "./wechat-bill.ts";

const OURS = "1900000109";
const paid = (
  id: string,
  fen: number,
  more: Partial<SettlementEntry> = {},
): Omit<SettlementEntry, "row"> => ({
  kind: "payment",
  transactionId: id,
  merchantOrderNo: `M${id}`,
  refundId: "",
  amountFen: fen,
  settledFen: fen,
  feeFen: 4,
  at: "2026-12-06 12:00:00",
  ...more,
});
const tender = (storeId: string, ref: string, amountFen: number): HqTender => ({
  storeId,
  docKind: "sale",
  docId: `sale-${ref}`,
  amountFen,
  reference: ref,
});
const statuses = (r: ReturnType<typeof matchSettlement>) =>
  r.items.map((i) => [i.status, i.transactionId || i.docId]).sort();

describe("a settlement file claiming what is not ours", () => {
  const hq = [tender("S001", "4200000001", 1000), tender("S002", "4200000002", 2000)];

  test("another merchant's WeChat bill with our transaction ids: nothing matched, nothing posted", () => {
    const bill = parseWechatBill(
      writeWechatBill([paid("4200000001", 1000), paid("4200000002", 2000)], { mchId: "1900000999" }),
    );
    expect(bill.entries.map((e) => e.merchantId)).toEqual(["1900000999", "1900000999"]);
    const r = matchSettlement("wechat", bill.entries, bill.problems, hq, { merchants: [OURS] });
    expect(statuses(r)).toEqual([
      ["not_in_file", "4200000001"],
      ["not_in_file", "4200000002"],
      ["other_merchant", "4200000001"],
      ["other_merchant", "4200000002"],
    ]);
    expect(r.stores).toEqual([]);
    expect(r.items.find((i) => i.status === "other_merchant")!.why).toEqual({
      code: "other_merchant",
      provider: "wechat",
      merchantId: "1900000999",
      expected: [OURS],
    });
  });

  test("a row of another merchant slipped into our bill (no merchants configured): flagged, ours still match", () => {
    const ours = writeWechatBill([paid("4200000001", 1000)], { mchId: OURS });
    const theirs = writeWechatBill([paid("4200000002", 2000)], { mchId: "1900000999" });
    // Their row spliced in before our summary (the summary then miscounts: a bad row too).
    const rows = ours.split("\r\n");
    rows.splice(2, 0, theirs.split("\r\n")[1]!);
    const bill = parseWechatBill(rows.join("\r\n"));
    const ourRows = [OURS, OURS].map((m, i) => paid(`42000009${i}`, 500, { merchantId: m }));
    const r = matchSettlement(
      "wechat",
      [...bill.entries, ...ourRows.map((e, i) => ({ ...e, row: 90 + i }))],
      [],
      hq,
    );
    expect(r.items.filter((i) => i.status === "other_merchant").map((i) => i.transactionId)).toEqual([
      "4200000002",
    ]);
    expect(r.items.find((i) => i.transactionId === "4200000001")!.status).toBe("matched");
    expect(r.stores.map((s) => s.storeId)).toEqual(["S001"]);
  });

  test("an Alipay file exported for another account: the account in its header decides", () => {
    const text = writeAlipayBill([paid("2026120622001", 1000)], {
      account: "20880000000000000000",
      day: "2026-12-06",
    });
    const bill = parseAlipayBill(text);
    expect(bill.entries[0]!.merchantId).toBe("20880000000000000000");
    const r = matchSettlement(
      "alipay",
      bill.entries,
      bill.problems,
      [tender("S001", "2026120622001", 1000)],
      {
        merchants: ["20881234567890120156"],
      },
    );
    expect(statuses(r)).toEqual([
      ["not_in_file", "2026120622001"],
      ["other_merchant", "2026120622001"],
    ]);
  });

  test("a row claiming a payment for another store than HQ's: not matched, not posted, HQ's tender unsettled", () => {
    const bill = parseWechatBill(
      writeWechatBill(
        [paid("4200000001", 1000, { storeCode: "S009" }), paid("4200000002", 2000, { storeCode: "S002" })],
        {
          mchId: OURS,
        },
      ),
    );
    const r = matchSettlement("wechat", bill.entries, bill.problems, hq, { merchants: [OURS] });
    expect(statuses(r)).toEqual([
      ["matched", "4200000002"],
      ["not_in_file", "4200000001"],
      ["other_store", "4200000001"],
    ]);
    expect(r.items.find((i) => i.status === "other_store")!.why).toEqual({
      code: "other_store",
      provider: "wechat",
      fileStore: "S009",
      hqStore: "S001",
      docKind: "sale",
      docId: "sale-4200000001",
    });
    expect(r.stores.map((s) => [s.storeId, s.clearedFen])).toEqual([["S002", 2000]]);
    expect(r.totals.differences).toBe(2);
  });
});
