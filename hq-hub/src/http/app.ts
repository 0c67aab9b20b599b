// The HTTP API (Hono). Each route is declared once with its access level and zod schemas; the
// same declarations produce /openapi.json. Handlers validate, call the domain, respond.
import { type Context, Hono } from "hono";
import { z } from "zod";
import { mosquittoAclFile } from "../broker/external.ts";
import {
  cashierForApi,
  checkPriceSchedule,
  ENTITIES,
  type Entity,
  parsePriceKey,
  priceKey,
} from "../catalog/rules.ts";
import type { Target } from "../catalog/view.ts";
import { CompletenessQuery } from "../completeness/completeness.ts";
import { ResolveInput } from "../conflicts/rules.ts";
import { couponRoutes } from "../coupons/routes.ts";
import { ForbiddenError, fromZod, NotFoundError, StateError, ValidationError } from "../errors.ts";
import { FinanceQuery } from "../finance/finance.ts";
import type { Hub } from "../hub.ts";
import {
  OrderListQuery,
  PurchaseOrderInput,
  SuggestionQuery,
  SupplierSkusInput,
} from "../replenishment/orders.ts";
import { ReportQuery, TenderQuery } from "../reports/reports.ts";
import { ReorderInput, TransferInput } from "../stock/stock.ts";
import { createEnrollLimiter, type EnrollLimiter } from "../stores/enroll-limit.ts";
import { mosquittoHash, StoreInput, StorePatch } from "../stores/stores.ts";
import { SupplierInput, SupplierPatch } from "../suppliers/suppliers.ts";
import { type Access, authorize, type Principal, TokenInput } from "./auth.ts";
import { PayloadTooLargeError, readBodyLimited } from "./body-limit.ts";
import { serveConsole } from "./console.ts";
import { securityRoutes } from "./security-routes.ts";

type Env = { Variables: { principal: Principal } };
type Method = "get" | "post" | "put" | "patch" | "delete";

export interface RouteSpec {
  method: Method;
  path: string;
  summary: string;
  access: Access | "public";
  body?: z.ZodType;
  query?: z.ZodObject;
  /** Body sent as text (CSV). */
  textBody?: boolean;
}

/** createApp's route registration, for the modules that add their routes with it. */
export type RouteFn = <B = unknown, Q = Record<string, string>>(
  spec: RouteSpec,
  handler: (
    c: Context<Env>,
    input: { body: B; query: Q; principal: Principal },
  ) => Promise<unknown> | unknown,
) => void;

const TargetSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("all") }),
  z.strictObject({ kind: z.literal("region"), regions: z.array(z.string().min(1)).min(1) }),
  z.strictObject({ kind: z.literal("ring"), ring: z.enum(["pilot", "general"]) }),
  z.strictObject({ kind: z.literal("stores"), stores: z.array(z.string().regex(/^[A-Z0-9]{1,16}$/)).min(1) }),
]);
const ChangesetInput = z.strictObject({
  description: z.string().max(200).optional(),
  target: TargetSchema,
  effectiveAt: z.iso.datetime({ offset: true }).optional(),
});
const ReleaseInput = z.strictObject({ stage: z.enum(["pilot", "all"]).optional() });
const EnrollInput = z.strictObject({ code: z.string() });
const ReplayInput = z.strictObject({ raw: z.string().optional() });
const ChangesetQuery = z.object({ changeset: z.coerce.number().int().positive().optional() });

/** Rows as the API has always shown them: the database's snake_case column names. */
function _snake(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(row).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), v]),
  );
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

const CatalogListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
  /** Barcodes or prices of one SKU (a product's detail), whatever their place in the list. */
  sku: z.string().min(1).max(40).optional(),
});

