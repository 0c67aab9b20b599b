// Stock valuation per store and category at the end of a day, from the running totals per store
// and SKU (schema/stock-value.ts, kept by a trigger on the append-only cost ledger) less the
// movements after that day: a read of the chain's (store, SKU) pairs and of the movements since
// the day, not of every movement since the chain opened. `fromLedger` is the full sum the report
// read before, kept as the roll-up's reference (stock-value.test.ts).
import { and, asc, eq, gt, lte, sql } from "drizzle-orm";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import { costMovements, products, stockValueTotals } from "../db/schema.ts";

const endOfDay = (day: string) => `${day}T23:59:59.999Z`;

export interface ValuationQuery {
  date: string;
  store?: string;
}

export function createStockValue(db: Sqlite) {
  const orm = openDrizzle(db);
  const category = sql<string>`COALESCE(${products.category}, '')`;

  /** The totals less what came after the day: today's valuation reads no movement at all. */
  function valuation(q: ValuationQuery) {
    const m = costMovements;
    const after = orm
      .select({
        storeId: m.storeId,
        sku: m.sku,
        n: sql<number>`COUNT(*)`.as("after_n"),
        qty: sql<number>`SUM(${m.qty})`.as("after_qty"),
        value: sql<number>`SUM(${m.valueFen} - ${m.correctionFen})`.as("after_value"),
      })
      .from(m)
      .where(and(gt(m.at, endOfDay(q.date)), q.store ? eq(m.storeId, q.store) : undefined))
      .groupBy(m.storeId, m.sku)
      .as("after");
    const t = stockValueTotals;
    return orm
      .select({
        storeId: t.storeId,
        category,
        onHand: sql<number>`SUM(${t.qty} - COALESCE(${after.qty}, 0))`,
        valueFen: sql<number>`SUM(${t.valueFen} - COALESCE(${after.value}, 0))`,
      })
      .from(t)
      .leftJoin(after, and(eq(after.storeId, t.storeId), eq(after.sku, t.sku)))
      .leftJoin(products, eq(products.sku, t.sku))
      .where(
        and(sql`${t.movements} - COALESCE(${after.n}, 0) > 0`, q.store ? eq(t.storeId, q.store) : undefined),
      )
      .groupBy(t.storeId, sql`2`)
      .orderBy(asc(t.storeId), sql`2`)
      .all();
  }

  /** Every costed movement up to the day, summed (the reference). */
  function fromLedger(q: ValuationQuery) {
    return orm
      .select({
        storeId: costMovements.storeId,
        category,
        onHand: sql<number>`SUM(${costMovements.qty})`,
        valueFen: sql<number>`SUM(${costMovements.valueFen} - ${costMovements.correctionFen})`,
      })
      .from(costMovements)
      .leftJoin(products, eq(products.sku, costMovements.sku))
      .where(
        and(
          lte(costMovements.at, endOfDay(q.date)),
          q.store ? eq(costMovements.storeId, q.store) : undefined,
        ),
      )
      .groupBy(costMovements.storeId, sql`2`)
      .orderBy(asc(costMovements.storeId), sql`2`)
      .all();
  }

  return { valuation, fromLedger };
}
