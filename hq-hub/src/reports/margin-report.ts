// The margin report's SQL: per (store, SKU) sales, returns and the cost the costing ledger gave
// them (cost_movements of kind sale / return, found by the document id they carry as `ref`), and
// per (store, promotion) the discounted lines ingest kept (sale_line_discounts); margin.ts makes
// the rows. Sums are TOTAL() like the sales report (reports.ts): a store past exact integers is
// left out and named. Cost catches up with the stock ledger before it is read.
import { and, between, eq, inArray, type SQLWrapper, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { z } from "zod";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import {
  categoryNames,
  costMovements,
  products,
  promotions,
  returnLines,
  returns,
  saleLineDiscounts,
  saleLines,
  sales,
  stores,
} from "../db/schema.ts";
import { createDayTotals } from "./day-totals.ts";
import { addExact, excludedList, keepExact } from "./exact.ts";
import {
  type MarginBy,
  marginBp,
  marginReport,
  type PromotionGroup,
  promotionMarginReport,
  type SkuGroup,
} from "./margin.ts";
import { checkRange, type Scope } from "./reports.ts";

const Day = z.iso.date({ message: "a date YYYY-MM-DD" });
export const MarginQuery = z.object({
  from: Day,
  to: Day,
  by: z.enum(["store", "region", "category", "sku", "promotion"]).default("store"),
  store: z.string().min(1).optional(),
});
export type MarginQuery = z.infer<typeof MarginQuery>;

const total = (c: SQLWrapper) => sql<number>`TOTAL(${c})`;
const UNCATEGORISED = "未分类";
const NO_PROMOTION = "无促销";

export function createMarginReports(deps: { db: Sqlite; catchUpCost: () => void }) {
  const { db } = deps;
  const orm = openDrizzle(db);
  type Range = { from: string; to: string };
  const inScope = (storeId: SQLiteColumn, scope: Scope) =>
    and(
      scope.store ? eq(storeId, scope.store) : undefined,
      scope.region
        ? inArray(storeId, orm.select({ id: stores.id }).from(stores).where(eq(stores.region, scope.region)))
        : undefined,
    );
  const salesIn = (q: Range, scope: Scope) =>
    and(between(sales.businessDay, q.from, q.to), inScope(sales.storeId, scope));
  const returnsIn = (q: Range, scope: Scope) =>
    and(between(returns.businessDay, q.from, q.to), inScope(returns.storeId, scope));
  const key = (storeId: string, sku: string) => `${storeId}\u0000${sku}`;

  /** Sales, returns and their cost per (store, SKU): four grouped reads joined here. */
  function skuGroups(q: Range, scope: Scope): SkuGroup[] {
    const out = new Map<string, SkuGroup>();
    const at = (storeId: string, sku: string) => {
      let g = out.get(key(storeId, sku));
      if (!g) {
        g = {
          storeId,
          sku,
          soldQty: 0,
          salesFen: 0,
          costFen: 0,
          returnedQty: 0,
          returnsFen: 0,
          returnCostFen: 0,
        };
        out.set(key(storeId, sku), g);
      }
      return g;
    };
    for (const r of orm
      .select({
        storeId: saleLines.storeId,
        sku: saleLines.sku,
        qty: total(saleLines.qty),
        fen: total(sql`${saleLines.netFen} - ${saleLines.taxFen}`),
      })
      .from(saleLines)
      .innerJoin(sales, and(eq(sales.storeId, saleLines.storeId), eq(sales.saleId, saleLines.saleId)))
      .where(salesIn(q, scope))
      .groupBy(saleLines.storeId, saleLines.sku)
      .all())
      Object.assign(at(r.storeId, r.sku), { soldQty: r.qty, salesFen: r.fen });
    // What the costing ledger took for those units: its movements carry the sale id as ref.
    for (const r of orm
      .select({
        storeId: costMovements.storeId,
        sku: costMovements.sku,
        fen: total(sql`-${costMovements.valueFen}`),
      })
      .from(sales)
      .innerJoin(
        costMovements,
        and(
          eq(costMovements.ref, sales.saleId),
          eq(costMovements.storeId, sales.storeId),
          eq(costMovements.kind, "sale"),
        ),
      )
      .where(salesIn(q, scope))
      .groupBy(costMovements.storeId, costMovements.sku)
      .all())
      at(r.storeId, r.sku).costFen = r.fen;
    for (const r of orm
      .select({
        storeId: returnLines.storeId,
        sku: returnLines.sku,
        qty: total(returnLines.qty),
        fen: total(sql`${returnLines.refundFen} - ${returnLines.taxFen}`),
      })
      .from(returnLines)
      .innerJoin(
        returns,
        and(eq(returns.storeId, returnLines.storeId), eq(returns.returnId, returnLines.returnId)),
      )
      .where(returnsIn(q, scope))
      .groupBy(returnLines.storeId, returnLines.sku)
      .all())
      Object.assign(at(r.storeId, r.sku), { returnedQty: r.qty, returnsFen: r.fen });
    for (const r of orm
      .select({ storeId: costMovements.storeId, sku: costMovements.sku, fen: total(costMovements.valueFen) })
      .from(returns)
      .innerJoin(
        costMovements,
        and(
          eq(costMovements.ref, returns.returnId),
          eq(costMovements.storeId, returns.storeId),
          eq(costMovements.kind, "return"),
        ),
      )
      .where(returnsIn(q, scope))
      .groupBy(costMovements.storeId, costMovements.sku)
      .all())
      at(r.storeId, r.sku).returnCostFen = r.fen;
    return [...out.values()];
  }

  // A line's cost: what the costing ledger took for its SKU in its sale, shared by quantity when
  // the SKU is on several lines of the sale (then rounded; one line per SKU takes it whole).
  const skuCost = sql<number>`(SELECT -TOTAL(${costMovements.valueFen}) FROM ${costMovements} WHERE ${costMovements.ref} = ${saleLineDiscounts.saleId} AND ${costMovements.storeId} = ${saleLineDiscounts.storeId} AND ${costMovements.sku} = ${saleLineDiscounts.sku} AND ${costMovements.kind} = 'sale')`;
  const skuQty = sql<number>`(SELECT -TOTAL(${costMovements.qty}) FROM ${costMovements} WHERE ${costMovements.ref} = ${saleLineDiscounts.saleId} AND ${costMovements.storeId} = ${saleLineDiscounts.storeId} AND ${costMovements.sku} = ${saleLineDiscounts.sku} AND ${costMovements.kind} = 'sale')`;
  const lineCost = sql<number>`CASE WHEN ${skuQty} = ${saleLineDiscounts.qty} THEN ${skuCost} WHEN ${skuQty} = 0 THEN 0 ELSE ROUND(${skuCost} * ${saleLineDiscounts.qty} / ${skuQty}) END`;

  function promotionGroups(q: Range, scope: Scope) {
    const groups: PromotionGroup[] = orm
      .select({
        storeId: saleLineDiscounts.storeId,
        promotionId: saleLineDiscounts.promotionId,
        soldQty: total(saleLineDiscounts.qty),
        salesFen: total(sql`${saleLineDiscounts.netFen} - ${saleLineDiscounts.taxFen}`),
        costFen: total(lineCost),
        discountFen: total(saleLineDiscounts.amountFen),
      })
      .from(saleLineDiscounts)
      .innerJoin(
        sales,
        and(eq(sales.storeId, saleLineDiscounts.storeId), eq(sales.saleId, saleLineDiscounts.saleId)),
      )
      .where(salesIn(q, scope))
      .groupBy(saleLineDiscounts.storeId, saleLineDiscounts.promotionId)
      .all();
    // Each promoted line once (a line with two promotions has two rows): per store.
    const lines = orm
      .select({
        storeId: saleLineDiscounts.storeId,
        qty: sql<number>`MAX(${saleLineDiscounts.qty})`.as("qty"),
        fen: sql<number>`MAX(${saleLineDiscounts.netFen} - ${saleLineDiscounts.taxFen})`.as("fen"),
        cost: sql<number>`MAX(${lineCost})`.as("cost"),
      })
      .from(saleLineDiscounts)
      .innerJoin(
        sales,
        and(eq(sales.storeId, saleLineDiscounts.storeId), eq(sales.saleId, saleLineDiscounts.saleId)),
      )
      .where(salesIn(q, scope))
      .groupBy(saleLineDiscounts.storeId, saleLineDiscounts.saleId, saleLineDiscounts.lineId)
      .as("lines");
    const promoted = orm
      .select({
        storeId: lines.storeId,
        soldQty: total(lines.qty),
        salesFen: total(lines.fen),
        costFen: total(lines.cost),
      })
      .from(lines)
      .groupBy(lines.storeId)
      .all();
    return { groups, promoted };
  }

  const dayTotals = createDayTotals(db);

  /**
   * By store or region the daily totals' per-store sums are the groups (a few thousand rows for
   * 300 stores x 30 days, not every line and its cost movement); by category, SKU or promotion
   * the documents. `fromDocuments` forces the documents (the roll-up's reference in tests).
   */
  function margin(q: MarginQuery, scope: Scope, opts: { fromDocuments?: boolean } = {}) {
    checkRange(q);
    deps.catchUpCost();
    return db.transaction(() => {
      const excluded = new Map<string, string>();
      const fields = [
        "soldQty",
        "salesFen",
        "costFen",
        "returnedQty",
        "returnsFen",
        "returnCostFen",
      ] as const;
      const perStore = (q.by === "store" || q.by === "region") && !opts.fromDocuments;
      const groups = keepExact(
        perStore
          ? dayTotals.marginByStore(scope, q.from, q.to).map((g) => ({ ...g, sku: "" }))
          : skuGroups(q, scope),
        fields,
        "margin",
        excluded,
      );
      const skus = new Map(
        orm
          .select({
            sku: products.sku,
            name: products.name,
            category: sql<string>`COALESCE(json_extract(${products.dataJson}, '$.category[0]'), '')`,
          })
          .from(products)
          .all()
          .map((p) => [p.sku, p]),
      );
      const storeRows = orm
        .select({ id: stores.id, name: stores.name, region: stores.region })
        .from(stores)
        .all();
      const storeOf = new Map(storeRows.map((s) => [s.id, s]));
      const categories = new Map(
        orm
          .select()
          .from(categoryNames)
          .all()
          .map((c) => [c.code, c.name]),
      );
      let out: ReturnType<typeof marginReport>;
      if (q.by === "promotion") {
        const p = promotionGroups(q, scope);
        const pg = keepExact(
          p.groups,
          ["soldQty", "salesFen", "costFen", "discountFen"],
          "margin by promotion",
          excluded,
        );
        const promoted = keepExact(
          p.promoted,
          ["soldQty", "salesFen", "costFen"],
          "margin by promotion",
          excluded,
        );
        const kept = <G extends { storeId: string }>(xs: G[]) => xs.filter((x) => !excluded.has(x.storeId));
        const sum = (xs: { soldQty: number; salesFen: number; costFen: number }[]) =>
          xs.reduce(
            (s, x) => ({
              soldQty: s.soldQty + x.soldQty,
              salesFen: s.salesFen + x.salesFen,
              costFen: s.costFen + x.costFen,
            }),
            { soldQty: 0, salesFen: 0, costFen: 0 },
          );
        const names = new Map(
          orm
            .select({
              id: promotions.id,
              name: sql<string | null>`json_extract(${promotions.dataJson}, '$.name')`,
            })
            .from(promotions)
            .all()
            .map((x) => [x.id, x.name ?? x.id]),
        );
        out = promotionMarginReport({
          groups: kept(pg),
          all: sum(kept(groups)),
          promoted: sum(kept(promoted)),
          label: (k) => (k === "" ? NO_PROMOTION : (names.get(k) ?? k)),
        });
      } else {
        const keyOf = {
          store: (g: SkuGroup) => g.storeId,
          region: (g: SkuGroup) => storeOf.get(g.storeId)?.region ?? "",
          category: (g: SkuGroup) => skus.get(g.sku)?.category ?? "",
          sku: (g: SkuGroup) => g.sku,
        }[q.by];
        const label = {
          store: (k: string) => storeOf.get(k)?.name ?? k,
          region: (k: string) => k,
          category: (k: string) => (k === "" ? UNCATEGORISED : (categories.get(k) ?? k)),
          sku: (k: string) => skus.get(k)?.name ?? k,
        }[q.by];
        out = marginReport({ groups: groups.filter((g) => !excluded.has(g.storeId)), keyOf, label });
      }
      return { from: q.from, to: q.to, by: q.by as MarginBy, ...out, excluded: excludedList(excluded) };
    })();
  }

  /**
   * The range's revenue, cost and margin for a scope, from the daily totals (day-totals.ts): the
   * same figures as margin()'s totals without reading every sale line (the dashboard's mix).
   */
  function totals(q: Range, scope: Scope) {
    checkRange(q);
    deps.catchUpCost();
    const excluded = new Map<string, string>();
    const fields = ["salesFen", "costFen", "returnsFen", "returnCostFen"] as const;
    const rows = keepExact(dayTotals.margin(scope, q.from, q.to), fields, "margin", excluded);
    let revenueFen = 0;
    let costFen = 0;
    for (const r of rows) {
      revenueFen = addExact(addExact(revenueFen, r.salesFen, "revenueFen"), -r.returnsFen, "revenueFen");
      costFen = addExact(addExact(costFen, r.costFen, "costFen"), -r.returnCostFen, "costFen");
    }
    const marginFen = addExact(revenueFen, -costFen, "marginFen");
    return {
      totals: { revenueFen, costFen, marginFen, marginBp: marginBp(marginFen, revenueFen) },
      excluded: excludedList(excluded),
    };
  }

  return { margin, totals };
}

export type MarginReports = ReturnType<typeof createMarginReports>;
