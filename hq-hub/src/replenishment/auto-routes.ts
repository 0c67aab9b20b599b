// The automatic replenishment API: a SKU's forecast at a store, the store's plan, runs (on
// demand; scheduled ones run by the hub's timer), approvals, reorder parameters (bulk and CSV),
// schedules, and the purchase order as an XLSX or PDF file for the supplier.
import { z } from "@hono/zod-openapi";
import { ValidationError } from "../errors.ts";
import { authorize } from "../http/auth.ts";
import type { RouteModule } from "../http/route.ts";
import { RunsQuery, ScheduleInput } from "./auto.ts";
import { ForecastQuery } from "./demand.ts";
import { ParamsBulkInput } from "./params.ts";
import { purchaseOrderXlsx } from "./po-xlsx.ts";
import { PurchaseOrder } from "./routes.ts";

const tag = "replenishment";

const Params = z
  .object({
    serviceLevelBp: z.number().int(),
    leadTimeDays: z.number().int(),
    reviewDays: z.number().int(),
    packSize: z.number().int(),
    minOrderQty: z.number().int(),
  })
  .openapi("ReorderParams");
const PlanItem = z
  .object({
    sku: z.string(),
    name: z.string().nullable(),
    supplierId: z.string().nullable(),
    reason: z.enum(["order", "covered", "no_supplier", "supplier_inactive"]),
    params: Params.nullable(),
    onHand: z.number().int(),
    onOrder: z.number().int(),
    inTransit: z.number().int(),
    position: z.number().int(),
    demandOverCover: z.number().int(),
    safetyStock: z.number().int(),
    orderUpTo: z.number().int(),
    qty: z.number().int(),
    errorSd: z.number(),
    observedDays: z.number().int(),
    censoredDays: z.number().int(),
  })
  .openapi("ReplenishmentPlanItem");
const RunOut = z
  .object({
    id: z.string(),
    storeId: z.string(),
    trigger: z.enum(["schedule", "manual"]),
    runBy: z.string(),
    at: z.string(),
    items: z.array(PlanItem),
    orders: z.array(
      z.object({
        poId: z.string(),
        supplierId: z.string(),
        valueFen: z.number().int().nullable(),
        decision: z.enum(["auto_sent", "awaiting_approval", "approved", "rejected"]),
        decidedBy: z.string().nullable(),
        decidedAt: z.string().nullable(),
        lines: z.array(z.object({ sku: z.string(), qty: z.number().int() })),
      }),
    ),
  })
  .openapi("ReplenishmentRun");
const ForecastOut = z
  .object({
    storeId: z.string(),
    sku: z.string(),
    name: z.string().nullable(),
    history: z.array(z.object({ day: z.string(), units: z.number().int(), stockout: z.boolean() })),
    forecast: z.array(
      z.object({
        day: z.string(),
        units: z.number(),
        level: z.number(),
        yearly: z.number(),
        dow: z.number(),
        event: z.number(),
        promo: z.number(),
        events: z.array(z.string()),
      }),
    ),
    model: z
      .object({
        pool: z.string(),
        lastDay: z.string(),
        level: z.number(),
        alpha: z.number(),
        dow: z.array(z.number()),
        promoUplift: z.number(),
        errorSd: z.number(),
        observedDays: z.number().int(),
        censoredDays: z.number().int(),
      })
      .nullable(),
  })
  .openapi("SkuForecast");
const ParamRowOut = z
  .object({
    sku: z.string(),
    name: z.string().nullable(),
    category: z.string().nullable(),
    supplierId: z.string().nullable(),
    overrides: Params.partial(),
    effective: Params.nullable(),
    updatedBy: z.string().nullable(),
    updatedAt: z.string().nullable(),
  })
  .openapi("ReorderParamRow");
const ScheduleOut = z
  .object({
    storeId: z.string(),
    everyDays: z.number().int(),
    atHour: z.number().int(),
    autoMaxFen: z.number().int(),
    enabled: z.boolean(),
  })
  .openapi("ReplenishmentSchedule");

