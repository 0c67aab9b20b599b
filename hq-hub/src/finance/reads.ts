// Finance's reads: the months (open or closed), the vouchers and the trial balance over a date
// range, narrowed to a store or a region.
import { and, asc, between, count, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import {
  financePeriods,
  ledgerAccounts,
  stores,
  voucherLines,
  vouchers as voucherTable,
} from "../db/schema.ts";
import { ValidationError } from "../errors.ts";
import { ACCOUNTS } from "./ledger.ts";

const Day = z.iso.date({ message: "a date YYYY-MM-DD" });
export const FinanceQuery = z.object({ from: Day, to: Day, store: z.string().min(1).optional() });
export type FinanceQuery = z.infer<typeof FinanceQuery>;
/**
 * A page of the vouchers of from..to (the finance screen: a week of 300 stores is ~19,000
 * vouchers, 2.8 MB, too many to render at once): `limit` 1-200 (20 by default), `offset`.
 */
export const VoucherPageQuery = FinanceQuery.extend({
  limit: z.coerce.number().int().min(1).max(200).default(20),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
});
export type VoucherPageQuery = z.infer<typeof VoucherPageQuery>;

export interface FinanceScope {
  store?: string;
  region?: string;
}

export interface Voucher {
  id: number;
  storeId: string;
  businessDay: string;
  sourceDay: string;
  postedAt: string;
  memo: string;
  lines: { account: string; accountName: string; debitFen: number; creditFen: number }[];
  debitFen: number;
  creditFen: number;
}

const builtInName = (a: string) => ACCOUNTS[a as keyof typeof ACCOUNTS] ?? a;

/** A closed month: when and by whom. */
export const closing = {
  period: financePeriods.period,
  closedAt: financePeriods.closedAt,
  closedBy: financePeriods.closedBy,
};

/** Debit and credit per account over the vouchers' lines (posting and the trial balance). */
export const accountSums = {
  account: voucherLines.account,
  debitFen: sql<number>`SUM(${voucherLines.debitFen})`,
  creditFen: sql<number>`SUM(${voucherLines.creditFen})`,
};

export function createFinanceReads(db: Sqlite) {
  const orm = openDrizzle(db);
  /** Account names from the charts (accounts/; the default company's first), else the built-in CAS names. */
  const namesOf = () => {
    const names = new Map<string, string>();
    for (const r of orm
      .select({ code: ledgerAccounts.code, name: ledgerAccounts.name, companyId: ledgerAccounts.companyId })
      .from(ledgerAccounts)
      .orderBy(sql`${ledgerAccounts.companyId} != 'default'`, asc(ledgerAccounts.companyId))
      .all())
      if (!names.has(r.code)) names.set(r.code, r.name);
    return (a: string) => names.get(a) ?? builtInName(a);
  };
  const v = voucherTable;
  const l = voucherLines;
  const month = sql<string>`substr(${v.businessDay}, 1, 7)`;
  // A regional manager's view counts only its region's vouchers.
  const inRegion = (region: string | undefined) =>
    region
      ? inArray(v.storeId, orm.select({ id: stores.id }).from(stores).where(eq(stores.region, region)))
      : undefined;
  const inScope = (q: FinanceQuery, scope: FinanceScope) => {
    if (q.from > q.to) throw new ValidationError("query.to", `must not be before from (${q.from})`);
    return and(
      between(v.businessDay, q.from, q.to),
      scope.store ? eq(v.storeId, scope.store) : undefined,
      inRegion(scope.region),
    );
  };

  /** Months with vouchers or closed, oldest first; `region` narrows the counts to its stores. */
  function periods(region?: string) {
    // Months that have vouchers (in any region) or were closed, each with its closing and the
    // vouchers of the region (all when none).
    const closings = new Map(
      orm
        .select(closing)
        .from(financePeriods)
        .all()
        .map((c) => [c.period, c]),
    );
    const months = orm.selectDistinct({ period: month }).from(v).all();
    const counted = new Map(
      orm
        .select({ period: month, vouchers: count(), debitFen: sql<number>`COALESCE(SUM(${v.debitFen}), 0)` })
        .from(v)
        .where(inRegion(region))
        .groupBy(month)
        .all()
        .map((c) => [c.period, c]),
    );
    return [...new Set([...months.map((m) => m.period), ...closings.keys()])].sort().map((period) => {
      const c = closings.get(period);
      return {
        period,
        closedAt: c?.closedAt ?? null,
        closedBy: c?.closedBy ?? null,
        vouchers: counted.get(period)?.vouchers ?? 0,
        debitFen: counted.get(period)?.debitFen ?? 0,
        status: c ? "closed" : "open",
      };
    });
  }

  /** Vouchers matching `where` with their lines; a page of them when `page` is given. */
  function withLines(where: ReturnType<typeof inScope>, page?: { limit: number; offset: number }): Voucher[] {
    let heads = orm
      .select({
        id: v.id,
        storeId: v.storeId,
        businessDay: v.businessDay,
        sourceDay: v.sourceDay,
        postedAt: v.postedAt,
        memo: v.memo,
        debitFen: v.debitFen,
        creditFen: v.creditFen,
      })
      .from(v)
      .where(where)
      .$dynamic();
    // A page reads in accounting order (day, store, then as posted: vouchers_by_day's order);
    // the whole range keeps its order of posting, as it always had.
    heads = page
      ? heads.orderBy(asc(v.businessDay), asc(v.storeId), asc(v.id)).limit(page.limit).offset(page.offset)
      : heads.orderBy(asc(v.id));
    const rows = heads.all();
    const byId = new Map<number, Voucher>(rows.map((h) => [h.id, { ...h, lines: [] }]));
    if (!rows.length) return [];
    const accountName = namesOf();
    for (const l of orm
      .select({
        voucherId: voucherLines.voucherId,
        account: voucherLines.account,
        debitFen: voucherLines.debitFen,
        creditFen: voucherLines.creditFen,
      })
      .from(v)
      .innerJoin(voucherLines, eq(voucherLines.voucherId, v.id))
      // The page's own vouchers only (at most 200 ids), else every voucher of the range.
      .where(page ? inArray(v.id, [...byId.keys()]) : where)
      .orderBy(asc(voucherLines.voucherId), asc(voucherLines.lineNo))
      .all())
      byId.get(l.voucherId)?.lines.push({
        account: l.account,
        accountName: accountName(l.account),
        debitFen: l.debitFen,
        creditFen: l.creditFen,
      });
    return [...byId.values()];
  }

  function vouchers(q: FinanceQuery, scope: FinanceScope): Voucher[] {
    const where = inScope(q, scope);
    return db.transaction(() => withLines(where))();
  }

  /** A page of the range's vouchers with the range's count and debit/credit totals (one read). */
  function voucherPage(q: VoucherPageQuery, scope: FinanceScope) {
    const where = inScope(q, scope);
    return db.transaction(() => {
      const all = orm
        .select({
          total: count(),
          debitFen: sql<number>`COALESCE(SUM(${v.debitFen}), 0)`,
          creditFen: sql<number>`COALESCE(SUM(${v.creditFen}), 0)`,
        })
        .from(v)
        .where(where)
        .get()!;
      return { rows: withLines(where, q), ...all };
    })();
  }

  function trialBalance(q: FinanceQuery, scope: FinanceScope) {
    const accountName = namesOf();
    const rows = orm
      .select(accountSums)
      .from(v)
      .innerJoin(l, eq(l.voucherId, v.id))
      .where(inScope(q, scope))
      .groupBy(l.account)
      .orderBy(asc(l.account))
      .all()
      .map((r) => ({
        account: r.account,
        name: accountName(r.account),
        debitFen: r.debitFen,
        creditFen: r.creditFen,
      }));
    const debitFen = rows.reduce((n, r) => n + r.debitFen, 0);
    const creditFen = rows.reduce((n, r) => n + r.creditFen, 0);
    return { rows, debitFen, creditFen };
  }

  return { periods, vouchers, voucherPage, trialBalance };
}
