// Returns and voids, for loss prevention: returns by reason, the supervised till actions
// (line and sale voids, price overrides, no-sale drawer opens, returns without a receipt, cash
// refunds) by action, and both per cashier, over business days from..to. Returns are filed under
// their business day; till actions under the local day of their time (stores send local
// timestamps, characters 1-10 are the day the cashier saw). Sums are TOTAL() and kept exact like
// the sales report's (reports.ts).
import { and, between, count, eq, inArray, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import { audits, cashiers, returns, stores } from "../db/schema.ts";
import { addExact, excludedList, keepExact } from "./exact.ts";
import { checkRange, type Scope } from "./reports.ts";

/** The till actions this report counts (training and PIN events are not losses). */
export const LOSS_ACTIONS = [
  "line_void",
  "sale_void",
  "price_override",
  "no_sale",
  "return_without_receipt",
  "refund_to_cash",
  "drawer_open",
] as const;

export function createReturnsVoids(db: Sqlite) {
  const orm = openDrizzle(db);
  const inScope = (storeId: SQLiteColumn, scope: Scope) =>
    and(
      scope.store ? eq(storeId, scope.store) : undefined,
      scope.region
        ? inArray(storeId, orm.select({ id: stores.id }).from(stores).where(eq(stores.region, scope.region)))
        : undefined,
    );
  // The local day of a till action's time. A substring: SQL.
  const auditDay = sql<string>`substr(${audits.at}, 1, 10)`;

  function report(q: { from: string; to: string }, scope: Scope) {
    checkRange(q);
    return db.transaction(() => {
      const excluded = new Map<string, string>();
      const ret = keepExact(
        orm
          .select({
            storeId: returns.storeId,
            reason: returns.reason,
            cashier: returns.cashierId,
            count: count(),
            refundFen: sql<number>`TOTAL(${returns.refundFen})`,
          })
          .from(returns)
          .where(and(between(returns.businessDay, q.from, q.to), inScope(returns.storeId, scope)))
          .groupBy(returns.storeId, returns.reason, returns.cashierId)
          .all(),
        ["refundFen"],
        "returns",
        excluded,
      );
      // An action's amount is signed (a price override down is negative): its size is what counts.
      const act = keepExact(
        orm
          .select({
            storeId: audits.storeId,
            action: audits.action,
            cashier: audits.cashierId,
            count: count(),
            amountFen: sql<number>`TOTAL(ABS(COALESCE(${audits.amountFen}, 0)))`,
          })
          .from(audits)
          .where(
            and(
              between(auditDay, q.from, q.to),
              inArray(audits.action, [...LOSS_ACTIONS]),
              inScope(audits.storeId, scope),
            ),
          )
          .groupBy(audits.storeId, audits.action, audits.cashierId)
          .all(),
        ["amountFen"],
        "till actions",
        excluded,
      );
      const names = new Map(
        orm
          .select({ id: cashiers.id, name: cashiers.name })
          .from(cashiers)
          .all()
          .map((c) => [c.id, c.name]),
      );
      return { ...summarise(ret, act, (id) => names.get(id) ?? id), excluded: excludedList(excluded) };
    })();
  }

  return { report };
}

export type ReturnsVoids = ReturnType<typeof createReturnsVoids>;

interface ReturnGroup {
  reason: string;
  cashier: string;
  count: number;
  refundFen: number;
}
interface ActionGroup {
  action: string;
  cashier: string;
  count: number;
  amountFen: number;
}

/** Pure: groups per (store, reason|action, cashier) into rows by reason, by action and by cashier. */
export function summarise(
  ret: readonly ReturnGroup[],
  act: readonly ActionGroup[],
  cashierName: (id: string) => string,
) {
  const byReason = new Map<string, { reason: string; count: number; refundFen: number }>();
  const byAction = new Map<string, { action: string; count: number; amountFen: number }>();
  const byCashier = new Map<
    string,
    {
      cashierId: string;
      name: string;
      returns: number;
      refundFen: number;
      actions: number;
      voids: number;
      actionFen: number;
    }
  >();
  const cashier = (id: string) => {
    let c = byCashier.get(id);
    if (!c) {
      c = {
        cashierId: id,
        name: cashierName(id),
        returns: 0,
        refundFen: 0,
        actions: 0,
        voids: 0,
        actionFen: 0,
      };
      byCashier.set(id, c);
    }
    return c;
  };
  let refundFen = 0;
  let returnCount = 0;
  for (const g of ret) {
    const r = byReason.get(g.reason) ?? { reason: g.reason, count: 0, refundFen: 0 };
    r.count += g.count;
    r.refundFen = addExact(r.refundFen, g.refundFen, "refundFen");
    byReason.set(g.reason, r);
    const c = cashier(g.cashier);
    c.returns += g.count;
    c.refundFen = addExact(c.refundFen, g.refundFen, "refundFen");
    returnCount += g.count;
    refundFen = addExact(refundFen, g.refundFen, "refundFen");
  }
  for (const g of act) {
    const a = byAction.get(g.action) ?? { action: g.action, count: 0, amountFen: 0 };
    a.count += g.count;
    a.amountFen = addExact(a.amountFen, g.amountFen, "amountFen");
    byAction.set(g.action, a);
    const c = cashier(g.cashier);
    c.actions += g.count;
    if (g.action === "line_void" || g.action === "sale_void") c.voids += g.count;
    c.actionFen = addExact(c.actionFen, g.amountFen, "amountFen");
  }
  const desc = <T>(rows: T[], by: (r: T) => number, key: (r: T) => string) =>
    rows.sort((a, b) => by(b) - by(a) || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return {
    returns: { count: returnCount, refundFen },
    byReason: desc(
      [...byReason.values()],
      (r) => r.refundFen,
      (r) => r.reason,
    ),
    byAction: desc(
      [...byAction.values()],
      (r) => r.count,
      (r) => r.action,
    ),
    byCashier: desc(
      [...byCashier.values()],
      (r) => r.voids * 1_000_000 + r.returns,
      (r) => r.cashierId,
    ),
  };
}
