// The master data API: records edited into draft change sets, change sets and their rollout,
// CSV imports, the member balance sync. A regional manager edits only its region's prices, into
// change sets aimed at its region (http/scope.ts).
import { z } from "@hono/zod-openapi";
import { BarcodeV1, CashierV1, CouponV1, MemberV1, ProductV1, PromotionV1 } from "@retail/protocol";
import { ForbiddenError, NotFoundError, ValidationError } from "../errors.ts";
import { named, type RouteModule } from "../http/route.ts";
import { ChangesetAuditDetailV1 } from "../rollout/audit-detail.ts";
import { ChangesetAboutV1 } from "../rollout/changeset-about.ts";
import { IMPORT_KINDS } from "./import.ts";
import { cashierForApi, checkPriceSchedule, ENTITIES, type Entity, priceKey } from "./rules.ts";

const TargetSchema = z
  .discriminatedUnion("kind", [
    z.strictObject({ kind: z.literal("all") }),
    z.strictObject({ kind: z.literal("region"), regions: z.array(z.string().min(1)).min(1) }),
    z.strictObject({ kind: z.literal("ring"), ring: z.enum(["pilot", "general"]) }),
    z.strictObject({
      kind: z.literal("stores"),
      stores: z.array(z.string().regex(/^[A-Z0-9]{1,16}$/)).min(1),
    }),
  ])
  .openapi("Target");
const ChangesetInput = z.strictObject({
  description: z.string().max(200).optional(),
  target: TargetSchema,
  effectiveAt: z.iso.datetime({ offset: true }).optional(),
});
const ReleaseInput = z.strictObject({ stage: z.enum(["pilot", "all"]).optional() });
const ChangesetQuery = z.object({ changeset: z.coerce.number().int().positive().optional() });
const CatalogListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
  /** Barcodes or prices of one SKU (a product's detail), whatever their place in the list. */
  sku: z.string().min(1).max(40).optional(),
});

/** HQ's price list of one SKU at one scope (chain, a region, a store): fen, tax included. */
const PriceSchedule = z
  .object({
    sku: z.string(),
    scope: z.enum(["chain", "region", "store"]),
    scopeKey: z.string(),
    windows: z.array(
      z.object({ price: z.number().int(), startsAt: z.string().optional(), endsAt: z.string().optional() }),
    ),
  })
  .openapi("PriceSchedule");
/** A cashier as the API shows it: whether a PIN is set, never its hash. */
const CashierRecord = CashierV1.omit({ pinHash: true })
  .extend({ hasPin: z.boolean() })
  .openapi("CashierRecord");
/** One master record, by entity: product, barcode, price, promotion, member, cashier, coupon. */
const MasterRecord = z
  .union([
    named(ProductV1, "ProductV1"),
    named(BarcodeV1, "BarcodeV1"),
    PriceSchedule,
    named(PromotionV1, "PromotionV1"),
    named(MemberV1, "MemberV1"),
    CashierRecord,
    named(CouponV1, "CouponV1"),
  ])
  .openapi("MasterRecord");
const Edited = z
  .object({
    changesetId: z.number().int(),
    entity: z.enum(ENTITIES),
    key: z.string(),
    data: MasterRecord.optional(),
  })
  .openapi("CatalogEdit");

export const Changeset = z
  .object({
    id: z.number().int(),
    version: z.number().int().nullable(),
    state: z.enum(["draft", "pilot", "released", "rolled_back"]),
    target: TargetSchema,
    /** Stores of the pilot ring inside the target when the change set was released. */
    pilotStores: z.array(z.string()).nullable(),
    promoted: z.boolean(),
    effectiveAt: z.string().nullable().optional(),
    pilotPosition: z.number().int().nullable().optional(),
    generalPosition: z.number().int().nullable().optional(),
    description: z.string(),
    compensates: z.number().int().nullable(),
    createdBy: z.string(),
    createdAt: z.string(),
    releasedBy: z.string().nullable(),
    releasedAt: z.string().nullable(),
    promotedBy: z.string().nullable(),
    promotedAt: z.string().nullable(),
    rolledBackBy: z.string().nullable(),
    rolledBackAt: z.string().nullable(),
    /** "catalog", or "members" for the periodic member balance sync. */
    kind: z.enum(["catalog", "members"]),
    /** What a change set the hub made by itself is about, as data (null: a description a user typed). */
    about: ChangesetAboutV1.nullable(),
  })
  .openapi("Changeset");
