// The catalog's lists at chain scale (issue 19 items 2 and 3): server-paged, filtered and
// searched, answering `{rows, total}`; the product picker; a change set's preview (what it
// changes where) before release. Mounted before catalog/routes.ts so `/changesets/page` is not
// taken for a change set's id.
import { z } from "@hono/zod-openapi";
import { ForbiddenError } from "../errors.ts";
import type { RouteModule } from "../http/route.ts";
import { ChangesetListQuery, pageChangesets } from "./changeset-list.ts";
import { ProductSearchPage, ProductSearchQuery } from "./product-search.ts";
import { Changeset } from "./routes.ts";
import { ENTITIES } from "./rules.ts";

const tag = "catalog";

const PreviewQuery = z.object({
  entity: z.enum(ENTITIES).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
});
const Counts = z.object({ add: z.number().int(), change: z.number().int(), delete: z.number().int() });
const ChangesetPreview = z
  .object({
    changeset: Changeset,
    reach: z.object({ stores: z.number().int(), pilot: z.number().int(), regions: z.array(z.string()) }),
    storesAffected: z.number().int(),
    counts: z.object(
      Object.fromEntries(ENTITIES.map((e) => [e, Counts])) as Record<
        (typeof ENTITIES)[number],
        typeof Counts
      >,
    ),
    skus: z.number().int(),
    items: z.array(
      z.object({
        entity: z.enum(ENTITIES),
        key: z.string(),
        change: z.enum(["add", "change", "delete"]),
        fields: z.array(z.string()),
        before: z.unknown(),
        after: z.unknown(),
      }),
    ),
    itemsTotal: z.number().int(),
    prices: z.array(
      z.object({
        sku: z.string(),
        name: z.string().optional(),
        fromFen: z.number().int().nullable(),
        toFen: z.number().int().nullable(),
        stores: z.number().int(),
        sample: z.array(z.string()),
      }),
    ),
    storesWithPriceChange: z.number().int(),
    priceSkusChecked: z.number().int(),
    priceSkusTotal: z.number().int(),
  })
  .openapi("ChangesetPreview");

export const catalogListRoutes: RouteModule = (r, hub, s) => {
  r.route(
    {
      method: "get",
      path: "/api/v1/changesets/page",
      summary:
        "Change sets newest first, by kind (member-balance syncs only with kind=members|all), state and words (description, creator, #number), paged with the total; a regional manager: those whose target concerns its region",
      access: "read",
      tag,
      query: ChangesetListQuery,
      response: z.object({ rows: z.array(Changeset), total: z.number().int() }).openapi("ChangesetPage"),
    },
    ({ principal, query }) =>
      pageChangesets(hub.catalog.changesets(), query, (cs) => s.targetConcerns(principal, cs.target)),
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/changesets/{id}/preview",
      summary:
        "What a change set changes where: stores reached (pilot ring among them), records added/changed/deleted with the fields that differ, each SKU's shelf price old -> new and at how many stores",
      access: "read",
      tag,
      query: PreviewQuery,
      response: ChangesetPreview,
    },
    ({ params, query, principal }) => {
      const cs = hub.catalog.getChangeset(Number(params.id));
      if (!s.targetConcerns(principal, cs.target))
        throw new ForbiddenError(
          `regional manager of ${principal.region} may not see change set ${cs.id}: it targets other regions`,
        );
      const preview = hub.catalog.previewChangeset(cs.id, query);
      // Names beside the SKUs whose prices move, from the working copy.
      const prices = preview.prices.map((m) => {
        const product = hub.catalog.readMaster("product", m.sku) as { name?: string } | null;
        return product?.name ? { ...m, name: product.name } : m;
      });
      return { changeset: cs, ...preview, prices };
    },
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/products/search",
      summary:
        "The product picker: products by SKU or barcode (prefix), name (zh-CN or English) or pinyin initials, category code and status, sorted and paged with the total; each with its category in words, barcodes and today's chain price in fen",
      access: "read",
      tag,
      query: ProductSearchQuery,
      response: ProductSearchPage,
    },
    ({ query }) => hub.catalog.searchProducts(query),
  );
};
