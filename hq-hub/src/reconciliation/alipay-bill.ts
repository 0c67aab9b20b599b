// Alipay's business detail file (业务明细), the CSV in the daily bill zip that
// alipay.data.dataservice.bill.downloadurl.query (bill_type=trade) points to, also exported
// from the merchant portal's 对账中心. GBK encoded. Lines starting with # are the title, account,
// period, the "业务明细列表" markers and the totals (#交易合计 / #退款合计 / #导出时间); the
// rest is a header row and one row per trade (业务类型 交易) or refund (业务类型 退款). Amounts
// are yuan, signed from the merchant's side: a refund's 订单金额 and 商家实收 are negative, the
// service fee (服务费) taken on a trade is negative and given back (positive) on a refund.
// Sources: opendocs.alipay.com/open/204/106262 (对账说明), the 25 columns as a merchant's
// parser reads them in developer.aliyun.com/article/952698; docs/hq-hub.md "Payment
// reconciliation" lists the columns we read.
import { yuanAmount } from "./amount.ts";
import {
  BillFormatError,
  type ParsedBill,
  type RowDetail,
  type RowProblem,
  rowProblem,
  type SettlementEntry,
} from "./bill.ts";
import { csvLines, headerKey } from "./csv.ts";

export const ALIPAY_COLUMNS = [
  "支付宝交易号",
  "商户订单号",
  "业务类型",
  "商品名称",
  "创建时间",
  "完成时间",
  "门店编号",
  "门店名称",
  "操作员",
  "终端号",
  "对方账户",
  "订单金额（元）",
  "商家实收（元）",
  "支付宝红包（元）",
  "集分宝（元）",
  "支付宝优惠（元）",
  "商家优惠（元）",
  "券核销金额（元）",
  "券名称",
  "商家红包消费金额（元）",
  "卡消费金额（元）",
  "退款批次号/请求号",
  "服务费（元）",
  "分润（元）",
  "备注",
] as const;

const REQUIRED = [
  "支付宝交易号",
  "商户订单号",
  "业务类型",
  "完成时间",
  "订单金额（元）",
  "商家实收（元）",
  "退款批次号/请求号",
  "服务费（元）",
];
const ID = /^[0-9A-Za-z_-]{1,64}$/;

/** Reads the file's bytes as GBK (a UTF-8 file with a BOM is read as UTF-8: re-saved by Excel). */
export function decodeAlipayBytes(bytes: Uint8Array): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
    return new TextDecoder("utf-8").decode(bytes);
  return new TextDecoder("gbk").decode(bytes);
}

export function parseAlipayBill(input: Uint8Array | string): ParsedBill {
  const text = typeof input === "string" ? input : decodeAlipayBytes(input);
  const all = csvLines(text);
  const lines = all.filter((l) => !l.raw.trimStart().startsWith("#"));
  // The account the file was exported for: "#账号：[2088...]" above the rows.
  const account = /^#账号[:：]\s*\[?([0-9A-Za-z_@.-]{1,64})\]?/.exec(
    all.find((l) => /^#账号/.test(l.raw.trim()))?.raw.trim() ?? "",
  )?.[1];
  const head = lines[0];
  if (!head) throw new BillFormatError("file", "the Alipay business detail file has no header row");
  const names = head.fields.map(headerKey);
  for (const c of REQUIRED)
    if (!names.includes(c))
      throw new BillFormatError(
        "header",
        `line ${head.line} is not an Alipay 业务明细 header: column ${c} is missing (a GBK file read as something else shows as garbage: ${head.raw.slice(0, 60)})`,
      );
  const col = (n: string) => names.indexOf(n);
  const entries: SettlementEntry[] = [];
  const problems: RowProblem[] = [];

  for (const l of lines.slice(1)) {
    const f = l.fields.map((x) => x.trim());
    const bad = (column: string, detail: RowDetail) =>
      problems.push(rowProblem(l.line, column, detail, l.raw));
    // Alipay ends every line with a comma: one empty field more than the header is the same row.
    if (f.length === names.length + 1 && f[f.length - 1] === "") f.pop();
    if (f.length !== names.length) {
      bad("*", { code: "field_count", fields: f.length, header: names.length });
      continue;
    }
    if (l.raw.includes("\uFFFD")) {
      bad("*", { code: "not_gbk" });
      continue;
    }
    const get = (n: string) => f[col(n)]!;
    const money = (n: string): number | undefined => {
      const r = yuanAmount(get(n) || "0");
      if ("problem" in r) return void bad(n, r.problem);
      return r.fen;
    };
    const type = get("业务类型");
    const kind = type === "交易" ? "payment" : type === "退款" ? "refund" : undefined;
    if (!kind) {
      bad("业务类型", { code: "alipay_type", text: type.slice(0, 20) });
      continue;
    }
    const transactionId = get("支付宝交易号");
    if (!ID.test(transactionId)) {
      bad(
        "支付宝交易号",
        transactionId ? { code: "not_transaction_id", text: transactionId.slice(0, 70) } : { code: "empty" },
      );
      continue;
    }
    const before = problems.length;
    const order = money("订单金额（元）");
    const received = money("商家实收（元）");
    const fee = money("服务费（元）");
    if (problems.length > before || order === undefined || received === undefined || fee === undefined)
      continue;
    const sign = kind === "payment" ? 1 : -1;
    if (sign * order <= 0) {
      bad("订单金额（元）", {
        code: "amount_sign",
        rowType: type,
        above: kind === "payment",
        text: get("订单金额（元）"),
      });
      continue;
    }
    if (sign * received < 0) {
      bad("商家实收（元）", { code: "wrong_sign", rowType: type, text: get("商家实收（元）") });
      continue;
    }
    let refundId = "";
    if (kind === "refund") {
      const batch = get("退款批次号/请求号");
      if (!ID.test(batch)) {
        bad("退款批次号/请求号", { code: "alipay_refund_request", text: batch.slice(0, 70) });
        continue;
      }
      refundId = `${transactionId}:${batch}`;
    }
    entries.push({
      row: l.line,
      kind,
      transactionId,
      merchantOrderNo: get("商户订单号"),
      refundId,
      amountFen: sign * order,
      settledFen: sign * received,
      // Signed from the merchant's side in the file: a fee taken is negative.
      feeFen: fee === 0 ? 0 : -fee,
      at: get("完成时间"),
      merchantId: account ?? "",
      storeCode: col("门店编号") < 0 ? "" : get("门店编号"),
    });
  }
  return { provider: "alipay", entries, problems };
}
