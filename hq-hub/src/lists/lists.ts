// The promotion, cashier and supplier lists at chain scale (issue 19 item 2): searched, filtered,
// sorted and paged in SQL with the real total, so a chain with thousands of promotions or
// cashiers is never sent to the browser whole. Each answers `{rows, total}`.
import { z } from "@hono/zod-openapi";
import { and, count, eq, or, type SQL, sql } from "drizzle-orm";
import type { Drizzle } from "../db/open.ts";
import { cashiers, promotions, suppliers } from "../db/schema.ts";
import { contains, orderOf, pageQuery } from "./page-query.ts";

export const PromotionListQuery = pageQuery(["id", "name", "kind"]).extend({
  kind: z.string().max(40).optional(),
  /** "1": only coupon-gated promotions; "0": only those without a coupon. */
  coupon: z.enum(["0", "1"]).optional(),
});
export const CashierListQuery = pageQuery(["id", "name", "role", "status"]).extend({
  role: z.enum(["cashier", "supervisor", "manager"]).optional(),
  status: z.enum(["active", "inactive"]).optional(),
});
export const SupplierListQuery = pageQuery(["id", "name", "leadTimeDays"]).extend({
  status: z.enum(["active", "inactive", "all"]).default("all"),
});

export function createLists(orm: Drizzle) {
  /** The total of the hits, and the page's rows only when there are any. */
  function page<T>(
    table: typeof promotions | typeof cashiers | typeof suppliers,
    where: SQL | undefined,
    rows: () => T[],
  ): { rows: T[]; total: number } {
    const total = orm.select({ n: count() }).from(table).where(where).get()?.n ?? 0;
    return { rows: total === 0 ? [] : rows(), total };
  }

  function listPromotions(query: z.output<typeof PromotionListQuery>) {
    // Raw: the name and coupon code live in the record's JSON only; drizzle has no json_extract.
    const name = sql`json_extract(${promotions.dataJson}, '$.name')`;
    const couponCode = sql`json_extract(${promotions.dataJson}, '$.couponCode')`;
    const words = query.q?.trim();
    const where = and(
      words
        ? or(contains(promotions.id, words), contains(name, words), contains(couponCode, words))
        : undefined,
      query.kind ? eq(promotions.kind, query.kind) : undefined,
      query.coupon === "1"
        ? sql`${couponCode} IS NOT NULL`
        : query.coupon === "0"
          ? sql`${couponCode} IS NULL`
          : undefined,
    );
    return page(promotions, where, () =>
      orm
        .select({ dataJson: promotions.dataJson })
        .from(promotions)
        .where(where)
        .orderBy(...orderOf(query.sort, { name, kind: promotions.kind }, promotions.id))
        .limit(query.limit)
        .offset(query.offset)
        .all()
        .map((r) => JSON.parse(r.dataJson) as Record<string, unknown>),
    );
  }

  function listCashiers(query: z.output<typeof CashierListQuery>) {
    const words = query.q?.trim();
    const where = and(
      words ? or(contains(cashiers.id, words), contains(cashiers.name, words)) : undefined,
      query.role ? eq(cashiers.role, query.role) : undefined,
      query.status ? eq(cashiers.status, query.status) : undefined,
    );
    return page(cashiers, where, () =>
      orm
        .select({
          id: cashiers.id,
          name: cashiers.name,
          role: cashiers.role,
          status: cashiers.status,
          // Whether a PIN is set, never its hash.
          hasPin: sql<number>`${cashiers.pinHash} <> ''`,
        })
        .from(cashiers)
        .where(where)
        .orderBy(
          ...orderOf(
            query.sort,
            { name: cashiers.name, role: cashiers.role, status: cashiers.status },
            cashiers.id,
          ),
        )
        .limit(query.limit)
        .offset(query.offset)
        .all()
        .map((r) => ({ ...r, hasPin: r.hasPin === 1 })),
    );
  }

  function listSuppliers(query: z.output<typeof SupplierListQuery>) {
    const words = query.q?.trim();
    const where = and(
      words
        ? or(contains(suppliers.id, words), contains(suppliers.name, words), contains(suppliers.taxId, words))
        : undefined,
      query.status === "all" ? undefined : eq(suppliers.active, query.status === "active" ? 1 : 0),
    );
    return page(suppliers, where, () =>
      orm
        .select()
        .from(suppliers)
        .where(where)
        .orderBy(
          ...orderOf(
            query.sort,
            { name: suppliers.name, leadTimeDays: suppliers.leadTimeDays },
            suppliers.id,
          ),
        )
        .limit(query.limit)
        .offset(query.offset)
        .all()
        .map((r) => ({ ...r, active: r.active === 1 })),
    );
  }

  return { listPromotions, listCashiers, listSuppliers };
}
