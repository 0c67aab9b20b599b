// Change items sorted for the two ways a version is applied: a snapshot's upserts by entity
// (the look-up is built from them directly), a delta's deletes (scheduled items they supersede).
import type { ChangeItem } from "@retail/protocol";
import { type CatalogRecords, emptyRecords } from "../lookup.ts";

/** The upserts of a snapshot, by entity (a snapshot has no deletes that matter: it replaced all). */
export function recordsOf(items: readonly ChangeItem[]): CatalogRecords {
  const r = emptyRecords();
  for (const item of items) {
    if (item.op !== "upsert") continue;
    switch (item.entity) {
      case "product":
        r.products.push(item.data);
        break;
      case "barcode":
        r.barcodes.push(item.data);
        break;
      case "price":
        r.prices.push(item.data);
        break;
      case "promotion":
        r.promotions.push(item.data);
        break;
      case "member":
        r.members.push(item.data);
        break;
      case "cashier":
        r.cashiers.push(item.data);
        break;
      case "coupon":
        r.coupons.push(item.data);
        break;
      case "points_rule":
        r.pointsRule = item.data;
        break;
    }
  }
  return r;
}

export function deletesOf(items: readonly ChangeItem[]): ChangeItem[] {
  return items.filter((i) => i.op === "delete");
}
