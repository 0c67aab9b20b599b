// The stock API: on-hand per SKU, a SKU's stock card, reorder points, transfers between stores
// (each side is sent down as a stock.movement), oversold stock (oversell.ts).
import { z } from "@hono/zod-openapi";
import { StockMovementV1 } from "@retail/protocol";
import { authorize } from "../http/auth.ts";
import type { RouteModule } from "../http/route.ts";
import { listOversells, OversellOut, OversellQuery } from "./oversell.ts";
import { ReorderInput, TransferInput } from "./stock.ts";

const OnHand = z.object({ sku: z.string(), on_hand: z.number().int() }).openapi("OnHand");
/** A stock card line: the ledger as HQ keeps it (snake_case: the table's row). */
const Movement = z
  .object({
    id: z.number().int(),
    qty_delta: z.number().int(),
    kind: z.string(),
    ref: z.string(),
    event_id: z.string().nullable(),
    at: z.string(),
  })
  .openapi("Movement");

const tag = "stock";

export const stockRoutes: RouteModule = (r, hub, s) => {
  r.route(
    {
      method: "get",
      path: "/api/v1/stores/{id}/stock",
      summary: "On-hand per SKU at a store",
      access: "read",
      tag,
      response: z.array(OnHand),
    },
    ({ c, params, principal }) => {
      authorize(principal, "read", s.regionOfStore(params.id));
      return hub.stock.onHand(params.id, c.req.query("sku"));
    },
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/stores/{id}/stock/{sku}/movements",
      summary: "A SKU's stock card at a store: its ledger movements, oldest first (the latest `limit`)",
      access: "read",
      tag,
      query: z.object({ limit: z.coerce.number().int().min(1).max(5000).default(500) }),
      response: z.array(Movement),
    },
    ({ params, query, principal }) => {
      authorize(principal, "read", s.regionOfStore(params.id));
      return hub.stock.movements(params.id, params.sku, query.limit);
    },
  );
  r.route(
    {
      method: "put",
      path: "/api/v1/stores/{id}/reorder-points",
      summary: "Set a reorder point (low-stock alert threshold)",
      access: "write",
      tag,
      body: ReorderInput,
      response: z.object({ sku: z.string(), reorderPoint: z.number().int() }).openapi("ReorderPoint"),
    },
    ({ params, body, principal }) => {
      authorize(principal, "write", s.regionOfStore(params.id));
      const set = hub.stock.setReorderPoint(params.id, body);
      hub.ingest.forgetReorderPoints(params.id);
      return set;
    },
  );
  r.route(
    {
      method: "post",
      path: "/api/v1/stock/transfers",
      summary: "Transfer stock between stores (sent down as stock.movement)",
      access: "write",
      tag,
      body: TransferInput,
      response: z.array(z.object({ storeId: z.string(), movement: StockMovementV1 })),
    },
    async ({ body, principal }) => {
      authorize(principal, "write", s.regionOfStore(body.from));
      authorize(principal, "write", s.regionOfStore(body.to));
      const moves = hub.stock.transfer(body);
      for (const m of moves) await hub.send(m.storeId, "stock.movement", m.movement);
      return moves;
    },
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/stock/oversells",
      summary:
        "Oversold stock: every store and SKU below zero on hand (sales that reached HQ after the units were gone, e.g. the same last units sold at two offline stores), with the movement that took it below zero and those since; a regional manager sees its region",
      access: "read",
      tag,
      query: OversellQuery,
      response: z.array(OversellOut),
    },
    ({ query, principal }) =>
      listOversells(hub.db, query, principal.role === "regional_manager" ? principal.region : undefined),
  );
};
