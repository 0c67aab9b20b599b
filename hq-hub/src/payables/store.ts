// Payables at rest (drizzle): invoices, their lines and match, payments, tolerances, and the
// facts a match reads from purchasing (the order, its costed lines, the receipts naming it) and
// from earlier invoices of the same order.
import { and, asc, desc, eq, inArray, ne, sql } from "drizzle-orm";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import {
  matchTolerances,
  products,
  purchaseOrderLineCosts,
  purchaseOrderLines,
  purchaseOrders,
  receivings,
  stores,
  supplierInvoiceLines,
  supplierInvoices,
  supplierPayments,
} from "../db/schema.ts";
import type { PricedLine } from "./invoice.ts";
import type { InvoiceStatus } from "./lifecycle.ts";
import type { OrderLineFacts, Tolerances } from "./match.ts";

export type InvoiceRow = typeof supplierInvoices.$inferSelect;
export type PaymentRow = typeof supplierPayments.$inferSelect;

/** Rows of the stores in `regions` (undefined: every store; empty: none). */
const inRegions = (regions: string[] | undefined) =>
  regions === undefined ? undefined : regions.length === 0 ? sql`0` : inArray(stores.region, regions);

/** Invoices whose quantities count as billed for the next invoice of the same order. */
const BILLED: InvoiceStatus[] = ["matched", "approved", "paid"];

