// The dashboard's reads: sales and returns per (store, business day) over the span the KPIs
// need (today, the period and the period before it), today's sales per hour, the period's
// tenders and margin (reports/), the fleet's state and the open exceptions, for the chain, a
// region or a store. kpi.ts does the arithmetic.
//
// Sales, returns, revenue and cost per (store, day) come from the daily totals the triggers keep
// in each write's transaction (reports/day-totals.ts): a dashboard over a month of 300 stores
// reads some 9,000 rows. Today's hours still read today's sales through the (store_id,
// business_day) index, naming the stores in scope.
import { and, count, eq, inArray, isNull, type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import { conflicts, deadLetters, edgeResyncs, fleetAlerts, sales, stores } from "../db/schema.ts";
import { NotFoundError, ValidationError } from "../errors.ts";
import type { Fleet } from "../fleet/fleet.ts";
import { createDayTotals } from "../reports/day-totals.ts";
import { excludedList, keepExact } from "../reports/exact.ts";
import type { MarginReports } from "../reports/margin-report.ts";
import type { Reports } from "../reports/reports.ts";
import { type DayGroup, dailySeries, kpis, previousPeriod, type ReturnDayGroup, ranking } from "./kpi.ts";

const Day = z.iso.date({ message: "a date YYYY-MM-DD" });
export const DashboardQuery = z.object({
  /** The business day the "today" figures are of (the console sends its own date). */
  day: Day,
  from: Day,
  to: Day,
  region: z.string().min(1).max(40).optional(),
  store: z.string().min(1).max(40).optional(),
});
export type DashboardQuery = z.infer<typeof DashboardQuery>;

/** At most this many days in a period (a year and a bit): the daily series is one point a day. */
export const MAX_PERIOD_DAYS = 400;
const TOP = 10;

export function createDashboard(deps: {
  db: Sqlite;
  fleet: Pick<Fleet, "list">;
  reports: Pick<Reports, "tenders">;
  margin: Pick<MarginReports, "totals">;
}) {
  const orm = openDrizzle(deps.db);

  /** The ids of the stores in scope, in id order; a store or region that does not exist is a 404. */
  function scopeStores(q: { region?: string; store?: string }) {
    const rows = orm
      .select({ id: stores.id, name: stores.name, region: stores.region })
      .from(stores)
      .where(
        and(
          q.store !== undefined ? eq(stores.id, q.store) : undefined,
          q.region !== undefined ? eq(stores.region, q.region) : undefined,
        ),
      )
      .orderBy(stores.id)
      .all();
    if (rows.length === 0 && q.store !== undefined) throw new NotFoundError("store", q.store);
    if (rows.length === 0 && q.region !== undefined) throw new NotFoundError("region", q.region);
    return rows;
  }

  // Per (store, day) from the daily totals the triggers keep (reports/day-totals.ts).
  const dayTotals = createDayTotals(deps.db);
  const dayGroups = (ids: string[], from: string, to: string): DayGroup[] =>
    dayTotals.sales({ ids }, from, to);
  const returnGroups = (ids: string[], from: string, to: string): ReturnDayGroup[] =>
    dayTotals.returns({ ids }, from, to);
  // The local hour of completion: stores send local timestamps (2026-12-07T09:41:00.000+08:00),
  // so characters 12-13 are the hour the cashier saw. A substring: SQL.
  const hourOf = sql<string>`substr(${sales.completedAt}, 12, 2)`;
  const hourGroups = (ids: string[], day: string) =>
    orm
      .select({ hour: hourOf, saleCount: count(), netFen: sql<number>`TOTAL(${sales.netFen})` })
      .from(sales)
      .where(and(inArray(sales.storeId, ids), eq(sales.businessDay, day)))
      .groupBy(hourOf)
      .all();

  function exceptions(ids: string[]) {
    const open = (
      table: typeof deadLetters | typeof conflicts | typeof fleetAlerts | typeof edgeResyncs,
      where: SQL | undefined,
    ) => orm.select({ n: count() }).from(table).where(where).get()?.n ?? 0;
    return {
      deadLetters: open(deadLetters, and(eq(deadLetters.status, "open"), inArray(deadLetters.storeId, ids))),
      conflicts: open(conflicts, and(eq(conflicts.status, "open"), inArray(conflicts.storeId, ids))),
      fleetAlerts: open(fleetAlerts, and(isNull(fleetAlerts.closedAt), inArray(fleetAlerts.storeId, ids))),
      resyncs: open(edgeResyncs, and(eq(edgeResyncs.status, "open"), inArray(edgeResyncs.storeId, ids))),
    };
  }

  function fleetState(region: string | undefined, ids: Set<string>) {
    const rows = deps.fleet.list(region).filter((r) => ids.has(r.storeId));
    let backlogEvents = 0;
    let storesWithBacklog = 0;
    let oldestUnackedAgeSec = 0;
    for (const r of rows) {
      const b = r.outboxBacklog ?? 0;
      backlogEvents += b;
      if (b > 0) storesWithBacklog++;
      oldestUnackedAgeSec = Math.max(oldestUnackedAgeSec, Math.round(r.oldestUnackedAgeSec ?? 0));
    }
    return {
      stores: rows.length,
      online: rows.filter((r) => r.state === "online").length,
      offline: rows.filter((r) => r.state === "offline").length,
      neverSeen: rows.filter((r) => r.state === "never_seen").length,
      offlineStores: rows
        .filter((r) => r.state === "offline")
        .slice(0, TOP)
        .map((r) => ({ storeId: r.storeId, name: r.name, lastSeenAt: r.lastSeenAt ?? null })),
      backlogEvents,
      storesWithBacklog,
      oldestUnackedAgeSec,
    };
  }

  /** The dashboard of the chain, a region or a store (`region` confines a regional manager). */
  function checkPeriod(q: { from: string; to: string }) {
    if (q.from > q.to) throw new ValidationError("query.to", `must not be before from (${q.from})`);
    if (Date.parse(q.to) - Date.parse(q.from) >= MAX_PERIOD_DAYS * 86_400_000)
      throw new ValidationError("query.from", `a period of at most ${MAX_PERIOD_DAYS} days`);
  }

  /**
   * The period's tender mix and gross margin: the slow part of the home screen (the margin
   * report reads cost per store and SKU, tenders join their documents), answered by its own call
   * so the KPIs are on screen before it (GET /api/v1/dashboard/mix).
   */
  function mix(q: DashboardQuery) {
    checkPeriod(q);
    scopeStores(q);
    const scope = { ...(q.store ? { store: q.store } : {}), ...(q.region ? { region: q.region } : {}) };
    const m = deps.margin.totals({ from: q.from, to: q.to }, scope);
    const tenders = deps.reports.tenders({ from: q.from, to: q.to }, scope);
    const excluded = new Map<string, string>();
    for (const x of [...tenders.excluded, ...m.excluded])
      if (!excluded.has(x.storeId)) excluded.set(x.storeId, x.reason);
    return {
      from: q.from,
      to: q.to,
      margin: {
        revenueFen: m.totals.revenueFen,
        costFen: m.totals.costFen,
        marginFen: m.totals.marginFen,
        marginBp: m.totals.marginBp,
      },
      tenders: tenders.rows.map((t) => ({ method: t.method, count: t.count, amountFen: t.amountFen })),
      excluded: excludedList(excluded),
    };
  }

  function dashboard(q: DashboardQuery) {
    checkPeriod(q);
    const inScope = scopeStores(q);
    const ids = inScope.map((s) => s.id);
    const prev = previousPeriod(q.from, q.to);
    const spanFrom = [prev.from, q.day].sort()[0]!;
    const spanTo = [q.to, q.day].sort()[1]!;
    // Sales and returns of one moment: one read transaction.
    const [s, r] = deps.db.transaction(() => [
      dayGroups(ids, spanFrom, spanTo),
      returnGroups(ids, spanFrom, spanTo),
    ])() as [DayGroup[], ReturnDayGroup[]];
    {
      const excluded = new Map<string, string>();
      keepExact(s, ["netFen", "discountFen"], "sales", excluded);
      keepExact(r, ["refundFen"], "returns", excluded);
      const sg = s.filter((g) => !excluded.has(g.storeId));
      const rg = r.filter((g) => !excluded.has(g.storeId));
      const regionOf = new Map(inScope.map((x) => [x.id, x.region]));
      const nameOf = new Map(inScope.map((x) => [x.id, x.name]));
      const hours = keepExact(
        hourGroups(ids, q.day).map((h) => ({ ...h, storeId: "" })),
        ["netFen"],
        "sales by hour",
        new Map(),
      ).map(({ hour, saleCount, netFen }) => ({ hour: Number(hour) || 0, saleCount, netFen }));
      return {
        scope: q.store
          ? { kind: "store" as const, key: q.store, label: nameOf.get(q.store) ?? q.store }
          : q.region
            ? { kind: "region" as const, key: q.region, label: q.region }
            : { kind: "chain" as const, key: "", label: "" },
        day: q.day,
        from: q.from,
        to: q.to,
        today: kpis(sg, rg, q.day, q.day),
        period: kpis(sg, rg, q.from, q.to),
        previous: { ...prev, ...kpis(sg, rg, prev.from, prev.to) },
        hours,
        days: dailySeries(sg, rg, q.from, q.to),
        topStores: ranking(
          sg,
          q.from,
          q.to,
          (id) => id,
          (id) => nameOf.get(id) ?? id,
          TOP,
        ),
        regions: q.store
          ? []
          : ranking(
              sg,
              q.from,
              q.to,
              (id) => regionOf.get(id) ?? "",
              (k) => k,
              50,
            ),
        fleet: fleetState(q.region, new Set(ids)),
        exceptions: exceptions(ids),
        excluded: excludedList(excluded),
      };
    }
  }

  return { dashboard, mix };
}

export type Dashboard = ReturnType<typeof createDashboard>;
