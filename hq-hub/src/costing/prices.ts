// Supplier price lists (issue 16): a supplier's cost per SKU in fen (per unit, per kg for
// weighed goods) with its tax rate, from a date on until the SKU's next entry; purchase order
// lines priced from them on the order's date, once (a later price change does not reprice them).
import { Sku, TaxRate } from "@retail/protocol";
import { and, asc, desc, eq, isNull, lte, sql } from "drizzle-orm";
import { z } from "zod";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import {
  products,
  purchaseOrderLineCosts,
  purchaseOrderLines,
  purchaseOrders,
  supplierPrices,
} from "../db/schema.ts";
import { fromZod, ValidationError } from "../errors.ts";

export const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "a date YYYY-MM-DD");
export const SupplierPriceLine = z.strictObject({
  sku: Sku,
  /** Per unit, or per kg for weighed goods. */
  costFen: z.int().nonnegative().max(100_000_000),
  taxRate: TaxRate,
  effectiveFrom: Day,
});
export type SupplierPriceLine = z.infer<typeof SupplierPriceLine>;
export const SupplierPricesInput = z.strictObject({ prices: z.array(SupplierPriceLine).min(1).max(5000) });
export const PriceListQuery = z.object({ at: Day.optional() });

export function createPriceLists(deps: { db: Sqlite; now: () => Date }) {
  const { db, now } = deps;
  const orm = openDrizzle(db);

  // Prepared once: the cost catch-up asks it for every received line (costing.ts).
  const priceOnStmt = orm
    .select()
    .from(supplierPrices)
    .where(
      and(
        eq(supplierPrices.supplierId, sql.placeholder("supplierId")),
        eq(supplierPrices.sku, sql.placeholder("sku")),
        lte(supplierPrices.effectiveFrom, sql.placeholder("day")),
      ),
    )
    .orderBy(desc(supplierPrices.effectiveFrom))
    .limit(1)
    .prepare();

  /** The supplier's price of a SKU effective on `day` (the latest entry from on or before it). */
  function priceOn(supplierId: string, sku: string, day: string) {
    return priceOnStmt.get({ supplierId, sku, day });
  }

  /** The lines of a price list, validated as setPrices takes them (nothing written). */
  function validatePrices(input: unknown): SupplierPriceLine[] {
    const r = SupplierPricesInput.safeParse(input);
    if (!r.success) throw fromZod(r.error);
    const seen = new Set<string>();
    r.data.prices.forEach((p, i) => {
      const key = `${p.sku}@${p.effectiveFrom}`;
      if (seen.has(key))
        throw new ValidationError(`prices.${i}.sku`, `${p.sku} from ${p.effectiveFrom} is listed twice`);
      seen.add(key);
      if (!orm.select({ sku: products.sku }).from(products).where(eq(products.sku, p.sku)).get())
        throw new ValidationError(`prices.${i}.sku`, `unknown SKU ${p.sku}`);
    });
    return r.data.prices;
  }

  function setPrices(supplierId: string, input: unknown, actor: string) {
    const prices = validatePrices(input);
    const at = now().toISOString();
    db.transaction(() => {
      for (const p of prices)
        orm
          .insert(supplierPrices)
          .values({ supplierId, ...p, createdBy: actor, createdAt: at })
          .onConflictDoUpdate({
            target: [supplierPrices.supplierId, supplierPrices.sku, supplierPrices.effectiveFrom],
            set: { costFen: p.costFen, taxRate: p.taxRate, createdBy: actor, createdAt: at },
          })
          .run();
    })();
    return { supplierId, prices: prices.length };
  }

  /** A supplier's price list: every entry, or the one effective per SKU on `at`. */
  function prices(supplierId: string, at?: string) {
    const rows = orm
      .select({
        sku: supplierPrices.sku,
        costFen: supplierPrices.costFen,
        taxRate: supplierPrices.taxRate,
        effectiveFrom: supplierPrices.effectiveFrom,
      })
      .from(supplierPrices)
      .where(
        and(
          eq(supplierPrices.supplierId, supplierId),
          at ? lte(supplierPrices.effectiveFrom, at) : undefined,
        ),
      )
      .orderBy(asc(supplierPrices.sku), asc(supplierPrices.effectiveFrom))
      .all();
    if (!at) return rows;
    const latest = new Map<string, (typeof rows)[number]>();
    for (const r of rows) latest.set(r.sku, r);
    return [...latest.values()];
  }

  /** Prices the lines of orders not priced yet at their supplier's price on the order's date. */
  function priceOrders() {
    const unpriced = orm
      .select({
        poId: purchaseOrderLines.poId,
        sku: purchaseOrderLines.sku,
        supplierId: purchaseOrders.supplierId,
        createdAt: purchaseOrders.createdAt,
      })
      .from(purchaseOrderLines)
      .innerJoin(purchaseOrders, eq(purchaseOrders.id, purchaseOrderLines.poId))
      .leftJoin(
        purchaseOrderLineCosts,
        and(
          eq(purchaseOrderLineCosts.poId, purchaseOrderLines.poId),
          eq(purchaseOrderLineCosts.sku, purchaseOrderLines.sku),
        ),
      )
      .where(isNull(purchaseOrderLineCosts.pricedAt))
      .all();
    const at = now().toISOString();
    for (const l of unpriced) {
      const p = priceOn(l.supplierId, l.sku, l.createdAt.slice(0, 10));
      orm
        .insert(purchaseOrderLineCosts)
        .values({
          poId: l.poId,
          sku: l.sku,
          unitCostFen: p?.costFen ?? null,
          taxRate: p?.taxRate ?? null,
          priceFrom: p?.effectiveFrom ?? null,
          pricedAt: at,
        })
        .onConflictDoNothing()
        .run();
    }
  }

  return {
    setPrices,
    validatePrices,
    prices,
    priceOn,
    /** Prices new purchase order lines now, in a transaction of its own. */
    priceOrdersNow: (): void => {
      db.transaction(priceOrders)();
    },
    /** The same inside the caller's transaction. */
    priceOrders,
  };
}

export type PriceLists = ReturnType<typeof createPriceLists>;
