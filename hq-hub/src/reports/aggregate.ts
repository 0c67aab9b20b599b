// Sales report arithmetic, pure: the rows SQL grouped per (store, day) or per category become
// the report's rows (grouped by day, store or category) with labels and totals. Integer fen.

export type ReportBy = "day" | "store" | "category";

/** Sales of one group as SQL summed them (training sales are never in the sales table). */
export interface SalesGroup {
  storeId: string;
  day: string;
  /** The category code for by=category ("" when the SKU is not in master data). */
  category?: string;
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
}): { rows: ReportRow[]; totals: ReportTotals } {
  const keyOf = (g: { storeId: string; day: string; category?: string }) =>
    input.by === "day" ? g.day : input.by === "store" ? g.storeId : (g.category ?? "");
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
  for (const g of input.sales) {
    const r = row(keyOf(g));
    r.saleCount += g.saleCount;
    r.grossFen += g.grossFen;
    r.discountFen += g.discountFen;
    r.netFen += g.netFen;
    r.taxFen += g.taxFen;
    totals.saleCount += g.saleCount;
    totals.grossFen += g.grossFen;
    totals.discountFen += g.discountFen;
    totals.netFen += g.netFen;
    totals.taxFen += g.taxFen;
  }
  for (const g of input.returns) {
    const r = row(keyOf(g));
    r.returnCount += g.returnCount;
    r.refundFen += g.refundFen;
    totals.returnCount += g.returnCount;
    totals.refundFen += g.refundFen;
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
      r.amountFen += g.amountFen;
      totalFen += g.amountFen;
    } else {
      r.amountFen -= g.amountFen;
      totalFen -= g.amountFen;
    }
    by.set(g.kind, r);
  }
  const rows = [...by.values()].sort((a, b) => (a.method < b.method ? -1 : a.method > b.method ? 1 : 0));
  return { rows, totalFen };
}
