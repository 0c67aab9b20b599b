// A store's latest sales as HQ received them (the rows as stored, newest first).
import { desc, eq } from "drizzle-orm";
import type { Drizzle } from "../db/open.ts";
import { sales } from "../db/schema.ts";
import { columnsAsStored } from "../http/table-rows.ts";

export function recentSales(orm: Drizzle, storeId: string, limit = 100): Record<string, unknown>[] {
  return orm
    .select(columnsAsStored(sales))
    .from(sales)
    .where(eq(sales.storeId, storeId))
    .orderBy(desc(sales.completedAt))
    .limit(limit)
    .all();
}