export const autoReplenishmentRoutes: RouteModule = (r, hub, s) => {
  r.route(
    {
      method: "get",
      path: "/api/v1/stores/{id}/forecast/{sku}",
      summary:
        "A SKU's daily sales at a store (stock-out days flagged) and its forecast, each day with its factors",
      access: "read",
      tag,
      query: ForecastQuery,
      response: ForecastOut,
    },
    ({ params, query, principal }) => {
      s.authorizeStoreRead(principal, params.id);
      return hub.autoReplenishment.forecastOf(params.id, params.sku, query);
    },
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/stores/{id}/replenishment/plan",
      summary:
        "What a run would order now: per planned SKU forecast over lead time + review, safety stock, position",
      access: "read",
      tag,
      response: z.array(PlanItem),
    },
    ({ params, principal }) => {
      s.authorizeStoreRead(principal, params.id);
      return hub.autoReplenishment.plan(params.id);
    },
  );
  r.route(
    {
      method: "post",
      path: "/api/v1/stores/{id}/replenishment/run",
      summary:
        "Run the store's replenishment now: orders drafted per supplier, sent under the threshold, others await approval",
      access: "write",
      tag,
      response: RunOut,
    },
    async ({ params, principal }) => {
      authorize(principal, "write", s.regionOfStore(params.id));
      const { run, till } = hub.autoReplenishment.run(params.id, "manual", s.actor(principal));
      await hub.tellTills(till);
      return run;
    },
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/replenishment/runs",
      summary: "Replenishment runs, newest first, with their orders and decisions",
      access: "read",
      tag,
      query: RunsQuery,
      response: z.array(RunOut),
    },
    ({ query, principal }) => {
      if (query.store) s.authorizeStoreRead(principal, query.store);
      return hub.autoReplenishment.runs({
        ...query,
        ...(principal.role === "regional_manager" ? { regions: [principal.region!] } : {}),
      });
    },
  );
  for (const step of ["approve", "reject"] as const)
    r.route(
      {
        method: "post",
        path: `/api/v1/purchase-orders/{id}/${step}`,
        summary:
          step === "approve"
            ? "Approve an order a run left waiting: it is sent to the supplier"
            : "Reject an order a run left waiting: it is cancelled",
        access: "write",
        tag,
        response: PurchaseOrder,
      },
      async ({ params, principal }) => {
        authorize(principal, "write", s.regionOfStore(hub.replenishment.get(params.id).storeId));
        const changed = hub.autoReplenishment[step](params.id, s.actor(principal));
        await hub.tellTills([changed.till]);
        return changed.order;
      },
    );
  r.route(
    {
      method: "get",
      path: "/api/v1/stores/{id}/replenishment/params",
      summary: "Reorder parameters of the store's planned SKUs: the overrides and what applies",
      access: "read",
      tag,
      response: z.array(ParamRowOut),
    },
    ({ params, principal }) => {
      s.authorizeStoreRead(principal, params.id);
      return hub.autoReplenishment.listParams(params.id);
    },
  );
  r.route(
    {
      method: "post",
      path: "/api/v1/replenishment/params/bulk",
      summary:
        "Set reorder parameters on every store (region, store group or ids) x SKU (category or supplier) the selector names",
      access: "admin",
      tag,
      body: ParamsBulkInput,
      response: z
        .object({ stores: z.number().int(), skus: z.number().int(), updated: z.number().int() })
        .openapi("ParamsBulkResult"),
    },
    ({ body, principal }) => hub.autoReplenishment.bulkSet(body, s.actor(principal)),
  );
  r.route(
    {
      method: "post",
      path: "/api/v1/replenishment/params/import",
      summary:
        "Reorder parameters from CSV (store,sku,service_level,lead_time_days,review_days,pack_size,min_order_qty), all or nothing: a bad row refuses the file, naming every bad row",
      access: "admin",
      tag,
      textBody: true,
      response: z.object({ applied: z.number().int() }).openapi("ParamsImportResult"),
    },
    ({ body, principal }) => {
      const { applied, errors } = hub.autoReplenishment.importCsv(body, s.actor(principal));
      if (errors.length) {
        const list = errors
          .slice(0, 20)
          .map((e) => `row ${e.row} ${e.column}: ${e.reason}`)
          .join("; ");
        throw new ValidationError(
          errors[0]!.column,
          `${errors.length} bad row(s): ${list}${errors.length > 20 ? "; ..." : ""}`,
          errors[0]!.row,
        );
      }
      if (applied === 0) throw new ValidationError("csv", "no parameter rows");
      return { applied };
    },
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/stores/{id}/replenishment/schedule",
      summary: "The store's scheduled run (every N days at an hour, China time) and its approval threshold",
      access: "read",
      tag,
      response: ScheduleOut,
    },
    ({ params, principal }) => {
      s.authorizeStoreRead(principal, params.id);
      return hub.autoReplenishment.getSchedule(params.id);
    },
  );
  r.route(
    {
      method: "put",
      path: "/api/v1/stores/{id}/replenishment/schedule",
      summary: "Set the store's scheduled run and the value under which its orders go out without approval",
      access: "write",
      tag,
      body: ScheduleInput,
      response: ScheduleOut,
    },
    ({ params, body, principal }) => {
      authorize(principal, "write", s.regionOfStore(params.id));
      return hub.autoReplenishment.setSchedule(params.id, body, s.actor(principal));
    },
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/purchase-orders/{id}/export.xlsx",
      summary:
        "The purchase order as an XLSX workbook for the supplier (lines with pack counts, unit cost, value)",
      access: "read",
      tag,
      response: z.string().openapi({ format: "binary" }),
    },
    ({ params, principal }) => {
      const po = hub.replenishment.get(params.id);
      s.authorizeStoreRead(principal, po.storeId);
      const bytes = purchaseOrderXlsx(hub.autoReplenishment.exportOf(params.id));
      return new Response(bytes, {
        headers: {
          "content-type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
          "content-disposition": `attachment; filename="${po.id}.xlsx"`,
        },
      });
    },
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/purchase-orders/{id}/export.pdf",
      summary:
        "The purchase order as a PDF for the supplier (A4, Chinese names; lines with pack counts, unit cost, value, total)",
      access: "read",
      tag,
      response: z.string().openapi({ format: "binary" }),
    },
    async ({ params, principal }) => {
      const po = hub.replenishment.get(params.id);
      s.authorizeStoreRead(principal, po.storeId);
      const bytes = await hub.autoReplenishment.pdfOf(params.id);
      return new Response(bytes, {
        headers: {
          "content-type": "application/pdf",
          "content-disposition": `attachment; filename="${po.id}.pdf"`,
        },
      });
    },
  );
};
