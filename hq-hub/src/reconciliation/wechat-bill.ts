// WeChat Pay's daily trade bill (交易账单), as GET /v3/bill/tradebill's download_url returns it
// (and the v2 /pay/downloadbill before it), bill_type=ALL. Published format: a header row, one
// row per order, refund or reversal with every field prefixed by a backtick (` keeps Excel from
// showing long ids in scientific notation), then a summary header (总交易单数,...) and a
// summary row. Amounts are yuan. Sources: pay.weixin.qq.com/doc/v3/merchant/4012556654
// (申请交易账单), developers.weixin.qq.com .../wxcloudrun/src/development/pay/order/bill.html
// (a real file: the 27 columns below and the summary), developer.work.weixin.qq.com
// /document/path/98115 (the four parts and the backtick). docs/hq-hub.md "Payment
// reconciliation" lists the columns we read.
import { yuanAmount } from "./amount.ts";
import {
  BillFormatError,
  type ParsedBill,
  type RowProblem,
  rowProblem,
  type SettlementEntry,
} from "./bill.ts";
import { csvLines, headerKey } from "./csv.ts";
import type { RowDetail } from "./reason.ts";

/** The published columns, in the file's order (normal merchant, bill_type=ALL). */
export const WECHAT_COLUMNS = [
  "交易时间",
  "公众账号ID",
  "商户号",
  "特约商户号",
  "设备号",
  "微信订单号",
  "商户订单号",
  "用户标识",
  "交易类型",
  "交易状态",
  "付款银行",
  "货币种类",
  "应结订单金额",
  "代金券金额",
  "微信退款单号",
  "商户退款单号",
  "退款金额",
  "充值券退款金额",
  "退款类型",
  "退款状态",
  "商品名称",
  "商户数据包",
  "手续费",
  "费率",
  "订单金额",
  "申请退款金额",
  "费率备注",
] as const;

export const WECHAT_SUMMARY_COLUMNS = [
  "总交易单数",
  "应结订单总金额",
  "退款总金额",
  "充值券退款总金额",
  "手续费总金额",
  "订单总金额",
  "申请退款总金额",
] as const;

/** The columns a row must have to be matched; the rest are kept in the raw text only. */
const REQUIRED = [
  "交易时间",
  "微信订单号",
  "商户订单号",
  "交易状态",
  "应结订单金额",
  "微信退款单号",
  "退款金额",
  "手续费",
];
const ID = /^[0-9A-Za-z_-]{1,64}$/;

const unquote = (f: string) => (f.startsWith("`") ? f.slice(1) : f).trim();

export function parseWechatBill(text: string): ParsedBill {
  const lines = csvLines(text);
  const head = lines[0];
  if (!head) throw new BillFormatError("file", "the WeChat Pay bill is empty");
  const names = head.fields.map(headerKey);
  for (const c of REQUIRED)
    if (!names.includes(c))
      throw new BillFormatError(
        "header",
        `line 1 is not a WeChat Pay trade bill header: column ${c} is missing (got ${head.raw.slice(0, 80)})`,
      );
  const col = (n: string) => names.indexOf(n);
  const sumAt = lines.findIndex((l) => unquote(l.fields[0] ?? "") === WECHAT_SUMMARY_COLUMNS[0]);
  const rows = lines.slice(1, sumAt < 0 ? lines.length : sumAt);
  const entries: SettlementEntry[] = [];
  const problems: RowProblem[] = [];

  for (const l of rows) {
    const f = l.fields.map(unquote);
    const bad = (column: string, detail: RowDetail) =>
      problems.push(rowProblem(l.line, column, detail, l.raw));
    if (f.length !== names.length) {
      bad("*", { code: "field_count", fields: f.length, header: names.length });
      continue;
    }
    const get = (n: string) => (col(n) < 0 ? "" : f[col(n)]!);
    const money = (n: string, opts: { positive?: boolean } = {}): number | undefined => {
      const r = yuanAmount(get(n));
      if ("problem" in r) return void bad(n, r.problem);
      if (opts.positive && r.fen <= 0) return void bad(n, { code: "not_positive", text: get(n) });
      return r.fen;
    };
    const status = get("交易状态");
    const kind =
      status === "SUCCESS"
        ? "payment"
        : status === "REFUND"
          ? "refund"
          : status === "REVOKED"
            ? "reversed"
            : undefined;
    if (!kind) {
      bad("交易状态", { code: "wechat_status", text: status.slice(0, 20) });
      continue;
    }
    const transactionId = get("微信订单号");
    if (!ID.test(transactionId)) {
      bad(
        "微信订单号",
        transactionId ? { code: "not_transaction_id", text: transactionId.slice(0, 70) } : { code: "empty" },
      );
      continue;
    }
    const before = problems.length;
    const fee = money("手续费");
    let amount: number | undefined;
    let settled: number | undefined;
    let refundId = "";
    if (kind === "refund") {
      refundId = get("微信退款单号");
      if (!ID.test(refundId) || refundId === "0")
        bad("微信退款单号", { code: "wechat_refund_id", text: refundId.slice(0, 70) });
      settled = money("退款金额", { positive: true });
      amount = get("申请退款金额") ? money("申请退款金额", { positive: true }) : settled;
    } else {
      settled = money("应结订单金额", { positive: true });
      amount = get("订单金额") ? money("订单金额", { positive: true }) : settled;
    }
    if (problems.length > before || fee === undefined || amount === undefined || settled === undefined)
      continue;
    entries.push({
      row: l.line,
      kind,
      transactionId,
      merchantOrderNo: get("商户订单号"),
      refundId,
      amountFen: amount,
      settledFen: settled,
      feeFen: fee,
      at: get("交易时间"),
      merchantId: ["", "0"].includes(get("特约商户号")) ? get("商户号") : get("特约商户号"),
      storeCode: get("设备号"),
    });
  }

  if (sumAt >= 0) checkSummary(lines.slice(sumAt), rows.length, entries, problems);
  return { provider: "wechat", entries, problems };
}

/** The summary row must agree with the rows: a count or total that does not is a problem. */
function checkSummary(
  lines: ReturnType<typeof csvLines>,
  rowCount: number,
  entries: SettlementEntry[],
  problems: RowProblem[],
): void {
  const [head, row] = lines;
  if (!head || !row)
    return void problems.push(rowProblem(head?.line ?? 0, "总交易单数", { code: "summary_missing" }, ""));
  const names = head.fields.map(unquote);
  const get = (n: string) => unquote(row.fields[names.indexOf(n)] ?? "");
  const bad = (column: string, detail: RowDetail) =>
    problems.push(rowProblem(row.line, column, detail, row.raw));
  if (get("总交易单数") !== String(rowCount))
    bad("总交易单数", { code: "summary_count", text: get("总交易单数"), rows: rowCount });
  if (problems.length) return; // totals only mean something when every row was read
  const sum = (pick: (e: SettlementEntry) => number) => entries.reduce((s, e) => s + pick(e), 0);
  const checks: [string, number][] = [
    ["退款总金额", sum((e) => (e.kind === "refund" ? e.settledFen : 0))],
    ["手续费总金额", sum((e) => e.feeFen)],
  ];
  for (const [name, fen] of checks) {
    const r = yuanAmount(get(name));
    if ("problem" in r) bad(name, r.problem);
    else if (r.fen !== fen) bad(name, { code: "summary_total", text: get(name), rowsFen: fen });
  }
}
