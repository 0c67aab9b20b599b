// The cost API: supplier price lists (JSON and CSV), what a purchase order's lines were priced
// at, the moving-average cost per store and SKU with its cost card, and the stock valuation per
// store and category at a date.
import { z } from "@hono/zod-openapi";
import { badRows, ValidationError } from "../errors.ts";
import { authorize } from "../http/auth.ts";
import type { RouteModule } from "../http/route.ts";
import { ValuationQuery } from "./costing.ts";
import { parsePriceCsv } from "./price-csv.ts";
import { PriceListQuery, SupplierPricesInput } from "./prices.ts";

const tag = "costing";

const SupplierPrice = z
  .object({
    sku: z.string(),
    costFen: z.number().int(),
    taxRate: z.number().int(),
    effectiveFrom: z.string(),
  })
  .openapi("SupplierPrice");
const PricesSet = z.object({ supplierId: z.string(), prices: z.number().int() }).openapi("SupplierPricesSet");
const OrderLineCost = z
  .object({
    sku: z.string(),
    unitCostFen: z.number().int().nullable(),
    taxRate: z.number().int().nullable(),
    priceFrom: z.string().nullable(),
  })
  .openapi("OrderLineCost");
const CostPositionOut = z
  .object({
    sku: z.string(),
    onHand: z.number().int(),
    valueFen: z.number().int(),
    averageFen: z.number().int().nullable(),
    per: z.enum(["unit", "kg"]),
  })
  .openapi("CostPosition");
const CostMovementOut = z
  .object({
    ledgerId: z.number().int(),
    kind: z.string(),
    ref: z.string(),
    qty: z.number().int(),
    valueFen: z.number().int(),
    correctionFen: z.number().int(),
    costSource: z.string(),
    at: z.string(),
  })
  .openapi("CostMovement");
const ValuationRow = z
  .object({ storeId: z.string(), category: z.string(), onHand: z.number().int(), valueFen: z.number().int() })
  .openapi("ValuationRow");

export const costingRoutes: RouteModule = (r, hub, s) => {
  r.route(
    {
      method: "post",
      path: "/api/v1/suppliers/{id}/prices",
      summary:
        "Add or replace a supplier's prices: per SKU its cost in fen (per unit, per kg for weighed goods), tax rate and the date it takes effect (until the SKU's next entry)",
      access: "admin",
      tag,
      body: SupplierPricesInput,
      response: PricesSet,
    },
    ({ params, body, principal }) => {
      hub.suppliers.get(params.id);
      return hub.costing.setPrices(params.id, body, s.actor(principal));
    },
  );
  r.route(
    {
      method: "post",
      path: "/api/v1/suppliers/{id}/prices/import",
      summary:
        "A supplier price list from CSV (sku,cost_fen,tax_rate,effective_from), all or nothing: a bad row refuses the file, naming every bad row",
      access: "admin",
      tag,
      textBody: true,
      response: PricesSet,
    },
    ({ params, body, principal }) => {
      hub.suppliers.get(params.id);
      const { prices, errors } = parsePriceCsv(body);
      if (errors.length) throw badRows(errors);
      if (!prices.length) throw new ValidationError("csv", "no price rows");
      return hub.costing.setPrices(params.id, { prices }, s.actor(principal));
    },
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/suppliers/{id}/prices",
      summary: "A supplier's price list: every entry, or with `at` the one effective per SKU that day",
      access: "read",
      tag,
      query: PriceListQuery,
      response: z.array(SupplierPrice),
    },
    ({ params, query }) => {
      hub.suppliers.get(params.id);
      return hub.costing.prices(params.id, query.at);
    },
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/purchase-orders/{id}/costs",
      summary:
        "The unit cost of each line of a purchase order, from its supplier's price list on the order's date (null: no price listed)",
      access: "read",
      tag,
      response: z.array(OrderLineCost),
    },
    ({ params }) => hub.costing.orderCosts(params.id),
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/stores/{id}/cost",
      summary:
        "Moving-average cost per SKU at a store: on-hand, value in fen, the average per unit (per kg for weighed goods)",
      access: "read",
      tag,
      query: z.object({ sku: z.string().max(32).optional() }),
      response: z.array(CostPositionOut),
    },
    ({ params, query, principal }) => {
      authorize(principal, "read", s.regionOfStore(params.id));
      return hub.costing.positions(params.id, query.sku);
    },
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/stores/{id}/cost/{sku}/movements",
      summary:
        "A SKU's cost card at a store: each stock movement with the value it moved, the negative-stock correction it posted and where its cost came from",
      access: "read",
      tag,
      query: z.object({ limit: z.coerce.number().int().min(1).max(5000).default(500) }),
      response: z.array(CostMovementOut),
    },
    ({ params, query, principal }) => {
      authorize(principal, "read", s.regionOfStore(params.id));
      return hub.costing.movements(params.id, params.sku, query.limit);
    },
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/valuation",
      summary:
        "Stock valuation per store and category at the end of a day (UTC), at moving-average cost; a regional manager sees its region",
      access: "read",
      tag,
      query: ValuationQuery,
      response: z.array(ValuationRow),
    },
    ({ query, principal }) => {
      if (query.store) authorize(principal, "read", s.regionOfStore(query.store));
      const rows = hub.costing.valuation(query);
      return principal.role === "regional_manager"
        ? rows.filter((row) => s.storeRegion(row.storeId) === principal.region)
        : rows;
    },
  );
};
