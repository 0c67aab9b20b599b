// Gross margin arithmetic, pure: revenue net of VAT and of returns, less the cost the costing
// ledger gave the units that left (and took back for those returned to the shelf), grouped by
// store, region, category or SKU from per (store, SKU) sums; by promotion from per (store,
// promotion) sums of the lines each promotion discounted. Integer fen; every addition checked.
import { addExact } from "./exact.ts";

export type MarginBy = "store" | "region" | "category" | "sku" | "promotion";

/** One store's sales and returns of one SKU over the range, as SQL summed them. */
export interface SkuGroup {
  storeId: string;
  sku: string;
  /** Units (grams when weighed) sold, and their net less VAT. */
  soldQty: number;
  salesFen: number;
  /** What the costing ledger took for the units sold. */
  costFen: number;
  returnedQty: number;
  /** Refunds less their VAT. */
  returnsFen: number;
  /** What the costing ledger put back for units returned to the shelf (written-off returns put none back). */
  returnCostFen: number;
}

/** The lines one promotion discounted at one store (a line with two promotions is in both). */
export interface PromotionGroup {
  storeId: string;
  promotionId: string;
  soldQty: number;
  salesFen: number;
  costFen: number;
  discountFen: number;
}

export interface MarginFigures {
  soldQty: number;
  returnedQty: number;
  /** Sales net of VAT, less refunds net of VAT. */
  revenueFen: number;
  /** Cost of the units sold, less the cost put back by returns. */
  costFen: number;
  marginFen: number;
  /** Margin / revenue in basis points (2,500 = 25.00%), rounded half away from zero; null without revenue. */
  marginBp: number | null;
  /** By promotion: the discount the promotion gave on those lines. */
  discountFen?: number;
}
export interface MarginRow extends MarginFigures {
  key: string;
  label: string;
}

/** margin * 10000 / revenue, rounded half away from zero, exact (bigint). */
export function marginBp(marginFen: number, revenueFen: number): number | null {
  if (revenueFen === 0) return null;
  const m = BigInt(marginFen) * 10000n;
  const r = BigInt(revenueFen);
  const neg = m < 0n !== r < 0n;
  const a = m < 0n ? -m : m;
  const b = r < 0n ? -r : r;
  const q = (2n * a + b) / (2n * b);
  return Number(neg ? -q : q);
}

const zero = () => ({ soldQty: 0, returnedQty: 0, revenueFen: 0, costFen: 0, marginFen: 0 });

function finish(f: ReturnType<typeof zero> & { discountFen?: number }): MarginFigures {
  const marginFen = addExact(f.revenueFen, -f.costFen, "marginFen");
  return { ...f, marginFen, marginBp: marginBp(marginFen, f.revenueFen) };
}

function add(into: ReturnType<typeof zero>, g: SkuGroup) {
  into.soldQty = addExact(into.soldQty, g.soldQty, "soldQty");
  into.returnedQty = addExact(into.returnedQty, g.returnedQty, "returnedQty");
  into.revenueFen = addExact(
    addExact(into.revenueFen, g.salesFen, "revenueFen"),
    -g.returnsFen,
    "revenueFen",
  );
  into.costFen = addExact(addExact(into.costFen, g.costFen, "costFen"), -g.returnCostFen, "costFen");
}

const byKey = <R extends { key: string }>(rows: Iterable<R>) =>
  [...rows].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

/**
 * Rows by store, region, category or SKU. `keyOf` maps a (store, SKU) group to its row's key
 * (the store, its region, the SKU's top-level category, the SKU); `label` names a key.
 */
export function marginReport(input: {
  groups: readonly SkuGroup[];
  keyOf: (g: SkuGroup) => string;
  label: (key: string) => string;
}): { rows: MarginRow[]; totals: MarginFigures } {
  const rows = new Map<string, ReturnType<typeof zero>>();
  const totals = zero();
  for (const g of input.groups) {
    const key = input.keyOf(g);
    const r = rows.get(key) ?? zero();
    rows.set(key, r);
    add(r, g);
    add(totals, g);
  }
  return {
    rows: byKey([...rows].map(([key, f]) => ({ key, label: input.label(key), ...finish(f) }))),
    totals: finish(totals),
  };
}

/**
 * Rows by promotion (sales only: a return does not say which promotion its units had), and a
 * row `""` for the sales no promotion touched = all sales less the lines any promotion touched
 * (`promoted`, each line once). Totals are all sales.
 */
export function promotionMarginReport(input: {
  groups: readonly PromotionGroup[];
  /** All sales of the range (returns left out), and the lines any promotion touched, each once. */
  all: { soldQty: number; salesFen: number; costFen: number };
  promoted: { soldQty: number; salesFen: number; costFen: number };
  label: (key: string) => string;
}): { rows: MarginRow[]; totals: MarginFigures } {
  const rows = new Map<string, ReturnType<typeof zero> & { discountFen: number }>();
  for (const g of input.groups) {
    const r = rows.get(g.promotionId) ?? { ...zero(), discountFen: 0 };
    rows.set(g.promotionId, r);
    r.soldQty = addExact(r.soldQty, g.soldQty, "soldQty");
    r.revenueFen = addExact(r.revenueFen, g.salesFen, "revenueFen");
    r.costFen = addExact(r.costFen, g.costFen, "costFen");
    r.discountFen = addExact(r.discountFen, g.discountFen, "discountFen");
  }
  const plain = {
    ...zero(),
    soldQty: input.all.soldQty - input.promoted.soldQty,
    revenueFen: addExact(input.all.salesFen, -input.promoted.salesFen, "revenueFen"),
    costFen: addExact(input.all.costFen, -input.promoted.costFen, "costFen"),
    discountFen: 0,
  };
  if (plain.soldQty !== 0 || plain.revenueFen !== 0 || plain.costFen !== 0) rows.set("", plain);
  return {
    rows: byKey([...rows].map(([key, f]) => ({ key, label: input.label(key), ...finish(f) }))),
    totals: finish({
      ...zero(),
      soldQty: input.all.soldQty,
      revenueFen: input.all.salesFen,
      costFen: input.all.costFen,
    }),
  };
}