const ChangesetDetail = z
  .object({
    changeset: Changeset,
    /** position: where the change set sits in the store's release log; applied: the store is at or past it. */
    stores: z.array(
      z.object({
        storeId: z.string(),
        position: z.number().int(),
        applied: z.boolean(),
        appliedVersion: z.number().int(),
      }),
    ),
    /** detail: the English sentence; what: the same as data, to say in the reader's language. */
    auditTrail: z.array(
      z.object({
        action: z.string(),
        actor: z.string(),
        at: z.string(),
        detail: z.string(),
        what: ChangesetAuditDetailV1,
      }),
    ),
  })
  .openapi("ChangesetDetail");
const Rollback = z.object({ rolledBack: Changeset, compensation: Changeset }).openapi("Rollback");
const ImportJob = z
  .object({
    id: z.string(),
    kind: z.enum(IMPORT_KINDS),
    state: z.enum(["running", "done", "failed"]),
    totalRows: z.number().int(),
    processedRows: z.number().int(),
    percent: z.number(),
    errors: z.array(z.object({ row: z.number().int(), column: z.string(), reason: z.string() })),
    changesetId: z.number().int().nullable(),
  })
  .openapi("ImportJob");

const entityOf = (raw: string): Entity => {
  const e = raw as Entity;
  if (!ENTITIES.includes(e)) throw new NotFoundError("entity", e);
  return e;
};
const forApi = (entity: Entity, r: unknown) =>
  entity === "cashier" ? cashierForApi(r as { pinHash?: string }) : r;

const tag = "catalog";

