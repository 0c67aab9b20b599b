// The sales and tender reports' SQL: sums per (store, day) or per (store, category) over the
// ingested tables, handed to the pure aggregate.ts. Sums are TOTAL(), never SUM(): SUM raises
// "integer overflow" for the whole query when one store's figures pass 2^63; per-store groups
// let exact.ts leave such a store out (named, with the reason) while the others are reported.
// Per (store, day) figures and tenders come from the daily totals (day-totals.ts); by category
// and cashier read the documents (the sales table has no index on business_day alone).
import { and, between, count, countDistinct, eq, inArray, type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { z } from "zod";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import {
  cashiers,
  categoryNames,
  products,
  returnLines,
  returns,
  saleLines,
  sales as saleRows,
  stores,
} from "../db/schema.ts";
import { ValidationError } from "../errors.ts";
import {
  type ReportBy,
  type ReturnsGroup,
  type SalesGroup,
  salesReport,
  type TenderGroup,
  tenderReport,
} from "./aggregate.ts";
import { createDayTotals } from "./day-totals.ts";
import { excludedList, keepExact } from "./exact.ts";
import { weekRange } from "./periods.ts";

const Day = z.iso.date({ message: "a date YYYY-MM-DD" });
export const ReportQuery = z.object({
  from: Day,
  to: Day,
  by: z.enum(["day", "week", "month", "store", "region", "category", "cashier"]).default("day"),
  store: z.string().min(1).optional(),
});
export const TenderQuery = z.object({ from: Day, to: Day, store: z.string().min(1).optional() });
export type ReportQuery = z.infer<typeof ReportQuery>;

/** from <= to, or a ValidationError naming `to`. */
export function checkRange(q: { from: string; to: string }): void {
  if (q.from > q.to) throw new ValidationError("query.to", `must not be before from (${q.from})`);
}

/** Which stores a query reads: one store, a region's, or all (null). */
export interface Scope {
  store?: string;
  region?: string;
}

const UNCATEGORISED = "未分类";
const SALES_FIELDS = ["grossFen", "discountFen", "netFen", "taxFen"] as const;

/** TOTAL(), never SUM() (see the top of this file). */
const total = (c: SQLiteColumn) => sql<number>`TOTAL(${c})`;

export function createReports(db: Sqlite) {
  const orm = openDrizzle(db);
  type Range = { from: string; to: string };
  const inScope = (storeId: SQLiteColumn, scope: Scope) =>
    and(
      scope.store ? eq(storeId, scope.store) : undefined,
      scope.region
        ? inArray(storeId, orm.select({ id: stores.id }).from(stores).where(eq(stores.region, scope.region)))
        : undefined,
    );
  const salesIn = (q: Range, scope: Scope) =>
    and(between(saleRows.businessDay, q.from, q.to), inScope(saleRows.storeId, scope));
  const returnsIn = (q: Range, scope: Scope) =>
    and(between(returns.businessDay, q.from, q.to), inScope(returns.storeId, scope));

  // Per (store, day): the daily totals the triggers keep (day-totals.ts), not the documents.
  const dayTotals = createDayTotals(db);
  const salesByStoreDay = (q: Range, scope: Scope): SalesGroup[] => dayTotals.sales(scope, q.from, q.to);
  const returnsByStoreDay = (q: Range, scope: Scope): ReturnsGroup[] =>
    dayTotals.returns(scope, q.from, q.to);
  // Per (store, day, cashier): the cashier report. Returns are the cashier's who took them.
  const salesByCashier = (q: Range, scope: Scope): SalesGroup[] =>
    orm
      .select({
        storeId: saleRows.storeId,
        day: saleRows.businessDay,
        cashier: saleRows.cashierId,
        saleCount: count(),
        grossFen: total(saleRows.grossFen),
        discountFen: total(saleRows.discountFen),
        netFen: total(saleRows.netFen),
        taxFen: total(saleRows.taxFen),
      })
      .from(saleRows)
      .where(salesIn(q, scope))
      .groupBy(saleRows.storeId, saleRows.businessDay, saleRows.cashierId)
      .all();
  const returnsByCashier = (q: Range, scope: Scope): ReturnsGroup[] =>
    orm
      .select({
        storeId: returns.storeId,
        day: returns.businessDay,
        cashier: returns.cashierId,
        returnCount: count(),
        refundFen: total(returns.refundFen),
      })
      .from(returns)
      .where(returnsIn(q, scope))
      .groupBy(returns.storeId, returns.businessDay, returns.cashierId)
      .all();
  // The product's top-level category (the first code of its path in master data): the level HQ
  // reads sales at; leaf codes are too fine for a chain-wide report. A JSON path: SQL.
  const topCategory = (sku: SQLiteColumn): SQL<string> =>
    sql<string>`COALESCE((SELECT json_extract(${products.dataJson}, '$.category[0]') FROM ${products} WHERE ${products.sku} = ${sku}), '')`;
  const salesByCategory = (q: Range, scope: Scope): SalesGroup[] => {
    const category = topCategory(saleLines.sku);
    return orm
      .select({
        category,
        storeId: saleRows.storeId,
        day: sql<string>`''`,
        saleCount: countDistinct(saleLines.saleId),
        grossFen: total(saleLines.grossFen),
        discountFen: total(saleLines.discountFen),
        netFen: total(saleLines.netFen),
        taxFen: total(saleLines.taxFen),
      })
      .from(saleLines)
      .innerJoin(
        saleRows,
        and(eq(saleRows.storeId, saleLines.storeId), eq(saleRows.saleId, saleLines.saleId)),
      )
      .where(salesIn(q, scope))
      .groupBy(saleRows.storeId, category)
      .all();
  };
  const returnsByCategory = (q: Range, scope: Scope): ReturnsGroup[] => {
    const category = topCategory(returnLines.sku);
    return orm
      .select({
        category,
        storeId: returns.storeId,
        day: sql<string>`''`,
        returnCount: countDistinct(returnLines.returnId),
        refundFen: total(returnLines.refundFen),
      })
      .from(returnLines)
      .innerJoin(
        returns,
        and(eq(returns.storeId, returnLines.storeId), eq(returns.returnId, returnLines.returnId)),
      )
      .where(returnsIn(q, scope))
      .groupBy(returns.storeId, category)
      .all();
  };
  // A tender belongs to its document's business day (the triggers file it there).
  const tenderGroups = (q: Range, scope: Scope) => dayTotals.tenders(scope, q.from, q.to);

  function sales(q: ReportQuery, scope: Scope) {
    checkRange(q);
    // One read transaction: sales and returns of one moment.
    return db.transaction(() => {
      const byCategory = q.by === "category";
      const excluded = new Map<string, string>();
      // Per (store, day) first, so a store is excluded whatever `by` is; then the category rows.
      const ds = keepExact(salesByStoreDay(q, scope), SALES_FIELDS, "sales", excluded);
      const dr = keepExact(returnsByStoreDay(q, scope), ["refundFen"], "returns", excluded);
      const exact = <G extends { storeId: string }>(groups: G[]) =>
        groups.filter((g) => !excluded.has(g.storeId));
      const byCashier = q.by === "cashier";
      const s = exact(
        byCategory
          ? keepExact(salesByCategory(q, scope), SALES_FIELDS, "sales by category", excluded)
          : byCashier
            ? keepExact(salesByCashier(q, scope), SALES_FIELDS, "sales by cashier", excluded)
            : ds,
      );
      const r = exact(
        byCategory
          ? keepExact(returnsByCategory(q, scope), ["refundFen"], "returns by category", excluded)
          : byCashier
            ? keepExact(returnsByCashier(q, scope), ["refundFen"], "returns by cashier", excluded)
            : dr,
      );
      let label: (key: string) => string = (k) => k;
      let distinct: { saleCount: number; returnCount: number } | undefined;
      let regionOf: ((storeId: string) => string) | undefined;
      if (q.by === "week") {
        label = (k) => {
          const w = weekRange(k);
          return `${k} (${w.from.slice(5)}..${w.to.slice(5)})`;
        };
      } else if (q.by === "region") {
        const regions = new Map(
          orm
            .select({ id: stores.id, region: stores.region })
            .from(stores)
            .all()
            .map((x) => [x.id, x.region]),
        );
        regionOf = (id) => regions.get(id) ?? "";
      } else if (byCashier) {
        const names = new Map(
          orm
            .select({ id: cashiers.id, name: cashiers.name })
            .from(cashiers)
            .all()
            .map((x) => [x.id, x.name]),
        );
        label = (k) => names.get(k) ?? k;
      } else if (q.by === "store") {
        const names = new Map(
          orm
            .select({ id: stores.id, name: stores.name })
            .from(stores)
            .all()
            .map((x) => [x.id, x.name]),
        );
        label = (k) => names.get(k) ?? k;
      } else if (byCategory) {
        const names = new Map(
          orm
            .select()
            .from(categoryNames)
            .all()
            .map((x) => [x.code, x.name]),
        );
        label = (k) => (k === "" ? UNCATEGORISED : (names.get(k) ?? k));
        // A sale with lines in two categories is one sale in the totals.
        distinct = {
          saleCount: exact(ds).reduce((n, g) => n + g.saleCount, 0),
          returnCount: exact(dr).reduce((n, g) => n + g.returnCount, 0),
        };
      }
      const out = salesReport({
        by: q.by as ReportBy,
        sales: s,
        returns: r,
        label,
        ...(distinct ? { distinct } : {}),
        ...(regionOf ? { regionOf } : {}),
      });
      return { from: q.from, to: q.to, by: q.by, ...out, excluded: excludedList(excluded) };
    })();
  }

  function tenderTotals(q: { from: string; to: string }, scope: Scope) {
    checkRange(q);
    const excluded = new Map<string, string>();
    const groups = keepExact(
      tenderGroups(q, scope) as (TenderGroup & { storeId: string })[],
      ["amountFen"],
      "tenders",
      excluded,
    );
    return { ...tenderReport(groups), excluded: excludedList(excluded) };
  }

  function nameCategory(code: string, name: string) {
    orm
      .insert(categoryNames)
      .values({ code, name })
      .onConflictDoUpdate({ target: categoryNames.code, set: { name } })
      .run();
    return { code, name };
  }

  return { sales, tenders: tenderTotals, nameCategory };
}

export type Reports = ReturnType<typeof createReports>;
