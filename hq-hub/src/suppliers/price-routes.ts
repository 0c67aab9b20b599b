// The price-list screen's API: a supplier's list with validity, its open orders against
// today's list, and a change previewed (JSON lines or CSV) before it is saved. Writes stay on
// /prices and /prices/import (costing/routes.ts).
import { z } from "@hono/zod-openapi";
import { SupplierPricesInput } from "../costing/prices.ts";
import type { RouteModule } from "../http/route.ts";
import { Supplier } from "./routes.ts";

const tag = "suppliers";

const PriceListRow = z
  .object({
    sku: z.string(),
    name: z.string().nullable(),
    unit: z.string().nullable(),
    weighed: z.boolean(),
    costFen: z.number().int(),
    taxRate: z.number().int(),
    effectiveFrom: z.string(),
    effectiveTo: z.string().nullable(),
    state: z.enum(["past", "current", "future"]),
    packSize: z.number().int(),
    minOrderQty: z.number().int(),
  })
  .openapi("SupplierPriceListRow");
const PriceList = z
  .object({ supplier: Supplier, today: z.string(), rows: z.array(PriceListRow) })
  .openapi("SupplierPriceList");
const OrderImpactLine = z
  .object({
    poId: z.string(),
    storeId: z.string(),
    storeName: z.string().nullable(),
    status: z.string(),
    sku: z.string(),
    name: z.string().nullable(),
    deliveryDay: z.string(),
    remaining: z.number().int(),
    weighed: z.boolean(),
    orderedCostFen: z.number().int().nullable(),
    beforeFen: z.number().int().nullable(),
    afterFen: z.number().int().nullable(),
    diffPerUnitFen: z.number().int().nullable(),
    diffFen: z.number().int().nullable(),
  })
  .openapi("OrderImpactLine");
const OpenOrderImpact = z
  .object({ lines: z.array(OrderImpactLine), orders: z.number().int(), totalDiffFen: z.number().int() })
  .openapi("OpenOrderImpact");
const PricePreview = z
  .object({
    prices: z.number().int(),
    lines: z.array(OrderImpactLine),
    orders: z.number().int(),
    totalDiffFen: z.number().int(),
  })
  .openapi("SupplierPricePreview");

export const supplierPriceRoutes: RouteModule = (r, hub) => {
  r.route(
    {
      method: "get",
      path: "/api/v1/suppliers/{id}/price-list",
      summary:
        "A supplier's price list for buyers: per entry its product, cost in fen, tax, valid from/to (the day before the SKU's next entry), past/current/future, the supplier's pack and minimum order",
      access: "read",
      tag,
      response: PriceList,
    },
    ({ params }) => hub.supplierPrices.list(params.id),
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/suppliers/{id}/open-orders",
      summary:
        "The supplier's open orders (draft, ordered, in transit), each line's ordered cost against the price in force on its delivery day, and the difference on what is still to come",
      access: "read",
      tag,
      response: OpenOrderImpact,
    },
    ({ params }) => hub.supplierPrices.openOrders(params.id),
  );
  r.route(
    {
      method: "post",
      path: "/api/v1/suppliers/{id}/prices/preview",
      summary:
        "Preview price lines (validated as POST /prices takes them, nothing written): the open order lines whose delivery-day price they change, with the difference against the ordered cost",
      access: "admin",
      tag,
      body: SupplierPricesInput,
      response: PricePreview,
    },
    ({ params, body }) => hub.supplierPrices.preview(params.id, body),
  );
  r.route(
    {
      method: "post",
      path: "/api/v1/suppliers/{id}/prices/import/preview",
      summary:
        "Preview a CSV price list (as /prices/import reads it; a bad row refuses the file naming it, nothing written) against the open orders",
      access: "admin",
      tag,
      textBody: true,
      response: PricePreview,
    },
    ({ params, body }) => hub.supplierPrices.previewCsv(params.id, body),
  );
};
