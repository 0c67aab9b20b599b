// What payables post, pure: the accounts (data, CAS codes) and the voucher lines of an approved
// invoice and of a payment. Every voucher balances by construction; amounts are integer fen.
//
// Approved invoice: Dr GRNI (the received units billed, at the order's cost: what the receipt
// vouchers credited to GRNI), Dr input VAT, Cr accounts payable (the gross); the invoice's price
// difference against the order's cost (net - GRNI) goes to the price-variance account, debit when
// billed above the order's cost, credit when below.
// Payment: Dr accounts payable, Cr bank.

export const PAYABLES_ACCOUNTS = {
  grni: { code: "2202.02", name: "应付账款—暂估应付款" },
  payable: { code: "2202.01", name: "应付账款—应付供应商" },
  inputVat: { code: "2221.01.02", name: "应交税费—应交增值税(进项税额)" },
  priceVariance: { code: "6401", name: "主营业务成本" },
  bank: { code: "1002", name: "银行存款" },
} as const;

export interface VoucherLine {
  account: string;
  debitFen: number;
  creditFen: number;
}

type Accounts = { [K in keyof typeof PAYABLES_ACCOUNTS]: { code: string } };

export function invoiceVoucherLines(
  m: { grniFen: number; netFen: number; taxFen: number },
  accounts: Accounts = PAYABLES_ACCOUNTS,
): VoucherLine[] {
  const variance = m.netFen - m.grniFen;
  const lines: VoucherLine[] = [
    { account: accounts.grni.code, debitFen: m.grniFen, creditFen: 0 },
    { account: accounts.inputVat.code, debitFen: m.taxFen, creditFen: 0 },
    ...(variance !== 0
      ? [
          {
            account: accounts.priceVariance.code,
            debitFen: Math.max(variance, 0),
            creditFen: Math.max(-variance, 0),
          },
        ]
      : []),
    { account: accounts.payable.code, debitFen: 0, creditFen: m.netFen + m.taxFen },
  ];
  return lines.filter((l) => l.debitFen !== 0 || l.creditFen !== 0);
}

export function paymentVoucherLines(
  amountFen: number,
  accounts: Accounts = PAYABLES_ACCOUNTS,
): VoucherLine[] {
  return [
    { account: accounts.payable.code, debitFen: amountFen, creditFen: 0 },
    { account: accounts.bank.code, debitFen: 0, creditFen: amountFen },
  ];
}

/** The accounting date of a document decided at `at`: the China (UTC+8) calendar day. */
export function chinaDay(at: Date): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}
