// The supplier's copy of a purchase order: lines with name, barcode, pack, unit cost and value
// (weighed goods ordered in grams, priced per kilogram), for po-xlsx.ts and po-pdf.ts.
import type { Suppliers } from "../suppliers/suppliers.ts";
import type { AutoStore } from "./auto-store.ts";
import type { Replenishment } from "./orders.ts";
import { purchaseOrderPdf } from "./po-pdf.ts";
import type { OrderDocument } from "./po-xlsx.ts";

export function createOrderExport(deps: {
  now: () => Date;
  suppliers: Suppliers;
  replenishment: Replenishment;
  store: AutoStore;
  costing: { orderCosts(poId: string): { sku: string; unitCostFen: number | null }[] };
}) {
  const { now, suppliers, replenishment, store, costing } = deps;
  /** What the supplier's copy of an order says (po-xlsx.ts writes it). */
  function exportOf(poId: string): OrderDocument {
    const po = replenishment.get(poId);
    const sup = suppliers.get(po.supplierId);
    const rows = new Map(store.paramsOf(po.storeId).map((r) => [r.sku, r]));
    const costs = new Map(costing.orderCosts(poId).map((c) => [c.sku, c.unitCostFen]));
    let total: number | null = 0;
    const lines = po.lines.map((l) => {
      const p = store.product(l.sku);
      const unitCostFen = costs.get(l.sku) ?? null;
      const valueFen =
        unitCostFen === null
          ? null
          : p?.weighed === 1
            ? Math.round((l.qty * unitCostFen) / 1000)
            : l.qty * unitCostFen;
      total = total === null || valueFen === null ? null : total + valueFen;
      return {
        sku: l.sku,
        name: p?.name ?? l.sku,
        barcode: store.barcodeOf(l.sku),
        qty: l.qty,
        unit: p?.weighed === 1 ? "g" : (p?.unit ?? ""),
        packSize: rows.get(l.sku)?.packSize ?? p?.purchasePack ?? sup.packSize,
        unitCostFen,
        valueFen,
      };
    });
    return {
      id: po.id,
      status: po.status,
      store: { id: po.storeId, name: store.storeName(po.storeId) },
      supplier: { id: sup.id, name: sup.name },
      createdAt: po.createdAt,
      orderedAt: po.orderedAt,
      expectedAt: po.expectedAt,
      lines,
      totalFen: total,
    };
  }

  /** The supplier's copy as a PDF, stamped with the time it was printed. */
  function pdfOf(poId: string): Promise<Uint8Array> {
    return purchaseOrderPdf(exportOf(poId), now());
  }

  return { exportOf, pdfOf };
}
