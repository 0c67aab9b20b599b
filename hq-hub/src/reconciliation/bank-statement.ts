// A plain bank statement CSV (UTF-8, or GBK as most Chinese banks' exports), one header row:
//   交易日期,流水号,对方户名,摘要,收入金额,支出金额,余额
// (or the English names date,reference,counterparty,memo,credit,debit,balance; columns in any
// order, 余额/balance optional). 交易日期 is YYYY-MM-DD (or YYYYMMDD); exactly one of 收入金额
// and 支出金额 is a positive yuan amount, the other empty or 0. Each bank formats its export
// differently; this is the common core they all carry, so a bank's file is mapped to it once.
import { yuanAmount } from "./amount.ts";
import { BillFormatError, type RowProblem, rowProblem } from "./bill.ts";
import { csvLines, headerKey } from "./csv.ts";
import type { RowDetail } from "./reason.ts";

export interface BankLine {
  row: number;
  date: string;
  reference: string;
  counterparty: string;
  memo: string;
  /** Money in (> 0) or out (< 0), fen. */
  amountFen: number;
}

export const BANK_COLUMNS = {
  date: ["交易日期", "date"],
  reference: ["流水号", "reference"],
  counterparty: ["对方户名", "counterparty"],
  memo: ["摘要", "memo"],
  credit: ["收入金额", "credit"],
  debit: ["支出金额", "debit"],
} as const;

export function decodeStatementBytes(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder("gbk").decode(bytes);
  }
}

export function parseBankStatement(input: Uint8Array | string): {
  lines: BankLine[];
  problems: RowProblem[];
} {
  const text = typeof input === "string" ? input : decodeStatementBytes(input);
  const all = csvLines(text);
  const head = all[0];
  if (!head) throw new BillFormatError("file", "the bank statement is empty");
  const names = head.fields.map((h) => headerKey(h).toLowerCase());
  const col = {} as Record<keyof typeof BANK_COLUMNS, number>;
  for (const [key, aliases] of Object.entries(BANK_COLUMNS) as [
    keyof typeof BANK_COLUMNS,
    readonly string[],
  ][]) {
    col[key] = names.findIndex((n) => aliases.includes(n));
    if (col[key] < 0)
      throw new BillFormatError(
        "header",
        `the bank statement has no column ${aliases.join(" / ")} (line 1: ${head.raw.slice(0, 80)})`,
      );
  }
  const lines: BankLine[] = [];
  const problems: RowProblem[] = [];
  for (const l of all.slice(1)) {
    const f = l.fields.map((x) => x.trim());
    const bad = (column: string, detail: RowDetail) =>
      problems.push(rowProblem(l.line, column, detail, l.raw));
    if (f.length < names.length) {
      bad("*", { code: "field_count", fields: f.length, header: names.length });
      continue;
    }
    const rawDate = f[col.date]!;
    const d = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(rawDate);
    const date = d ? `${d[1]}-${d[2]}-${d[3]}` : "";
    if (
      !d ||
      Number.isNaN(Date.parse(`${date}T00:00:00Z`)) ||
      new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10) !== date
    ) {
      bad(head.fields[col.date]!.trim(), {
        code: "not_date",
        text: rawDate.slice(0, 30),
        example: "2026-12-07",
      });
      continue;
    }
    const amount = (key: "credit" | "debit"): number | undefined => {
      const r = yuanAmount(f[col[key]] || "0");
      if ("problem" in r) return void bad(head.fields[col[key]]!.trim(), r.problem);
      if (r.fen < 0) return void bad(head.fields[col[key]]!.trim(), { code: "negative" });
      return r.fen;
    };
    const credit = amount("credit");
    const debit = amount("debit");
    if (credit === undefined || debit === undefined) continue;
    if (credit > 0 === debit > 0) {
      bad(head.fields[col.credit]!.trim(), { code: "bank_in_out" });
      continue;
    }
    lines.push({
      row: l.line,
      date,
      reference: f[col.reference]!,
      counterparty: f[col.counterparty]!,
      memo: f[col.memo]!,
      amountFen: credit - debit,
    });
  }
  return { lines, problems };
}

/** Which wallet a bank line's money came from, by its counterparty (财付通 = WeChat Pay). */
export function providerOfBankLine(l: BankLine): "wechat" | "alipay" | undefined {
  const who = `${l.counterparty} ${l.memo}`;
  if (/财付通|微信|tenpay|wechat/i.test(who)) return "wechat";
  if (/支付宝|alipay/i.test(who)) return "alipay";
  return undefined;
}