export function createPayablesStore(db: Sqlite) {
  const orm = openDrizzle(db);

  const invoice = (id: string): InvoiceRow | undefined =>
    orm.select().from(supplierInvoices).where(eq(supplierInvoices.id, id)).get();

  const byNumber = (supplierId: string, invoiceNo: string): InvoiceRow | undefined =>
    orm
      .select()
      .from(supplierInvoices)
      .where(and(eq(supplierInvoices.supplierId, supplierId), eq(supplierInvoices.invoiceNo, invoiceNo)))
      .get();

  const lines = (id: string) =>
    orm
      .select()
      .from(supplierInvoiceLines)
      .where(eq(supplierInvoiceLines.invoiceId, id))
      .orderBy(asc(supplierInvoiceLines.lineNo))
      .all();

  const payments = (invoiceId: string): PaymentRow[] =>
    orm
      .select()
      .from(supplierPayments)
      .where(eq(supplierPayments.invoiceId, invoiceId))
      .orderBy(asc(supplierPayments.createdAt), asc(supplierPayments.id))
      .all();

  function insertInvoice(row: typeof supplierInvoices.$inferInsert, priced: readonly PricedLine[]) {
    orm.insert(supplierInvoices).values(row).run();
    for (const l of priced)
      orm
        .insert(supplierInvoiceLines)
        .values({ invoiceId: row.id, ...l })
        .run();
  }

  function update(id: string, set: Partial<typeof supplierInvoices.$inferInsert>) {
    orm.update(supplierInvoices).set(set).where(eq(supplierInvoices.id, id)).run();
  }

  function insertPayment(row: typeof supplierPayments.$inferInsert) {
    orm.insert(supplierPayments).values(row).run();
  }

  function setPaymentVoucher(id: string, voucherId: number | null) {
    orm.update(supplierPayments).set({ voucherId }).where(eq(supplierPayments.id, id)).run();
  }

  const order = (id: string) => orm.select().from(purchaseOrders).where(eq(purchaseOrders.id, id)).get();

  /** The order's lines with the unit cost and tax rate they were priced at (costing/). */
  const orderLines = (poId: string): OrderLineFacts[] =>
    orm
      .select({
        sku: purchaseOrderLines.sku,
        qty: purchaseOrderLines.qty,
        unitCostFen: purchaseOrderLineCosts.unitCostFen,
        taxRate: purchaseOrderLineCosts.taxRate,
      })
      .from(purchaseOrderLines)
      .leftJoin(
        purchaseOrderLineCosts,
        and(
          eq(purchaseOrderLineCosts.poId, purchaseOrderLines.poId),
          eq(purchaseOrderLineCosts.sku, purchaseOrderLines.sku),
        ),
      )
      .where(eq(purchaseOrderLines.poId, poId))
      .orderBy(asc(purchaseOrderLines.sku))
      .all()
      .map((l) => ({ ...l, unitCostFen: l.unitCostFen ?? null, taxRate: l.taxRate ?? null }));

  /** The receipts naming the order, from whichever store confirmed them. */
  const receipts = (poId: string) =>
    orm
      .select({ storeId: receivings.storeId, linesJson: receivings.linesJson })
      .from(receivings)
      .where(eq(receivings.purchaseOrderId, poId))
      .all()
      .map((r) => ({ storeId: r.storeId, lines: JSON.parse(r.linesJson) as { sku: string; qty: number }[] }));

  /** Units billed per SKU by the order's other invoices in `statuses` (matched or approved by default). */
  const invoicedBefore = (poId: string, exceptInvoice: string, statuses = BILLED): Map<string, number> =>
    new Map(
      orm
        .select({ sku: supplierInvoiceLines.sku, qty: sql<number>`SUM(${supplierInvoiceLines.qty})` })
        .from(supplierInvoiceLines)
        .innerJoin(supplierInvoices, eq(supplierInvoices.id, supplierInvoiceLines.invoiceId))
        .where(
          and(
            eq(supplierInvoices.purchaseOrderId, poId),
            ne(supplierInvoices.id, exceptInvoice),
            inArray(supplierInvoices.status, statuses),
          ),
        )
        .groupBy(supplierInvoiceLines.sku)
        .all()
        .map((r) => [r.sku, r.qty] as const),
    );

  /** Orders (newest first) that receipts name, by supplier, store and regions. */
  function receivedOrders(opts: { supplier?: string; store?: string; regions?: string[]; limit: number }) {
    return orm
      .selectDistinct({
        id: purchaseOrders.id,
        supplierId: purchaseOrders.supplierId,
        storeId: purchaseOrders.storeId,
      })
      .from(purchaseOrders)
      .innerJoin(receivings, eq(receivings.purchaseOrderId, purchaseOrders.id))
      .innerJoin(stores, eq(stores.id, purchaseOrders.storeId))
      .where(
        and(
          opts.supplier === undefined ? undefined : eq(purchaseOrders.supplierId, opts.supplier),
          opts.store === undefined ? undefined : eq(purchaseOrders.storeId, opts.store),
          inRegions(opts.regions),
        ),
      )
      .orderBy(desc(purchaseOrders.createdAt), desc(purchaseOrders.id))
      .limit(opts.limit)
      .all();
  }

  const weighed = (skus: readonly string[]): Set<string> =>
    new Set(
      skus.length === 0
        ? []
        : orm
            .select({ sku: products.sku })
            .from(products)
            .where(and(inArray(products.sku, [...skus]), eq(products.weighed, 1)))
            .all()
            .map((r) => r.sku),
    );

  const tolerance = (scope: string): Tolerances | undefined =>
    orm
      .select({
        qtyUnits: matchTolerances.qtyUnits,
        qtyBp: matchTolerances.qtyBp,
        priceFen: matchTolerances.priceFen,
        priceBp: matchTolerances.priceBp,
      })
      .from(matchTolerances)
      .where(eq(matchTolerances.scope, scope))
      .get();

  const tolerances = () => orm.select().from(matchTolerances).orderBy(asc(matchTolerances.scope)).all();

  function setTolerance(scope: string, t: Tolerances, by: string, at: string) {
    orm
      .insert(matchTolerances)
      .values({ scope, ...t, updatedBy: by, updatedAt: at })
      .onConflictDoUpdate({ target: matchTolerances.scope, set: { ...t, updatedBy: by, updatedAt: at } })
      .run();
  }

  /** Invoice ids, newest first, by status, supplier, store and regions. */
  function listIds(opts: {
    status?: string;
    supplier?: string;
    store?: string;
    regions?: string[];
    limit: number;
  }): string[] {
    return orm
      .select({ id: supplierInvoices.id })
      .from(supplierInvoices)
      .innerJoin(stores, eq(stores.id, supplierInvoices.storeId))
      .where(
        and(
          opts.status === undefined ? undefined : eq(supplierInvoices.status, opts.status),
          opts.supplier === undefined ? undefined : eq(supplierInvoices.supplierId, opts.supplier),
          opts.store === undefined ? undefined : eq(supplierInvoices.storeId, opts.store),
          inRegions(opts.regions),
        ),
      )
      .orderBy(desc(supplierInvoices.createdAt), desc(supplierInvoices.id))
      .limit(opts.limit)
      .all()
      .map((r) => r.id);
  }

  function listPayments(opts: { supplier?: string; regions?: string[]; limit: number }) {
    return orm
      .select({
        p: supplierPayments,
        invoiceNo: supplierInvoices.invoiceNo,
        storeId: supplierInvoices.storeId,
      })
      .from(supplierPayments)
      .innerJoin(supplierInvoices, eq(supplierInvoices.id, supplierPayments.invoiceId))
      .innerJoin(stores, eq(stores.id, supplierInvoices.storeId))
      .where(
        and(
          opts.supplier === undefined ? undefined : eq(supplierPayments.supplierId, opts.supplier),
          inRegions(opts.regions),
        ),
      )
      .orderBy(desc(supplierPayments.createdAt), desc(supplierPayments.id))
      .limit(opts.limit)
      .all();
  }

  return {
    invoice,
    byNumber,
    lines,
    payments,
    insertInvoice,
    update,
    insertPayment,
    setPaymentVoucher,
    order,
    orderLines,
    receipts,
    invoicedBefore,
    receivedOrders,
    weighed,
    tolerance,
    tolerances,
    setTolerance,
    listIds,
    listPayments,
  };
}

export type PayablesStore = ReturnType<typeof createPayablesStore>;
