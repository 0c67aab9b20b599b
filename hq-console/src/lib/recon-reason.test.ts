import { describe, expect, test } from "bun:test";
import type { ReconItem } from "./api-types.ts";
import { reasonZh } from "./recon-reason.ts";

const item = (over: Partial<ReconItem>): ReconItem => ({
  id: 1,
  status: "matched",
  kind: "payment",
  transactionId: "4200000001",
  refundId: "",
  storeId: "S001",
  docKind: "sale",
  docId: "D1",
  fileFen: null,
  hqFen: null,
  feeFen: 0,
  row: 2,
  column: null,
  reason: "",
  raw: null,
  ...over,
});

// The English sentences are the hub's (hq-hub/src/reconciliation/match.ts, bank-match.ts and the
// parsers), as it answers them.
describe("a reconciliation item's reason in Chinese", () => {
  test("wallet differences: the amounts, ids and documents compared", () => {
    expect(
      reasonZh(
        item({
          status: "amount_mismatch",
          fileFen: 520,
          hqFen: 500,
          reason: "paid 5.20 元 in the file, 5.00 元 at HQ (sale D1): 0.20 元 apart",
        }),
        "wechat",
      ),
    ).toBe("账单收款 5.20 元，总部 5.00 元（销售 D1）：相差 0.20 元");
    expect(
      reasonZh(
        item({ status: "not_at_hq", docKind: null, docId: null, storeId: null, fileFen: 300 }),
        "alipay",
      ),
    ).toBe("支付宝结算了 3.00 元，但总部没有此交易号的销售支付");
    expect(
      reasonZh(
        item({ status: "not_at_hq", kind: "refund", refundId: "5000001", fileFen: 300, docKind: null }),
        "wechat",
      ),
    ).toBe("微信支付退款 3.00 元（退款单号 5000001），但总部没有此退款单号的退货支付");
    expect(reasonZh(item({ status: "not_in_file", hqFen: 800, row: null }), "wechat")).toBe(
      "总部有一笔 8.00 元的微信支付销售收款，账单未结算",
    );
    expect(
      reasonZh(item({ status: "not_in_file", transactionId: "", hqFen: 800, row: null }), "wechat"),
    ).toBe("总部这笔销售的支付没有微信支付交易号，无法在账单中找到");
    expect(
      reasonZh(
        item({
          status: "fee_mismatch",
          fileFen: 1234,
          feeFen: 9,
          reason: "fee 0.09 元 in the file, 0.05 元 at the contracted 0.38% of 12.34 元",
        }),
        "wechat",
      ),
    ).toBe("账单手续费 0.09 元，按签约费率 0.38% 计 12.34 元的手续费应为 0.05 元");
    expect(
      reasonZh(
        item({ status: "duplicate", reason: "the same payment is already on line 3 of the file" }),
        "wechat",
      ),
    ).toBe("同一笔支付已在文件第 3 行出现");
    expect(reasonZh(item({ status: "matched" }), "wechat")).toBe("");
  });

  test("bad rows: line, column and the parser's detail; an unknown detail kept as it came", () => {
    expect(
      reasonZh(
        item({
          status: "bad_row",
          kind: "row",
          row: 7,
          column: "应结订单金额",
          reason: 'line 7, 应结订单金额: "12.3x" is not a yuan amount like 12.34',
        }),
        "wechat",
      ),
    ).toBe("第 7 行「应结订单金额」列：「12.3x」不是形如 12.34 的元金额");
    expect(
      reasonZh(
        item({
          status: "bad_row",
          kind: "row",
          row: 4,
          column: "*",
          reason: "line 4, *: 3 fields, the header has 27",
        }),
        "alipay",
      ),
    ).toBe("第 4 行整行：有 3 个字段，表头有 27 个");
    expect(
      reasonZh(
        item({
          status: "bad_row",
          kind: "row",
          row: 5,
          column: "手续费",
          reason: "line 5, 手续费: something new",
        }),
        "wechat",
      ),
    ).toBe("第 5 行「手续费」列无法读取：something new");
  });

  test("bank: the bill settled, the credit seen, the days allowed", () => {
    expect(
      reasonZh(
        item({
          status: "settlement_amount",
          docId: "wechat:2026-12-06",
          fileFen: 10_000,
          hqFen: 9_962,
          reason:
            "the bank received 100.00 元 from WeChat Pay on 2026-12-07, the 2026-12-06 bill settles 99.62 元: 0.38 元 apart",
        }),
        "bank",
      ),
    ).toBe("银行 2026-12-07 收到微信支付 100.00 元，2026-12-06 的账单应结算 99.62 元：相差 0.38 元");
    expect(
      reasonZh(
        item({
          status: "settlement_missing",
          docId: "alipay:2026-12-06",
          hqFen: 9_962,
          reason:
            "Alipay's 2026-12-06 bill settles 99.62 元; no such credit from 2026-12-06 +1..3 days on the statement",
        }),
        "bank",
      ),
    ).toBe("支付宝 2026-12-06 的账单应结算 99.62 元；银行对账单上 2026-12-06 之后 1 至 3 天内没有这笔到账");
    expect(
      reasonZh(
        item({
          status: "unexpected_credit",
          docId: null,
          fileFen: 500,
          reason:
            "5.00 元 from Alipay on 2026-12-07 matches no imported bill (import that day's Alipay file)",
        }),
        "bank",
      ),
    ).toBe("银行 2026-12-07 收到支付宝 5.00 元，没有对应的已导入账单（请导入当天的支付宝账单）");
  });
});
