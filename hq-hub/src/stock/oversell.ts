// Oversold stock: a store whose on-hand of a SKU went below zero, as when two stores sold the
// same last units while offline (each till sells what the customer brings: a sale is never
// refused for stock) and their sales reached HQ afterwards. HQ never hides it: the record is the
// (store, SKU) on-hand below zero itself, with the ledger movement that took it below zero and
// the movements since (which sales, when), listed for a person to count and correct. A stock
// count or a receipt that brings it back to zero or above closes it. Pure reads.

import { z } from "@hono/zod-openapi";
import { Sku } from "@retail/protocol";
import { and, desc, eq, lt } from "drizzle-orm";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import { stockLedger, stockLevels, stores } from "../db/schema.ts";

export const OversellQuery = z.object({
  store: z
    .string()
    .regex(/^[A-Z0-9]{1,16}$/)
    .optional(),
  sku: Sku.optional(),
});
export type OversellQuery = z.infer<typeof OversellQuery>;

const MovementOut = z
  .object({
    qtyDelta: z.number().int(),
    kind: z.string(),
    ref: z.string(),
    eventId: z.string().nullable(),
    at: z.string(),
  })
  .openapi("OversellMovement");
/** One oversold (store, SKU): the response schema of GET /api/v1/stock/oversells. */
export const OversellOut = z
  .object({
    storeId: z.string(),
    region: z.string(),
    sku: z.string(),
    onHand: z.number().int(),
    short: z.number().int(),
    since: MovementOut.nullable(),
    movements: z.array(MovementOut),
  })
  .openapi("Oversell");

export interface OversellMovement {
  qtyDelta: number;
  kind: string;
  /** The sale, count or receiving that moved it. */
  ref: string;
  eventId: string | null;
  at: string;
}

export interface Oversell {
  storeId: string;
  region: string;
  sku: string;
  onHand: number;
  /** Units sold that the store did not have. */
  short: number;
  /** The movement that took on-hand below zero, and every movement after it (newest last, at most 20). */
  since: OversellMovement | null;
  movements: OversellMovement[];
}

/** Ledger rows read back per SKU to find where on-hand went below zero. */
const WALK_LIMIT = 2000;

const handles = new WeakMap<Sqlite, ReturnType<typeof openDrizzle>>();
const drizzleOf = (db: Sqlite) => {
  let d = handles.get(db);
  if (!d) {
    d = openDrizzle(db);
    handles.set(db, d);
  }
  return d;
};

/** Every (store, SKU) below zero; a regional manager sees only its region. */
export function listOversells(db: Sqlite, q: OversellQuery, region?: string): Oversell[] {
  const d = drizzleOf(db);
  const rows = d
    .select({
      storeId: stockLevels.storeId,
      sku: stockLevels.sku,
      onHand: stockLevels.onHand,
      region: stores.region,
    })
    .from(stockLevels)
    .leftJoin(stores, eq(stores.id, stockLevels.storeId))
    .where(
      and(
        lt(stockLevels.onHand, 0),
        q.store ? eq(stockLevels.storeId, q.store) : undefined,
        q.sku ? eq(stockLevels.sku, q.sku) : undefined,
        region ? eq(stores.region, region) : undefined,
      ),
    )
    .orderBy(stockLevels.storeId, stockLevels.sku)
    .all();
  return rows.map((r) => {
    // Newest first: the on-hand before each movement is the one after it minus its delta; the
    // newest movement that started at zero or above is where the store went short.
    const moves = d
      .select({
        qtyDelta: stockLedger.qtyDelta,
        kind: stockLedger.kind,
        ref: stockLedger.ref,
        eventId: stockLedger.eventId,
        at: stockLedger.at,
      })
      .from(stockLedger)
      .where(and(eq(stockLedger.storeId, r.storeId), eq(stockLedger.sku, r.sku)))
      .orderBy(desc(stockLedger.id))
      .limit(WALK_LIMIT)
      .all();
    let after = r.onHand;
    let crossing = -1;
    for (let i = 0; i < moves.length; i++) {
      const before = after - moves[i]!.qtyDelta;
      if (before >= 0) {
        crossing = i;
        break;
      }
      after = before;
    }
    const since = crossing >= 0 ? moves.slice(0, crossing + 1).reverse() : [];
    return {
      storeId: r.storeId,
      region: r.region ?? "",
      sku: r.sku,
      onHand: r.onHand,
      short: -r.onHand,
      since: since[0] ?? null,
      movements: since.slice(-20),
    };
  });
}
