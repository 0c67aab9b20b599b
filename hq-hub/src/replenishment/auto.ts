// Automatic replenishment at HQ: each store's planned SKUs forecast from their own sales
// (forecast/, stock-out days censored), ordered up to forecast over lead time + review +
// safety stock (auto-plan.ts), drafted per supplier, priced (costing/), and sent by
// themselves under the store's threshold or left for approval. Runs per store on a schedule
// (a clock passed in) or on demand; parameters edited in bulk or by CSV.
import { createHash, randomUUID } from "node:crypto";
import { z } from "zod";
import type { Sqlite } from "../db/open.ts";
import { fromZod, NotFoundError, StateError } from "../errors.ts";
import { createImportedHistory } from "../sales-history/sales-history.ts";
import type { Stock } from "../stock/stock.ts";
import type { Suppliers } from "../suppliers/suppliers.ts";
import {
  type Decision,
  decide,
  dueStores,
  nextRunAt,
  planOrder,
  type ReorderParams,
  resolveParams,
} from "./auto-plan.ts";
import { createAutoStore } from "./auto-store.ts";
import { createStoreDemand } from "./demand.ts";
import { createOrderStore } from "./order-store.ts";
import type { Replenishment, TillUpdate } from "./orders.ts";
import { createReorderParams, overridesOf } from "./params.ts";
import { STORE_ID } from "./params-csv.ts";
import { createOrderExport } from "./po-export.ts";

export const AUTO_ACTOR = "auto-replenishment";

export const ScheduleInput = z.strictObject({
  everyDays: z.int().min(1).max(90),
  atHour: z.int().min(0).max(23),
  /** Orders worth at most this (fen) go out by themselves; 0 = every order waits for approval. */
  autoMaxFen: z.int().min(0).max(10_000_000_000),
  enabled: z.boolean(),
});
export const RunsQuery = z.object({
  store: z.string().regex(STORE_ID).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});

export type PlanReason = "order" | "covered" | "no_supplier" | "supplier_inactive";

export interface PlanItem {
  sku: string;
  name: string | null;
  supplierId: string | null;
  reason: PlanReason;
  params: ReorderParams | null;
  onHand: number;
  onOrder: number;
  inTransit: number;
  position: number;
  demandOverCover: number;
  safetyStock: number;
  orderUpTo: number;
  qty: number;
  /** Daily forecast error (standard deviation, units) the safety stock is sized from. */
  errorSd: number;
  /** Days of history the forecast saw, and how many of them were stock-outs. */
  observedDays: number;
  censoredDays: number;
}

export interface RunOrder {
  poId: string;
  supplierId: string;
  valueFen: number | null;
  decision: Decision | "approved" | "rejected";
  decidedBy: string | null;
  decidedAt: string | null;
  lines: { sku: string; qty: number }[];
}

export interface RunResult {
  id: string;
  storeId: string;
  trigger: "schedule" | "manual";
  runBy: string;
  at: string;
  items: PlanItem[];
  orders: RunOrder[];
}

