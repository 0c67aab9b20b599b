// A bank statement against what the wallets said they would pay out (pure): each imported
// WeChat Pay / Alipay day settles its net (payments - refunds - fees) to the bank one to three
// days later (T+1 normally; weekends and holidays move it). A wallet's credit on the statement
// (by counterparty: 财付通 = WeChat Pay, 支付宝 = Alipay) matches the day with that net; what is
// left over on either side is a difference with its reason. Other bank lines are not wallets'.
import { type BankLine, providerOfBankLine } from "./bank-statement.ts";
import type { Provider, RowProblem } from "./bill.ts";
import { because, type MatchItem } from "./match.ts";

export interface ExpectedSettlement {
  provider: Provider;
  billDate: string;
  netFen: number;
}

const addDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** Bank lines that pay out a wallet settlement may arrive this many days after the bill's day. */
export const SETTLEMENT_DAYS = 3;

export function matchBank(
  lines: BankLine[],
  problems: RowProblem[],
  expected: ExpectedSettlement[],
): MatchItem[] {
  const items: MatchItem[] = [];
  const credits = lines.filter((l) => l.amountFen > 0 && providerOfBankLine(l));
  const used = new Set<BankLine>();
  const inWindow = (l: BankLine, e: ExpectedSettlement) =>
    providerOfBankLine(l) === e.provider &&
    l.date > e.billDate &&
    l.date <= addDays(e.billDate, SETTLEMENT_DAYS);
  const item = (l: BankLine | undefined, e: ExpectedSettlement | undefined): MatchItem => ({
    status: "matched",
    kind: "settlement",
    transactionId: l?.reference ?? "",
    refundId: "",
    storeId: null,
    docKind: null,
    docId: e ? `${e.provider}:${e.billDate}` : null,
    fileFen: l?.amountFen ?? null,
    hqFen: e?.netFen ?? null,
    settledFen: 0,
    feeFen: 0,
    row: l?.row ?? null,
    column: null,
    ...because({ code: "matched" }),
  });
  const open: ExpectedSettlement[] = [];
  for (const e of expected) {
    const l = credits.find((c) => !used.has(c) && inWindow(c, e) && c.amountFen === e.netFen);
    if (l) {
      used.add(l);
      items.push(item(l, e));
    } else open.push(e);
  }
  for (const e of open) {
    const l = credits.find((c) => !used.has(c) && inWindow(c, e));
    if (l) {
      used.add(l);
      items.push({
        ...item(l, e),
        status: "settlement_amount",
        ...because({
          code: "settlement_amount",
          provider: e.provider,
          on: l.date,
          billDate: e.billDate,
          bankFen: l.amountFen,
          billFen: e.netFen,
        }),
      });
    } else
      items.push({
        ...item(undefined, e),
        status: "settlement_missing",
        ...because({
          code: "settlement_missing",
          provider: e.provider,
          billDate: e.billDate,
          billFen: e.netFen,
          days: SETTLEMENT_DAYS,
        }),
      });
  }
  for (const l of credits)
    if (!used.has(l))
      items.push({
        ...item(l, undefined),
        status: "unexpected_credit",
        ...because({
          code: "unexpected_credit",
          provider: providerOfBankLine(l)!,
          on: l.date,
          bankFen: l.amountFen,
        }),
      });
  for (const p of problems)
    items.push({
      ...item(undefined, undefined),
      kind: "row",
      status: "bad_row",
      row: p.row,
      column: p.column,
      ...because({ code: "bad_row", row: p.row, column: p.column, detail: p.detail }),
    });
  return items;
}
