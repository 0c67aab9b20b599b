// Posting what a wallet settled: per store, the matched entries' money leaves the wallet
// clearing account (posting rule tender.wechat 1012.01 / tender.alipay 1012.02, debited by the
// day's sales at HQ), the fee is an expense (payment_fees, 6603.01 财务费用—手续费) and the rest
// reaches the bank (bank, 1002):
//   Dr bank (net)  +  Dr payment fees  /  Cr wallet clearing (payments - refunds)
// One voucher per (wallet, bill day, store), posted exactly once whatever is re-imported: the
// source id names the day, not the run. Differences are not posted; they stay open in the
// clearing account until resolved. The accounts are the store's company's posting rules.
import { companyOfStore, rulesOf } from "../accounts/storage.ts";
import type { Sqlite } from "../db/open.ts";
import { postDocumentVoucher } from "../finance/documents.ts";
import type { Provider } from "./bill.ts";
import type { StoreSettlement } from "./match.ts";

export interface SettlementAccounts {
  bank: string;
  fee: string;
  clearing: string;
}

export interface VoucherLine {
  account: string;
  debitFen: number;
  creditFen: number;
}

/** The balanced lines of one store's settlement (pure). Zero lines are left out. */
export function settlementLines(accounts: SettlementAccounts, s: StoreSettlement): VoucherLine[] {
  const signed: [string, number][] = [
    [accounts.bank, s.bankFen],
    [accounts.fee, s.feeFen],
    [accounts.clearing, -s.clearedFen],
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

/** The document a settlement voucher is posted for: one per wallet, bill day and store. */
export const settlementSource = (p: SettlementPosting) => ({
  kind: "wallet.settlement",
  id: `${p.provider}:${p.billDate}:${p.store.storeId}`,
});

/**
 * Posts one store's settlement as a document voucher (finance/documents.ts); returns its id
 * (the earlier one when this day was posted before), or undefined when nothing moved.
 */
export function postSettlement(db: Sqlite, p: SettlementPosting, now: () => Date): number | undefined {
  const rules = rulesOf(db, companyOfStore(db, p.store.storeId), now().toISOString());
  const lines = settlementLines(
    { bank: rules.bank, fee: rules.payment_fees, clearing: rules[`tender.${p.provider}`] },
    p.store,
  );
  if (!lines.length) return undefined;
  const name = p.provider === "wechat" ? "微信支付" : "支付宝";
  return postDocumentVoucher(
    db,
    {
      storeId: p.store.storeId,
      businessDay: p.billDate,
      source: settlementSource(p),
      memo: `${name}结算 ${p.billDate} ${p.store.storeId}: 手续费 ${p.store.feeFen} 分`,
      lines,
    },
    { now },
  ).id;
}
