// The HTTP API's composition root: one OpenAPIHono app, the error shape, and each business
// folder's routes.ts mounted in turn (routes are declared there with their schemas: route.ts).
// The OpenAPI document and the reference page at /api/v1 are generated from those declarations.
import { OpenAPIHono } from "@hono/zod-openapi";
import { accountRoutes } from "../accounts/routes.ts";
import { alertRoutes } from "../alerts/routes.ts";
import { auditRoutes } from "../audit/routes.ts";
import { batchRoutes } from "../batches/routes.ts";
import { brokerRoutes } from "../broker/routes.ts";
import { bulkRoutes } from "../bulk/routes.ts";
import { catalogListRoutes } from "../catalog/list-routes.ts";
import { packRoutes } from "../catalog/pack-routes.ts";
import { catalogRoutes } from "../catalog/routes.ts";
import { closeRoutes } from "../close/routes.ts";
import { commandRoutes } from "../commands/routes.ts";
import { completenessRoutes } from "../completeness/routes.ts";
import { conflictRoutes } from "../conflicts/routes.ts";
import { costingRoutes } from "../costing/routes.ts";
import { couponRoutes } from "../coupons/routes.ts";
import { dashboardRoutes } from "../dashboard/routes.ts";
import { ForbiddenError, NotFoundError, StateError, ValidationError } from "../errors.ts";
import { exportRoutes } from "../export/routes.ts";
import { financeRoutes } from "../finance/routes.ts";
import { fleetListRoutes } from "../fleet/list-routes.ts";
import { fleetRoutes } from "../fleet/routes.ts";
import { ingestRoutes } from "../ingest/routes.ts";
import { listRoutes } from "../lists/routes.ts";
import { pointsRoutes } from "../members/points-routes.ts";
import { memberRoutes } from "../members/routes.ts";
import { payablesRoutes } from "../payables/routes.ts";
import { priceAuditRoutes } from "../price-audit/routes.ts";
import { reconciliationRoutes } from "../reconciliation/routes.ts";
import { releaseFileRoutes, releaseRoutes } from "../releases/routes.ts";
import { autoReplenishmentRoutes } from "../replenishment/auto-routes.ts";
import { replenishmentRoutes } from "../replenishment/routes.ts";
import { reportRoutes } from "../reports/routes.ts";
import { salesRoutes } from "../sales/routes.ts";
import { salesHistoryRoutes } from "../sales-history/routes.ts";
import { stockRoutes } from "../stock/routes.ts";
import { stocktakeRoutes } from "../stocktakes/routes.ts";
import { storeGroupRoutes } from "../store-groups/routes.ts";
import { enrollRationing, storeRoutes } from "../stores/routes.ts";
import { supplierPriceRoutes } from "../suppliers/price-routes.ts";
import { supplierRoutes } from "../suppliers/routes.ts";
import { transferRoutes } from "../transfers/routes.ts";
import type { ApiHub } from "./api-hub.ts";
import { PayloadTooLargeError } from "./body-limit.ts";
import { serveConsole } from "./console.ts";
import { metaRoutes } from "./meta-routes.ts";
import { serveReference } from "./reference.ts";
import { createRouter, type Env, type RouteModule } from "./route.ts";
import { createScope } from "./scope.ts";
import { tokenRoutes } from "./token-routes.ts";

/** Every folder's routes, in mounting order (the order matters only where two paths overlap). */
export const ROUTE_MODULES: readonly RouteModule[] = [
  metaRoutes,
  storeRoutes,
  storeGroupRoutes,
  fleetListRoutes,
  fleetRoutes,
  commandRoutes,
  alertRoutes,
  catalogListRoutes,
  catalogRoutes,
  packRoutes,
  bulkRoutes,
  listRoutes, // before suppliersAndReplenishment: /suppliers/page is not a supplier id
  suppliersAndReplenishment,
  couponRoutes,
  pointsRoutes, // before memberRoutes: /members/points-rule is not a member id
  memberRoutes,
  ingestRoutes,
  priceAuditRoutes,
  conflictRoutes,
  salesRoutes,
  stockRoutes,
  reportRoutes,
  dashboardRoutes,
  financeRoutes,
  accountRoutes,
  exportRoutes,
  completenessRoutes,
  closeRoutes,
  tokenRoutes,
  brokerRoutes,
  reconciliationRoutes,
  auditRoutes,
  releaseRoutes,
];

function suppliersAndReplenishment(...args: Parameters<RouteModule>) {
  supplierRoutes(...args);
  supplierPriceRoutes(...args);
  replenishmentRoutes(...args);
  autoReplenishmentRoutes(...args);
  salesHistoryRoutes(...args);
  costingRoutes(...args);
  payablesRoutes(...args);
  transferRoutes(...args);
  stocktakeRoutes(...args);
  batchRoutes(...args);
}

function status(e: unknown): { code: 400 | 403 | 404 | 409 | 413 | 500; body: Record<string, unknown> } {
  if (e instanceof PayloadTooLargeError)
    return { code: 413, body: { error: "too_large", field: "body", limit: e.limit, message: e.message } };
  if (e instanceof ValidationError)
    return {
      code: 400,
      body: { error: "validation", field: e.field, message: e.message, ...(e.row ? { row: e.row } : {}) },
    };
  if (e instanceof ForbiddenError) return { code: 403, body: { error: "forbidden", reason: e.message } };
  if (e instanceof NotFoundError) return { code: 404, body: { error: "not_found", message: e.message } };
  if (e instanceof StateError)
    return { code: 409, body: { error: "conflict", id: e.id, message: e.message, ...e.details } };
  return { code: 500, body: { error: "internal", message: (e as Error).message } };
}

/**
 * The hub's HTTP app. `hub` is filled in after the app is made (startHub builds the app before
 * the server it listens on): its parts and config are read per request.
 */
export function createApp(
  hub: ApiHub,
  opts: { consoleDir?: string; checkResponses?: boolean } = {},
): OpenAPIHono<Env> {
  const app = new OpenAPIHono<Env>();
  app.onError((e, c) => {
    const s = status(e);
    if (s.code === 500) console.error(e);
    return c.json(s.body, s.code);
  });
  const router = createRouter(app, {
    authenticate: (header) => hub.tokens.authenticate(header),
    /** A route's body limit: small where no login is needed, large for CSV imports. */
    bodyLimit: (spec) =>
      spec.access === "public"
        ? hub.config.maxPublicBodyBytes
        : spec.textBody
          ? hub.config.maxImportBytes
          : hub.config.maxBodyBytes,
    // Under `bun test` every answer is checked against its declared schema.
    checkResponses: opts.checkResponses ?? process.env.NODE_ENV === "test",
    audit: (w) => hub.audit.record(w),
    ...(hub.auditBinding ? { auditBinding: hub.auditBinding } : {}),
    errorStatus: (e) => status(e).code,
  });
  enrollRationing(app, hub);
  releaseFileRoutes(app, hub);
  const scope = createScope(hub);
  for (const mount of ROUTE_MODULES) mount(router, hub, scope);
  serveReference(app);
  if (opts.consoleDir) serveConsole(app, opts.consoleDir);
  app.notFound((c) => c.json({ error: "not_found", message: `no route ${c.req.method} ${c.req.path}` }, 404));
  return app;
}
