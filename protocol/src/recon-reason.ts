// Why a reconciliation item (HQ's 支付对账: a settlement file's line against HQ's wallet tenders)
// is what it is, as data: a code and the fields it names (amounts in fen, ids, lines, dates, a
// parser's finding with the value as the file wrote it), and its words in zh-CN and English made
// from those fields. The hub stores and answers the data (and its English sentence); the console
// shows either language from the same fields, never reading values back out of a sentence.
import { formatYuanCn, formatYuanPlain } from "./money.ts";

/** What is wrong with one line of a file (a parser's finding). `text`: the value as written. */
export type ReconRowDetail =
  | { code: "field_count"; fields: number; header: number }
  | { code: "not_yuan"; text: string }
  | { code: "fen_fraction"; text: string }
  | { code: "above_max"; text: string; maxYuan: number }
  | { code: "not_positive"; text: string }
  | { code: "negative" }
  | { code: "wechat_status"; text: string }
  | { code: "alipay_type"; text: string }
  | { code: "not_transaction_id"; text: string }
  | { code: "empty" }
  | { code: "wechat_refund_id"; text: string }
  | { code: "alipay_refund_request"; text: string }
  | { code: "amount_sign"; rowType: string; above: boolean; text: string }
  | { code: "wrong_sign"; rowType: string; text: string }
  | { code: "summary_missing" }
  | { code: "summary_total"; text: string; rowsFen: number }
  | { code: "summary_count"; text: string; rows: number }
  | { code: "not_gbk" }
  | { code: "not_date"; text: string; example: string }
  | { code: "bank_in_out" };

type DocKind = "sale" | "return";
type Provider = "wechat" | "alipay";

/** An item's reason: its status's code and the fields the sentence names. */
export type ReconReason =
  | { code: "matched" }
  | { code: "reversed" }
  | { code: "reversed_but_sold"; provider: Provider; hqFen: number }
  | { code: "not_at_hq"; provider: Provider; fileFen: number }
  | { code: "refund_not_at_hq"; provider: Provider; fileFen: number; refundId: string }
  | { code: "no_reference"; provider: Provider; docKind: DocKind }
  | { code: "not_in_file"; provider: Provider; docKind: DocKind; hqFen: number }
  | { code: "amount_mismatch"; fileFen: number; hqFen: number; docKind: DocKind; docId: string }
  | { code: "refund_mismatch"; fileFen: number; hqFen: number; docKind: DocKind; docId: string }
  | { code: "fee_mismatch"; feeFen: number; dueFen: number; ratePpm: number; amountFen: number }
  | { code: "duplicate"; entryKind: "payment" | "refund" | "reversed"; firstRow: number }
  | { code: "bad_row"; row: number; column: string; detail: ReconRowDetail }
  | {
      code: "settlement_amount";
      provider: Provider;
      on: string;
      billDate: string;
      bankFen: number;
      billFen: number;
    }
  | { code: "settlement_missing"; provider: Provider; billDate: string; billFen: number; days: number }
  | { code: "unexpected_credit"; provider: Provider; on: string; bankFen: number }
  | { code: "other_merchant"; provider: Provider; merchantId: string; expected: string[] }
  | {
      code: "other_store";
      provider: Provider;
      fileStore: string;
      hqStore: string;
      docKind: DocKind;
      docId: string;
    };

const y = (fen: number) => formatYuanCn(fen);
const NAME: Record<Provider, string> = { wechat: "WeChat Pay", alipay: "Alipay" };
const WALLET_ZH: Record<Provider, string> = { wechat: "微信支付", alipay: "支付宝" };
const DOC_ZH = { sale: "销售", return: "退货" } as const;
const ENTRY_ZH = { payment: "支付", refund: "退款", reversed: "撤销" } as const;

/** 3800 ppm -> "0.38%". */
export const formatRatePpm = (ppm: number) =>
  `${Math.floor(ppm / 10_000)}.${String(ppm % 10_000).padStart(4, "0")}`.replace(/\.?0+$/, "") + "%";

