// Store groups' API (issue 19 item 2): list, create, rename, delete, add stores by code or by
// region, remove stores, and move a group's stores to a ring in one action. Writes: hq_admin.
import { z } from "@hono/zod-openapi";
import type { RouteModule } from "../http/route.ts";
import { Ok } from "../http/route.ts";
import { StoreGroupInput, StoreGroupMembersInput, StoreGroupPatch } from "./store-groups.ts";

const tag = "stores";

const StoreGroupRow = z
  .object({
    id: z.string(),
    name: z.string(),
    stores: z.number().int(),
    createdBy: z.string(),
    createdAt: z.string(),
  })
  .openapi("StoreGroupRow");
const StoreGroup = z
  .object({
    id: z.string(),
    name: z.string(),
    createdBy: z.string(),
    createdAt: z.string(),
    stores: z.array(z.object({ id: z.string(), name: z.string(), region: z.string(), ring: z.string() })),
  })
  .openapi("StoreGroup");
const RingMove = z.strictObject({ ring: z.enum(["pilot", "general"]) });

export const storeGroupRoutes: RouteModule = (r, hub, s) => {
  const g = () => hub.storeGroups;
  r.route(
    {
      method: "get",
      path: "/api/v1/store-groups",
      summary: "Store groups with how many stores each holds",
      access: "read",
      tag,
      response: z.array(StoreGroupRow),
    },
    () => g().list(),
  );
  r.route(
    {
      method: "post",
      path: "/api/v1/store-groups",
      summary: "Create a store group (code 1-32 letters, digits, - or _; a name); 409 when the code exists",
      access: "admin",
      tag,
      body: StoreGroupInput,
      response: StoreGroup,
    },
    ({ body, principal }) => g().create(body, s.actor(principal)),
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/store-groups/{id}",
      summary: "One store group with its stores (code, name, region, ring)",
      access: "read",
      tag,
      response: StoreGroup,
    },
    ({ params }) => g().get(params.id),
  );
  r.route(
    {
      method: "patch",
      path: "/api/v1/store-groups/{id}",
      summary: "Rename a store group",
      access: "admin",
      tag,
      body: StoreGroupPatch,
      response: StoreGroup,
    },
    ({ params, body }) => g().rename(params.id, body),
  );
  r.route(
    {
      method: "delete",
      path: "/api/v1/store-groups/{id}",
      summary: "Delete a store group (its stores are not touched)",
      access: "admin",
      tag,
      response: Ok,
    },
    ({ params }) => g().remove(params.id),
  );
  r.route(
    {
      method: "post",
      path: "/api/v1/store-groups/{id}/stores",
      summary:
        "Add stores by code (add) or every store of a region (region), and remove stores (remove), in one transaction; an unknown store code refuses it all",
      access: "admin",
      tag,
      body: StoreGroupMembersInput,
      response: StoreGroup,
    },
    ({ params, body }) => g().setMembers(params.id, body),
  );
  r.route(
    {
      method: "post",
      path: "/api/v1/store-groups/{id}/ring",
      summary:
        "Move every store of the group to a ring (pilot or general); each moved store's catalog log is rebuilt and it takes a snapshot, as PATCH /stores/{id} does",
      access: "admin",
      tag,
      body: RingMove,
      response: z.object({ moved: z.array(z.string()), unchanged: z.array(z.string()) }).openapi("RingMoved"),
    },
    ({ params, body }) => {
      const moved: string[] = [];
      const unchanged: string[] = [];
      const current = hub.catalog.changesets().reduce((m, cs) => Math.max(m, cs.version ?? 0), 0);
      for (const id of g().storesOf(params.id)) {
        if (hub.stores.get(id).ring === body.ring) {
          unchanged.push(id);
          continue;
        }
        hub.stores.update(id, { ring: body.ring }, current);
        moved.push(id);
      }
      hub.catalog.invalidate();
      for (const id of moved) hub.catalog.relistStore(id);
      return { moved, unchanged };
    },
  );
};
