// The settlement file parsers: files written in the published formats read back entry for
// entry; every bad row is named (line and column), kept, and the rest still imports.
import { describe, expect, test } from "bun:test";
import { parseAlipayBill } from "./alipay-bill.ts";
import { yuanToFen } from "./amount.ts";
import { parseBankStatement, providerOfBankLine } from "./bank-statement.ts";
import { BillFormatError } from "./bill.ts";
import { encodeGbk, type PaidEntry, writeAlipayBill, writeWechatBill } from "./bill-writer.ts";
import { parseWechatBill, WECHAT_COLUMNS } from "./wechat-bill.ts";

const pay = (n: number, amountFen: number, feeFen: number): PaidEntry => ({
  kind: "payment",
  transactionId: `42000012${String(n).padStart(20, "0")}`,
  merchantOrderNo: `0190aa${n}`,
  refundId: "",
  amountFen,
  settledFen: amountFen,
  feeFen,
  at: "2026-12-06 10:00:0" + (n % 10),
});

describe("yuan to fen", () => {
  test("exact digits, never a float", () => {
    expect(yuanToFen("12.34")).toEqual({ fen: 1234 });
    expect(yuanToFen("0.1")).toEqual({ fen: 10 });
    expect(yuanToFen("-0.06")).toEqual({ fen: -6 });
    expect(yuanToFen("0.01000")).toEqual({ fen: 1 });
    expect(yuanToFen("1.15")).toEqual({ fen: 115 }); // 1.15 * 100 is 114.99999999999999 in floats
    expect(yuanToFen("¥3")).toEqual({ fen: 300 });
  });
  test("garbage, fractions of a fen and absurd amounts are refused with the reason", () => {
    for (const bad of ["", "abc", "1,234.00", "1e3", "12.3.4", "NaN", "--1", "0x10"])
      expect("reason" in yuanToFen(bad)).toBe(true);
    expect(yuanToFen("0.00500")).toEqual({ reason: '"0.00500" has a fraction of a fen' });
    expect("reason" in yuanToFen("99999999999.00")).toBe(true);
  });
});

