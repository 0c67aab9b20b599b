// Over 400 lines because it is the one service of cost: the catch-up with the incoming cost of each kind of movement (receipt, return, transfer) and the reads that catch up first; the pure rules are in ledger.ts and prices.ts.
// Cost at HQ (issue 16): supplier price lists, purchase order lines priced from them, and the
// perpetual moving-average cost per store and SKU, kept by following the stock ledger. Every
// ledger row gets exactly one cost_movements row keyed by its id, written in the same
// transaction as the positions it moves, so a row is costed once whatever crashes or repeats
// (the ingest already admits each event once); `catchUp` runs before every read of cost.
import { and, asc, desc, eq, gt, sql } from "drizzle-orm";
import { z } from "zod";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import {
  costMovements,
  costPositions,
  products,
  purchaseOrderLineCosts,
  purchaseOrders,
  receivings,
  returns,
  stockLedger,
  supplierSkus,
} from "../db/schema.ts";
import { NotFoundError } from "../errors.ts";
import { applyCost, type CostMovement, type CostPosition, lineValue, returnValue } from "./ledger.ts";
import { createPriceLists, Day } from "./prices.ts";
import { createStockValue } from "./stock-value.ts";

export const ValuationQuery = z.object({
  date: Day,
  store: z
    .string()
    .regex(/^[A-Z0-9]{1,16}$/)
    .optional(),
});

/** The last moment of a UTC day, for "at or before date". */