export function createAutoReplenishment(deps: {
  db: Sqlite;
  now: () => Date;
  stock: Stock;
  suppliers: Suppliers;
  replenishment: Replenishment;
  costing: {
    priceOrders(): void;
    orderCosts(poId: string): { sku: string; unitCostFen: number | null }[];
  };
}) {
  const { db, now, stock, suppliers, replenishment, costing } = deps;
  const store = createAutoStore(db);
  const orders = createOrderStore(db);
  const params = createReorderParams({ db, now, suppliers, store, orders });
  const exporter = createOrderExport({ now, suppliers, replenishment, store, costing });
  const demand = createStoreDemand({ now, stock, store, orders, imported: createImportedHistory(db) });
  const { models, forecastFrom } = demand;

  /** What every planned SKU of the store needs now. */
  function plan(storeId: string): PlanItem[] {
    if (!orders.storeExists(storeId)) throw new NotFoundError("store", storeId);
    const skus = store.plannedSkus(storeId);
    const ms = models(storeId, skus);
    const promos = demand.promotions();
    const rows = new Map(store.paramsOf(storeId).map((r) => [r.sku, r]));
    const onOrder = orders.onOrder(storeId);
    const inTransit = orders.inTransit(storeId);
    const supplierCache = new Map<string, ReturnType<Suppliers["get"]>>();
    return skus.map((sku): PlanItem => {
      const onHand = stock.onHand(storeId, sku)[0]?.on_hand ?? 0;
      const oo = onOrder.get(sku) ?? 0;
      const it = inTransit.get(sku) ?? 0;
      const m = ms.get(sku);
      const base = {
        sku,
        name: orders.productName(sku) ?? null,
        onHand,
        onOrder: oo,
        inTransit: it,
        position: onHand + oo + it,
        errorSd: m?.errorSd ?? 0,
        observedDays: m?.observedDays ?? 0,
        censoredDays: m?.censoredDays ?? 0,
      };
      const supplierId = orders.supplierOf(sku);
      const none = { params: null, demandOverCover: 0, safetyStock: 0, orderUpTo: 0, qty: 0 };
      if (supplierId === undefined) return { ...base, ...none, supplierId: null, reason: "no_supplier" };
      if (!supplierCache.has(supplierId)) supplierCache.set(supplierId, suppliers.get(supplierId));
      const sup = supplierCache.get(supplierId)!;
      if (!sup.active) return { ...base, ...none, supplierId, reason: "supplier_inactive" };
      const params = resolveParams(sup, overridesOf(rows.get(sku)), store.product(sku)?.purchasePack);
      const cover = params.leadTimeDays + params.reviewDays;
      const line = planOrder({
        sku,
        forecast: forecastFrom(promos, storeId, sku, m, cover),
        sigmaDaily: m?.errorSd ?? 0,
        params,
        onHand,
        onOrder: oo,
        inTransit: it,
      });
      return {
        ...base,
        supplierId,
        params,
        reason: line.reason,
        demandOverCover: line.demandOverCover,
        safetyStock: line.safetyStock,
        orderUpTo: line.orderUpTo,
        qty: line.qty,
      };
    });
  }

  function orderValue(poId: string, lines: readonly { sku: string; qty: number }[]): number | null {
    const costs = new Map(costing.orderCosts(poId).map((c) => [c.sku, c.unitCostFen]));
    let total = 0;
    for (const l of lines) {
      const c = costs.get(l.sku);
      if (c === null || c === undefined) return null;
      // Weighed goods are ordered in grams and priced per kilogram.
      total += store.product(l.sku)?.weighed === 1 ? Math.round((l.qty * c) / 1000) : l.qty * c;
    }
    return total;
  }

  /**
   * One run: plan, draft one order per supplier, price, send under the threshold, record. A
   * scheduled run's id and order numbers are made from its slot (store, slot instant, supplier):
   * running the same slot again, as a hub restored from a backup taken before it does, drafts
   * and sends the SAME order numbers, which the tills and the supplier already hold (a repeat,
   * not a second order); a run that stopped half way takes up the orders it already drafted
   * (and sends each at most once); in one database a slot that has its run is not run again.
   */
  function run(
    storeId: string,
    trigger: "schedule" | "manual",
    actor: string,
    slot?: Date,
  ): { run: RunResult; till: TillUpdate[] } {
    const items = plan(storeId);
    const at = now().toISOString();
    const slotKey = slot ? slot.toISOString().replace(/[-:]/g, "").slice(0, 13) : undefined; // 20261207T0100
    const id = slotKey
      ? `RUN-${storeId}-${slotKey}`
      : `RUN-${at.slice(0, 10).replaceAll("-", "")}-${randomUUID().slice(0, 8).toUpperCase()}`;
    if (slotKey && store.runExists(id)) throw new StateError(id, `slot ${slotKey} of ${storeId} already ran`);
    const poId = (supplierId: string, k: number) =>
      slotKey
        ? `PO-${slotKey.slice(0, 8)}-${createHash("sha256").update(`${storeId}|${slotKey}|${supplierId}|${k}`).digest("hex").slice(0, 8).toUpperCase()}`
        : undefined;
    const bySupplier = new Map<string, { sku: string; qty: number }[]>();
    for (const i of items)
      if (i.reason === "order" && i.supplierId)
        bySupplier.set(i.supplierId, [...(bySupplier.get(i.supplierId) ?? []), { sku: i.sku, qty: i.qty }]);
    const till: TillUpdate[] = [];
    const drafted: { poId: string; supplierId: string; lines: { sku: string; qty: number }[] }[] = [];
    for (const [supplierId, lines] of bySupplier)
      for (let k = 0; k < lines.length; k += 500) {
        const chunk = lines.slice(k, k + 500);
        const given = poId(supplierId, k);
        const already = given !== undefined && orders.hasOrder(given);
        const c = already
          ? { order: replenishment.get(given!), till: replenishment.tillUpdateOf(given!) }
          : replenishment.create(
              { storeId, supplierId, lines: chunk, note: `auto ${id}` },
              actor,
              given ? { id: given } : {},
            );
        till.push(c.till);
        drafted.push({ poId: c.order.id, supplierId, lines: chunk });
      }
    costing.priceOrders();
    const autoMaxFen = store.schedule(storeId)?.autoMaxFen ?? 0;
    const runOrders: RunOrder[] = drafted.map((d) => {
      const valueFen = orderValue(d.poId, d.lines);
      const decision = decide({ valueFen }, autoMaxFen);
      if (decision === "auto_sent" && replenishment.get(d.poId).status === "draft")
        till.push(replenishment.send(d.poId, AUTO_ACTOR).till);
      return {
        poId: d.poId,
        supplierId: d.supplierId,
        valueFen,
        decision,
        decidedBy: decision === "auto_sent" ? AUTO_ACTOR : null,
        decidedAt: decision === "auto_sent" ? at : null,
        lines: d.lines,
      };
    });
    store.insertRun(
      { id, storeId, trigger, runBy: actor, at, linesJson: JSON.stringify(items) },
      runOrders.map((o) => ({
        poId: o.poId,
        runId: id,
        valueFen: o.valueFen,
        decision: o.decision,
        decidedBy: o.decidedBy,
        decidedAt: o.decidedAt,
      })),
    );
    return { run: { id, storeId, trigger, runBy: actor, at, items, orders: runOrders }, till };
  }

  /** Runs every store whose schedule is due at now(); one failing store does not stop the others. */
  function runDue(log: (line: string) => void = () => {}): { runs: RunResult[]; till: TillUpdate[] } {
    const at = now();
    const schedules = store.schedules().map((s) => ({ ...s, enabled: s.enabled === 1 }));
    const last = store.lastScheduledRuns();
    const due = dueStores(schedules, last, at);
    const runs: RunResult[] = [];
    const till: TillUpdate[] = [];
    for (const storeId of due)
      try {
        const s = schedules.find((x) => x.storeId === storeId)!;
        const r = run(storeId, "schedule", AUTO_ACTOR, nextRunAt(s, last.get(storeId) ?? null, at));
        runs.push(r.run);
        till.push(...r.till);
      } catch (e) {
        log(`hq-hub: replenishment run of ${storeId}: ${(e as Error).message}`);
      }
    return { runs, till };
  }

  function awaiting(poId: string) {
    const o = store.runOrder(poId);
    if (!o) throw new NotFoundError("run order", poId);
    if (o.decision !== "awaiting_approval")
      throw new StateError(poId, `order ${poId} is ${o.decision}, not awaiting approval`);
    return o;
  }

  /** Approves an order a run left waiting: it is sent to the supplier. */
  function approve(poId: string, actor: string) {
    awaiting(poId);
    const sent = replenishment.send(poId, actor);
    store.decideOrder(poId, "approved", actor, now().toISOString());
    return sent;
  }

  /** Rejects an order a run left waiting: it is cancelled. */
  function reject(poId: string, actor: string) {
    awaiting(poId);
    const cancelled = replenishment.cancel(poId, actor);
    store.decideOrder(poId, "rejected", actor, now().toISOString());
    return cancelled;
  }

  function runsOf(opts: z.infer<typeof RunsQuery> & { regions?: string[] }): RunResult[] {
    return store
      .runs({
        ...(opts.store ? { storeId: opts.store } : {}),
        ...(opts.regions ? { regions: opts.regions } : {}),
        limit: opts.limit ?? 50,
      })
      .map((r) => ({
        id: r.id,
        storeId: r.storeId,
        trigger: r.trigger as RunResult["trigger"],
        runBy: r.runBy,
        at: r.at,
        items: JSON.parse(r.linesJson) as PlanItem[],
        orders: store.ordersOfRun(r.id).map((o) => ({
          poId: o.poId,
          supplierId: replenishment.get(o.poId).supplierId,
          valueFen: o.valueFen,
          decision: o.decision as RunOrder["decision"],
          decidedBy: o.decidedBy,
          decidedAt: o.decidedAt,
          lines: replenishment.get(o.poId).lines.map((l) => ({ sku: l.sku, qty: l.qty })),
        })),
      }));
  }

  function setSchedule(storeId: string, input: unknown, actor: string) {
    if (!orders.storeExists(storeId)) throw new NotFoundError("store", storeId);
    const r = ScheduleInput.safeParse(input);
    if (!r.success) throw fromZod(r.error);
    store.setSchedule({
      storeId,
      everyDays: r.data.everyDays,
      atHour: r.data.atHour,
      autoMaxFen: r.data.autoMaxFen,
      enabled: r.data.enabled ? 1 : 0,
      updatedBy: actor,
      updatedAt: now().toISOString(),
    });
    return getSchedule(storeId);
  }

  function getSchedule(storeId: string) {
    if (!orders.storeExists(storeId)) throw new NotFoundError("store", storeId);
    const s = store.schedule(storeId);
    return s
      ? {
          storeId,
          everyDays: s.everyDays,
          atHour: s.atHour,
          autoMaxFen: s.autoMaxFen,
          enabled: s.enabled === 1,
        }
      : { storeId, everyDays: 1, atHour: 6, autoMaxFen: 0, enabled: false };
  }

  return {
    ...params,
    ...exporter,
    forecastOf: demand.forecastOf,
    plan,
    run,
    runDue,
    approve,
    reject,
    runs: runsOf,
    setSchedule,
    getSchedule,
  };
}

export type AutoReplenishment = ReturnType<typeof createAutoReplenishment>;