export function createApp(hub: Hub, opts: { consoleDir?: string } = {}) {
  const app = new Hono<Env>();
  const specs: RouteSpec[] = [];
  // The hub is filled in after the app is made: its config is read per request.
  /** A route's body limit: small where no login is needed, large for CSV imports. */
  const bodyLimitOf = (spec: RouteSpec) =>
    spec.access === "public"
      ? hub.config.maxPublicBodyBytes
      : spec.textBody
        ? hub.config.maxImportBytes
        : hub.config.maxBodyBytes;

  app.onError((e, c) => {
    const s = status(e);
    if (s.code === 500) console.error(e);
    return c.json(s.body, s.code);
  });

  /** Registers a route: auth by access level, body/query validation, then the handler. */
  function route<B = unknown, Q = Record<string, string>>(
    spec: RouteSpec,
    handler: (
      c: Context<Env>,
      input: { body: B; query: Q; principal: Principal },
    ) => Promise<unknown> | unknown,
  ) {
    specs.push(spec);
    const honoPath = spec.path.replace(/\{(\w+)\}/g, ":$1");
    app.on(spec.method.toUpperCase(), honoPath, async (c) => {
      let principal: Principal = { name: "anonymous", role: "auditor" };
      if (spec.access !== "public") {
        const p = hub.tokens.authenticate(c.req.header("authorization"));
        if (!p) return c.json({ error: "unauthorized", reason: "a valid bearer token is required" }, 401);
        authorize(p, spec.access);
        principal = p;
      }
      let body: unknown;
      // Read only after the token is checked, and never more than the route's limit.
      const limit = bodyLimitOf(spec);
      if (spec.textBody)
        body = new TextDecoder().decode(
          await readBodyLimited(c.req.raw, limit, `${spec.method.toUpperCase()} ${spec.path}`),
        );
      else if (spec.body) {
        const bytes = await readBodyLimited(c.req.raw, limit, `${spec.method.toUpperCase()} ${spec.path}`);
        let raw: unknown;
        try {
          raw = JSON.parse(new TextDecoder().decode(bytes));
        } catch {
          throw new ValidationError("", "the body is not valid JSON");
        }
        const r = spec.body.safeParse(raw);
        if (!r.success) throw fromZod(r.error);
        body = r.data;
      }
      let query: unknown = c.req.query();
      if (spec.query) {
        const r = spec.query.safeParse(query);
        if (!r.success) throw fromZod(r.error, "query");
        query = r.data;
      }
      const result = await handler(c, { body: body as B, query: query as Q, principal });
      if (result instanceof Response) return result;
      return c.json(result ?? { ok: true });
    });
  }

  const regionOfStore = (id: string) => hub.stores.get(id).region;
  const actor = (p: Principal) => `${p.name} (${p.role})`;

  /** Regional managers may edit prices of their region or its stores, nothing chain-wide. */
  function checkEditScope(p: Principal, entity: Entity, key: string) {
    if (p.role !== "regional_manager") return;
    if (entity !== "price")
      throw new ForbiddenError(`regional manager may edit only its region's prices, not ${entity} records`);
    const k = parsePriceKey(key);
    if (k.scope === "chain") throw new ForbiddenError("regional manager may not edit the chain base price");
    authorize(p, "write", k.scope === "region" ? k.scopeKey : regionOfStore(k.scopeKey));
  }

  /**
   * Whether a regional manager's region is concerned by a change set's target: chain-wide and
   * ring targets reach its stores too; a region or store list only when it names its region or
   * one of its stores. Change sets aimed only at other regions are not its business.
   */
  function targetConcerns(p: Principal, target: Target): boolean {
    if (p.role !== "regional_manager") return true;
    switch (target.kind) {
      case "all":
      case "ring":
        return true;
      case "region":
        return target.regions.includes(p.region!);
      case "stores":
        return target.stores.some((s) => storeRegion(s) === p.region);
    }
  }
  /** A store's region, or undefined for a store that does not exist (any more). */
  function storeRegion(id: string): string | undefined {
    const r = hub.db.prepare("SELECT region FROM stores WHERE id = ?").get(id) as
      | { region: string }
      | undefined;
    return r?.region;
  }
  /** Reading something of a store (dead letter, conflict, finding): its region must be the manager's. */
  function authorizeStoreRead(p: Principal, storeId: string) {
    if (p.role !== "regional_manager") return;
    const region = storeRegion(storeId);
    if (region !== p.region)
      throw new ForbiddenError(
        `regional manager of ${p.region} may not see store ${storeId}${region ? ` (region ${region})` : ""}`,
      );
  }
  /** A price record (key sku|scope|scopeKey) a regional manager may read: chain, its region, its stores. */
  function authorizePriceRead(p: Principal, key: string) {
    if (p.role !== "regional_manager") return;
    const k = parsePriceKey(key);
    if (k.scope === "chain") return;
    if (k.scope === "region" && k.scopeKey !== p.region)
      throw new ForbiddenError(`regional manager of ${p.region} may not see prices of region ${k.scopeKey}`);
    if (k.scope === "store") authorizeStoreRead(p, k.scopeKey);
  }
  /** Writing into an explicit change set: a regional manager only into one aimed at its region. */
  function checkChangesetScope(p: Principal, changesetId: number | undefined) {
    if (p.role !== "regional_manager" || changesetId === undefined) return;
    checkTarget(p, hub.catalog.getChangeset(changesetId).target);
  }

  function checkTarget(p: Principal, target: Target) {
    if (p.role !== "regional_manager") return;
    if (target.kind === "region" && target.regions.every((r) => r === p.region)) return;
    if (target.kind === "stores" && target.stores.every((s) => regionOfStore(s) === p.region)) return;
    throw new ForbiddenError(`regional manager of ${p.region} may target only its own region or stores`);
  }

  // ---------------------------------------------------------------------------------------
  // Public.

  route({ method: "get", path: "/api/v1/health", summary: "Liveness", access: "public" }, () => ({
    ok: true,
    mqtt: hub.mqtt.url,
  }));

  let limiter: EnrollLimiter | undefined;
  const enrollLimiter = () =>
    (limiter ??= createEnrollLimiter(
      {
        perAddress: hub.config.enrollAttemptsPerAddress,
        global: hub.config.enrollAttemptsGlobal,
        windowMs: 10 * 60_000,
      },
      () => Date.now(),
    ));
  /** The peer's address from Bun's server (never a header a client could set). */
  const peerOf = (c: Context<Env>): string => {
    const server = c.env as { requestIP?: (r: Request) => { address: string } | null } | undefined;
    return server?.requestIP?.(c.req.raw)?.address ?? "unknown";
  };
  // Attempts are rationed before the body is read; wrong codes are counted per address and an
  // address that runs out of attempts raises a fleet alert.
  app.post("/api/v1/enroll", async (c, next) => {
    const peer = peerOf(c);
    const verdict = enrollLimiter().take(peer);
    if (verdict.ok) {
      await next();
      if (c.res.status === 400) enrollLimiter().wrongCode(peer);
      return;
    }
    // Told once per run of refusals (a flood of refused requests writes nothing more).
    if (verdict.scope === "address" && verdict.refusedInRow === 1)
      hub.security.alerts.raise("enrollment_rate_limited", undefined, peer, (prev) => ({
        address: peer,
        wrongCodes: verdict.wrongCodes,
        timesLimited: ((prev?.timesLimited as number | undefined) ?? 0) + 1,
      }));
    c.header("retry-after", String(verdict.retryAfterSec));
    return c.json(
      {
        error: "rate_limited",
        field: verdict.scope === "address" ? "address" : "enroll",
        retryAfterSec: verdict.retryAfterSec,
        message:
          verdict.scope === "address"
            ? `too many enrollment attempts from ${peer}; try again in ${verdict.retryAfterSec} s`
            : `too many enrollment attempts at HQ; try again in ${verdict.retryAfterSec} s`,
      },
      429,
    );
  });

  route<z.infer<typeof EnrollInput>>(
    {
      method: "post",
      path: "/api/v1/enroll",
      summary: "Redeem a one-time enrollment code for MQTT credentials (rate-limited per address: 429)",
      access: "public",
      body: EnrollInput,
    },
    async (_c, { body }) => {
      const enrolled = await hub.stores.enroll(body.code, hub.mqtt.url);
      hub.catalog.publishPointerOf(enrolled.storeId);
      return enrolled;
    },
  );

  // ---------------------------------------------------------------------------------------
  // Stores and fleet.

  route(
    { method: "get", path: "/api/v1/stores", summary: "List stores", access: "read" },
    (_c, { principal }) => hub.stores.list(principal.region),
  );
  route<StoreInput>(
    { method: "post", path: "/api/v1/stores", summary: "Create a store", access: "write", body: StoreInput },
    (_c, { body, principal }) => {
      authorize(principal, "write", body.region);
      const s = hub.stores.add(body);
      // Its release log: everything already released to its target, in release order.
      hub.catalog.enlist(s.id);
      return s;
    },
  );
  route(
    { method: "get", path: "/api/v1/stores/{id}", summary: "One store", access: "read" },
    (c, { principal }) => {
      const s = hub.stores.get(c.req.param("id")!);
      authorize(principal, "read", s.region);
      return { ...s, pointer: hub.catalog.pointerOf(s.id), ack: hub.ingest.ackFor(s.id) };
    },
  );
  route<z.infer<typeof StorePatch>>(
    {
      method: "patch",
      path: "/api/v1/stores/{id}",
      summary: "Edit a store (moving region/ring forces a snapshot)",
      access: "write",
      body: StorePatch,
    },
    (c, { body, principal }) => {
      const id = c.req.param("id")!;
      authorize(principal, "write", regionOfStore(id));
      if (body.region) authorize(principal, "write", body.region);
      const before = hub.stores.get(id);
      const current = hub.catalog.changesets().reduce((m, cs) => Math.max(m, cs.version ?? 0), 0);
      const s = hub.stores.update(id, body, current);
      hub.catalog.invalidate();
      // Moved: its log is rebuilt from what it now sees, and it takes a snapshot of that.
      if (s.region !== before.region || s.ring !== before.ring) hub.catalog.relistStore(id);
      return s;
    },
  );
  route(
    {
      method: "post",
      path: "/api/v1/stores/{id}/enrollment-code",
      summary: "Issue a one-time enrollment code",
      access: "write",
    },
    (c, { principal }) => {
      const id = c.req.param("id")!;
      authorize(principal, "write", regionOfStore(id));
      return hub.stores.issueCode(id);
    },
  );
  route(
    {
      method: "post",
      path: "/api/v1/stores/{id}/revoke",
      summary: "Revoke a store's MQTT credentials",
      access: "admin",
    },
    (c) => {
      hub.stores.revoke(c.req.param("id")!);
      return { ok: true };
    },
  );
  route(
    {
      method: "get",
      path: "/api/v1/fleet",
      summary: "Store status: online/offline, last seen, versions, backlog, devices",
      access: "read",
    },
    (_c, { principal }) => hub.fleet.list(principal.region),
  );
  route(
    {
      method: "get",
      path: "/api/v1/fleet/resyncs",
      summary:
        "Fleet alerts of restored, replaced and re-enrolled edges, with the seqs lost with the old database (?store=, ?status=open|resolved)",
      access: "read",
      query: z.object({ store: z.string().optional(), status: z.enum(["open", "resolved"]).optional() }),
    },
    (_c, { query, principal }) => {
      const q = query as { store?: string; status?: "open" | "resolved" };
      if (q.store) authorizeStoreRead(principal, q.store);
      return hub.resync.list({ storeId: q.store, status: q.status, region: principal.region });
    },
  );
  route(
    {
      method: "post",
      path: "/api/v1/fleet/resyncs/{id}/resolve",
      summary: "A person has checked a restored or replaced edge's alert (and its lost seqs)",
      access: "admin",
    },
    (c, { principal }) => hub.resync.resolve(Number(c.req.param("id")), actor(principal)),
  );

  // ---------------------------------------------------------------------------------------
  // Master data and change sets.

  const entityOf = (c: Context<Env>): Entity => {
    const e = c.req.param("entity") as Entity;
    if (!ENTITIES.includes(e)) throw new NotFoundError("entity", e);
    return e;
  };

  route<unknown, z.infer<typeof ChangesetQuery>>(
    {
      method: "post",
      path: "/api/v1/catalog/{entity}",
      summary:
        "Upsert a record (product, barcode, price, promotion, member, cashier, coupon) into a draft change set",
      access: "write",
      body: z.unknown(),
      query: ChangesetQuery,
    },
    async (c, { body, query, principal }) => {
      const entity = entityOf(c);
      if (principal.role === "regional_manager") {
        if (entity !== "price") checkEditScope(principal, entity, "");
        else checkEditScope(principal, entity, priceKey(checkPriceSchedule(body)));
        checkChangesetScope(principal, query.changeset);
      }
      const r = await hub.catalog.edit(actor(principal), entity, body, query.changeset);
      return entity === "cashier" ? { ...r, data: cashierForApi(r.data as { pinHash?: string }) } : r;
    },
  );
  route<unknown, z.infer<typeof ChangesetQuery>>(
    {
      method: "delete",
      path: "/api/v1/catalog/{entity}/{key}",
      summary: "Delete a record in a draft change set",
      access: "write",
      query: ChangesetQuery,
    },
    (c, { query, principal }) => {
      const entity = entityOf(c);
      const key = decodeURIComponent(c.req.param("key")!);
      checkEditScope(principal, entity, key);
      checkChangesetScope(principal, query.changeset);
      return hub.catalog.remove(actor(principal), entity, key, query.changeset);
    },
  );
  route(
    {
      method: "get",
      path: "/api/v1/catalog/{entity}/{key}",
      summary: "One master record (HQ's working copy)",
      access: "read",
    },
    (c, { principal }) => {
      const entity = entityOf(c);
      const key = decodeURIComponent(c.req.param("key")!);
      if (entity === "price") authorizePriceRead(principal, key);
      const r = hub.catalog.readMaster(entity, key);
      if (r === null) throw new NotFoundError(entity, key);
      return entity === "cashier" ? cashierForApi(r as { pinHash?: string }) : r;
    },
  );
  route(
    {
      method: "get",
      path: "/api/v1/catalog/{entity}",
      summary:
        "List master records (limit/offset; sku= for one SKU's barcodes or prices); a regional manager sees chain, own-region and own-store prices only",
      access: "read",
      query: CatalogListQuery,
    },
    (c, { query, principal }) => {
      const q = query as unknown as z.infer<typeof CatalogListQuery>;
      const entity = entityOf(c);
      if (q.sku !== undefined && entity !== "barcode" && entity !== "price")
        throw new ValidationError("query.sku", `filters barcodes and prices only, not ${entity}`);
      const rows = hub.catalog.listMaster(
        entity,
        q.limit,
        q.offset,
        principal.role === "regional_manager" ? principal.region : undefined,
        q.sku,
      );
      return entity === "cashier" ? rows.map((r) => cashierForApi(r as { pinHash?: string })) : rows;
    },
  );

  route<z.infer<typeof ChangesetInput>>(
    {
      method: "post",
      path: "/api/v1/changesets",
      summary: "Open a draft change set with a target",
      access: "write",
      body: ChangesetInput,
    },
    (_c, { body, principal }) => {
      checkTarget(principal, body.target);
      return hub.catalog.createChangeset(actor(principal), body);
    },
  );
  route(
    {
      method: "get",
      path: "/api/v1/changesets",
      summary:
        "List change sets (a regional manager: those whose target concerns its region); the periodic member balance syncs only with kind=members or kind=all",
      access: "read",
      query: z.object({ kind: z.enum(["catalog", "members", "all"]).default("catalog") }),
    },
    (_c, { principal, query }) => {
      const kind = (query as unknown as { kind: "catalog" | "members" | "all" }).kind;
      return hub.catalog
        .changesets()
        .filter((cs) => (kind === "all" || cs.kind === kind) && targetConcerns(principal, cs.target));
    },
  );
  route(
    {
      method: "get",
      path: "/api/v1/changesets/{id}",
      summary:
        "A change set, the stores it reached and applied (a regional manager: its own), its audit trail",
      access: "read",
    },
    (c, { principal }) => {
      const id = Number(c.req.param("id"));
      const cs = hub.catalog.getChangeset(id);
      if (!targetConcerns(principal, cs.target))
        throw new ForbiddenError(
          `regional manager of ${principal.region} may not see change set ${id}: it targets other regions`,
        );
      return hub.catalog.rollout(id, principal.role === "regional_manager" ? principal.region : undefined);
    },
  );
  const changesetAction = (name: "release" | "promote" | "rollback", summary: string) =>
    route<z.infer<typeof ReleaseInput>>(
      {
        method: "post",
        path: `/api/v1/changesets/{id}/${name}`,
        summary,
        access: "write",
        ...(name === "release" ? { body: ReleaseInput } : {}),
      },
      (c, { body, principal }) => {
        const id = Number(c.req.param("id"));
        checkTarget(principal, hub.catalog.getChangeset(id).target);
        if (name === "release") return hub.catalog.release(actor(principal), id, body?.stage ?? "pilot");
        if (name === "promote") return hub.catalog.promote(actor(principal), id);
        return hub.catalog.rollback(actor(principal), id);
      },
    );
  changesetAction(
    "release",
    "Assign the next version and release to the pilot ring (stage=all: whole target)",
  );
  changesetAction("promote", "Release a pilot change set to the rest of its target");
  changesetAction("rollback", "Undo a released change set with a compensating version");

  route<string, z.infer<typeof ChangesetQuery>>(
    {
      method: "post",
      path: "/api/v1/imports/{kind}",
      summary: "Import CSV (products, barcodes, prices): all-or-nothing, returns a job",
      access: "admin",
      textBody: true,
      query: ChangesetQuery,
    },
    (c, { body, query, principal }) => {
      const kind = c.req.param("kind")!;
      return hub.imports.start(actor(principal), kind, body, query.changeset);
    },
  );
  route(
    {
      method: "get",
      path: "/api/v1/imports/{id}",
      summary: "Import job progress (percent) and per-row errors",
      access: "read",
    },
    (c) => hub.imports.get(c.req.param("id")!),
  );

  route<SupplierInput>(
    {
      method: "post",
      path: "/api/v1/suppliers",
      summary: "Create a supplier, or replace an existing one's fields (minimum order: whole packs)",
      access: "admin",
      body: SupplierInput,
    },
    (_c, { body }) => hub.suppliers.upsert(body),
  );
  route<SupplierPatch>(
    {
      method: "patch",
      path: "/api/v1/suppliers/{id}",
      summary: "Edit a supplier: name, leadTimeDays (0-365), minOrderQty (whole packs), packSize",
      access: "admin",
      body: SupplierPatch,
    },
    (c, { body }) => hub.suppliers.update(c.req.param("id")!, body),
  );
  route(
    {
      method: "post",
      path: "/api/v1/suppliers/{id}/deactivate",
      summary: "Deactivate a supplier (kept, no longer listed as active)",
      access: "admin",
    },
    (c, { principal }) => hub.suppliers.deactivate(c.req.param("id")!, actor(principal)),
  );
  route(
    {
      method: "post",
      path: "/api/v1/suppliers/{id}/reactivate",
      summary: "Reactivate a deactivated supplier",
      access: "admin",
    },
    (c, { principal }) => hub.suppliers.reactivate(c.req.param("id")!, actor(principal)),
  );

  // Replenishment: each SKU's supplier, a store's reorder suggestions, purchase orders.
  route(
    {
      method: "put",
      path: "/api/v1/suppliers/{id}/skus",
      summary: "Assign SKUs to a supplier (one supplier per SKU; reassigning moves it)",
      access: "admin",
      body: SupplierSkusInput,
    },
    (c, { body, principal }) => hub.replenishment.assignSkus(c.req.param("id")!, body, actor(principal)),
  );
  route(
    {
      method: "get",
      path: "/api/v1/suppliers/{id}/skus",
      summary: "The SKUs a supplier delivers",
      access: "read",
    },
    (c) => ({ supplierId: c.req.param("id")!, skus: hub.replenishment.skusOf(c.req.param("id")!) }),
  );
  route<unknown, z.infer<typeof SuggestionQuery>>(
    {
      method: "get",
      path: "/api/v1/stores/{id}/replenishment/suggestions",
      summary: "Reorder suggestions: every SKU with a reorder point, order-up-to quantity in whole packs",
      access: "read",
      query: SuggestionQuery,
    },
    (c, { query, principal }) => {
      const id = c.req.param("id")!;
      authorize(principal, "read", regionOfStore(id));
      return hub.replenishment.suggestions(id, query);
    },
  );
  route<unknown, z.infer<typeof SuggestionQuery>>(
    {
      method: "post",
      path: "/api/v1/stores/{id}/purchase-orders/from-suggestions",
      summary: "Draft purchase orders (one per supplier) from the store's reorder suggestions",
      access: "write",
      query: SuggestionQuery,
    },
    async (c, { query, principal }) => {
      const id = c.req.param("id")!;
      authorize(principal, "write", regionOfStore(id));
      const r = hub.replenishment.createFromSuggestions(id, actor(principal), query);
      await hub.tellTills(r.till);
      return { orders: r.orders, skipped: r.skipped };
    },
  );
  route<unknown, z.infer<typeof OrderListQuery>>(
    {
      method: "get",
      path: "/api/v1/purchase-orders",
      summary: "Purchase orders, newest first (status=open: drafts and ordered)",
      access: "read",
      query: OrderListQuery,
    },
    async (_c, { query, principal }) => {
      if (query.store) authorize(principal, "read", regionOfStore(query.store));
      await hub.tellTills(hub.replenishment.refreshReceipts());
      return hub.replenishment.list({
        ...query,
        ...(principal.role === "regional_manager" ? { regions: [principal.region!] } : {}),
      });
    },
  );
  route<z.infer<typeof PurchaseOrderInput>>(
    {
      method: "post",
      path: "/api/v1/purchase-orders",
      summary: "Create a draft purchase order for a store and supplier",
      access: "write",
      body: PurchaseOrderInput,
    },
    async (_c, { body, principal }) => {
      authorize(principal, "write", regionOfStore(body.storeId));
      const r = hub.replenishment.create(body, actor(principal));
      await hub.tellTills([r.till]);
      return r.order;
    },
  );
  route(
    {
      method: "get",
      path: "/api/v1/purchase-orders/{id}",
      summary: "A purchase order: lines ordered, received, outstanding; discrepancies",
      access: "read",
    },
    async (c, { principal }) => {
      await hub.tellTills(hub.replenishment.refreshReceipts());
      const o = hub.replenishment.get(c.req.param("id")!);
      authorizeStoreRead(principal, o.storeId);
      return o;
    },
  );
  for (const step of ["send", "cancel", "close"] as const)
    route(
      {
        method: "post",
        path: `/api/v1/purchase-orders/{id}/${step}`,
        summary:
          step === "send"
            ? "Send a draft to the supplier (ordered; the store's till sees it with the expected date)"
            : step === "cancel"
              ? "Cancel a draft, or an ordered purchase order nothing was received of"
              : "Close an ordered purchase order short (the rest is no longer expected)",
        access: "write",
      },
      async (c, { principal }) => {
        const id = c.req.param("id")!;
        authorize(principal, "write", regionOfStore(hub.replenishment.get(id).storeId));
        const r = hub.replenishment[step](id, actor(principal));
        await hub.tellTills([r.till]);
        return r.order;
      },
    );
  route(
    {
      method: "get",
      path: "/api/v1/suppliers",
      summary: "List suppliers (status=active by default; inactive, all)",
      access: "read",
      query: z.object({ status: z.enum(["active", "inactive", "all"]).default("active") }),
    },
    (_c, { query }) =>
      hub.suppliers.list((query as unknown as { status: "active" | "inactive" | "all" }).status),
  );
  route({ method: "get", path: "/api/v1/suppliers/{id}", summary: "One supplier", access: "read" }, (c) =>
    hub.suppliers.get(c.req.param("id")!),
  );
  route(
    {
      method: "post",
      path: "/api/v1/members/sync",
      summary: "Send changed member balances down now",
      access: "admin",
    },
    (_c, { principal }) => hub.syncMembers(actor(principal)) ?? { members: 0 },
  );
  couponRoutes(route, () => hub.coupons, actor);

  // ---------------------------------------------------------------------------------------
  // Ingest administration.

  route(
    {
      method: "get",
      path: "/api/v1/dead-letters",
      summary: "Dead letters (status=open by default)",
      access: "read",
      query: z.object({ status: z.string().default("open"), store: z.string().optional() }),
    },
    (_c, { query, principal }) => {
      const q = query as unknown as { status: string; store?: string };
      const rows = hub.db
        .prepare(
          "SELECT d.* FROM dead_letters d LEFT JOIN stores s ON s.id = d.store_id WHERE d.status = ? AND (? IS NULL OR d.store_id = ?) AND (? IS NULL OR s.region = ?) ORDER BY d.id",
        )
        .all(q.status, q.store ?? null, q.store ?? null, principal.region ?? null, principal.region ?? null);
      return rows;
    },
  );
  route(
    {
      method: "get",
      path: "/api/v1/dead-letters/{id}",
      summary: "One dead letter with its raw payload",
      access: "read",
    },
    (c, { principal }) => {
      const r = hub.db.prepare("SELECT * FROM dead_letters WHERE id = ?").get(Number(c.req.param("id"))) as
        | { store_id: string }
        | undefined;
      if (!r) throw new NotFoundError("dead letter", c.req.param("id")!);
      authorizeStoreRead(principal, r.store_id);
      return r;
    },
  );
  route<z.infer<typeof ReplayInput>>(
    {
      method: "post",
      path: "/api/v1/dead-letters/{id}/replay",
      summary: "Replay a dead letter, optionally with fixed raw JSON",
      access: "admin",
      body: ReplayInput,
    },
    async (c, { body, principal }) => {
      const out = await hub.ingest.replay(Number(c.req.param("id")), actor(principal), body.raw);
      await hub.send(out.storeId, "events.ack", out.ack);
      return out;
    },
  );
  route(
    {
      method: "post",
      path: "/api/v1/dead-letters/{id}/discard",
      summary: "Discard a dead letter",
      access: "admin",
    },
    (c, { principal }) => {
      hub.ingest.discard(Number(c.req.param("id")), actor(principal));
      return { ok: true };
    },
  );
  /**
   * Rows of a per-store alert table, oldest first: of `?store=` when given (checked against the
   * caller's region), and only of its own region's stores for a regional manager.
   */
  function storeScopedRows(
    table: "conflicts" | "price_findings",
    principal: Parameters<typeof authorizeStoreRead>[0],
    query: unknown,
    limit?: number,
  ) {
    const store = (query as { store?: string }).store ?? null;
    if (store !== null) authorizeStoreRead(principal, store);
    const region = principal.role === "regional_manager" ? principal.region! : null;
    return hub.db
      .prepare(
        `SELECT t.* FROM ${table} t WHERE (? IS NULL OR t.store_id = ?)
         AND (? IS NULL OR t.store_id IN (SELECT id FROM stores WHERE region = ?)) ORDER BY t.id${limit ? ` LIMIT ${limit}` : ""}`,
      )
      .all(store, store, region, region);
  }
  route(
    {
      method: "get",
      path: "/api/v1/conflicts",
      summary:
        "Conflicts: same id or seq with different content, held until resolved (?store=, ?status=open|resolved; a regional manager: its stores')",
      access: "read",
      query: z.object({ store: z.string().optional(), status: z.enum(["open", "resolved"]).optional() }),
    },
    (_c, { query, principal }) => {
      const rows = storeScopedRows("conflicts", principal, query) as { status: string }[];
      const want = (query as { status?: string }).status;
      return want ? rows.filter((r) => (want === "open") === (r.status === "open")) : rows;
    },
  );
  route(
    {
      method: "get",
      path: "/api/v1/conflicts/{id}",
      summary: "One conflict with both versions: the committed one as HQ holds it, the incoming one as sent",
      access: "read",
    },
    (c, { principal }) => {
      const d = hub.conflicts.detail(Number(c.req.param("id")));
      authorizeStoreRead(principal, d.store_id);
      return d;
    },
  );
  route<z.infer<typeof ResolveInput>>(
    {
      method: "post",
      path: "/api/v1/conflicts/{id}/resolve",
      summary:
        "Resolve a conflict: take_store (the incoming replaces the committed), keep_hq, keep_both (the incoming as its own document); audited, then acked to the store",
      access: "admin",
      body: ResolveInput,
    },
    async (c, { body, principal }) => {
      const d = hub.conflicts.resolve(Number(c.req.param("id")), body.choice, actor(principal), body.note);
      // The seq is no longer held: this ack lets the store mark its event delivered.
      await hub.send(d.store_id, "events.ack", hub.ingest.ackFor(d.store_id));
      return d;
    },
  );
  route(
    {
      method: "get",
      path: "/api/v1/price-findings",
      summary: "Re-pricing audit findings, at most 1,000 (?store=; a regional manager: its stores')",
      access: "read",
      query: z.object({ store: z.string().optional() }),
    },
    (_c, { query, principal }) => storeScopedRows("price_findings", principal, query, 1000),
  );
  route(
    {
      method: "get",
      path: "/api/v1/stores/{id}/sales",
      summary: "Sales received from a store (latest 100)",
      access: "read",
    },
    (c, { principal }) => {
      const id = c.req.param("id")!;
      authorize(principal, "read", regionOfStore(id));
      return hub.db
        .prepare("SELECT * FROM sales WHERE store_id = ? ORDER BY completed_at DESC LIMIT 100")
        .all(id);
    },
  );

  route(
    {
      method: "get",
      path: "/api/v1/stores/{id}/sales/{saleId}",
      summary: "One sale as HQ received it, with its lines (price version each) and tenders",
      access: "read",
    },
    (c, { principal }) => {
      const id = c.req.param("id")!;
      authorize(principal, "read", regionOfStore(id));
      return hub.sales.detail(id, c.req.param("saleId")!);
    },
  );

  // ---------------------------------------------------------------------------------------
  // Stock.

  route(
    {
      method: "get",
      path: "/api/v1/stores/{id}/stock",
      summary: "On-hand per SKU at a store",
      access: "read",
    },
    (c, { principal }) => {
      const id = c.req.param("id")!;
      authorize(principal, "read", regionOfStore(id));
      return hub.stock.onHand(id, c.req.query("sku"));
    },
  );
  route(
    {
      method: "get",
      path: "/api/v1/stores/{id}/stock/{sku}/movements",
      summary: "A SKU's stock card at a store: its ledger movements, oldest first (the latest `limit`)",
      access: "read",
      query: z.object({ limit: z.coerce.number().int().min(1).max(5000).default(500) }),
    },
    (c, { query, principal }) => {
      const id = c.req.param("id")!;
      authorize(principal, "read", regionOfStore(id));
      return hub.stock.movements(id, c.req.param("sku")!, (query as unknown as { limit: number }).limit);
    },
  );
  route<z.infer<typeof ReorderInput>>(
    {
      method: "put",
      path: "/api/v1/stores/{id}/reorder-points",
      summary: "Set a reorder point (low-stock alert threshold)",
      access: "write",
      body: ReorderInput,
    },
    (c, { body, principal }) => {
      const id = c.req.param("id")!;
      authorize(principal, "write", regionOfStore(id));
      const r = hub.stock.setReorderPoint(id, body);
      hub.ingest.forgetReorderPoints(id);
      return r;
    },
  );
  route<z.infer<typeof TransferInput>>(
    {
      method: "post",
      path: "/api/v1/stock/transfers",
      summary: "Transfer stock between stores (sent down as stock.movement)",
      access: "write",
      body: TransferInput,
    },
    async (_c, { body, principal }) => {
      authorize(principal, "write", regionOfStore(body.from));
      authorize(principal, "write", regionOfStore(body.to));
      const moves = hub.stock.transfer(body);
      for (const m of moves) await hub.send(m.storeId, "stock.movement", m.movement);
      return moves;
    },
  );

  // ---------------------------------------------------------------------------------------
  // Reports and finance: a regional manager reads only its region's stores (?store= of
  // another region is 403, like stores/{id}/sales); the writes are hq_admin's.

  /** The stores a report or finance read covers for this caller. */
  function readScope(p: Principal, store: string | undefined) {
    if (store !== undefined) authorize(p, "read", regionOfStore(store));
    return {
      ...(store !== undefined ? { store } : {}),
      ...(p.role === "regional_manager" ? { region: p.region! } : {}),
    };
  }
  const CategoryNameInput = z.strictObject({ name: z.string().min(1).max(40) });

  route<unknown, z.infer<typeof ReportQuery>>(
    {
      method: "get",
      path: "/api/v1/reports/sales",
      summary: "Sales by day, store or top-level category over business days from..to (training excluded)",
      access: "read",
      query: ReportQuery,
    },
    (_c, { query, principal }) => hub.reports.sales(query, readScope(principal, query.store)),
  );
  route<unknown, z.infer<typeof TenderQuery>>(
    {
      method: "get",
      path: "/api/v1/reports/tenders",
      summary: "Money by tender method over business days from..to (net of change and refunds)",
      access: "read",
      query: TenderQuery,
    },
    (_c, { query, principal }) => hub.reports.tenders(query, readScope(principal, query.store)),
  );
  route<z.infer<typeof CategoryNameInput>>(
    {
      method: "put",
      path: "/api/v1/reports/categories/{code}",
      summary: "Name a top-level category code for the reports (zh-CN)",
      access: "admin",
      body: CategoryNameInput,
    },
    (c, { body }) => hub.reports.nameCategory(c.req.param("code")!, body.name),
  );
  route(
    {
      method: "post",
      path: "/api/v1/finance/post",
      summary: "Post what was ingested since the last run as vouchers (one per store and day that changed)",
      access: "admin",
    },
    () => hub.finance.post(),
  );
  route(
    {
      method: "get",
      path: "/api/v1/finance/periods",
      summary: "Accounting months, open or closed",
      access: "read",
    },
    (_c, { principal }) =>
      hub.finance.periods(principal.role === "regional_manager" ? principal.region : undefined),
  );
  route(
    {
      method: "post",
      path: "/api/v1/finance/periods/{period}/close",
      summary: "Close a month (YYYY-MM): later entries for its days post on the next open month",
      access: "admin",
    },
    (c, { principal }) => hub.finance.closePeriod(c.req.param("period")!, actor(principal)),
  );
  route<unknown, z.infer<typeof FinanceQuery>>(
    {
      method: "get",
      path: "/api/v1/finance/vouchers",
      summary: "Vouchers whose accounting date is in from..to, with their lines",
      access: "read",
      query: FinanceQuery,
    },
    (_c, { query, principal }) => hub.finance.vouchers(query, readScope(principal, query.store)),
  );
  route(
    {
      method: "get",
      path: "/api/v1/finance/failures",
      summary:
        "Store-days finance could not post (figures beyond exact integers, unbalanced), with the reason; retried on every posting run",
      access: "read",
      query: z.object({ store: z.string().min(1).optional() }),
    },
    (_c, { query, principal }) =>
      hub.finance.failures(readScope(principal, (query as { store?: string }).store)),
  );
  route<unknown, z.infer<typeof FinanceQuery>>(
    {
      method: "get",
      path: "/api/v1/finance/trial-balance",
      summary: "Debit and credit totals per account over vouchers dated from..to",
      access: "read",
      query: FinanceQuery,
    },
    (_c, { query, principal }) => hub.finance.trialBalance(query, readScope(principal, query.store)),
  );

  // The daily completeness proof (completeness/): a regional manager sees its region's stores.
  route<unknown, CompletenessQuery>(
    {
      method: "get",
      path: "/api/v1/completeness",
      summary: "Store x business-day grid (at most 62 days): complete, incomplete, pending or no digest",
      access: "read",
      query: CompletenessQuery,
    },
    (_c, { query, principal }) => hub.completeness.grid(query, readScope(principal, query.storeId)),
  );
  route(
    {
      method: "get",
      path: "/api/v1/completeness/month/{period}",
      summary:
        "Month end: is every store-day of the month (YYYY-MM) proven complete? Lists those that are not",
      access: "read",
    },
    (c, { principal }) => hub.completeness.month(c.req.param("period")!, readScope(principal, undefined)),
  );
  route(
    {
      method: "get",
      path: "/api/v1/completeness/{storeId}/{day}",
      summary: "One store-day: the store's digest against HQ, with missing and extra receipts by number",
      access: "read",
    },
    (c, { principal }) => {
      const storeId = c.req.param("storeId")!;
      authorize(principal, "read", regionOfStore(storeId));
      return hub.completeness.detail(storeId, c.req.param("day")!);
    },
  );

  // ---------------------------------------------------------------------------------------
  // Tokens and broker configuration.

  route(
    {
      method: "get",
      path: "/api/v1/me",
      summary: "The token's holder: name, role, and region for a regional manager (what a UI may offer)",
      access: "read",
    },
    (_c, { principal }) => ({
      name: principal.name,
      role: principal.role,
      ...(principal.region ? { region: principal.region } : {}),
      canWrite: principal.role !== "auditor",
    }),
  );
  route<z.infer<typeof TokenInput>>(
    {
      method: "post",
      path: "/api/v1/tokens",
      summary: "Create an API token (shown once)",
      access: "admin",
      body: TokenInput,
    },
    (_c, { body }) => hub.tokens.create(body),
  );
  route(
    {
      method: "get",
      path: "/api/v1/tokens",
      summary: "Issued API tokens (never their secrets)",
      access: "admin",
    },
    () => hub.tokens.list(),
  );
  route(
    {
      method: "post",
      path: "/api/v1/tokens/{id}/revoke",
      summary: "Revoke an API token: refused with 401 from then on; kept with who revoked it",
      access: "admin",
    },
    (c, { principal }) => {
      const id = Number(c.req.param("id"));
      if (!Number.isSafeInteger(id) || id < 1) throw new ValidationError("id", "must be a token id");
      return hub.tokens.revoke(id, actor(principal));
    },
  );
  route(
    {
      method: "get",
      path: "/api/v1/broker/mosquitto-config",
      summary: "Mosquitto password and ACL files for an external broker",
      access: "admin",
    },
    () => mosquittoConfig(hub),
  );

  securityRoutes(route as RouteFn, hub, { actor, authorizeStoreRead });

  app.get("/openapi.json", (c) => c.json(openApi(specs)));
  if (opts.consoleDir) serveConsole(app, opts.consoleDir);
  app.notFound((c) => c.json({ error: "not_found", message: `no route ${c.req.method} ${c.req.path}` }, 404));
  return app;
}

