// The transfer API: documents between stores, listed and read with their cost in transit,
// created at HQ, approved, rejected, cancelled, shipped (the sender's movement goes down) and
// received with differences (the receiver's movement goes down).
import { z } from "@hono/zod-openapi";
import { authorize } from "../http/auth.ts";
import type { RouteModule } from "../http/route.ts";
import { TransferCreateInput, TransferQtyInput } from "./rules.ts";
import { TransferListQuery } from "./transfers.ts";

const tag = "transfers";
const Status = z.enum(["requested", "approved", "shipped", "received", "rejected", "cancelled"]);

const TransferOut = z
  .object({
    id: z.string(),
    fromStoreId: z.string(),
    fromStoreName: z.string(),
    toStoreId: z.string(),
    toStoreName: z.string(),
    status: Status,
    origin: z.string(),
    requestId: z.string().nullable(),
    requestedBy: z.string(),
    note: z.string(),
    createdAt: z.string(),
    approvedAt: z.string().nullable(),
    shippedAt: z.string().nullable(),
    receivedAt: z.string().nullable(),
    closedAt: z.string().nullable(),
    updatedBy: z.string(),
    /** The steps the document allows now (its lifecycle table). */
    allowed: z.array(z.string()),
    lines: z.array(
      z.object({
        sku: z.string(),
        name: z.string(),
        requestedQty: z.number().int(),
        shippedQty: z.number().int().nullable(),
        receivedQty: z.number().int().nullable(),
        differenceQty: z.number().int().nullable(),
        /** Cost that left the sender (its moving average when shipped). */
        shippedValueFen: z.number().int(),
        /** Cost of the difference at the receiver (< 0 short, > 0 over). */
        differenceValueFen: z.number().int(),
      }),
    ),
    shippedValueFen: z.number().int(),
    /** Held in 1402 (transfer in transit) while shipped; 0 before and after. */
    inTransitValueFen: z.number().int(),
  })
  .openapi("Transfer");

const TransferRow = z
  .object({
    id: z.string(),
    fromStoreId: z.string(),
    fromStoreName: z.string(),
    toStoreId: z.string(),
    toStoreName: z.string(),
    status: Status,
    origin: z.string(),
    requestedBy: z.string(),
    createdAt: z.string(),
    lines: z.number().int(),
    requestedQty: z.number().int(),
    shippedQty: z.number().int(),
    receivedQty: z.number().int(),
    shippedValueFen: z.number().int(),
    inTransitValueFen: z.number().int(),
  })
  .openapi("TransferRow");

export const transferRoutes: RouteModule = (r, hub, s) => {
  r.route(
    {
      method: "get",
      path: "/api/v1/transfers",
      summary:
        "Transfers between stores, newest first (a store's: into or out of it; status `open`: not yet received)",
      access: "read",
      tag,
      query: TransferListQuery,
      response: z.object({ total: z.number().int(), items: z.array(TransferRow) }).openapi("TransferList"),
    },
    ({ query, principal }) => {
      if (query.store) s.authorizeStoreRead(principal, query.store);
      return hub.transfers.list(query, principal.role === "regional_manager" ? principal.region : undefined);
    },
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/transfers/{id}",
      summary: "A transfer with its lines, quantities requested, shipped and received, and their cost",
      access: "read",
      tag,
      response: TransferOut,
    },
    ({ params, principal }) => {
      const t = hub.transfers.get(params.id);
      s.authorizeStoreRead(principal, t.fromStoreId);
      return t;
    },
  );
  r.route(
    {
      method: "post",
      path: "/api/v1/transfers",
      summary: "Request a transfer from one store to another (a document; nothing moves until it is shipped)",
      access: "write",
      tag,
      body: TransferCreateInput,
      response: TransferOut,
    },
    ({ body, principal }) => {
      authorize(principal, "write", s.regionOfStore(body.from));
      authorize(principal, "write", s.regionOfStore(body.to));
      return hub.transfers.create(body, s.actor(principal));
    },
  );
  for (const step of ["approve", "reject", "cancel"] as const)
    r.route(
      {
        method: "post",
        path: `/api/v1/transfers/{id}/${step}`,
        summary: `${step[0]!.toUpperCase()}${step.slice(1)} a transfer (its lifecycle table decides; 409 otherwise)`,
        access: "write",
        tag,
        response: TransferOut,
      },
      ({ params, principal }) => {
        const t = hub.transfers.get(params.id);
        authorize(principal, "write", s.regionOfStore(t.fromStoreId));
        authorize(principal, "write", s.regionOfStore(t.toStoreId));
        return hub.transfers[step](params.id, s.actor(principal));
      },
    );
  r.route(
    {
      method: "post",
      path: "/api/v1/transfers/{id}/ship",
      summary:
        "Ship an approved transfer: the sender's stock leaves at its average cost (in transit, 1402) and its stock.movement goes down; lines not named ship as requested",
      access: "write",
      tag,
      body: TransferQtyInput,
      response: TransferOut,
    },
    async ({ params, body, principal }) => {
      authorize(principal, "write", s.regionOfStore(hub.transfers.get(params.id).fromStoreId));
      const { transfer, movements } = hub.transfers.ship(params.id, body, s.actor(principal));
      for (const m of movements) await hub.send(m.storeId, "stock.movement", m.movement);
      return transfer;
    },
  );
  r.route(
    {
      method: "post",
      path: "/api/v1/transfers/{id}/receive",
      summary:
        "Receive a shipped transfer with what arrived (lines not named: as shipped); a difference is booked at the receiver as a loss or gain, and its stock.movement goes down",
      access: "write",
      tag,
      body: TransferQtyInput,
      response: TransferOut,
    },
    async ({ params, body, principal }) => {
      authorize(principal, "write", s.regionOfStore(hub.transfers.get(params.id).toStoreId));
      const { transfer, movements } = hub.transfers.receive(params.id, body, s.actor(principal));
      for (const m of movements) await hub.send(m.storeId, "stock.movement", m.movement);
      return transfer;
    },
  );
};