export function createCosting(deps: { db: Sqlite; now: () => Date }) {
  const { db } = deps;
  const orm = openDrizzle(db);
  const priceLists = createPriceLists(deps);
  const { priceOn, priceOrders } = priceLists;

  function orderCosts(poId: string) {
    catchUp();
    if (!orm.select({ id: purchaseOrders.id }).from(purchaseOrders).where(eq(purchaseOrders.id, poId)).get())
      throw new NotFoundError("purchase order", poId);
    return orm
      .select({
        sku: purchaseOrderLineCosts.sku,
        unitCostFen: purchaseOrderLineCosts.unitCostFen,
        taxRate: purchaseOrderLineCosts.taxRate,
        priceFrom: purchaseOrderLineCosts.priceFrom,
      })
      .from(purchaseOrderLineCosts)
      .where(eq(purchaseOrderLineCosts.poId, poId))
      .orderBy(asc(purchaseOrderLineCosts.sku))
      .all();
  }

  // The receipt path's look-ups, prepared once: the catch-up asks them for every received line
  // (building each query per row cost ~600 us a line in the month bench, close/month.bench.ts).
  const weighedStmt = orm
    .select({ w: products.weighed })
    .from(products)
    .where(eq(products.sku, sql.placeholder("sku")))
    .prepare();
  const weighed = (sku: string) => weighedStmt.get({ sku })?.w === 1;
  const receivingStmt = orm
    .select()
    .from(receivings)
    .where(
      and(
        eq(receivings.storeId, sql.placeholder("storeId")),
        eq(receivings.receivingId, sql.placeholder("receivingId")),
      ),
    )
    .prepare();
  const orderLineCostStmt = orm
    .select({ c: purchaseOrderLineCosts.unitCostFen })
    .from(purchaseOrderLineCosts)
    .where(
      and(
        eq(purchaseOrderLineCosts.poId, sql.placeholder("poId")),
        eq(purchaseOrderLineCosts.sku, sql.placeholder("sku")),
      ),
    )
    .prepare();
  const skuSupplierStmt = orm
    .select({ s: supplierSkus.supplierId })
    .from(supplierSkus)
    .where(eq(supplierSkus.sku, sql.placeholder("sku")))
    .prepare();

  /** The unit cost of a received line: its order's price, else its supplier's list on that day. */
  function receiptCost(storeId: string, receivingId: string, sku: string) {
    const rc = receivingStmt.get({ storeId, receivingId });
    if (!rc) return undefined;
    if (rc.purchaseOrderId) {
      const l = orderLineCostStmt.get({ poId: rc.purchaseOrderId, sku });
      if (l?.c != null) return { unitCostFen: l.c, source: "order" };
    }
    const supplierId = rc.supplierId ?? skuSupplierStmt.get({ sku })?.s;
    const p = supplierId ? priceOn(supplierId, sku, rc.confirmedAt.slice(0, 10)) : undefined;
    return p ? { unitCostFen: p.costFen, source: "price_list" } : undefined;
  }

  // The catch-up's per-row statements are prepared once: it runs for every stock movement the
  // hub ingests (five per five-line sale), on the hub's thread, and building and preparing the
  // SQL again per call cost ingest about 45% of its rate (docs/benchmarks.md).
  const positionStmt = orm
    .select()
    .from(costPositions)
    .where(
      and(
        eq(costPositions.storeId, sql.placeholder("storeId")),
        eq(costPositions.sku, sql.placeholder("sku")),
      ),
    )
    .prepare();
  const savePositionStmt = orm
    .insert(costPositions)
    .values({
      storeId: sql.placeholder("storeId"),
      sku: sql.placeholder("sku"),
      onHand: sql.placeholder("onHand"),
      valueFen: sql.placeholder("valueFen"),
      lastValueFen: sql.placeholder("lastValueFen"),
      lastQty: sql.placeholder("lastQty"),
    })
    .onConflictDoUpdate({
      target: [costPositions.storeId, costPositions.sku],
      set: {
        onHand: sql`excluded.on_hand`,
        valueFen: sql`excluded.value_fen`,
        lastValueFen: sql`excluded.last_value_fen`,
        lastQty: sql`excluded.last_qty`,
      },
    })
    .prepare();
  const insertMovementStmt = orm
    .insert(costMovements)
    .values({
      ledgerId: sql.placeholder("ledgerId"),
      storeId: sql.placeholder("storeId"),
      sku: sql.placeholder("sku"),
      kind: sql.placeholder("kind"),
      ref: sql.placeholder("ref"),
      sourceRef: sql.placeholder("sourceRef"),
      qty: sql.placeholder("qty"),
      valueFen: sql.placeholder("valueFen"),
      correctionFen: sql.placeholder("correctionFen"),
      costSource: sql.placeholder("costSource"),
      at: sql.placeholder("at"),
    })
    .prepare();

  function positionOf(storeId: string, sku: string): CostPosition {
    const r = positionStmt.get({ storeId, sku });
    if (!r) return { onHand: 0, valueFen: 0 };
    return r.lastQty
      ? { onHand: r.onHand, valueFen: r.valueFen, last: { valueFen: r.lastValueFen ?? 0, qty: r.lastQty } }
      : { onHand: r.onHand, valueFen: r.valueFen };
  }

  type LedgerRow = typeof stockLedger.$inferSelect;

  /** What one ledger row is as a cost movement, and where its incoming cost came from. */
  function movementOf(row: LedgerRow): { m: CostMovement; source: string; sourceRef?: string } {
    const qty = Math.abs(row.qtyDelta);
    if (row.qtyDelta < 0) return { m: { kind: "out", qty }, source: "average" };
    if (row.kind === "receipt") {
      const c = receiptCost(row.storeId, row.ref, row.sku);
      if (c)
        return {
          m: { kind: "in", qty, valueFen: lineValue(qty, c.unitCostFen, weighed(row.sku)) },
          source: c.source,
        };
    }
    if (row.kind === "return") {
      const ret = orm
        .select({ saleId: returns.originalSaleId, storeId: returns.originalStoreId })
        .from(returns)
        .where(and(eq(returns.storeId, row.storeId), eq(returns.returnId, row.ref)))
        .get();
      if (ret?.saleId) {
        const from = ret.storeId ?? row.storeId;
        const sold = orm
          .select({
            qty: sql<number>`-SUM(${costMovements.qty})`,
            value: sql<number>`-SUM(${costMovements.valueFen})`,
          })
          .from(costMovements)
          .where(
            and(
              eq(costMovements.storeId, from),
              eq(costMovements.ref, ret.saleId),
              eq(costMovements.sku, row.sku),
              eq(costMovements.kind, "sale"),
            ),
          )
          .get();
        const back = orm
          .select({
            qty: sql<number>`COALESCE(SUM(${costMovements.qty}), 0)`,
            value: sql<number>`COALESCE(SUM(${costMovements.valueFen}), 0)`,
          })
          .from(costMovements)
          .where(
            and(
              eq(costMovements.kind, "return"),
              eq(costMovements.sourceRef, `${from}/${ret.saleId}`),
              eq(costMovements.sku, row.sku),
            ),
          )
          .get();
        if (sold?.qty && back && sold.qty - back.qty > 0) {
          const left = { qty: sold.qty - back.qty, valueFen: sold.value - back.value };
          // Units beyond what the sale line still has come back at the average.
          if (qty <= left.qty)
            return {
              m: { kind: "in", qty, valueFen: returnValue(left, qty) },
              source: "sale",
              sourceRef: `${from}/${ret.saleId}`,
            };
        }
      }
    }
    if (row.kind === "transfer_in") {
      const out = orm
        .select({ id: costMovements.ledgerId, value: costMovements.valueFen })
        .from(costMovements)
        .where(
          and(
            eq(costMovements.kind, "transfer_out"),
            eq(costMovements.ref, row.ref),
            eq(costMovements.sku, row.sku),
            eq(costMovements.qty, -qty),
            sql`NOT EXISTS (SELECT 1 FROM cost_movements i WHERE i.kind = 'transfer_in' AND i.source_ref = CAST(${costMovements.ledgerId} AS TEXT))`,
          ),
        )
        .orderBy(desc(costMovements.ledgerId))
        .limit(1)
        .get();
      if (out)
        return {
          m: { kind: "in", qty, valueFen: -out.value },
          source: "transfer",
          sourceRef: String(out.id),
        };
    }
    return { m: { kind: "in_at_average", qty }, source: "average" };
  }

  /** Costs the stock ledger rows not costed yet, oldest first, in batches (all, or `maxBatches`); returns how many. */
  function catchUp(opts: { batch?: number; maxBatches?: number } = {}): number {
    const batch = opts.batch ?? 5000;
    let batches = 0;
    let total = 0;
    for (;;) {
      const n = db.transaction(() => {
        priceOrders();
        const mark =
          orm
            .select({ m: sql<number>`COALESCE(MAX(${costMovements.ledgerId}), 0)` })
            .from(costMovements)
            .get()?.m ?? 0;
        const rows = orm
          .select()
          .from(stockLedger)
          .where(gt(stockLedger.id, mark))
          .orderBy(asc(stockLedger.id))
          .limit(batch)
          .all();
        // A batch touches a (store, SKU) position many times: kept here, written once at its end.
        const touched = new Map<string, { storeId: string; sku: string; p: CostPosition }>();
        for (const row of rows) {
          const { m, source, sourceRef } = movementOf(row);
          const key = `${row.storeId}\u0000${row.sku}`;
          const before = touched.get(key)?.p ?? positionOf(row.storeId, row.sku);
          const r = applyCost(before, m);
          touched.set(key, { storeId: row.storeId, sku: row.sku, p: r.position });
          insertMovementStmt.run({
            ledgerId: row.id,
            storeId: row.storeId,
            sku: row.sku,
            kind: row.kind,
            ref: row.ref,
            sourceRef: sourceRef ?? null,
            qty: row.qtyDelta,
            valueFen: r.valueFen,
            correctionFen: r.correctionFen,
            costSource: m.kind === "in" ? source : "average",
            at: row.at,
          });
        }
        for (const { storeId, sku, p } of touched.values())
          savePositionStmt.run({
            storeId,
            sku,
            onHand: p.onHand,
            valueFen: p.valueFen,
            lastValueFen: p.last?.valueFen ?? null,
            lastQty: p.last?.qty ?? null,
          });
        return rows.length;
      })() as number;
      total += n;
      if (n < batch || ++batches === opts.maxBatches) return total;
    }
  }

  /** Cost positions of a store (one SKU, or all), with the average per unit (per kg when weighed). */
  function positions(storeId: string, sku?: string) {
    catchUp();
    return orm
      .select({
        sku: costPositions.sku,
        onHand: costPositions.onHand,
        valueFen: costPositions.valueFen,
        lastValueFen: costPositions.lastValueFen,
        lastQty: costPositions.lastQty,
        weighed: products.weighed,
      })
      .from(costPositions)
      .leftJoin(products, eq(products.sku, costPositions.sku))
      .where(and(eq(costPositions.storeId, storeId), sku ? eq(costPositions.sku, sku) : undefined))
      .orderBy(asc(costPositions.sku))
      .all()
      .map((r) => {
        const per = r.weighed === 1 ? 1000 : 1;
        const avg =
          r.onHand > 0
            ? { v: r.valueFen, q: r.onHand }
            : r.lastQty
              ? { v: r.lastValueFen ?? 0, q: r.lastQty }
              : undefined;
        return {
          sku: r.sku,
          onHand: r.onHand,
          valueFen: r.valueFen,
          averageFen: avg ? Math.round((avg.v * per) / avg.q) : null,
          per: per === 1000 ? ("kg" as const) : ("unit" as const),
        };
      });
  }

  /** A SKU's cost card at a store: each ledger row with what it moved, oldest first. */
  function movements(storeId: string, sku: string, limit = 500) {
    catchUp();
    return orm
      .select({
        ledgerId: costMovements.ledgerId,
        kind: costMovements.kind,
        ref: costMovements.ref,
        qty: costMovements.qty,
        valueFen: costMovements.valueFen,
        correctionFen: costMovements.correctionFen,
        costSource: costMovements.costSource,
        at: costMovements.at,
      })
      .from(costMovements)
      .where(and(eq(costMovements.storeId, storeId), eq(costMovements.sku, sku)))
      .orderBy(desc(costMovements.ledgerId))
      .limit(limit)
      .all()
      .reverse();
  }

  const stockValue = createStockValue(db);
  /** Stock valuation per store and category at the end of `date` (UTC): the costed movements up to it (stock-value.ts). */
  function valuation(q: { date: string; store?: string; regions?: string[] }) {
    catchUp();
    return stockValue.valuation(q);
  }

  return {
    setPrices: priceLists.setPrices,
    validatePrices: priceLists.validatePrices,
    prices: priceLists.prices,
    /** Prices new purchase order lines now (called when orders are created, and by catchUp). */
    priceOrders: priceLists.priceOrdersNow,
    orderCosts,
    catchUp,
    positions,
    movements,
    valuation,
  };
}

export type Costing = ReturnType<typeof createCosting>;
