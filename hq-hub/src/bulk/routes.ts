// Bulk actions (issue 19 item 2): one thing done to many rows, into a draft change set like any
// editor's edit (previewed and released with the draft): SKUs repriced by a percentage or to one
// price at a scope (a dry run answers the lines first), cashiers enabled or disabled. Validated
// as a whole before anything is written; one bad row refuses them all, naming it.
import { z } from "@hono/zod-openapi";
import { priceKey } from "../catalog/rules.ts";
import { NotFoundError } from "../errors.ts";
import type { RouteModule } from "../http/route.ts";
import { reprice } from "./reprice.ts";

const ChangesetQuery = z.object({ changeset: z.coerce.number().int().positive().optional() });
const Sku = z.string().min(1).max(40);
const RepriceInput = z
  .strictObject({
    skus: z.array(Sku).min(1).max(500),
    scope: z.enum(["chain", "region", "store"]),
    scopeKey: z.string().max(40).default(""),
    /** Basis points: -12.5% is -1250; between -99% and +1000%. */
    percentBp: z.number().int().min(-9_900).max(100_000).optional(),
    priceFen: z.number().int().min(1).max(100_000_000).optional(),
    /** Answer the lines without writing. */
    dryRun: z.boolean().default(false),
  })
  .refine((b) => (b.percentBp === undefined) !== (b.priceFen === undefined), {
    message: "give percentBp or priceFen, one of them",
    path: ["percentBp"],
  })
  .refine((b) => (b.scope === "chain") === (b.scopeKey === ""), {
    message: "a region or store needs scopeKey; the chain has none",
    path: ["scopeKey"],
  });
const Repriced = z
  .object({
    changesetId: z.number().int().nullable(),
    lines: z.array(
      z.object({
        sku: z.string(),
        name: z.string().optional(),
        fromFen: z.number().int().nullable(),
        toFen: z.number().int(),
      }),
    ),
  })
  .openapi("Repriced");
const CashierStatusInput = z.strictObject({
  ids: z
    .array(z.string().regex(/^\d{3,8}$/, "cashier code: 3-8 digits"))
    .min(1)
    .max(500),
  status: z.enum(["active", "inactive"]),
});

type Schedule = Parameters<typeof priceKey>[0] & {
  windows: { price: number; startsAt?: string; endsAt?: string }[];
};

export const bulkRoutes: RouteModule = (r, hub, s) => {
  r.route(
    {
      method: "post",
      path: "/api/v1/prices/reprice",
      summary:
        "Reprice many SKUs at the chain, a region or a store, by a percentage (percentBp) or to one price (priceFen), into a draft change set; only the window in effect now moves (later dated windows are kept); dryRun answers the lines (old -> new) without writing",
      access: "write",
      tag: "catalog",
      query: ChangesetQuery,
      body: RepriceInput,
      response: Repriced,
    },
    async ({ body, query, principal }) => {
      const key = (sku: string, scope: "chain" | "region" | "store", scopeKey: string) =>
        priceKey({ sku, scope, scopeKey });
      for (const sku of body.skus) s.checkEditScope(principal, "price", key(sku, body.scope, body.scopeKey));
      if (principal.role === "regional_manager") s.checkChangesetScope(principal, query.changeset);
      const names = new Map<string, string>();
      for (const [i, sku] of body.skus.entries()) {
        const p = hub.catalog.readMaster("product", sku) as { name?: string } | null;
        if (!p) throw new NotFoundError("product", `${sku} (skus.${i})`);
        if (p.name) names.set(sku, p.name);
      }
      const read = (k: string) => hub.catalog.readMaster("price", k) as Schedule | null;
      const out = reprice(
        body.skus,
        body.scope,
        body.scopeKey,
        body.priceFen !== undefined ? { priceFen: body.priceFen } : { percentBp: body.percentBp! },
        (sku) => ({
          own: read(key(sku, body.scope, body.scopeKey)),
          chain: body.scope === "chain" ? null : read(key(sku, "chain", "")),
        }),
        Date.now(),
      );
      const lines = out.lines.map((l) => (names.has(l.sku) ? { ...l, name: names.get(l.sku)! } : l));
      if (body.dryRun) return { changesetId: null, lines };
      const done = await hub.catalog.editMany(s.actor(principal), "price", out.schedules, query.changeset);
      return { changesetId: done.changesetId, lines };
    },
  );
  r.route(
    {
      method: "post",
      path: "/api/v1/cashiers/bulk-status",
      summary:
        "Enable or disable many cashiers at once into a draft change set (their PINs kept); an unknown cashier refuses them all",
      access: "write",
      tag: "catalog",
      query: ChangesetQuery,
      body: CashierStatusInput,
      response: z.object({ changesetId: z.number().int(), ids: z.array(z.string()) }).openapi("CashiersSet"),
    },
    async ({ body, query, principal }) => {
      s.checkEditScope(principal, "cashier", "");
      const records = body.ids.map((id, i) => {
        const c = hub.catalog.readMaster("cashier", id) as {
          id: string;
          name: string;
          role: string;
          status: string;
        } | null;
        if (!c) throw new NotFoundError("cashier", `${id} (ids.${i})`);
        return { id: c.id, name: c.name, role: c.role, status: body.status };
      });
      const done = await hub.catalog.editMany(s.actor(principal), "cashier", records, query.changeset);
      return { changesetId: done.changesetId, ids: done.keys };
    },
  );
};