function detailZh(d: ReconRowDetail): string {
  switch (d.code) {
    case "field_count":
      return `有 ${d.fields} 个字段，表头有 ${d.header} 个`;
    case "not_yuan":
      return `「${d.text}」不是形如 12.34 的元金额`;
    case "fen_fraction":
      return `「${d.text}」有不足一分的尾数`;
    case "above_max":
      return `「${d.text}」超过 ${d.maxYuan} 元`;
    case "not_positive":
      return `必须大于 0，实为 ${d.text}`;
    case "negative":
      return "不能为负数";
    case "wechat_status":
      return `未知的交易状态「${d.text}」（应为 SUCCESS、REFUND 或 REVOKED）`;
    case "alipay_type":
      return `未知的业务类型「${d.text}」（应为 交易 或 退款）`;
    case "not_transaction_id":
      return `「${d.text}」不是交易号`;
    case "empty":
      return "为空";
    case "wechat_refund_id":
      return `退款行需要微信退款单号，实为「${d.text}」`;
    case "alipay_refund_request":
      return `退款行需要退款批次号/请求号，实为「${d.text}」`;
    case "amount_sign":
      return `${d.rowType}行的金额必须${d.above ? "大于" : "小于"} 0，实为 ${d.text}`;
    case "wrong_sign":
      return `对${d.rowType}而言正负号不对：${d.text}`;
    case "summary_missing":
      return "缺少汇总行";
    case "summary_total":
      return `汇总为 ${d.text} 元，各行合计 ${y(d.rowsFen)}`;
    case "summary_count":
      return `汇总为 ${d.text}，文件中有 ${d.rows} 行`;
    case "not_gbk":
      return "含有不是 GBK 编码的字节";
    case "not_date":
      return `「${d.text}」不是形如 ${d.example} 的日期`;
    case "bank_in_out":
      return "收入金额与支出金额必须恰有一个大于 0";
  }
}

function detailEn(d: ReconRowDetail): string {
  switch (d.code) {
    case "field_count":
      return `${d.fields} fields, the header has ${d.header}`;
    case "not_yuan":
      return `"${d.text}" is not a yuan amount like 12.34`;
    case "fen_fraction":
      return `"${d.text}" has a fraction of a fen`;
    case "above_max":
      return `"${d.text}" is above ${d.maxYuan} yuan`;
    case "not_positive":
      return `must be above 0, got ${d.text}`;
    case "negative":
      return "must not be negative";
    case "wechat_status":
      return `unknown status "${d.text}" (SUCCESS, REFUND or REVOKED)`;
    case "alipay_type":
      return `unknown 业务类型 "${d.text}" (交易 or 退款)`;
    case "not_transaction_id":
      return `"${d.text}" is not a transaction id`;
    case "empty":
      return "is empty";
    case "wechat_refund_id":
      return `a refund row needs the refund id, got "${d.text}"`;
    case "alipay_refund_request":
      return `a refund row needs its request number, got "${d.text}"`;
    case "amount_sign":
      return `a ${d.rowType} row's amount must be ${d.above ? "above" : "below"} 0, got ${d.text}`;
    case "wrong_sign":
      return `has the wrong sign for ${d.rowType}: ${d.text}`;
    case "summary_missing":
      return "the summary row is missing";
    case "summary_total":
      return `says ${d.text} yuan, the rows add up to ${formatYuanPlain(d.rowsFen)}`;
    case "summary_count":
      return `says ${d.text}, the file has ${d.rows} rows`;
    case "not_gbk":
      return "bytes that are not GBK text";
    case "not_date":
      return `"${d.text}" is not a date like ${d.example}`;
    case "bank_in_out":
      return "exactly one of the money in and money out columns must be above 0";
  }
}

function zh(r: ReconReason): string {
  const w = (p: Provider) => WALLET_ZH[p];
  switch (r.code) {
    case "matched":
      return "";
    case "reversed":
      return "已在收银台撤销：总部没有此笔销售，不结算";
    case "reversed_but_sold":
      return `${w(r.provider)}已撤销这笔支付，但总部有一笔用它付款的销售（${y(r.hqFen)}）`;
    case "not_at_hq":
      return `${w(r.provider)}结算了 ${y(r.fileFen)}，但总部没有此交易号的销售支付`;
    case "refund_not_at_hq":
      return `${w(r.provider)}退款 ${y(r.fileFen)}（退款单号 ${r.refundId}），但总部没有此退款单号的退货支付`;
    case "no_reference":
      return `总部这笔${DOC_ZH[r.docKind]}的支付没有${w(r.provider)}交易号，无法在账单中找到`;
    case "not_in_file":
      return r.docKind === "return"
        ? `总部有一笔 ${y(r.hqFen)}的${w(r.provider)}退款，账单中没有`
        : `总部有一笔 ${y(r.hqFen)}的${w(r.provider)}销售收款，账单未结算`;
    case "amount_mismatch":
    case "refund_mismatch":
      return `账单${r.code === "refund_mismatch" ? "退款" : "收款"} ${y(r.fileFen)}，总部 ${y(r.hqFen)}（${DOC_ZH[r.docKind]} ${r.docId}）：相差 ${y(r.fileFen - r.hqFen)}`;
    case "fee_mismatch":
      return `账单手续费 ${y(r.feeFen)}，按签约费率 ${formatRatePpm(r.ratePpm)} 计 ${y(r.amountFen)}的手续费应为 ${y(r.dueFen)}`;
    case "duplicate":
      return `同一笔${ENTRY_ZH[r.entryKind]}已在文件第 ${r.firstRow} 行出现`;
    case "bad_row":
      return `第 ${r.row} 行${r.column === "*" ? "整行" : `「${r.column}」列`}：${detailZh(r.detail)}`;
    case "settlement_amount":
      return `银行 ${r.on} 收到${w(r.provider)} ${y(r.bankFen)}，${r.billDate} 的账单应结算 ${y(r.billFen)}：相差 ${y(r.bankFen - r.billFen)}`;
    case "settlement_missing":
      return `${w(r.provider)} ${r.billDate} 的账单应结算 ${y(r.billFen)}；银行对账单上 ${r.billDate} 之后 1 至 ${r.days} 天内没有这笔到账`;
    case "unexpected_credit":
      return `银行 ${r.on} 收到${w(r.provider)} ${y(r.bankFen)}，没有对应的已导入账单（请导入当天的${w(r.provider)}账单）`;
    case "other_merchant":
      return `这一行属于${w(r.provider)}商户号「${r.merchantId || "（未注明）"}」，不是本连锁的商户号（${r.expected.join("、") || "未配置"}）：不与总部的支付核对，不入账`;
    case "other_store":
      return `账单称这笔支付属于门店 ${r.fileStore}，但总部记录它在门店 ${r.hqStore}（${DOC_ZH[r.docKind]} ${r.docId}）：不核对，不入账`;
  }
}

