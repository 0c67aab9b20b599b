// A reconciliation item's reason in Chinese words (zh-CN mode of 支付对账). The hub answers each
// item with its status, the amounts and ids it compared, and an English sentence; the Chinese
// sentence is built from the status and those fields, and the few parameters only the sentence
// carries (the contracted rate and the fee due, a duplicate's first line, a bank line's date, a
// parser's detail about a bad row) are read back from it. An English detail this does not know
// is kept as it came, after the Chinese part, rather than lost.
import { formatYuanCn } from "@retail/protocol";
import type { ReconItem, ReconRun } from "./api-types.ts";

type Wallet = "wechat" | "alipay";
const WALLET_ZH: Record<Wallet, string> = { wechat: "微信支付", alipay: "支付宝" };
const y = (fen: number | null) => (fen === null ? "—" : formatYuanCn(fen));

/** The wallet an item is about: the run's own, or for a bank statement the bill it settles. */
function walletOf(item: ReconItem, source: ReconRun["source"]): string {
  if (source !== "bank") return WALLET_ZH[source];
  const fromDoc = item.docId?.split(":")[0];
  if (fromDoc === "wechat" || fromDoc === "alipay") return WALLET_ZH[fromDoc];
  if (/WeChat Pay/.test(item.reason)) return WALLET_ZH.wechat;
  if (/Alipay/.test(item.reason)) return WALLET_ZH.alipay;
  return "钱包";
}

/** A parser's detail about one bad line, in Chinese when it is one of the hub's known sentences. */
const DETAILS: [RegExp, (...m: string[]) => string][] = [
  [/^(\d+) fields, the header has (\d+)$/, (n, h) => `有 ${n} 个字段，表头有 ${h} 个`],
  [/^"(.*)" is not a yuan amount like 12\.34$/s, (v) => `「${v}」不是形如 12.34 的元金额`],
  [/^"(.*)" has a fraction of a fen$/s, (v) => `「${v}」有不足一分的尾数`],
  [/^"(.*)" is above (\d+) yuan$/s, (v, max) => `「${v}」超过 ${max} 元`],
  [/^must be above 0, got (.*)$/s, (v) => `必须大于 0，实为 ${v}`],
  [/^must not be negative$/, () => "不能为负数"],
  [
    /^unknown status "(.*)" \(SUCCESS, REFUND or REVOKED\)$/s,
    (v) => `未知的交易状态「${v}」（应为 SUCCESS、REFUND 或 REVOKED）`,
  ],
  [/^unknown 业务类型 "(.*)" \(交易 or 退款\)$/s, (v) => `未知的业务类型「${v}」（应为 交易 或 退款）`],
  [/^"(.*)" is not a transaction id$/s, (v) => `「${v}」不是交易号`],
  [/^is empty$/, () => "为空"],
  [/^a refund row needs the refund id, got "(.*)"$/s, (v) => `退款行需要微信退款单号，实为「${v}」`],
  [
    /^a refund row needs its request number, got "(.*)"$/s,
    (v) => `退款行需要退款批次号/请求号，实为「${v}」`,
  ],
  [
    /^a (.+) row's amount must be (above|below) 0, got (.*)$/s,
    (type, dir, v) => `${type}行的金额必须${dir === "above" ? "大于" : "小于"} 0，实为 ${v}`,
  ],
  [/^has the wrong sign for (.+): (.*)$/s, (type, v) => `对${type}而言正负号不对：${v}`],
  [/^the summary row is missing$/, () => "缺少汇总行"],
  [/^says (.*) yuan, the rows add up to (.*)$/s, (v, sum) => `汇总为 ${v} 元，各行合计 ${sum} 元`],
  [/^says (.*), the file has (\d+) rows$/s, (v, n) => `汇总为 ${v}，文件中有 ${n} 行`],
  [/^bytes that are not GBK text$/, () => "含有不是 GBK 编码的字节"],
  [/^"(.*)" is not a date like (\S+)$/s, (v, ex) => `「${v}」不是形如 ${ex} 的日期`],
  [
    /^exactly one of the money in and money out columns must be above 0$/,
    () => "收入金额与支出金额必须恰有一个大于 0",
  ],
];

