import { describe, expect, test } from "bun:test";
import type { ReconItem, ReconReason } from "./api-types.ts";
import { reconReason } from "./recon-reason.ts";

// The hub's `reason` sentence is deliberately a decoy here: both languages come from `why`.
const item = (why: ReconReason | null, reason = "DECOY 9.99 元 on line 99") =>
  ({ why, reason }) satisfies Pick<ReconItem, "why" | "reason">;
const both = (why: ReconReason) => [reconReason(item(why), "zh"), reconReason(item(why), "en")];

describe("a reconciliation item's reason, from its code and fields", () => {
  test("wallet differences: the amounts, ids and documents compared", () => {
    expect(both({ code: "amount_mismatch", fileFen: 520, hqFen: 500, docKind: "sale", docId: "D1" })).toEqual(
      [
        "账单收款 5.20 元，总部 5.00 元（销售 D1）：相差 0.20 元",
        "paid 5.20 元 in the file, 5.00 元 at HQ (sale D1): 0.20 元 apart",
      ],
    );
    expect(
      both({ code: "refund_mismatch", fileFen: 500, hqFen: 400, docKind: "return", docId: "R2" }),
    ).toEqual([
      "账单退款 5.00 元，总部 4.00 元（退货 R2）：相差 1.00 元",
      "refunded 5.00 元 in the file, 4.00 元 at HQ (return R2): 1.00 元 apart",
    ]);
    expect(both({ code: "not_at_hq", provider: "alipay", fileFen: 300 })).toEqual([
      "支付宝结算了 3.00 元，但总部没有此交易号的销售支付",
      "Alipay settled 3.00 元 but HQ holds no sale tender with this transaction id",
    ]);
    expect(both({ code: "refund_not_at_hq", provider: "wechat", fileFen: 300, refundId: "5000001" })[0]).toBe(
      "微信支付退款 3.00 元（退款单号 5000001），但总部没有此退款单号的退货支付",
    );
    expect(both({ code: "not_in_file", provider: "wechat", docKind: "sale", hqFen: 800 })).toEqual([
      "总部有一笔 8.00 元的微信支付销售收款，账单未结算",
      "HQ holds a WeChat Pay sale tender of 8.00 元 that the file does not settle",
    ]);
    expect(both({ code: "not_in_file", provider: "alipay", docKind: "return", hqFen: 800 })[0]).toBe(
      "总部有一笔 8.00 元的支付宝退款，账单中没有",
    );
    expect(both({ code: "no_reference", provider: "wechat", docKind: "sale" })[0]).toBe(
      "总部这笔销售的支付没有微信支付交易号，无法在账单中找到",
    );
    expect(both({ code: "fee_mismatch", feeFen: 9, dueFen: 5, ratePpm: 3800, amountFen: 1234 })).toEqual([
      "账单手续费 0.09 元，按签约费率 0.38% 计 12.34 元的手续费应为 0.05 元",
      "fee 0.09 元 in the file, 0.05 元 at the contracted 0.38% of 12.34 元",
    ]);
    expect(both({ code: "duplicate", entryKind: "payment", firstRow: 3 })).toEqual([
      "同一笔支付已在文件第 3 行出现",
      "the same payment is already on line 3 of the file",
    ]);
    expect(both({ code: "reversed_but_sold", provider: "wechat", hqFen: 1200 })[0]).toBe(
      "微信支付已撤销这笔支付，但总部有一笔用它付款的销售（12.00 元）",
    );
    expect(
      both({
        code: "other_merchant",
        provider: "wechat",
        merchantId: "1900000999",
        expected: ["1900000109"],
      }),
    ).toEqual([
      "这一行属于微信支付商户号「1900000999」，不是本连锁的商户号（1900000109）：不与总部的支付核对，不入账",
      'this line is WeChat Pay merchant "1900000999", not one of the chain\'s (1900000109): never matched to our tenders nor posted',
    ]);
    expect(
      both({
        code: "other_store",
        provider: "alipay",
        fileStore: "S009",
        hqStore: "S001",
        docKind: "sale",
        docId: "D1",
      })[0],
    ).toBe("账单称这笔支付属于门店 S009，但总部记录它在门店 S001（销售 D1）：不核对，不入账");
    expect(both({ code: "matched" })).toEqual(["", ""]);
  });

  test("bad rows: line, column and the parser's finding with the value as the file wrote it", () => {
    expect(
      both({ code: "bad_row", row: 7, column: "应结订单金额", detail: { code: "not_yuan", text: "12.3x" } }),
    ).toEqual([
      "第 7 行「应结订单金额」列：「12.3x」不是形如 12.34 的元金额",
      'line 7, 应结订单金额: "12.3x" is not a yuan amount like 12.34',
    ]);
    expect(
      both({ code: "bad_row", row: 4, column: "*", detail: { code: "field_count", fields: 3, header: 27 } }),
    ).toEqual(["第 4 行整行：有 3 个字段，表头有 27 个", "line 4, *: 3 fields, the header has 27"]);
    // A value that looks like a sentence the old console parsed back is shown as a value.
    expect(
      both({
        code: "bad_row",
        row: 5,
        column: "交易状态",
        detail: { code: "wechat_status", text: 'PAYING" (SUCCESS' },
      })[0],
    ).toBe('第 5 行「交易状态」列：未知的交易状态「PAYING" (SUCCESS」（应为 SUCCESS、REFUND 或 REVOKED）');
    expect(
      both({
        code: "bad_row",
        row: 9,
        column: "手续费总金额",
        detail: { code: "summary_total", text: "1.00", rowsFen: 150 },
      })[0],
    ).toBe("第 9 行「手续费总金额」列：汇总为 1.00 元，各行合计 1.50 元");
  });

  test("bank: the bill settled, the credit seen, the days allowed", () => {
    expect(
      both({
        code: "settlement_amount",
        provider: "wechat",
        on: "2026-12-07",
        billDate: "2026-12-06",
        bankFen: 10_000,
        billFen: 9_962,
      })[0],
    ).toBe("银行 2026-12-07 收到微信支付 100.00 元，2026-12-06 的账单应结算 99.62 元：相差 0.38 元");
    expect(
      both({
        code: "settlement_missing",
        provider: "alipay",
        billDate: "2026-12-06",
        billFen: 9_962,
        days: 3,
      }),
    ).toEqual([
      "支付宝 2026-12-06 的账单应结算 99.62 元；银行对账单上 2026-12-06 之后 1 至 3 天内没有这笔到账",
      "Alipay's 2026-12-06 bill settles 99.62 元; no such credit from 2026-12-06 +1..3 days on the statement",
    ]);
    expect(both({ code: "unexpected_credit", provider: "alipay", on: "2026-12-07", bankFen: 500 })[0]).toBe(
      "银行 2026-12-07 收到支付宝 5.00 元，没有对应的已导入账单（请导入当天的支付宝账单）",
    );
  });

  test("an item stored before the hub kept reasons as data shows the hub's sentence", () => {
    expect(reconReason(item(null, "paid 5.20 元 in the file"), "zh")).toBe("paid 5.20 元 in the file");
  });
});
