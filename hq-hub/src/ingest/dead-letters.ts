// Reading dead letters (what ingest could not apply, kept for a person): the list by status,
// store and region, and one with its raw payload. Replay and discard are ingest's.
import { and, asc, eq, type SQL } from "drizzle-orm";
import type { Drizzle } from "../db/open.ts";
import { deadLetters, stores } from "../db/schema.ts";
import { NotFoundError } from "../errors.ts";
import { columnsAsStored } from "../http/table-rows.ts";

export function createDeadLetterReads(orm: Drizzle) {
  const row = columnsAsStored(deadLetters);
  return {
    list(q: { status: string; store?: string; region?: string }): Record<string, unknown>[] {
      const where: SQL[] = [eq(deadLetters.status, q.status)];
      if (q.store !== undefined) where.push(eq(deadLetters.storeId, q.store));
      if (q.region !== undefined) where.push(eq(stores.region, q.region));
      return orm
        .select(row)
        .from(deadLetters)
        .leftJoin(stores, eq(stores.id, deadLetters.storeId))
        .where(and(...where))
        .orderBy(asc(deadLetters.id))
        .all();
    },
    /** `label`: the id as the caller wrote it, for the not-found message. */
    get(id: number, label = String(id)): Record<string, unknown> & { store_id: string } {
      const d = orm.select(row).from(deadLetters).where(eq(deadLetters.id, id)).get();
      if (!d) throw new NotFoundError("dead letter", label);
      return d as unknown as Record<string, unknown> & { store_id: string };
    },
  };
}
