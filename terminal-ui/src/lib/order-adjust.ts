// The order adjustment's shares on the priced lines (protocol ORDER_DISCOUNT_ID "@order-discount",
// ROUNDING_ID "@rounding"), summed for the screens: 整单折扣 and 抹零 are shown once, as their own
// rows above the amount due, not repeated under every line.
import type { PriceResult } from "@retail/protocol";

export interface AdjustmentRow {
  key: "order-discount" | "rounding";
  label: "orderDiscount" | "rounding";
  amount: number;
}

const IDS = { "order-discount": "@order-discount", rounding: "@rounding" } as const;

/** Whether a line discount is a share of the order adjustment (not a promotion). */
export function isAdjustmentShare(promotionId: string): boolean {
  return promotionId === IDS["order-discount"] || promotionId === IDS.rounding;
}

export function adjustmentRows(priced: Pick<PriceResult, "lines"> | undefined): AdjustmentRow[] {
  const sum = (id: string) =>
    (priced?.lines ?? []).reduce(
      (a, l) => a + l.discounts.reduce((x, d) => x + (d.promotionId === id ? d.amount : 0), 0),
      0,
    );
  const rows: AdjustmentRow[] = [];
  const discount = sum(IDS["order-discount"]);
  if (discount) rows.push({ key: "order-discount", label: "orderDiscount", amount: discount });
  const rounding = sum(IDS.rounding);
  if (rounding) rows.push({ key: "rounding", label: "rounding", amount: rounding });
  return rows;
}
