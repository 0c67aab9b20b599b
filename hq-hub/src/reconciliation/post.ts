// Posting what a wallet settled: per store, the matched entries' money leaves the wallet
// clearing account (1012.01 WeChat Pay / 1012.02 Alipay, debited by the day's sales at HQ),
// the fee is an expense (6603.01 财务费用—手续费) and the rest reaches the bank (1002):
//   Dr 1002 bank (net)  +  Dr 6603.01 fee  /  Cr 1012.0x clearing (payments - refunds)
// One voucher per (wallet, bill day, store), posted exactly once whatever is re-imported: the
// source id names the day, not the run. Differences are not posted; they stay open in the
// clearing account until resolved.
import type { Sqlite } from "../db/open.ts";
import { StateError } from "../errors.ts";
import type { Provider } from "./bill.ts";
import type { StoreSettlement } from "./match.ts";

export const SETTLEMENT_ACCOUNTS = {
  bank: "1002",
  fee: "6603.01",
  clearing: { wechat: "1012.01", alipay: "1012.02" } as Record<Provider, string>,
} as const;

export interface VoucherLine {
  account: string;
  debitFen: number;
  creditFen: number;
}

/** The balanced lines of one store's settlement (pure). Zero lines are left out. */
export function settlementLines(provider: Provider, s: StoreSettlement): VoucherLine[] {
  const signed: [string, number][] = [
    [SETTLEMENT_ACCOUNTS.bank, s.bankFen],
    [SETTLEMENT_ACCOUNTS.fee, s.feeFen],
    [SETTLEMENT_ACCOUNTS.clearing[provider], -s.clearedFen],
  ];
  return signed
    .filter(([, v]) => v !== 0)
    .map(([account, v]) => ({ account, debitFen: Math.max(v, 0), creditFen: Math.max(-v, 0) }));
}

export interface SettlementPosting {
  provider: Provider;
  billDate: string;
  store: StoreSettlement;
}

/**
 * Posts one store's settlement as a document voucher; returns its id. The one place that
 * touches the books (finance/documents.ts postDocumentVoucher).
 */
export function postSettlement(db: Sqlite, p: SettlementPosting): number {
  void db;
  void settlementLines(p.provider, p.store);
  throw new StateError(
    `${p.provider}:${p.billDate}:${p.store.storeId}`,
    "posting settlements needs the finance documents module (finance/documents.ts), not on this build yet",
  );
}
