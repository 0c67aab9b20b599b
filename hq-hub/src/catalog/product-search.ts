// The product picker and the catalog list at chain scale (issue 19 items 2 and 3): products
// found by SKU, barcode, name (zh-CN or English) or pinyin initials, filtered by category and
// status, sorted, paged with the total; each row carries its category path in words, its
// barcodes and today's chain price in fen, so an editor never types a raw SKU blind.

import { z } from "@hono/zod-openapi";
import { priceAt } from "@retail/protocol";
import { and, asc, count, desc, eq, exists, inArray, or, sql } from "drizzle-orm";
import type { Drizzle } from "../db/open.ts";
import { barcodes, categoryNames, priceSchedules, products } from "../db/schema.ts";
import type { ScheduleWindow } from "./rules.ts";

export const ProductSearchQuery = z.object({
  /** SKU, barcode, words of the name (zh-CN or English) or pinyin initials. */
  q: z.string().max(100).optional(),
  /** A category code anywhere in the product's path (10, 1001, 100103). */
  category: z
    .string()
    .regex(/^[0-9A-Za-z]{1,12}$/)
    .optional(),
  status: z.enum(["active", "inactive"]).optional(),
  sort: z.enum(["sku", "name", "-sku", "-name"]).default("sku"),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
});
export type ProductSearchQuery = z.output<typeof ProductSearchQuery>;

export const ProductHit = z
  .object({
    sku: z.string(),
    name: z.string(),
    nameEn: z.string().optional(),
    pinyin: z.string().optional(),
    category: z.array(z.string()),
    /** The category path in words where HQ named the codes (the code itself where not). */
    categoryNames: z.array(z.string()),
    unit: z.string(),
    taxRate: z.number().int(),
    weighed: z.boolean(),
    status: z.string(),
    barcodes: z.array(z.string()),
    /** The chain's shelf price in effect now (fen; per kg when weighed), null when none. */
    chainPriceFen: z.number().int().nullable(),
    /** Region and store price schedules of the SKU. */
    overrides: z.number().int(),
  })
  .openapi("ProductHit");
export type ProductHit = z.infer<typeof ProductHit>;

export const ProductSearchPage = z
  .object({ rows: z.array(ProductHit), total: z.number().int() })
  .openapi("ProductSearchPage");

/** `%` and `_` typed by a user are letters, not wildcards. */
const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export function createProductSearch(orm: Drizzle, now: () => Date) {
  function search(query: ProductSearchQuery): { rows: ProductHit[]; total: number } {
    const words = query.q?.trim() ?? "";
    const anywhere = `%${escapeLike(words)}%`;
    const prefix = `${escapeLike(words)}%`;
    const esc = sql`ESCAPE '\\'`;
    const where = and(
      words
        ? or(
            sql`${products.sku} LIKE ${prefix} ${esc}`,
            sql`${products.name} LIKE ${anywhere} ${esc}`,
            sql`${products.nameEn} LIKE ${anywhere} ${esc}`,
            // Raw: drizzle has no json_extract; pinyin lives in the record's JSON only.
            sql`json_extract(${products.dataJson}, '$.pinyin') LIKE ${prefix} ${esc}`,
            exists(
              orm
                .select({ one: sql`1` })
                .from(barcodes)
                .where(and(eq(barcodes.sku, products.sku), sql`${barcodes.code} LIKE ${prefix} ${esc}`)),
            ),
          )
        : undefined,
      query.status ? eq(products.status, query.status) : undefined,
      // Raw: the category path is a JSON array in the record; json_each has no builder.
      query.category
        ? sql`EXISTS (SELECT 1 FROM json_each(${products.dataJson}, '$.category') WHERE value = ${query.category})`
        : undefined,
    );
    const total = orm.select({ n: count() }).from(products).where(where).get()?.n ?? 0;
    const dir = query.sort.startsWith("-") ? desc : asc;
    const by = query.sort.endsWith("name") ? [dir(products.name), asc(products.sku)] : [dir(products.sku)];
    const found = orm
      .select({ sku: products.sku, dataJson: products.dataJson })
      .from(products)
      .where(where)
      .orderBy(...by)
      .limit(query.limit)
      .offset(query.offset)
      .all();
    const skus = found.map((f) => f.sku);
    if (skus.length === 0) return { rows: [], total };

    const codes = new Map<string, string[]>();
    for (const b of orm
      .select({ code: barcodes.code, sku: barcodes.sku })
      .from(barcodes)
      .where(inArray(barcodes.sku, skus))
      .orderBy(asc(barcodes.code))
      .all())
      codes.set(b.sku, [...(codes.get(b.sku) ?? []), b.code]);
    const chain = new Map<string, ScheduleWindow[]>();
    const overrides = new Map<string, number>();
    for (const s of orm
      .select({
        sku: priceSchedules.sku,
        scope: priceSchedules.scope,
        windowsJson: priceSchedules.windowsJson,
      })
      .from(priceSchedules)
      .where(inArray(priceSchedules.sku, skus))
      .all()) {
      if (s.scope === "chain") chain.set(s.sku, JSON.parse(s.windowsJson));
      else overrides.set(s.sku, (overrides.get(s.sku) ?? 0) + 1);
    }
    const records = found.map(
      (f) => JSON.parse(f.dataJson) as Record<string, unknown> & { category: string[] },
    );
    const allCodes = [...new Set(records.flatMap((r) => r.category))];
    const names = new Map(
      orm
        .select({ code: categoryNames.code, name: categoryNames.name })
        .from(categoryNames)
        .where(inArray(categoryNames.code, allCodes))
        .all()
        .map((c) => [c.code, c.name]),
    );
    const at = now().getTime();
    const rows = records.map((r): ProductHit => {
      const sku = r.sku as string;
      const windows = chain.get(sku);
      const price = windows?.length
        ? priceAt({ sku, windows: windows.map((w) => ({ ...w, source: "chain" as const })) }, at)
        : undefined;
      return {
        sku,
        name: r.name as string,
        ...(r.nameEn ? { nameEn: r.nameEn as string } : {}),
        ...(r.pinyin ? { pinyin: r.pinyin as string } : {}),
        category: r.category,
        categoryNames: r.category.map((c) => names.get(c) ?? c),
        unit: r.unit as string,
        taxRate: r.taxRate as number,
        weighed: Boolean(r.weighed),
        status: r.status as string,
        barcodes: codes.get(sku) ?? [],
        chainPriceFen: price?.price ?? null,
        overrides: overrides.get(sku) ?? 0,
      };
    });
    return { rows, total };
  }

  return { search };
}
