// The packs API (issue 17 item 6): a product's pack levels (case of 12, its barcode, the
// purchase pack), read and replaced into a draft change set like any product edit, so the
// stores get them through the normal rollout. The console's packs section uses it.
import { z } from "@hono/zod-openapi";
import { PackV1, type Product } from "@retail/protocol";
import { NotFoundError } from "../errors.ts";
import { named, type RouteModule } from "../http/route.ts";
import { withPacks } from "./packs.ts";

const tag = "catalog";
const Pack = named(PackV1, "Pack");
const ProductPacks = z
  .object({
    sku: z.string(),
    name: z.string(),
    /** The unit the till sells and the ledger counts (EA, BTL...). */
    unit: z.string(),
    weighed: z.boolean(),
    packs: z.array(Pack),
    /** The draft change set the edit went into (PUT only). */
    changesetId: z.number().int().optional(),
  })
  .openapi("ProductPacks");
const PacksInput = z.strictObject({ packs: z.array(Pack).max(5) }).openapi("PacksInput");
const ChangesetQuery = z.object({ changeset: z.coerce.number().int().positive().optional() });

const view = (p: Product, changesetId?: number) => ({
  sku: p.sku,
  name: p.name,
  unit: p.unit,
  weighed: p.weighed,
  packs: p.packs ?? [],
  ...(changesetId !== undefined ? { changesetId } : {}),
});

export const packRoutes: RouteModule = (r, hub, s) => {
  r.route(
    {
      method: "get",
      path: "/api/v1/products/{sku}/packs",
      summary: "A product's pack levels (case vs each): size, name, barcode, the purchase pack",
      access: "read",
      tag,
      response: ProductPacks,
    },
    ({ params }) => {
      const sku = decodeURIComponent(params.sku);
      const p = hub.catalog.readMaster("product", sku) as Product | null;
      if (!p) throw new NotFoundError("product", sku);
      return view(p);
    },
  );
  r.route(
    {
      method: "put",
      path: "/api/v1/products/{sku}/packs",
      summary:
        "Replace a product's pack levels in a draft change set (its codes checked against every barcode and pack code)",
      access: "write",
      tag,
      body: PacksInput,
      query: ChangesetQuery,
      response: ProductPacks,
    },
    async ({ params, body, query, principal }) => {
      const sku = decodeURIComponent(params.sku);
      s.checkEditScope(principal, "product", sku);
      s.checkChangesetScope(principal, query.changeset);
      // The product's rules (rules.ts checkProduct) check the list and name the pack at fault.
      const next = withPacks(hub.catalog.readMaster("product", sku), sku, body.packs);
      const edit = await hub.catalog.edit(s.actor(principal), "product", next, query.changeset);
      return view(edit.data as Product, edit.changesetId);
    },
  );
};
