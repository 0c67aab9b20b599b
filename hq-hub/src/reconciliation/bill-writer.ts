// Writes settlement files in the providers' published formats from what was paid: the demo's
// simulated day (scripts/demo/reconciliation.ts) and the tests' fixtures. The columns are the
// parsers' (wechat-bill.ts, alipay-bill.ts), so a file written here reads back entry for entry.
import { formatYuanPlain } from "@retail/protocol";
import { ALIPAY_COLUMNS } from "./alipay-bill.ts";
import type { SettlementEntry } from "./bill.ts";
import { WECHAT_COLUMNS, WECHAT_SUMMARY_COLUMNS } from "./wechat-bill.ts";

export type PaidEntry = Omit<SettlementEntry, "row">;

const yuan = (fen: number) => formatYuanPlain(fen);

/** WeChat Pay's trade bill (bill_type=ALL): header, backticked rows, summary header and row. */
export function writeWechatBill(entries: PaidEntry[], opts: { appId?: string; mchId?: string } = {}): string {
  const appId = opts.appId ?? "wx8888888888888888";
  const mchId = opts.mchId ?? "1900000109";
  const rows = entries.map((e) => {
    const refund = e.kind === "refund";
    const v: Record<(typeof WECHAT_COLUMNS)[number], string> = {
      交易时间: e.at,
      公众账号ID: appId,
      商户号: mchId,
      特约商户号: "0",
      设备号: e.storeCode ?? "",
      微信订单号: e.transactionId,
      商户订单号: e.merchantOrderNo,
      用户标识: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
      交易类型: "MICROPAY",
      交易状态: refund ? "REFUND" : e.kind === "reversed" ? "REVOKED" : "SUCCESS",
      付款银行: "OTHERS",
      货币种类: "CNY",
      应结订单金额: refund ? "0.00" : yuan(e.settledFen),
      代金券金额: "0.00",
      微信退款单号: refund ? e.refundId : "0",
      商户退款单号: refund ? `R${e.merchantOrderNo}`.slice(0, 64) : "0",
      退款金额: refund ? yuan(e.settledFen) : "0.00",
      充值券退款金额: "0.00",
      退款类型: refund ? "ORIGINAL" : "",
      退款状态: refund ? "SUCCESS" : "",
      商品名称: "门店消费",
      商户数据包: "",
      手续费: `${yuan(e.feeFen)}000`,
      费率: "0.38%",
      订单金额: refund ? "0.00" : yuan(e.amountFen),
      申请退款金额: refund ? yuan(e.amountFen) : "0.00",
      费率备注: "",
    };
    return WECHAT_COLUMNS.map((c) => `\`${v[c]}`).join(",");
  });
  const sum = (f: (e: PaidEntry) => number) => entries.reduce((s, e) => s + f(e), 0);
  const summary = [
    String(entries.length),
    yuan(sum((e) => (e.kind === "refund" ? 0 : e.settledFen))),
    yuan(sum((e) => (e.kind === "refund" ? e.settledFen : 0))),
    "0.00",
    `${yuan(sum((e) => e.feeFen))}000`,
    yuan(sum((e) => (e.kind === "refund" ? 0 : e.amountFen))),
    yuan(sum((e) => (e.kind === "refund" ? e.amountFen : 0))),
  ];
  return [
    WECHAT_COLUMNS.join(","),
    ...rows,
    WECHAT_SUMMARY_COLUMNS.join(","),
    summary.map((s) => `\`${s}`).join(","),
    "",
  ].join("\r\n");
}

/** Alipay's 业务明细 as text (encode with encodeGbk for the real file's bytes). */
export function writeAlipayBill(
  entries: PaidEntry[],
  opts: { account?: string; day: string; exportedAt?: string },
): string {
  const account = opts.account ?? "20881234567890120156";
  const rows = entries.map((e) => {
    const refund = e.kind === "refund";
    const sign = refund ? -1 : 1;
    const v: Record<(typeof ALIPAY_COLUMNS)[number], string> = {
      支付宝交易号: e.transactionId,
      商户订单号: e.merchantOrderNo,
      业务类型: refund ? "退款" : "交易",
      商品名称: "门店消费",
      创建时间: e.at,
      完成时间: e.at,
      门店编号: e.storeCode ?? "",
      门店名称: "",
      操作员: "",
      终端号: "",
      对方账户: "138****8888",
      "订单金额（元）": yuan(sign * e.amountFen),
      "商家实收（元）": yuan(sign * e.settledFen),
      "支付宝红包（元）": "0.00",
      "集分宝（元）": "0.00",
      "支付宝优惠（元）": "0.00",
      "商家优惠（元）": "0.00",
      "券核销金额（元）": "0.00",
      券名称: "",
      "商家红包消费金额（元）": "0.00",
      "卡消费金额（元）": "0.00",
      "退款批次号/请求号": refund ? e.refundId.slice(e.refundId.indexOf(":") + 1) : "",
      "服务费（元）": yuan(-e.feeFen),
      "分润（元）": "0.00",
      备注: "",
    };
    return `${ALIPAY_COLUMNS.map((c) => v[c]).join(",")},`;
  });
  const trades = entries.filter((e) => e.kind !== "refund");
  const refunds = entries.filter((e) => e.kind === "refund");
  const sum = (xs: PaidEntry[], f: (e: PaidEntry) => number) => xs.reduce((s, e) => s + f(e), 0);
  const d = opts.day.replace(/-/g, "");
  const cn = `${d.slice(0, 4)}年${d.slice(4, 6)}月${d.slice(6, 8)}日`;
  return [
    "#支付宝业务明细查询",
    `#账号：[${account}]`,
    `#起始日期：[${cn} 00:00:00]   终止日期：[${cn} 23:59:59]`,
    "#-----------------------------------------业务明细列表----------------------------------------",
    `${ALIPAY_COLUMNS.join(",")},`,
    ...rows,
    "#-----------------------------------------业务明细列表结束------------------------------------",
    `#交易合计：${trades.length}笔，商家实收共${yuan(sum(trades, (e) => e.settledFen))}元，服务费共${yuan(-sum(trades, (e) => e.feeFen))}元`,
    `#退款合计：${refunds.length}笔，商家实收共${yuan(-sum(refunds, (e) => e.settledFen))}元，服务费共${yuan(-sum(refunds, (e) => e.feeFen))}元`,
    `#导出时间：[${opts.exportedAt ?? `${opts.day} 09:00:00`}]`,
    "",
  ].join("\r\n");
}

let gbkTable: Map<string, number> | undefined;

/** Encodes text as GBK (the table is built once from the platform's GBK decoder). */
export function encodeGbk(text: string): Uint8Array {
  if (!gbkTable) {
    gbkTable = new Map();
    const dec = new TextDecoder("gbk");
    for (let hi = 0x81; hi <= 0xfe; hi++)
      for (let lo = 0x40; lo <= 0xfe; lo++) {
        if (lo === 0x7f) continue;
        const ch = dec.decode(new Uint8Array([hi, lo]));
        if (ch.length === 1 && ch !== "\uFFFD" && !gbkTable.has(ch)) gbkTable.set(ch, (hi << 8) | lo);
      }
  }
  const out: number[] = [];
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) out.push(c);
    else {
      const code = gbkTable.get(ch);
      if (code === undefined) throw new Error(`"${ch}" has no GBK code`);
      out.push(code >> 8, code & 0xff);
    }
  }
  return Uint8Array.from(out);
}
