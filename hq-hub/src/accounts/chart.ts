// The chart of accounts and the posting rules as data, pure: the CAS (企业会计准则) defaults a
// company starts from, and the checks an HQ admin's edit must pass. Codes are CAS first-level
// codes (4 digits; the first digit is the class) with dotted two-digit sub-accounts
// ("2221.01.01"); a sub-account needs its parent.

export const CATEGORIES = ["asset", "liability", "common", "equity", "cost", "profit_loss"] as const;
export type Category = (typeof CATEGORIES)[number];
export type Side = "debit" | "credit";

export interface LedgerAccount {
  code: string;
  name: string;
  nameEn: string;
  category: Category;
  side: Side;
  active: boolean;
}

/** The class of a CAS code is its first digit: 1 资产 ... 6 损益. */
export function categoryOf(code: string): Category | undefined {
  return CATEGORIES[Number(code[0]) - 1];
}

const a = (code: string, name: string, nameEn: string, side: Side): LedgerAccount => ({
  code,
  name,
  nameEn,
  category: categoryOf(code)!,
  side,
  active: true,
});

/** The CAS defaults seeded for every company (the accounts posting has ever used, and their parents). */
export const CAS_DEFAULT_ACCOUNTS: readonly LedgerAccount[] = [
  a("1001", "库存现金", "Cash on hand", "debit"),
  a("1002", "银行存款", "Bank deposits", "debit"),
  a("1012", "其他货币资金", "Other monetary funds", "debit"),
  a("1012.01", "其他货币资金—微信支付", "Other monetary funds - WeChat Pay", "debit"),
  a("1012.02", "其他货币资金—支付宝", "Other monetary funds - Alipay", "debit"),
  a("1122", "应收账款", "Accounts receivable", "debit"),
  a("1122.01", "应收账款—银行卡待结算", "Accounts receivable - card settlement", "debit"),
  a("1221", "其他应收款", "Other receivables", "debit"),
  a("1402", "在途物资", "Goods in transit", "debit"),
  a("1405", "库存商品", "Merchandise inventory", "debit"),
  a("1901", "待处理财产损溢", "Unsettled property gains and losses", "debit"),
  a("2202", "应付账款", "Accounts payable", "credit"),
  a("2202.01", "应付账款—供应商", "Accounts payable - suppliers", "credit"),
  a("2202.02", "应付账款—暂估应付款", "Accounts payable - goods received not invoiced", "credit"),
  a("2202.03", "应付账款—月末暂估", "Accounts payable - month-end accrual", "credit"),
  a("2203", "预收账款", "Advances from customers", "credit"),
  a("2203.01", "预收账款—储值卡/购物券", "Advances - stored value cards and vouchers", "credit"),
  a("2221", "应交税费", "Taxes payable", "credit"),
  a("2221.01", "应交税费—应交增值税", "Taxes payable - VAT", "credit"),
  a("2221.01.01", "应交税费—应交增值税(销项税额)", "VAT payable - output tax", "credit"),
  a("2221.01.02", "应交税费—应交增值税(进项税额)", "VAT payable - input tax", "debit"),
  a("2241", "其他应付款", "Other payables", "credit"),
  a("4001", "实收资本", "Paid-in capital", "credit"),
  a("4103", "本年利润", "Current year profit", "credit"),
  a("6001", "主营业务收入", "Revenue from main operations", "credit"),
  a("6301", "营业外收入", "Non-operating income", "credit"),
  a("6401", "主营业务成本", "Cost of main operations (COGS)", "debit"),
  a("6601", "销售费用", "Selling expenses", "debit"),
  a("6602", "管理费用", "Administrative expenses", "debit"),
  a("6603", "财务费用", "Financial expenses", "debit"),
  a("6603.01", "财务费用—手续费", "Financial expenses - payment fees", "debit"),
  a("6601.02", "销售费用—会员积分抵现", "Selling expenses - member points redeemed", "debit"),
  a("6711", "营业外支出", "Non-operating expenses", "debit"),
];

/**
 * Default accounts added after the first charts were seeded: a company seeded before them gets
 * them (and their roles' rules) when its chart is next read, never overwriting an edit.
 */
export const ADDED_LATER: readonly string[] = ["2202.03", "6601.02"];

/**
 * The posting roles: what each automatic voucher debits or credits, and the classes of account
 * a role may point at (an inventory role pointed at a revenue account would be refused).
 */
