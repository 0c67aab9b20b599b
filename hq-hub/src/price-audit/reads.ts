// The price audit list (issue 19: names not ids, amounts as amounts): the findings newest first,
// server-paged, for a store, a region (a regional manager's) or the chain, each with its store's
// name, the receipt number, the line's SKU and product name (through the sale's lines look-up,
// db/deferred-index.ts, exact even while it lags) and its values (findings.ts).
import { and, count, desc, eq, inArray, type SQL } from "drizzle-orm";
import { z } from "zod";
import { createDeferredIndex, SALE_LINES_BY_SALE } from "../db/deferred-index.ts";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import { priceFindings, products, saleLines, sales, stores } from "../db/schema.ts";
import { findingValues } from "./findings.ts";

export const PriceAuditQuery = z.object({
  store: z.string().min(1).max(40).optional(),
  field: z.string().min(1).max(40).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
});
export type PriceAuditQuery = z.infer<typeof PriceAuditQuery>;

export function createPriceAudit(db: Sqlite) {
  const orm = openDrizzle(db);
  const linesIndex = createDeferredIndex(db, SALE_LINES_BY_SALE);

  function list(q: PriceAuditQuery, region?: string) {
    const where: (SQL | undefined)[] = [
      q.store ? eq(priceFindings.storeId, q.store) : undefined,
      q.field ? eq(priceFindings.field, q.field) : undefined,
      region
        ? inArray(
            priceFindings.storeId,
            orm.select({ id: stores.id }).from(stores).where(eq(stores.region, region)),
          )
        : undefined,
    ];
    const total =
      orm
        .select({ n: count() })
        .from(priceFindings)
        .where(and(...where))
        .get()?.n ?? 0;
    const rows = orm
      .select({
        id: priceFindings.id,
        storeId: priceFindings.storeId,
        storeName: stores.name,
        saleId: priceFindings.saleId,
        receiptNo: sales.receiptNo,
        businessDay: sales.businessDay,
        catalogVersion: priceFindings.catalogVersion,
        lineId: priceFindings.lineId,
        field: priceFindings.field,
        expected: priceFindings.expected,
        actual: priceFindings.actual,
        foundAt: priceFindings.foundAt,
      })
      .from(priceFindings)
      .leftJoin(stores, eq(stores.id, priceFindings.storeId))
      .leftJoin(sales, and(eq(sales.storeId, priceFindings.storeId), eq(sales.saleId, priceFindings.saleId)))
      .where(and(...where))
      .orderBy(desc(priceFindings.id))
      .limit(q.limit)
      .offset(q.offset)
      .all();
    const out = rows.map((r) => {
      const line = r.lineId
        ? orm
            .select({ sku: saleLines.sku, name: products.name })
            .from(saleLines)
            .leftJoin(products, eq(products.sku, saleLines.sku))
            .where(
              and(
                inArray(saleLines.id, linesIndex.idsWhere(r.storeId, r.saleId)),
                eq(saleLines.lineId, r.lineId),
              ),
            )
            .get()
        : undefined;
      return { ...r, sku: line?.sku ?? null, productName: line?.name ?? null, ...findingValues(r) };
    });
    return { rows: out, total, limit: q.limit, offset: q.offset };
  }

  return { list };
}

export type PriceAudit = ReturnType<typeof createPriceAudit>;
