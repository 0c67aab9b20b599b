// Double-entry bookkeeping of a store's business day, pure: what the day's sales, returns,
// tenders and cash over/short mean for the accounts (China CAS chart, zh-CN names), the
// difference between that and what earlier vouchers already posted, and the balance check.
// All amounts are integer fen.

/** The accounts posting uses. 1012.xx and 1122.01 are sub-accounts of the CAS codes. */
export const ACCOUNTS = {
  "1001": "库存现金",
  "1012.01": "其他货币资金—微信支付",
  "1012.02": "其他货币资金—支付宝",
  "1122.01": "应收账款—银行卡待结算",
  "2203.01": "预收账款—储值卡/购物券",
  "6001": "主营业务收入",
  "2221.01.01": "应交税费—应交增值税(销项税额)",
  "1901": "待处理财产损溢",
  "6601.02": "销售费用—会员积分抵现",
} as const;
export type Account = keyof typeof ACCOUNTS;

export type TenderKind = "cash" | "card" | "wechat" | "alipay" | "voucher" | "points";
/** Where money taken (or refunded) with each tender lands. A voucher redeems a prepaid liability. */
export const TENDER_ACCOUNT: Record<TenderKind, Account> = {
  cash: "1001",
  card: "1122.01",
  wechat: "1012.01",
  alipay: "1012.02",
  voucher: "2203.01",
  // Points paid part of the sale: the revenue is the full price (HQ's audit prices it so), and
  // the points, accrued as no liability when earned, are the chain's selling expense when spent.
  points: "6601.02",
};

/**
 * The accounts a sales day posts to: the company's posting rules (accounts/, data an HQ admin
 * edits), the built-in CAS accounts above by default.
 */
export interface SalesAccounts {
  tender: Record<TenderKind, string>;
  revenue: string;
  outputVat: string;
  /** Where unknown tender kinds and shift over/short wait for a decision. */
  suspense: string;
  /** Where shift over/short cash is counted. */
  cash: string;
}
export const CAS_SALES_ACCOUNTS: SalesAccounts = {
  tender: TENDER_ACCOUNT,
  revenue: "6001",
  outputVat: "2221.01.01",
  suspense: "1901",
  cash: "1001",
};

export class UnbalancedVoucherError extends Error {
  override readonly name = "UnbalancedVoucherError";
  constructor(
    readonly field: string,
    readonly debitFen: number,
    readonly creditFen: number,
  ) {
    super(`${field}: debits ${debitFen} fen != credits ${creditFen} fen`);
  }
}

/** Debit and credit totals per account. */
export type Totals = Map<string, { debitFen: number; creditFen: number }>;

/** What ingested rows of one (store, day) contribute; any subset of a day's rows. */
export interface DayRows {
  sales: { netFen: number; taxFen: number }[];
  returns: { refundFen: number; taxFen: number }[];
  tenders: { docKind: "sale" | "return"; kind: string; amountFen: number }[];
  /** Shift over/short changes (counted - expected): positive is cash over. */
  overShortFen: number[];
}

/** Thrown when a figure leaves the exact integer range (2^53 fen): nothing is posted from it. */
export class LedgerRangeError extends Error {
  override readonly name = "LedgerRangeError";
  constructor(
    readonly field: string,
    readonly value: number,
  ) {
    super(
      `${field}: ${value} is not an exact integer number of fen (beyond 2^53; the data exceeds the protocol's money caps)`,
    );
  }
}

/** a + b, exact or LedgerRangeError naming `field`. */
function plusFen(a: number, b: number, field: string): number {
  const s = a + b;
  if (!Number.isSafeInteger(b)) throw new LedgerRangeError(field, b);
  if (!Number.isSafeInteger(s)) throw new LedgerRangeError(field, s);
  return s;
}

function add(t: Totals, account: string, debitFen: number, creditFen: number) {
  if (debitFen === 0 && creditFen === 0) return;
  const e = t.get(account) ?? { debitFen: 0, creditFen: 0 };
  e.debitFen = plusFen(e.debitFen, debitFen, `${account}.debit`);
  e.creditFen = plusFen(e.creditFen, creditFen, `${account}.credit`);
  t.set(account, e);
}

function accountOfTender(kind: string, accounts: SalesAccounts): string {
  const a = Object.hasOwn(accounts.tender, kind) ? accounts.tender[kind as TenderKind] : undefined;
  // The protocol's schema admits only the kinds above; anything else would be a new kind the
  // chart does not know yet, and must not vanish from the books: it waits in suspense.
  return a ?? accounts.suspense;
}

/**
 * The accounts' view of some of a day's rows. Linear: the summary of two sets of rows is the
 * sum of their summaries, so it can be folded in as rows arrive. Always balanced:
 *  - sale: Dr tender accounts (what was paid, change already deducted); Cr 6001 net - tax,
 *    Cr 2221.01.01 tax;
 *  - return: Dr 6001 refund - tax, Dr 2221.01.01 tax; Cr the refund's tender accounts;
 *  - shift over: Dr 1001, Cr 1901; short: Dr 1901, Cr 1001 (to be resolved by a person);
 *  - tenders that do not add up to the documents' totals (they should): the gap to 1901.
 */
