// What payables post, pure: the voucher lines of an approved invoice and of a payment, on the
// accounts the company's posting rules name (accounts/: grni 2202.02, payables 2202.01,
// input_vat 2221.01.02, cogs 6401, bank 1002 by default). Every voucher balances by construction; amounts are integer fen.
//
// Approved invoice: Dr GRNI (the received units billed, at the order's cost: what the receipt
// vouchers credited to GRNI), Dr input VAT, Cr accounts payable (the gross); the invoice's price
// difference against the order's cost (net - GRNI) goes to cost of goods sold (role cogs), debit when
// billed above the order's cost, credit when below.
// Payment: Dr accounts payable, Cr bank.

/** The posting roles payables use (accounts/: a company's rules map each to an account). */
export type PayablesRules = Readonly<Record<"grni" | "payables" | "input_vat" | "cogs" | "bank", string>>;

export interface VoucherLine {
  account: string;
  debitFen: number;
  creditFen: number;
}

export function invoiceVoucherLines(
  m: { grniFen: number; netFen: number; taxFen: number },
  rules: PayablesRules,
): VoucherLine[] {
  const variance = m.netFen - m.grniFen;
  const lines: VoucherLine[] = [
    { account: rules.grni, debitFen: m.grniFen, creditFen: 0 },
    { account: rules.input_vat, debitFen: m.taxFen, creditFen: 0 },
    ...(variance !== 0
      ? [
          {
            account: rules.cogs,
            debitFen: Math.max(variance, 0),
            creditFen: Math.max(-variance, 0),
          },
        ]
      : []),
    { account: rules.payables, debitFen: 0, creditFen: m.netFen + m.taxFen },
  ];
  return lines.filter((l) => l.debitFen !== 0 || l.creditFen !== 0);
}

export function paymentVoucherLines(amountFen: number, rules: PayablesRules): VoucherLine[] {
  return [
    { account: rules.payables, debitFen: amountFen, creditFen: 0 },
    { account: rules.bank, debitFen: 0, creditFen: amountFen },
  ];
}

/** The accounting date of a document decided at `at`: the China (UTC+8) calendar day. */
export function chinaDay(at: Date): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}
