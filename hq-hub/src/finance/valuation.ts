// The stock valuation report: per store and category at the end of a day, at moving-average
// cost (costing/), beside each store's inventory account balance over the vouchers dated up to
// that day. Once every costed movement is posted (inventory-posting.ts) the two are equal to the
// fen; a difference is listed with what explains it (movements not posted yet).
import { and, eq, inArray, lte, sql } from "drizzle-orm";
import { companyOfStore, rulesOf } from "../accounts/storage.ts";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import { voucherLines, vouchers } from "../db/schema.ts";

export interface ValuationRow {
  storeId: string;
  category: string;
  onHand: number;
  valueFen: number;
}

export function createValuationReport(deps: {
  db: Sqlite;
  now: () => Date;
  valuation: (q: { date: string; store?: string }) => ValuationRow[];
  unposted: () => number;
}) {
  const { db, now } = deps;
  const orm = openDrizzle(db);

  /** Debit - credit of `account` per store over vouchers dated up to `date`. */
  function balances(date: string, accountOf: (storeId: string) => string, storeIds: string[]) {
    const accounts = [...new Set(storeIds.map(accountOf))];
    if (accounts.length === 0) return new Map<string, number>();
    const rows = orm
      .select({
        storeId: vouchers.storeId,
        account: voucherLines.account,
        fen: sql<number>`SUM(${voucherLines.debitFen} - ${voucherLines.creditFen})`,
      })
      .from(vouchers)
      .innerJoin(voucherLines, eq(voucherLines.voucherId, vouchers.id))
      .where(and(lte(vouchers.businessDay, date), inArray(voucherLines.account, accounts)))
      .groupBy(vouchers.storeId, voucherLines.account)
      .all();
    const out = new Map<string, number>();
    for (const r of rows) if (accountOf(r.storeId) === r.account) out.set(r.storeId, r.fen);
    return out;
  }

  function report(q: { date: string; store?: string; region?: (storeId: string) => boolean }) {
    const at = now().toISOString();
    const rows = deps
      .valuation({ date: q.date, store: q.store })
      .filter((r) => !q.region || q.region(r.storeId));
    const storeIds = [...new Set(rows.map((r) => r.storeId))];
    // Per store its company, per company its rules once (300 stores of one company: one read).
    const inventoryAccount = new Map<string, string>();
    const companyAccount = new Map<string, string>();
    const accountOf = (storeId: string) => {
      let a = inventoryAccount.get(storeId);
      if (!a) {
        const company = companyOfStore(db, storeId);
        a = companyAccount.get(company) ?? rulesOf(db, company, at).inventory;
        companyAccount.set(company, a);
        inventoryAccount.set(storeId, a);
      }
      return a;
    };
    // Stores with an inventory balance but no movement up to date (none today) would be missed by
    // the rows; the vouchers are read for the rows' stores.
    const accountFen = db.transaction(() => balances(q.date, accountOf, storeIds))();
    const stores = storeIds.map((storeId) => {
      const valuationFen = rows.filter((r) => r.storeId === storeId).reduce((n, r) => n + r.valueFen, 0);
      const acc = accountFen.get(storeId) ?? 0;
      return {
        storeId,
        inventoryAccount: accountOf(storeId),
        valuationFen,
        accountFen: acc,
        differenceFen: valuationFen - acc,
      };
    });
    const sum = (f: (s: (typeof stores)[number]) => number) => stores.reduce((n, s) => n + f(s), 0);
    return {
      date: q.date,
      rows,
      stores,
      valuationFen: sum((s) => s.valuationFen),
      accountFen: sum((s) => s.accountFen),
      differenceFen: sum((s) => s.differenceFen),
      /** Costed movements not posted yet (all dates): post them to close the difference. */
      unpostedMovements: deps.unposted(),
    };
  }

  return { report };
}
