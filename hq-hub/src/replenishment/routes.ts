// The replenishment API: each SKU's supplier, a store's reorder suggestions, purchase orders
// and their lifecycle (every change is told to the store's till: replenishment.status).
import { z } from "@hono/zod-openapi";
import { authorize } from "../http/auth.ts";
import type { RouteModule } from "../http/route.ts";
import { OrderListQuery, PurchaseOrderInput, SuggestionQuery, SupplierSkusInput } from "./orders.ts";

export const PurchaseOrder = z
  .object({
    id: z.string(),
    storeId: z.string(),
    supplierId: z.string(),
    status: z.enum(["draft", "ordered", "in_transit", "received", "closed", "cancelled"]),
    note: z.string().nullable(),
    createdBy: z.string(),
    createdAt: z.string(),
    orderedBy: z.string().nullable(),
    orderedAt: z.string().nullable(),
    expectedAt: z.string().nullable(),
    endedBy: z.string().nullable(),
    endedAt: z.string().nullable(),
    lines: z.array(
      z.object({
        sku: z.string(),
        qty: z.number().int(),
        received: z.number().int(),
        outstanding: z.number().int(),
      }),
    ),
    /** Received SKUs the order does not list, and receipts from another store naming it. */
    discrepancies: z.object({
      unexpected: z.array(z.object({ sku: z.string(), qty: z.number().int() })),
      otherStoreReceipts: z.number().int(),
    }),
  })
  .openapi("PurchaseOrder");

const OrderReceipts = z
  .array(
    z.object({
      receivingId: z.string(),
      storeId: z.string(),
      otherStore: z.boolean(),
      confirmedBy: z.string(),
      confirmedAt: z.string(),
      lines: z.array(
        z.object({
          sku: z.string(),
          name: z.string().nullable(),
          qty: z.number().int(),
          expected: z.number().int().nullable(),
          lots: z.array(z.object({ batch: z.string(), expiresOn: z.string(), qty: z.number().int() })),
          undated: z.number().int(),
        }),
      ),
    }),
  )
  .openapi("OrderReceipts");

const SuggestionBase = {
  sku: z.string(),
  name: z.string().nullable(),
  onHand: z.number().int(),
  onOrder: z.number().int(),
  reorderPoint: z.number().int(),
  soldUnits: z.number().int(),
  position: z.number().int(),
};
const SuggestionList = z
  .object({
    storeId: z.string(),
    windowDays: z.number().int(),
    reviewDays: z.number().int(),
    items: z.array(
      z.union([
        z.object({
          ...SuggestionBase,
          order: z.literal(true),
          qty: z.number().int(),
          supplierId: z.string(),
          /** What the order brings the position up to: reorder point + demand over lead time and review. */
          targetLevel: z.number().int(),
          demandOverCover: z.number().int(),
        }),
        z.object({
          ...SuggestionBase,
          order: z.literal(false),
          reason: z.enum(["above_reorder_point", "no_supplier", "supplier_inactive"]),
          supplierId: z.string().optional(),
        }),
      ]),
    ),
  })
  .openapi("SuggestionList");

const tag = "replenishment";

