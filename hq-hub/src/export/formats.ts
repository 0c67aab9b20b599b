// The voucher export formats, pure: vouchers in, the rows of each target's import file out.
// Columns are documented in docs/hq-hub.md ("Voucher export"). Amounts leave as exact yuan
// decimals made from integer fen ("113.00"), never through a float.
import { formatYuanPlain } from "@retail/protocol";
import type { Cell } from "./xlsx.ts";

export interface ExportVoucher {
  id: number;
  /** The voucher's number in its company and month (1, 2, ... by posting order). */
  number: number;
  companyId: string;
  storeId: string;
  businessDay: string;
  sourceDay: string;
  sourceKind: string | null;
  sourceId: string | null;
  memo: string;
  lines: { account: string; accountName: string; debitFen: number; creditFen: number }[];
}

export const FORMATS = ["kingdee", "yonyou", "csv", "xlsx"] as const;
export type ExportFormat = (typeof FORMATS)[number];

/** 记账凭证: the general voucher word both packages ship with (收/付/转 are optional words). */
const WORD = "记";
const num = (fen: number) => ({ number: formatYuanPlain(fen) });

/** 摘要 as both packages take it: one line, at most 60 characters. */
export function summaryOf(memo: string): string {
  return [...memo.replace(/[\r\n\t]+/g, " ")].slice(0, 60).join("");
}

/** 金蝶 KIS / K3 凭证引入 (Excel): one row per entry, a voucher's rows together. */
export const KINGDEE_COLUMNS = [
  "日期",
  "凭证字",
  "凭证号",
  "附单据数",
  "摘要",
  "科目代码",
  "科目名称",
  "借方金额",
  "贷方金额",
  "币别",
  "汇率",
  "数量",
  "单价",
  "制单人",
  "审核人",
  "过账人",
] as const;

export function kingdeeRows(vouchers: readonly ExportVoucher[], preparer: string): Cell[][] {
  const rows: Cell[][] = [[...KINGDEE_COLUMNS]];
  for (const v of vouchers)
    for (const l of v.lines)
      rows.push([
        v.businessDay,
        WORD,
        { number: String(v.number) },
        { number: "0" },
        summaryOf(v.memo),
        l.account,
        l.accountName,
        num(l.debitFen),
        num(l.creditFen),
        "RMB",
        { number: "1" },
        null,
        null,
        preparer,
        null,
        null,
      ]);
  return rows;
}

/**
 * 用友 U8 总账工具 凭证引入 text: one line per entry, comma-separated, no header, the eight
 * required fields (制单日期, 凭证类别字, 业务号, 附单据数, 摘要, 科目编码, 金额借方, 金额贷方);
 * the optional fields after them are left off, as the format allows. [制单日期 + 凭证类别字 +
 * 业务号] identifies a voucher: 业务号 is the hub's voucher id.
 */
export const YONYOU_FIELDS = [
  "制单日期",
  "凭证类别字",
  "业务号",
  "附单据数",
  "摘要",
  "科目编码",
  "金额借方",
  "金额贷方",
] as const;

export function yonyouText(vouchers: readonly ExportVoucher[]): string {
  const field = (s: string) => s.replace(/,/g, "，").replace(/"/g, "”");
  const lines: string[] = [];
  for (const v of vouchers)
    for (const l of v.lines)
      lines.push(
        [
          v.businessDay,
          WORD,
          `V${v.id}`,
          "0",
          field(summaryOf(v.memo)),
          field(l.account),
          formatYuanPlain(l.debitFen),
          formatYuanPlain(l.creditFen),
        ].join(","),
      );
  return lines.length ? `${lines.join("\r\n")}\r\n` : "";
}

/** The plain export (CSV and XLSX): every field the hub keeps, one row per voucher line. */
export const PLAIN_COLUMNS = [
  "voucher_id",
  "voucher_no",
  "company_id",
  "store_id",
  "business_day",
  "source_day",
  "source_kind",
  "source_id",
  "memo",
  "line_no",
  "account",
  "account_name",
  "debit_yuan",
  "credit_yuan",
  "debit_fen",
  "credit_fen",
] as const;

export function plainRows(vouchers: readonly ExportVoucher[]): Cell[][] {
  const rows: Cell[][] = [[...PLAIN_COLUMNS]];
  for (const v of vouchers)
    for (const [i, l] of v.lines.entries())
      rows.push([
        { number: String(v.id) },
        { number: String(v.number) },
        v.companyId,
        v.storeId,
        v.businessDay,
        v.sourceDay,
        v.sourceKind ?? "sales_day",
        v.sourceId ?? `${v.storeId}/${v.sourceDay}`,
        v.memo,
        { number: String(i + 1) },
        l.account,
        l.accountName,
        num(l.debitFen),
        num(l.creditFen),
        { number: String(l.debitFen) },
        { number: String(l.creditFen) },
      ]);
  return rows;
}

/** RFC 4180 CSV; a text cell a spreadsheet would run as a formula (=, +, -, @) gets a leading '. */
export function csv(rows: readonly (readonly Cell[])[]): string {
  const text = (c: Cell) => {
    if (c === null) return "";
    if (typeof c === "object") return c.number;
    const safe = /^[=+\-@\t\r]/.test(c) ? `'${c}` : c;
    return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  return `\ufeff${rows.map((r) => r.map(text).join(",")).join("\r\n")}\r\n`;
}