describe("WeChat Pay trade bill", () => {
  test("the published layout: header, backticked rows, summary; payments, refunds, reversals", () => {
    const entries: PaidEntry[] = [
      pay(1, 1234, 5),
      pay(2, 990, 4),
      { ...pay(3, 500, -2), kind: "refund", refundId: "50300000000000000001", settledFen: 500 },
      { ...pay(4, 800, 0), kind: "reversed" },
    ];
    const text = writeWechatBill(entries);
    const lines = text.split("\r\n");
    expect(lines[0]).toBe(WECHAT_COLUMNS.join(","));
    expect(lines[1]!.startsWith("`2026-12-06 10:00:01,`wx")).toBe(true);
    expect(lines[5]).toBe(
      "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额",
    );
    const bill = parseWechatBill(text);
    expect(bill.problems).toEqual([]);
    // Each entry also names the merchant account and the till's store the file settled it to.
    expect(bill.entries.map(({ row, ...e }) => e)).toEqual(
      entries.map((e) => ({ ...e, merchantId: "1900000109", storeCode: "" })),
    );
    expect(bill.entries.map((e) => e.row)).toEqual([2, 3, 4, 5]);
  });

  test("a real file's row as WeChat documents it reads (the wxcloudrun sample)", () => {
    const text = [
      "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注",
      "`2022-03-21 13:51:31,`wxfdc955f7104ad557,`180023671,`176531292,`,`420000612032130748613220688,`2021WERUN1647840687637,`oZWaCKXip5njeEiloC4oeOV1TTsk,`JSAPI,`SUCCESS,`OTHERS,`CNY,`0.01,`0.00,`0,`0,`0.00,`0.00,`,`,`微信云托管支付测试,`,`0.00000,`0.90%,`0.01,`0.00,`",
      "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额",
      "`1,`0.01,`0.00,`0.00,`0.00000,`0.01,`0.00",
    ].join("\n");
    const bill = parseWechatBill(text);
    expect(bill.problems).toEqual([]);
    expect(bill.entries).toEqual([
      {
        row: 2,
        kind: "payment",
        transactionId: "420000612032130748613220688",
        merchantOrderNo: "2021WERUN1647840687637",
        refundId: "",
        amountFen: 1,
        settledFen: 1,
        feeFen: 0,
        at: "2022-03-21 13:51:31",
        merchantId: "176531292", // the sub-merchant (特约商户号), not the service provider
        storeCode: "",
      },
    ]);
  });

  test("bad rows are named by line and column and kept; the other rows still import", () => {
    const lines = writeWechatBill([
      pay(1, 1234, 5),
      pay(2, 990, 4),
      pay(3, 100, 0),
      pay(4, 200, 1),
      pay(5, 300, 1),
    ]).split("\r\n");
    lines[2] = lines[2]!.replace("`9.90,", "`9.9O,"); // a letter O in the amount
    lines[3] = lines[3]!.replace("`SUCCESS,", "`PAYING,");
    lines[4] = lines[4]!.replace(/`42000012\d+,/, "`,");
    lines[5] = lines[5]!.split(",").slice(0, 10).join(","); // a cut-off row
    const bill = parseWechatBill(lines.join("\r\n"));
    expect(bill.entries.map((e) => e.row)).toEqual([2]);
    expect(bill.problems.map(({ raw, ...p }) => p)).toEqual([
      {
        row: 3,
        column: "应结订单金额",
        detail: { code: "not_yuan", text: "9.9O" },
        reason: '"9.9O" is not a yuan amount like 12.34',
      },
      {
        row: 4,
        column: "交易状态",
        detail: { code: "wechat_status", text: "PAYING" },
        reason: 'unknown status "PAYING" (SUCCESS, REFUND or REVOKED)',
      },
      { row: 5, column: "微信订单号", detail: { code: "empty" }, reason: "is empty" },
      {
        row: 6,
        column: "*",
        detail: { code: "field_count", fields: 10, header: 27 },
        reason: "10 fields, the header has 27",
      },
    ]);
    expect(bill.problems[0]!.raw).toBe(lines[2]!);
  });

  test("a summary that does not add up is a problem on the summary line", () => {
    const text = writeWechatBill([pay(1, 1234, 5)]).replace("`1,`12.34", "`2,`12.34");
    expect(parseWechatBill(text).problems.map((p) => [p.row, p.column])).toEqual([[4, "总交易单数"]]);
  });

  test("not a WeChat bill at all: the whole file is refused naming the missing column", () => {
    expect(() => parseWechatBill("")).toThrow(BillFormatError);
    expect(() => parseWechatBill("a,b,c\n1,2,3")).toThrow(/column 交易时间 is missing/);
  });

  test("hostile: 20,000 rows of garbage and a 100 KB field end as named problems, not a crash", () => {
    const head = WECHAT_COLUMNS.join(",");
    const junk = Array.from({ length: 20_000 }, (_, i) => `\`${"x".repeat(i % 7)},\`${"9".repeat(i % 70)}`);
    const bill = parseWechatBill([head, ...junk, `\`${"A".repeat(100_000)}`].join("\n"));
    expect(bill.entries).toEqual([]);
    expect(bill.problems.length).toBe(20_001);
  });
});

describe("Alipay business detail (业务明细)", () => {
  const refund: PaidEntry = {
    ...pay(7, 600, -2),
    transactionId: "2026120622001400000000000007",
    kind: "refund",
    refundId: "2026120622001400000000000007:0190ff07",
    settledFen: 600,
  };
  const entries: PaidEntry[] = [
    { ...pay(5, 2599, 16), transactionId: "2026120622001400000000000005" },
    { ...pay(6, 100, 1), transactionId: "2026120622001400000000000006" },
    refund,
  ];

  test("GBK bytes with # comment and summary lines read back entry for entry", () => {
    const bytes = encodeGbk(writeAlipayBill(entries, { day: "2026-12-06" }));
    expect(bytes[0]).toBe(0x23); // '#'
    expect(new TextDecoder("gbk").decode(bytes.slice(1, 7))).toBe("支付宝");
    const bill = parseAlipayBill(bytes);
    expect(bill.problems).toEqual([]);
    expect(bill.entries.map(({ row, ...e }) => e)).toEqual(
      entries.map((e) => ({ ...e, merchantId: "20881234567890120156", storeCode: "" })),
    );
    expect(bill.entries.map((e) => e.row)).toEqual([6, 7, 8]);
  });

  test("bad rows named by line and column, kept, the rest imports; bytes that are not GBK too", () => {
    const lines = writeAlipayBill(entries, { day: "2026-12-06" }).split("\r\n");
    lines[5] = lines[5]!.replace(",交易,", ",转账,");
    lines[7] = lines[7]!.replace(",-6.00,", ",6.00,");
    // A copy of a good row whose goods name is two bytes that are no GBK text.
    lines.splice(6, 0, lines[6]!.replace("门店消费", "@@").replace("0000007", "0000008"));
    const withBadByte = encodeGbk(lines.join("\r\n")).map((b, i, all) =>
      b === 0x40 && (all[i + 1] === 0x40 || all[i - 1] === 0x40) ? 0xff : b,
    );
    const bill = parseAlipayBill(withBadByte);
    expect(bill.entries.map((e) => e.transactionId)).toEqual(["2026120622001400000000000006"]);
    expect(bill.problems.map((p) => [p.row, p.column, p.reason])).toEqual([
      [6, "业务类型", 'unknown 业务类型 "转账" (交易 or 退款)'],
      [7, "*", "bytes that are not GBK text"],
      [9, "订单金额（元）", "a 退款 row's amount must be below 0, got 6.00"],
    ]);
  });

  test("a file read with the wrong encoding is refused as a whole, naming the header", () => {
    const bytes = encodeGbk(writeAlipayBill(entries, { day: "2026-12-06" }));
    expect(() => parseAlipayBill(new TextDecoder("latin1").decode(bytes))).toThrow(
      /not an Alipay 业务明细 header/,
    );
  });
});

describe("bank statement", () => {
  test("columns by name, one of money in / out, the wallet by counterparty", () => {
    const text = [
      "交易日期,流水号,对方户名,摘要,收入金额,支出金额,余额",
      "2026-12-07,B001,财付通支付科技有限公司,微信支付结算 20261206,1215.00,,10000.00",
      "20261207,B002,支付宝（中国）网络技术有限公司,支付宝提现,25.83,0,10025.83",
      "2026-12-07,B003,上海电力,电费,,300.00,9725.83",
      "2026-13-07,B004,x,y,1.00,,0",
      "2026-12-07,B005,x,y,1.00,2.00,0",
    ].join("\n");
    const { lines, problems } = parseBankStatement(encodeGbk(text));
    expect(lines.map((l) => [l.row, l.date, l.amountFen, providerOfBankLine(l)])).toEqual([
      [2, "2026-12-07", 121500, "wechat"],
      [3, "2026-12-07", 2583, "alipay"],
      [4, "2026-12-07", -30000, undefined],
    ]);
    expect(problems.map((p) => [p.row, p.column])).toEqual([
      [5, "交易日期"],
      [6, "收入金额"],
    ]);
  });
});