export const replenishmentRoutes: RouteModule = (r, hub, s) => {
  r.route(
    {
      method: "put",
      path: "/api/v1/suppliers/{id}/skus",
      summary: "Assign SKUs to a supplier (one supplier per SKU; reassigning moves it)",
      access: "admin",
      tag,
      body: SupplierSkusInput,
      response: z.object({ supplierId: z.string(), skus: z.number().int() }),
    },
    ({ params, body, principal }) => hub.replenishment.assignSkus(params.id, body, s.actor(principal)),
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/suppliers/{id}/skus",
      summary: "The SKUs a supplier delivers",
      access: "read",
      tag,
      response: z.object({ supplierId: z.string(), skus: z.array(z.string()) }).openapi("SupplierSkus"),
    },
    ({ params }) => ({ supplierId: params.id, skus: hub.replenishment.skusOf(params.id) }),
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/stores/{id}/replenishment/suggestions",
      summary: "Reorder suggestions: every SKU with a reorder point, order-up-to quantity in whole packs",
      access: "read",
      tag,
      query: SuggestionQuery,
      response: SuggestionList,
    },
    ({ params, query, principal }) => {
      authorize(principal, "read", s.regionOfStore(params.id));
      return hub.replenishment.suggestions(params.id, query);
    },
  );
  r.route(
    {
      method: "post",
      path: "/api/v1/stores/{id}/purchase-orders/from-suggestions",
      summary: "Draft purchase orders (one per supplier) from the store's reorder suggestions",
      access: "write",
      tag,
      query: SuggestionQuery,
      response: z
        .object({
          orders: z.array(PurchaseOrder),
          skipped: z.array(z.object({ sku: z.string(), reason: z.string() })),
        })
        .openapi("DraftedOrders"),
    },
    async ({ params, query, principal }) => {
      authorize(principal, "write", s.regionOfStore(params.id));
      const drafted = hub.replenishment.createFromSuggestions(params.id, s.actor(principal), query);
      hub.costing.priceOrders(); // unit costs from the price lists now (costing/)
      await hub.tellTills(drafted.till);
      return { orders: drafted.orders, skipped: drafted.skipped };
    },
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/purchase-orders",
      summary: "Purchase orders, newest first (status=open: drafts and ordered)",
      access: "read",
      tag,
      query: OrderListQuery,
      response: z.array(PurchaseOrder),
    },
    async ({ query, principal }) => {
      if (query.store) authorize(principal, "read", s.regionOfStore(query.store));
      await hub.tellTills(hub.replenishment.refreshReceipts());
      return hub.replenishment.list({
        ...query,
        ...(principal.role === "regional_manager" ? { regions: [principal.region!] } : {}),
      });
    },
  );
  r.route(
    {
      method: "post",
      path: "/api/v1/purchase-orders",
      summary: "Create a draft purchase order for a store and supplier",
      access: "write",
      tag,
      body: PurchaseOrderInput,
      response: PurchaseOrder,
    },
    async ({ body, principal }) => {
      authorize(principal, "write", s.regionOfStore(body.storeId));
      const created = hub.replenishment.create(body, s.actor(principal));
      hub.costing.priceOrders(); // unit costs from the price lists now (costing/)
      await hub.tellTills([created.till]);
      return created.order;
    },
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/purchase-orders/{id}",
      summary: "A purchase order: lines ordered, received, outstanding; discrepancies",
      access: "read",
      tag,
      response: PurchaseOrder,
    },
    async ({ params, principal }) => {
      await hub.tellTills(hub.replenishment.refreshReceipts());
      const order = hub.replenishment.get(params.id);
      s.authorizeStoreRead(principal, order.storeId);
      return order;
    },
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/purchase-orders/{id}/receipts",
      summary:
        "What the stores received against the order: each receipt with its lines, expected quantities and lots (batch, expiry)",
      access: "read",
      tag,
      response: OrderReceipts,
    },
    ({ params, principal }) => {
      s.authorizeStoreRead(principal, hub.replenishment.get(params.id).storeId);
      return hub.replenishment.receiptsOf(params.id);
    },
  );
  const steps = {
    send: "Send a draft to the supplier (ordered; the store's till sees it with the expected date)",
    ship: "The supplier's shipping notice: the goods are in transit (counted beside on hand and on order)",
    cancel: "Cancel a draft, or an ordered purchase order nothing was received of",
    close: "Close an ordered purchase order short (the rest is no longer expected)",
  } as const;
  for (const step of ["send", "ship", "cancel", "close"] as const)
    r.route(
      {
        method: "post",
        path: `/api/v1/purchase-orders/{id}/${step}`,
        summary: steps[step],
        access: "write",
        tag,
        response: PurchaseOrder,
      },
      async ({ params, principal }) => {
        authorize(principal, "write", s.regionOfStore(hub.replenishment.get(params.id).storeId));
        const changed = hub.replenishment[step](params.id, s.actor(principal));
        await hub.tellTills([changed.till]);
        return changed.order;
      },
    );
};