export const catalogRoutes: RouteModule = (r, hub, s) => {
  r.route(
    {
      method: "post",
      path: "/api/v1/catalog/{entity}",
      summary:
        "Upsert a record (product, barcode, price, promotion, member, cashier, coupon) into a draft change set",
      access: "write",
      tag,
      // Each entity's own schema and rules check it (rules.ts), naming the field at fault.
      body: z.unknown().openapi({
        description:
          "The entity's record: ProductV1, BarcodeV1, a price schedule {sku, scope, scopeKey?, windows}, PromotionV1, MemberV1, a cashier {id, name, role, pin, status}, CouponV1",
      }),
      query: ChangesetQuery,
      response: Edited,
    },
    async ({ params, body, query, principal }) => {
      const entity = entityOf(params.entity);
      if (principal.role === "regional_manager") {
        if (entity !== "price") s.checkEditScope(principal, entity, "");
        else s.checkEditScope(principal, entity, priceKey(checkPriceSchedule(body)));
        s.checkChangesetScope(principal, query.changeset);
      }
      const edit = await hub.catalog.edit(s.actor(principal), entity, body, query.changeset);
      return { ...edit, data: forApi(entity, edit.data) };
    },
  );
  r.route(
    {
      method: "delete",
      path: "/api/v1/catalog/{entity}/{key}",
      summary: "Delete a record in a draft change set",
      access: "write",
      tag,
      query: ChangesetQuery,
      response: Edited,
    },
    ({ params, query, principal }) => {
      const entity = entityOf(params.entity);
      const key = decodeURIComponent(params.key);
      s.checkEditScope(principal, entity, key);
      s.checkChangesetScope(principal, query.changeset);
      return hub.catalog.remove(s.actor(principal), entity, key, query.changeset);
    },
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/catalog/{entity}/{key}",
      summary: "One master record (HQ's working copy)",
      access: "read",
      tag,
      response: MasterRecord,
    },
    ({ params, principal }) => {
      const entity = entityOf(params.entity);
      const key = decodeURIComponent(params.key);
      if (entity === "price") s.authorizePriceRead(principal, key);
      const record = hub.catalog.readMaster(entity, key);
      if (record === null) throw new NotFoundError(entity, key);
      return forApi(entity, record);
    },
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/catalog/{entity}",
      summary:
        "List master records (limit/offset; sku= for one SKU's barcodes or prices); a regional manager sees chain, own-region and own-store prices only",
      access: "read",
      tag,
      query: CatalogListQuery,
      response: z.array(MasterRecord),
    },
    ({ params, query, principal }) => {
      const entity = entityOf(params.entity);
      if (query.sku !== undefined && entity !== "barcode" && entity !== "price")
        throw new ValidationError("query.sku", `filters barcodes and prices only, not ${entity}`);
      const region = principal.role === "regional_manager" ? principal.region : undefined;
      const rows = hub.catalog.listMaster(entity, query.limit, query.offset, region, query.sku);
      return rows.map((row) => forApi(entity, row));
    },
  );

  r.route(
    {
      method: "post",
      path: "/api/v1/changesets",
      summary: "Open a draft change set with a target",
      access: "write",
      tag,
      body: ChangesetInput,
      response: Changeset,
    },
    ({ body, principal }) => {
      s.checkTarget(principal, body.target);
      return hub.catalog.createChangeset(s.actor(principal), body);
    },
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/changesets",
      summary:
        "List change sets (a regional manager: those whose target concerns its region); the periodic member balance syncs only with kind=members or kind=all",
      access: "read",
      tag,
      query: z.object({ kind: z.enum(["catalog", "members", "all"]).default("catalog") }),
      response: z.array(Changeset),
    },
    ({ principal, query }) =>
      hub.catalog
        .changesets()
        .filter(
          (cs) => (query.kind === "all" || cs.kind === query.kind) && s.targetConcerns(principal, cs.target),
        ),
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/changesets/{id}",
      summary:
        "A change set, the stores it reached and applied (a regional manager: its own), its audit trail",
      access: "read",
      tag,
      response: ChangesetDetail,
    },
    ({ params, principal }) => {
      const id = Number(params.id);
      const cs = hub.catalog.getChangeset(id);
      if (!s.targetConcerns(principal, cs.target))
        throw new ForbiddenError(
          `regional manager of ${principal.region} may not see change set ${id}: it targets other regions`,
        );
      return hub.catalog.rollout(id, principal.role === "regional_manager" ? principal.region : undefined);
    },
  );
  r.route(
    {
      method: "post",
      path: "/api/v1/changesets/{id}/release",
      summary: "Assign the next version and release to the pilot ring (stage=all: whole target)",
      access: "write",
      tag,
      body: ReleaseInput,
      response: Changeset,
    },
    ({ params, body, principal }) => {
      const id = Number(params.id);
      s.checkTarget(principal, hub.catalog.getChangeset(id).target);
      return hub.catalog.release(s.actor(principal), id, body.stage ?? "pilot");
    },
  );
  r.route(
    {
      method: "post",
      path: "/api/v1/changesets/{id}/promote",
      summary: "Release a pilot change set to the rest of its target",
      access: "write",
      tag,
      response: Changeset,
    },
    ({ params, principal }) => {
      const id = Number(params.id);
      s.checkTarget(principal, hub.catalog.getChangeset(id).target);
      return hub.catalog.promote(s.actor(principal), id);
    },
  );
  r.route(
    {
      method: "post",
      path: "/api/v1/changesets/{id}/rollback",
      summary: "Undo a released change set with a compensating version",
      access: "write",
      tag,
      response: Rollback,
    },
    ({ params, principal }) => {
      const id = Number(params.id);
      s.checkTarget(principal, hub.catalog.getChangeset(id).target);
      return hub.catalog.rollback(s.actor(principal), id);
    },
  );

  r.route(
    {
      method: "post",
      path: "/api/v1/imports/{kind}",
      summary:
        "Import CSV (products, barcodes, prices, packs: one row per pack level, a SKU's rows replace its levels): all-or-nothing, returns a job",
      access: "admin",
      tag,
      textBody: true,
      query: ChangesetQuery,
      response: ImportJob,
    },
    ({ params, body, query, principal }) =>
      hub.imports.start(s.actor(principal), params.kind, body, query.changeset),
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/imports/{id}",
      summary: "Import job progress (percent) and per-row errors",
      access: "read",
      tag,
      response: ImportJob,
    },
    ({ params }) => hub.imports.get(params.id),
  );
  r.route(
    {
      method: "post",
      path: "/api/v1/members/sync",
      summary: "Send changed member balances down now",
      access: "admin",
      tag,
      response: z
        .object({ changesetId: z.number().int().optional(), members: z.number().int() })
        .openapi("MemberSync"),
    },
    ({ principal }) => hub.syncMembers(s.actor(principal)) ?? { members: 0 },
  );
};
