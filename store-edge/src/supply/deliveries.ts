// The deliveries a store is waiting for, from its own copy of HQ's replenishment states
// (replenishment.status: per SKU, the order it is on, the quantity still outstanding, the ETA):
// grouped by purchase order, so the receiving screen can count a truck against what was
// ordered. Pure; answers offline, like the rest of the store's own copy.
import type { Payload } from "@retail/protocol";

type Item = Payload<"replenishment.status">["items"][number];

export interface Delivery {
  purchaseOrderId: string;
  status: "ordered" | "in_transit";
  expectedAt: string | null;
  lines: { sku: string; name: string; expected: number }[];
}

/** Open orders (ordered or shipped by the supplier) with their outstanding lines, earliest first. */
export function deliveriesOf(
  items: readonly Item[],
  nameOf: (sku: string) => string | undefined,
): Delivery[] {
  const byPo = new Map<string, Delivery>();
  for (const i of items) {
    if ((i.status !== "ordered" && i.status !== "in_transit") || !i.purchaseOrderId || !i.qty) continue;
    let d = byPo.get(i.purchaseOrderId);
    if (!d) {
      d = {
        purchaseOrderId: i.purchaseOrderId,
        status: i.status,
        expectedAt: i.expectedAt ?? null,
        lines: [],
      };
      byPo.set(i.purchaseOrderId, d);
    }
    // A shipped line makes the order in transit; the latest ETA of its lines is the order's.
    if (i.status === "in_transit") d.status = "in_transit";
    if (i.expectedAt && (!d.expectedAt || i.expectedAt > d.expectedAt)) d.expectedAt = i.expectedAt;
    d.lines.push({ sku: i.sku, name: nameOf(i.sku) ?? i.sku, expected: i.qty });
  }
  const out = [...byPo.values()];
  for (const d of out) d.lines.sort((a, b) => a.sku.localeCompare(b.sku));
  return out.sort(
    (a, b) =>
      (a.expectedAt ?? "9999").localeCompare(b.expectedAt ?? "9999") ||
      a.purchaseOrderId.localeCompare(b.purchaseOrderId),
  );
}
