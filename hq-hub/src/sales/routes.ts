// The sales API: what HQ received from a store, one sale with its lines and tenders. Rows are
// shown as the tables hold them (snake_case columns).
import { z } from "@hono/zod-openapi";
import { authorize } from "../http/auth.ts";
import type { RouteModule } from "../http/route.ts";
import { recentSales } from "./recent.ts";

const SaleRow = z
  .object({
    store_id: z.string(),
    sale_id: z.string(),
    event_id: z.string(),
    receipt_no: z.string(),
    lane_id: z.string(),
    cashier_id: z.string(),
    shift_id: z.string(),
    business_day: z.string(),
    catalog_version: z.number().int(),
    member_id: z.string().nullable(),
    gross_fen: z.number().int(),
    discount_fen: z.number().int(),
    net_fen: z.number().int(),
    tax_fen: z.number().int(),
    completed_at: z.string(),
  })
  .openapi("SaleRow");
const SaleDetail = SaleRow.extend({
  lines: z.array(
    z.object({
      line_id: z.string(),
      sku: z.string(),
      qty: z.number().int(),
      weighed: z.number().int(),
      unit_price_fen: z.number().int(),
      price_version: z.number().int(),
      tax_rate: z.number().int(),
      gross_fen: z.number().int(),
      discount_fen: z.number().int(),
      net_fen: z.number().int(),
      tax_fen: z.number().int(),
      override_catalog_price_fen: z.number().int().nullable(),
    }),
  ),
  tenders: z.array(
    z.object({
      idx: z.number().int(),
      kind: z.string(),
      amount_fen: z.number().int(),
      received_fen: z.number().int().nullable(),
      change_fen: z.number().int().nullable(),
      reference: z.string().nullable(),
    }),
  ),
}).openapi("SaleDetail");

const tag = "sales";

export const salesRoutes: RouteModule = (r, hub, s) => {
  r.route(
    {
      method: "get",
      path: "/api/v1/stores/{id}/sales",
      summary: "Sales received from a store (latest 100)",
      access: "read",
      tag,
      response: z.array(SaleRow),
    },
    ({ params, principal }) => {
      authorize(principal, "read", s.regionOfStore(params.id));
      return recentSales(hub.orm, params.id);
    },
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/stores/{id}/sales/{saleId}",
      summary: "One sale as HQ received it, with its lines (price version each) and tenders",
      access: "read",
      tag,
      response: SaleDetail,
    },
    ({ params, principal }) => {
      authorize(principal, "read", s.regionOfStore(params.id));
      return hub.sales.detail(params.id, params.saleId);
    },
  );
};