function en(r: ReconReason): string {
  switch (r.code) {
    case "matched":
      return "";
    case "reversed":
      return "reversed at the till: no sale at HQ, nothing settled";
    case "reversed_but_sold":
      return `${NAME[r.provider]} reversed this payment, but HQ holds a sale paid with it (${y(r.hqFen)})`;
    case "not_at_hq":
      return `${NAME[r.provider]} settled ${y(r.fileFen)} but HQ holds no sale tender with this transaction id`;
    case "refund_not_at_hq":
      return `${NAME[r.provider]} refunded ${y(r.fileFen)} (refund ${r.refundId}) but HQ holds no return tender with this refund id`;
    case "no_reference":
      return `HQ holds no ${NAME[r.provider]} transaction id for this ${r.docKind}'s tender: it cannot be found in the file`;
    case "not_in_file":
      return r.docKind === "sale"
        ? `HQ holds a ${NAME[r.provider]} sale tender of ${y(r.hqFen)} that the file does not settle`
        : `HQ holds a ${NAME[r.provider]} refund of ${y(r.hqFen)} that the file does not list`;
    case "amount_mismatch":
    case "refund_mismatch":
      return `${r.code === "refund_mismatch" ? "refunded" : "paid"} ${y(r.fileFen)} in the file, ${y(r.hqFen)} at HQ (${r.docKind} ${r.docId}): ${y(r.fileFen - r.hqFen)} apart`;
    case "fee_mismatch":
      return `fee ${y(r.feeFen)} in the file, ${y(r.dueFen)} at the contracted ${formatRatePpm(r.ratePpm)} of ${y(r.amountFen)}`;
    case "duplicate":
      return `the same ${r.entryKind} is already on line ${r.firstRow} of the file`;
    case "bad_row":
      return `line ${r.row}, ${r.column}: ${detailEn(r.detail)}`;
    case "settlement_amount":
      return `the bank received ${y(r.bankFen)} from ${NAME[r.provider]} on ${r.on}, the ${r.billDate} bill settles ${y(r.billFen)}: ${y(r.bankFen - r.billFen)} apart`;
    case "settlement_missing":
      return `${NAME[r.provider]}'s ${r.billDate} bill settles ${y(r.billFen)}; no such credit from ${r.billDate} +1..${r.days} days on the statement`;
    case "unexpected_credit":
      return `${y(r.bankFen)} from ${NAME[r.provider]} on ${r.on} matches no imported bill (import that day's ${NAME[r.provider]} file)`;
    case "other_merchant":
      return `this line is ${NAME[r.provider]} merchant "${r.merchantId || "(not named)"}", not one of the chain's (${r.expected.join(", ") || "none configured"}): never matched to our tenders nor posted`;
    case "other_store":
      return `the file claims this payment for store ${r.fileStore}, HQ holds it at store ${r.hqStore} (${r.docKind} ${r.docId}): not matched, not posted`;
  }
}

/** A parser's finding about one line, in the language asked. */
export function reconRowDetailText(d: ReconRowDetail, lang: "zh" | "en"): string {
  return lang === "en" ? detailEn(d) : detailZh(d);
}

/** An item's reason in the language asked; "" for a matched item. */
export function reconReasonText(r: ReconReason, lang: "zh" | "en"): string {
  return lang === "en" ? en(r) : zh(r);
}
