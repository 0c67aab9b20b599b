// Reads for the supplier price-list screen: the list with validity and product names, the
// supplier's open orders against today's list, and a proposed change (JSON lines or a CSV file)
// previewed against those orders before anything is written.
import { and, eq, inArray } from "drizzle-orm";
import type { Costing } from "../costing/costing.ts";
import { parsePriceCsv } from "../costing/price-csv.ts";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import {
  products,
  purchaseOrderLineCosts,
  purchaseOrderLines,
  purchaseOrders,
  stores,
} from "../db/schema.ts";
import { badRows, ValidationError } from "../errors.ts";
import {
  type OpenOrderLine,
  type OrderImpact,
  orderImpact,
  type PriceEntry,
  withValidity,
} from "./price-list.ts";
import type { Suppliers } from "./suppliers.ts";

/** Orders still to be delivered (the purchase order lifecycle, replenishment/lifecycle.ts). */
const OPEN = ["draft", "ordered", "in_transit"];

export function createSupplierPriceView(deps: {
  db: Sqlite;
  now: () => Date;
  suppliers: Suppliers;
  costing: Costing;
}) {
  const { suppliers, costing } = deps;
  const orm = openDrizzle(deps.db);
  const today = () => deps.now().toISOString().slice(0, 10); // UTC days, as orders are costed

  function productInfo(skus: readonly string[]) {
    if (!skus.length) return new Map<string, { name: string; unit: string; weighed: boolean }>();
    const rows = orm
      .select({ sku: products.sku, name: products.name, unit: products.unit, weighed: products.weighed })
      .from(products)
      .where(inArray(products.sku, [...new Set(skus)]))
      .all();
    return new Map(rows.map((r) => [r.sku, { name: r.name, unit: r.unit, weighed: r.weighed === 1 }]));
  }

  function list(supplierId: string) {
    const supplier = suppliers.get(supplierId);
    const day = today();
    const rows = withValidity(costing.prices(supplierId) as PriceEntry[], day);
    const info = productInfo(rows.map((r) => r.sku));
    return {
      supplier,
      today: day,
      rows: rows.map((r) => ({
        ...r,
        name: info.get(r.sku)?.name ?? null,
        unit: info.get(r.sku)?.unit ?? null,
        weighed: info.get(r.sku)?.weighed ?? false,
        packSize: supplier.packSize,
        minOrderQty: supplier.minOrderQty,
      })),
    };
  }

  function openLines(supplierId: string): OpenOrderLine[] {
    const rows = orm
      .select({
        poId: purchaseOrders.id,
        storeId: purchaseOrders.storeId,
        status: purchaseOrders.status,
        createdAt: purchaseOrders.createdAt,
        expectedAt: purchaseOrders.expectedAt,
        sku: purchaseOrderLines.sku,
        qty: purchaseOrderLines.qty,
        received: purchaseOrderLines.received,
        orderedCostFen: purchaseOrderLineCosts.unitCostFen,
        weighed: products.weighed,
      })
      .from(purchaseOrders)
      .innerJoin(purchaseOrderLines, eq(purchaseOrderLines.poId, purchaseOrders.id))
      .leftJoin(
        purchaseOrderLineCosts,
        and(
          eq(purchaseOrderLineCosts.poId, purchaseOrderLines.poId),
          eq(purchaseOrderLineCosts.sku, purchaseOrderLines.sku),
        ),
      )
      .leftJoin(products, eq(products.sku, purchaseOrderLines.sku))
      .where(and(eq(purchaseOrders.supplierId, supplierId), inArray(purchaseOrders.status, OPEN)))
      .orderBy(purchaseOrders.id, purchaseOrderLines.sku)
      .all();
    const day = today();
    return rows.map((r) => ({
      poId: r.poId,
      storeId: r.storeId,
      status: r.status,
      sku: r.sku,
      qty: r.qty,
      received: r.received,
      weighed: r.weighed === 1,
      orderDay: r.createdAt.slice(0, 10),
      // A delivery already late is invoiced at today's price, not the missed day's.
      deliveryDay: r.expectedAt && r.expectedAt.slice(0, 10) > day ? r.expectedAt.slice(0, 10) : day,
      orderedCostFen: r.orderedCostFen,
    }));
  }

  /** Adds the names a buyer reads and the totals. */
  function named(impact: OrderImpact[]) {
    const info = productInfo(impact.map((i) => i.sku));
    const storeIds = [...new Set(impact.map((i) => i.storeId))];
    const storeNames = new Map(
      storeIds.length
        ? orm
            .select({ id: stores.id, name: stores.name })
            .from(stores)
            .where(inArray(stores.id, storeIds))
            .all()
            .map((s) => [s.id, s.name])
        : [],
    );
    const lines = impact.map((i) => ({
      ...i,
      name: info.get(i.sku)?.name ?? null,
      storeName: storeNames.get(i.storeId) ?? null,
    }));
    const totalDiffFen = lines.reduce((s, l) => s + (l.diffFen ?? 0), 0);
    return { lines, orders: new Set(lines.map((l) => l.poId)).size, totalDiffFen };
  }

  function openOrders(supplierId: string) {
    suppliers.get(supplierId);
    return named(orderImpact(openLines(supplierId), costing.prices(supplierId) as PriceEntry[]));
  }

  /** What the lines would change on open orders; nothing is written. */
  function preview(supplierId: string, input: unknown) {
    suppliers.get(supplierId);
    const proposed = costing.validatePrices(input);
    const impact = orderImpact(openLines(supplierId), costing.prices(supplierId) as PriceEntry[], proposed);
    return { prices: proposed.length, ...named(impact) };
  }

  /** The same for a CSV price list, refused whole when a row is bad (as the import is). */
  function previewCsv(supplierId: string, csv: string) {
    const { prices, errors } = parsePriceCsv(csv);
    if (errors.length) throw badRows(errors);
    if (!prices.length) throw new ValidationError("csv", "no price rows");
    return preview(supplierId, { prices });
  }

  return { list, openOrders, preview, previewCsv };
}

export type SupplierPriceView = ReturnType<typeof createSupplierPriceView>;