/** Password and ACL files for Mosquitto, from the hub's hashes (no secret leaves in clear). */
export function mosquittoConfig(hub: Pick<Hub, "stores" | "config">): {
  passwordFile: string;
  aclFile: string;
} {
  const hubUser = hub.config.mqttUrl
    ? decodeURIComponent(new URL(hub.config.mqttUrl).username) || undefined
    : undefined;
  const hubPass = hub.config.mqttUrl ? decodeURIComponent(new URL(hub.config.mqttUrl).password) : "";
  const lines = hub.stores.mosquittoPasswords();
  if (hubUser && hubPass) lines.unshift(`${hubUser}:${mosquittoHash(hubPass)}`);
  return {
    passwordFile: `${lines.join("\n")}\n`,
    aclFile: mosquittoAclFile(hubUser, hub.stores.enrolledIds()),
  };
}

function openApi(specs: RouteSpec[]) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const s of specs) {
    const params = [...s.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: "path",
      required: true,
      schema: { type: "string" },
    }));
    const query = s.query
      ? Object.keys(s.query.shape).map((name) => ({
          name,
          in: "query",
          required: false,
          schema: { type: "string" },
        }))
      : [];
    paths[s.path] ??= {};
    paths[s.path]![s.method] = {
      summary: s.summary,
      ...(s.access === "public"
        ? { security: [] }
        : {
            description: `Access: ${s.access === "read" ? "any role" : s.access === "write" ? "hq_admin or regional_manager (own region)" : "hq_admin"}`,
          }),
      parameters: [...params, ...query],
      ...(s.body
        ? {
            requestBody: {
              required: true,
              content: { "application/json": { schema: z.toJSONSchema(s.body, { unrepresentable: "any" }) } },
            },
          }
        : s.textBody
          ? { requestBody: { required: true, content: { "text/csv": { schema: { type: "string" } } } } }
          : {}),
      responses: {
        "200": { description: "OK" },
        "400": { description: "Validation error: { error, field, message }" },
        ...(s.access === "public"
          ? {}
          : {
              "401": { description: "No or bad token" },
              "403": { description: "Wrong role: { error, reason }" },
            }),
        "404": { description: "Not found" },
        "409": { description: "Not allowed in the current state" },
        "413": { description: "Body above the route's limit: { error: too_large, field: body, limit }" },
      },
    };
  }
  return {
    openapi: "3.1.0",
    info: { title: "HQ hub API", version: "1" },
    components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
    security: [{ bearer: [] }],
    paths,
  };
}
