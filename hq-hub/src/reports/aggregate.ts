// Sales report arithmetic, pure: the rows SQL grouped per (store, day) or per category become
// the report's rows (grouped by day, store or category) with labels and totals. Integer fen,
// every addition checked (exact.ts): a sum never silently stops being exact.
import { addExact } from "./exact.ts";
import { isoWeek } from "./periods.ts";

export type ReportBy = "day" | "week" | "month" | "store" | "region" | "category" | "cashier";

/** Sales of one group as SQL summed them (training sales are never in the sales table). */
export interface SalesGroup {
  storeId: string;
  day: string;
  /** The category code for by=category ("" when the SKU is not in master data). */
  category?: string;
  /** The cashier's code for by=cashier. */
  cashier?: string;
  saleCount: number;
  grossFen: number;
  discountFen: number;
  netFen: number;
  taxFen: number;
}
export interface ReturnsGroup {
  storeId: string;
  day: string;
  category?: string;
  cashier?: string;
  returnCount: number;
  refundFen: number;
}

export interface ReportRow {
  key: string;
  label: string;
  saleCount: number;
  returnCount: number;
  grossFen: number;
  discountFen: number;
  netFen: number;
  taxFen: number;
  refundFen: number;
}
export type ReportTotals = Omit<ReportRow, "key" | "label">;

const empty = (): ReportTotals => ({
  saleCount: 0,
  returnCount: 0,
  grossFen: 0,
  discountFen: 0,
  netFen: 0,
  taxFen: 0,
  refundFen: 0,
});

/**
 * Rows by `by`, sorted by key; `label` names a key (store name, category name; the day itself
 * for by=day). Totals are sums of the rows, except that for by=category a sale touching two
 * categories counts once in each row and once in the totals, so totals' counts come from
 * `distinct` when given.
 */
export function salesReport(input: {
  by: ReportBy;
  sales: readonly SalesGroup[];
  returns: readonly ReturnsGroup[];
  label: (key: string) => string;
  distinct?: { saleCount: number; returnCount: number };
  /** The region of a store, for by=region. */
  regionOf?: (storeId: string) => string;
}): { rows: ReportRow[]; totals: ReportTotals } {
  const keyOf = (g: { storeId: string; day: string; category?: string; cashier?: string }): string => {
    switch (input.by) {
      case "day":
        return g.day;
      case "week":
        return isoWeek(g.day);
      case "month":
        return g.day.slice(0, 7);
      case "store":
        return g.storeId;
      case "region":
        return input.regionOf?.(g.storeId) ?? "";
      case "category":
        return g.category ?? "";
      case "cashier":
        return g.cashier ?? "";
    }
  };
  const rows = new Map<string, ReportRow>();
  const row = (key: string) => {
    let r = rows.get(key);
    if (!r) {
      r = { key, label: input.label(key), ...empty() };
      rows.set(key, r);
    }
    return r;
  };
  const totals = empty();
  const SALE_FIELDS = ["saleCount", "grossFen", "discountFen", "netFen", "taxFen"] as const;
  for (const g of input.sales) {
    const r = row(keyOf(g));
    for (const f of SALE_FIELDS) {
      r[f] = addExact(r[f], g[f], f);
      totals[f] = addExact(totals[f], g[f], f);
    }
  }
  for (const g of input.returns) {
    const r = row(keyOf(g));
    for (const f of ["returnCount", "refundFen"] as const) {
      r[f] = addExact(r[f], g[f], f);
      totals[f] = addExact(totals[f], g[f], f);
    }
  }
  if (input.distinct) {
    totals.saleCount = input.distinct.saleCount;
    totals.returnCount = input.distinct.returnCount;
  }
  const sorted = [...rows.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { rows: sorted, totals };
}

export interface TenderGroup {
  kind: string;
  docKind: "sale" | "return";
  count: number;
  amountFen: number;
}

/**
 * Money by tender method, net: a sale tender's amount already has the change deducted (what it
 * paid towards the sale); tenders of returns (money paid back) are subtracted. `count` is the
 * number of payments taken (sale tenders); refunds do not count.
 */
export function tenderReport(groups: readonly TenderGroup[]): {
  rows: { method: string; count: number; amountFen: number }[];
  totalFen: number;
} {
  const by = new Map<string, { method: string; count: number; amountFen: number }>();
  let totalFen = 0;
  for (const g of groups) {
    const r = by.get(g.kind) ?? { method: g.kind, count: 0, amountFen: 0 };
    if (g.docKind === "sale") {
      r.count += g.count;
      r.amountFen = addExact(r.amountFen, g.amountFen, "amountFen");
      totalFen = addExact(totalFen, g.amountFen, "totalFen");
    } else {
      r.amountFen = addExact(r.amountFen, -g.amountFen, "amountFen");
      totalFen = addExact(totalFen, -g.amountFen, "totalFen");
    }
    by.set(g.kind, r);
  }
  const rows = [...by.values()].sort((a, b) => (a.method < b.method ? -1 : a.method > b.method ? 1 : 0));
  return { rows, totalFen };
}
