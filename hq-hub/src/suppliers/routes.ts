// The suppliers API: create or replace, edit, deactivate and reactivate (hq_admin), list.
import { z } from "@hono/zod-openapi";
import type { RouteModule } from "../http/route.ts";
import { SupplierInput, SupplierPatch } from "./suppliers.ts";

export const Supplier = z
  .object({
    id: z.string(),
    name: z.string(),
    leadTimeDays: z.number().int(),
    minOrderQty: z.number().int(),
    packSize: z.number().int(),
    taxId: z.string().nullable(),
    paymentTermsDays: z.number().int(),
    active: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string().nullable(),
    deactivatedBy: z.string().nullable(),
    deactivatedAt: z.string().nullable(),
  })
  .openapi("Supplier");

const tag = "suppliers";

export const supplierRoutes: RouteModule = (r, hub, s) => {
  r.route(
    {
      method: "post",
      path: "/api/v1/suppliers",
      summary: "Create a supplier, or replace an existing one's fields (minimum order: whole packs)",
      access: "admin",
      tag,
      body: SupplierInput,
      response: Supplier,
    },
    ({ body }) => hub.suppliers.upsert(body),
  );
  r.route(
    {
      method: "patch",
      path: "/api/v1/suppliers/{id}",
      summary:
        "Edit a supplier: name, taxId (统一社会信用代码, check digit verified; null clears), paymentTermsDays (0-365), leadTimeDays (0-365), minOrderQty (whole packs), packSize",
      access: "admin",
      tag,
      body: SupplierPatch,
      response: Supplier,
    },
    ({ params, body }) => hub.suppliers.update(params.id, body),
  );
  r.route(
    {
      method: "post",
      path: "/api/v1/suppliers/{id}/deactivate",
      summary: "Deactivate a supplier (kept, no longer listed as active)",
      access: "admin",
      tag,
      response: Supplier,
    },
    ({ params, principal }) => hub.suppliers.deactivate(params.id, s.actor(principal)),
  );
  r.route(
    {
      method: "post",
      path: "/api/v1/suppliers/{id}/reactivate",
      summary: "Reactivate a deactivated supplier",
      access: "admin",
      tag,
      response: Supplier,
    },
    ({ params, principal }) => hub.suppliers.reactivate(params.id, s.actor(principal)),
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/suppliers",
      summary: "List suppliers (status=active by default; inactive, all)",
      access: "read",
      tag,
      query: z.object({ status: z.enum(["active", "inactive", "all"]).default("active") }),
      response: z.array(Supplier),
    },
    ({ query }) => hub.suppliers.list(query.status),
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/suppliers/{id}",
      summary: "One supplier",
      access: "read",
      tag,
      response: Supplier,
    },
    ({ params }) => hub.suppliers.get(params.id),
  );
};