export const ROLES = {
  "tender.cash": { account: "1001", categories: ["asset"], zh: "现金收款" },
  "tender.card": { account: "1122.01", categories: ["asset"], zh: "银行卡收款" },
  "tender.wechat": { account: "1012.01", categories: ["asset"], zh: "微信支付收款" },
  "tender.alipay": { account: "1012.02", categories: ["asset"], zh: "支付宝收款" },
  "tender.voucher": { account: "2203.01", categories: ["liability"], zh: "储值卡/购物券" },
  "tender.points": { account: "6601.02", categories: ["profit_loss", "liability"], zh: "会员积分抵现" },
  revenue: { account: "6001", categories: ["profit_loss"], zh: "销售收入" },
  output_vat: { account: "2221.01.01", categories: ["liability"], zh: "销项税额" },
  suspense: { account: "1901", categories: ["asset"], zh: "长短款/待处理" },
  inventory: { account: "1405", categories: ["asset"], zh: "库存商品" },
  cogs: { account: "6401", categories: ["profit_loss", "cost"], zh: "销售成本" },
  grni: { account: "2202.02", categories: ["liability"], zh: "暂估应付(已收货未开票)" },
  payables: { account: "2202.01", categories: ["liability"], zh: "应付供应商" },
  accrued_payables: { account: "2202.03", categories: ["liability"], zh: "月末暂估应付" },
  input_vat: { account: "2221.01.02", categories: ["liability", "asset"], zh: "进项税额" },
  count_gain: { account: "1901", categories: ["asset", "profit_loss"], zh: "盘盈" },
  count_loss: { account: "1901", categories: ["asset", "profit_loss"], zh: "盘亏" },
  transfer_in_transit: { account: "1402", categories: ["asset"], zh: "调拨在途" },
  bank: { account: "1002", categories: ["asset"], zh: "银行存款" },
  payment_fees: { account: "6603.01", categories: ["profit_loss"], zh: "支付手续费" },
} as const satisfies Record<string, { account: string; categories: readonly Category[]; zh: string }>;
export type Role = keyof typeof ROLES;
export const isRole = (r: string): r is Role => Object.hasOwn(ROLES, r);

export const DEFAULT_RULES: Readonly<Record<Role, string>> = Object.fromEntries(
  Object.entries(ROLES).map(([role, r]) => [role, r.account]),
) as Record<Role, string>;

/** An edit the chart refuses; `field` names the culprit. */
export class ChartError extends Error {
  override readonly name = "ChartError";
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

const CODE = /^[1-6]\d{3}(\.\d{2}){0,3}$/;
// Printable text only: names go into the accounting packages' import files.
const NAME = /^[^\p{Cc}\p{Cs}]{1,60}$/u;

/** The parent of a sub-account ("2221.01.01" -> "2221.01"), undefined for a first-level code. */
export const parentOf = (code: string) =>
  code.includes(".") ? code.slice(0, code.lastIndexOf(".")) : undefined;

/**
 * Checks adding or changing `next` in `chart` (a company's accounts) given the rules in force;
 * throws ChartError naming the field. Codes are never renamed (vouchers refer to them).
 */
export function checkAccount(
  chart: ReadonlyMap<string, LedgerAccount>,
  rules: Readonly<Record<string, string>>,
  next: LedgerAccount,
): void {
  if (!CODE.test(next.code))
    throw new ChartError(
      "code",
      `${JSON.stringify(next.code)} is not a CAS code (4 digits 1-6xxx, then .NN levels)`,
    );
  if (!NAME.test(next.name) || !next.name.trim()) throw new ChartError("name", "1-60 printable characters");
  if (!NAME.test(next.nameEn) || !next.nameEn.trim())
    throw new ChartError("nameEn", "1-60 printable characters");
  if (next.side !== "debit" && next.side !== "credit") throw new ChartError("side", "debit or credit");
  const category = categoryOf(next.code);
  if (next.category !== category)
    throw new ChartError(
      "category",
      `code ${next.code} is class ${next.code[0]} (${category}), not ${next.category}`,
    );
  const parent = parentOf(next.code);
  if (parent !== undefined) {
    const p = chart.get(parent);
    if (!p) throw new ChartError("code", `parent account ${parent} does not exist`);
    if (!p.active && next.active) throw new ChartError("active", `parent account ${parent} is inactive`);
  }
  if (!next.active) {
    const role = Object.entries(rules).find(([, acc]) => acc === next.code)?.[0];
    if (role) throw new ChartError("active", `account ${next.code} is used by posting rule ${role}`);
    const child = [...chart.values()].find((c) => c.active && parentOf(c.code) === next.code);
    if (child) throw new ChartError("active", `account ${next.code} has an active sub-account ${child.code}`);
  }
}

/** Checks pointing `role` at `account`; throws ChartError naming the field. */
export function checkRule(chart: ReadonlyMap<string, LedgerAccount>, role: string, account: string): void {
  if (!isRole(role)) throw new ChartError("role", `unknown posting role ${JSON.stringify(role)}`);
  const acc = chart.get(account);
  if (!acc) throw new ChartError("account", `account ${JSON.stringify(account)} is not in the chart`);
  if (!acc.active) throw new ChartError("account", `account ${account} is inactive`);
  const allowed: readonly Category[] = ROLES[role].categories;
  if (!allowed.includes(acc.category))
    throw new ChartError(
      "account",
      `role ${role} needs an account of class ${allowed.join("/")}, ${account} is ${acc.category}`,
    );
  const child = [...chart.values()].find((c) => c.active && parentOf(c.code) === account);
  if (child)
    throw new ChartError(
      "account",
      `account ${account} has sub-accounts: post to a leaf (e.g. ${child.code})`,
    );
}
