// Re-pricing a received sale with the same engine the till used, against the catalog the
// store had at the sale's catalogVersion, pure. Differences become audit findings.
import {
  type CheckedPromotions,
  type Payload,
  type PointsRule,
  type Price,
  type PriceResult,
  priceAt,
  priceBasketChecked,
  saleBasket,
} from "@retail/protocol";

export interface Finding {
  lineId?: string;
  field: string;
  expected: string;
  actual: string;
}

export interface CatalogView {
  /** The version is one released to this store. */
  known: boolean;
  price: (sku: string) => Price | undefined;
  /**
   * The store's promotions at the version, validated once for every sale priced against them
   * (checkPromotions), or why the engine refused them.
   */
  promotions: CheckedPromotions | { error: string };
  /** The chain's points rule the store had at the version (none released: no redemption). */
  pointsRule?: PointsRule;
}

export function auditSale(storeId: string, sale: Payload<"sale.completed">, catalog: CatalogView): Finding[] {
  if (!catalog.known)
    return [
      {
        field: "catalogVersion",
        expected: "a version released to this store",
        actual: String(sale.catalogVersion),
      },
    ];
  const findings: Finding[] = [];
  const at = Date.parse(sale.completedAt);
  /** The unit price each line is re-priced at: the catalog's, or the line's own when overridden or unlisted. */
  const unitPrices: number[] = [];
  for (const l of sale.lines) {
    const window = catalog.price(l.sku);
    const listed = window ? priceAt(window, at)?.price : undefined;
    if (listed === undefined) {
      findings.push({
        lineId: l.lineId,
        field: "unitPrice",
        expected: "a price at this version",
        actual: String(l.unitPrice),
      });
      unitPrices.push(l.unitPrice);
      continue;
    }
    if (l.override) {
      // A supervisor override is legitimate; what it claims the catalog said must be true.
      if (l.override.catalogPrice !== listed)
        findings.push({
          lineId: l.lineId,
          field: "override.catalogPrice",
          expected: String(listed),
          actual: String(l.override.catalogPrice),
        });
    } else if (l.unitPrice !== listed) {
      findings.push({
        lineId: l.lineId,
        field: "unitPrice",
        expected: String(listed),
        actual: String(l.unitPrice),
      });
    }
    unitPrices.push(l.override ? l.unitPrice : listed);
  }
  if ("error" in catalog.promotions)
    return [
      ...findings,
      { field: "pricing", expected: "promotions the engine accepts", actual: catalog.promotions.error },
    ];
  let result: PriceResult;
  try {
    // The till's own mapping (protocol saleBasket); the adjustment as entered: its discount is
    // recomputed, never taken from the lines.
    result = priceBasketChecked(
      saleBasket({
        at: sale.completedAt,
        storeId,
        member: sale.member,
        coupons: sale.coupons,
        lines: sale.lines,
        adjustment: sale.adjustment,
        unitPrice: (_l, i) => unitPrices[i]!,
      }),
      catalog.promotions,
    );
  } catch (e) {
    return [
      ...findings,
      { field: "pricing", expected: "a basket the engine can price", actual: (e as Error).message },
    ];
  }
  result.lines.forEach((r, i) => {
    const l = sale.lines[i]!;
    for (const f of ["gross", "net", "tax"] as const) {
      if (r[f] !== l[f])
        findings.push({ lineId: l.lineId, field: f, expected: String(r[f]), actual: String(l[f]) });
    }
    if (!sameDiscounts(r.discounts, l.discounts))
      findings.push({
        lineId: l.lineId,
        field: "discounts",
        expected: JSON.stringify(r.discounts),
        actual: JSON.stringify(l.discounts),
      });
  });
  for (const f of ["gross", "discount", "net", "tax"] as const) {
    if (result.totals[f] !== sale.totals[f])
      findings.push({
        field: `totals.${f}`,
        expected: String(result.totals[f]),
        actual: String(sale.totals[f]),
      });
  }
  if (result.applied.length !== sale.applied.length || result.applied.some((id, i) => id !== sale.applied[i]))
    findings.push({
      field: "applied",
      expected: JSON.stringify(result.applied),
      actual: JSON.stringify(sale.applied),
    });
  return findings;
}

/** Compared field by field: the text is made only for a finding (every sale is audited). */
function sameDiscounts(
  a: readonly { promotionId: string; amount: number }[],
  b: readonly { promotionId: string; amount: number }[],
): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++)
    if (a[i]!.promotionId !== b[i]!.promotionId || a[i]!.amount !== b[i]!.amount) return false;
  return true;
}