function badRowZh(item: ReconItem): string {
  const column = item.column === "*" || !item.column ? "整行" : `「${item.column}」列`;
  const detail = item.reason.replace(/^line \d+, [^:]*: /s, "");
  for (const [re, zh] of DETAILS) {
    const m = re.exec(detail);
    if (m) return `第 ${item.row ?? "?"} 行${column}：${zh(...m.slice(1))}`;
  }
  return `第 ${item.row ?? "?"} 行${column}无法读取：${detail}`;
}

const DOC_ZH = { sale: "销售", return: "退货" } as const;

/** The item's reason in Chinese; "" for a matched item (the hub gives none either). */
export function reasonZh(item: ReconItem, source: ReconRun["source"]): string {
  const w = walletOf(item, source);
  const doc = item.docKind ? `${DOC_ZH[item.docKind]} ${item.docId ?? ""}`.trim() : "";
  const refund = item.kind === "refund";
  switch (item.status) {
    case "matched":
      return "";
    case "reversed":
      return "已在收银台撤销：总部没有此笔销售，不结算";
    case "reversed_but_sold":
      return `${w}已撤销这笔支付，但总部有一笔用它付款的销售（${y(item.hqFen)}）`;
    case "not_at_hq":
      return refund
        ? `${w}退款 ${y(item.fileFen)}（退款单号 ${item.refundId}），但总部没有此退款单号的退货支付`
        : `${w}结算了 ${y(item.fileFen)}，但总部没有此交易号的销售支付`;
    case "not_in_file":
      if (!item.transactionId && !item.refundId)
        return `总部这笔${item.docKind ? DOC_ZH[item.docKind] : ""}的支付没有${w}交易号，无法在账单中找到`;
      return item.docKind === "return"
        ? `总部有一笔 ${y(item.hqFen)}的${w}退款，账单中没有`
        : `总部有一笔 ${y(item.hqFen)}的${w}销售收款，账单未结算`;
    case "amount_mismatch":
    case "refund_mismatch": {
      const diff = item.fileFen !== null && item.hqFen !== null ? y(item.fileFen - item.hqFen) : "—";
      return `账单${item.status === "refund_mismatch" ? "退款" : "收款"} ${y(item.fileFen)}，总部 ${y(item.hqFen)}${doc ? `（${doc}）` : ""}：相差 ${diff}`;
    }
    case "fee_mismatch": {
      const m = /in the file, (-?[\d,.]+) 元 at the contracted (\S+%)/.exec(item.reason);
      return m
        ? `账单手续费 ${y(item.feeFen)}，按签约费率 ${m[2]} 计 ${y(item.fileFen)}的手续费应为 ${m[1]} 元`
        : `账单手续费 ${y(item.feeFen)} 与签约费率不符`;
    }
    case "duplicate": {
      const first = /on line (\d+)/.exec(item.reason)?.[1];
      return `同一笔${refund ? "退款" : "支付"}已在文件第 ${first ?? "?"} 行出现`;
    }
    case "bad_row":
      return badRowZh(item);
    case "settlement_missing": {
      const day = item.docId?.split(":")[1] ?? "";
      const days = /\+1\.\.(\d+) days/.exec(item.reason)?.[1] ?? "3";
      return `${w} ${day} 的账单应结算 ${y(item.hqFen)}；银行对账单上 ${day} 之后 1 至 ${days} 天内没有这笔到账`;
    }
    case "settlement_amount": {
      const on = / on (\d{4}-\d\d-\d\d)/.exec(item.reason)?.[1] ?? "";
      const day = item.docId?.split(":")[1] ?? "";
      const diff = item.fileFen !== null && item.hqFen !== null ? y(item.fileFen - item.hqFen) : "—";
      return `银行 ${on} 收到${w} ${y(item.fileFen)}，${day} 的账单应结算 ${y(item.hqFen)}：相差 ${diff}`;
    }
    case "unexpected_credit": {
      const on = / on (\d{4}-\d\d-\d\d)/.exec(item.reason)?.[1] ?? "";
      return `银行 ${on} 收到${w} ${y(item.fileFen)}，没有对应的已导入账单（请导入当天的${w}账单）`;
    }
    default:
      return item.reason;
  }
}