export function summarise(rows: DayRows, accounts: SalesAccounts = CAS_SALES_ACCOUNTS): Totals {
  const { revenue: REVENUE, outputVat: OUTPUT_VAT, suspense: SUSPENSE, cash: CASH } = accounts;
  const t: Totals = new Map();
  let paidIn = 0;
  let paidOut = 0;
  for (const tender of rows.tenders) {
    const account = accountOfTender(tender.kind, accounts);
    if (tender.docKind === "sale") {
      add(t, account, tender.amountFen, 0);
      paidIn = plusFen(paidIn, tender.amountFen, "tenders");
    } else {
      add(t, account, 0, tender.amountFen);
      paidOut = plusFen(paidOut, tender.amountFen, "refund tenders");
    }
  }
  let net = 0;
  let tax = 0;
  for (const s of rows.sales) {
    net = plusFen(net, s.netFen, "sales.net");
    tax = plusFen(tax, s.taxFen, "sales.tax");
  }
  add(t, REVENUE, 0, net - tax);
  add(t, OUTPUT_VAT, 0, tax);
  let refund = 0;
  let refundTax = 0;
  for (const r of rows.returns) {
    refund = plusFen(refund, r.refundFen, "returns.refund");
    refundTax = plusFen(refundTax, r.taxFen, "returns.tax");
  }
  add(t, REVENUE, refund - refundTax, 0);
  add(t, OUTPUT_VAT, refundTax, 0);
  // Debits minus credits so far: paid in - net for sales, refund - paid out for returns.
  const gap = paidIn - net + refund - paidOut;
  if (gap > 0) add(t, SUSPENSE, 0, gap);
  if (gap < 0) add(t, SUSPENSE, -gap, 0);
  for (const os of rows.overShortFen) {
    if (os > 0) {
      add(t, CASH, os, 0);
      add(t, SUSPENSE, 0, os);
    } else if (os < 0) {
      add(t, SUSPENSE, -os, 0);
      add(t, CASH, 0, -os);
    }
  }
  return t;
}

/** a + b, per account and side. */
export function plus(a: Totals, b: Totals): Totals {
  const t: Totals = new Map();
  for (const [k, v] of a) add(t, k, v.debitFen, v.creditFen);
  for (const [k, v] of b) add(t, k, v.debitFen, v.creditFen);
  return t;
}

export interface VoucherLine {
  account: string;
  debitFen: number;
  creditFen: number;
}

/**
 * The voucher lines that bring `posted` up to `current`: per account and side the difference,
 * a negative one (a figure that went down) turned into the opposite side, so no line carries a
 * negative amount. Empty when nothing changed. Ordered debits first, then by account.
 */
export function difference(current: Totals, posted: Totals): VoucherLine[] {
  const accounts = new Set([...current.keys(), ...posted.keys()]);
  const lines: VoucherLine[] = [];
  for (const account of accounts) {
    const c = current.get(account) ?? { debitFen: 0, creditFen: 0 };
    const p = posted.get(account) ?? { debitFen: 0, creditFen: 0 };
    const dd = c.debitFen - p.debitFen;
    const dc = c.creditFen - p.creditFen;
    const debit = Math.max(dd, 0) + Math.max(-dc, 0);
    const credit = Math.max(dc, 0) + Math.max(-dd, 0);
    if (debit > 0) lines.push({ account, debitFen: debit, creditFen: 0 });
    if (credit > 0) lines.push({ account, debitFen: 0, creditFen: credit });
  }
  const side = (l: VoucherLine) => (l.debitFen > 0 ? 0 : 1);
  return lines.sort((a, b) => side(a) - side(b) || cmp(a.account, b.account));
}
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Total debits and credits; throws UnbalancedVoucherError (naming `field`) when they differ. */
export function checkBalanced(
  lines: readonly VoucherLine[],
  field = "voucher",
): { debitFen: number; creditFen: number } {
  let debitFen = 0;
  let creditFen = 0;
  for (const l of lines) {
    if (
      !Number.isSafeInteger(l.debitFen) ||
      !Number.isSafeInteger(l.creditFen) ||
      l.debitFen < 0 ||
      l.creditFen < 0
    )
      throw new UnbalancedVoucherError(`${field}.${l.account}`, l.debitFen, l.creditFen);
    debitFen += l.debitFen;
    creditFen += l.creditFen;
  }
  if (debitFen !== creditFen) throw new UnbalancedVoucherError(field, debitFen, creditFen);
  return { debitFen, creditFen };
}

/** "2026-11-30" -> "2026-11". */
export const periodOf = (day: string) => day.slice(0, 7);

/** The first day of the month after `period` ("2026-11" -> "2026-12-01"). */
export function nextPeriodStart(period: string): string {
  const [y, m] = period.split("-").map(Number) as [number, number];
  const ny = m === 12 ? y + 1 : y;
  const nm = m === 12 ? 1 : m + 1;
  return `${ny}-${String(nm).padStart(2, "0")}-01`;
}

/**
 * Where a voucher for `sourceDay` goes: that day itself while its month is open; otherwise the
 * first day of the next open period, with a memo naming the original day (a closed month is
 * never written into).
 */
export function postingDay(
  sourceDay: string,
  closed: ReadonlySet<string>,
): { businessDay: string; memo: string } {
  let period = periodOf(sourceDay);
  if (!closed.has(period)) return { businessDay: sourceDay, memo: `${sourceDay} 销售日结` };
  let day = sourceDay;
  while (closed.has(period)) {
    day = nextPeriodStart(period);
    period = periodOf(day);
  }
  return {
    businessDay: day,
    memo: `${sourceDay} 销售日结补记 (period ${periodOf(sourceDay)} closed; late entries for ${sourceDay})`,
  };
}
