// Fleet alerts (session takeovers, enrollment abuse), each store's takeover record, and MQTT
// credential rotation (stores/session-security.ts, docs/hq-hub.md).
import { z } from "zod";
import { ValidationError } from "../errors.ts";
import type { Hub } from "../hub.ts";
import type { RouteFn } from "./app.ts";
import { authorize, type Principal } from "./auth.ts";

const AlertQuery = z.object({
  open: z.enum(["true", "false"]).optional(),
  store: z
    .string()
    .regex(/^[A-Z0-9]{1,16}$/)
    .optional(),
});

const idParam = (raw: string | undefined, field: string): number => {
  const id = Number(raw);
  if (!Number.isSafeInteger(id) || id < 1)
    throw new ValidationError(field, "must be a positive whole number");
  return id;
};

export function securityRoutes(
  route: RouteFn,
  hub: Hub,
  h: { actor: (p: Principal) => string; authorizeStoreRead: (p: Principal, storeId: string) => void },
) {
  // The hub is filled in after the routes are made: read its parts per request.
  const alerts = () => hub.security.alerts;

  route<unknown, z.infer<typeof AlertQuery>>(
    {
      method: "get",
      path: "/api/v1/fleet/alerts",
      summary:
        "Fleet alerts: MQTT session takeovers (with both addresses, count, flapping) and refused enrollment addresses",
      access: "read",
      query: AlertQuery,
    },
    (_c, { query, principal }) => {
      if (query.store) h.authorizeStoreRead(principal, query.store);
      return alerts().list({
        ...(query.open === "true" ? { open: true } : {}),
        ...(query.store ? { storeId: query.store } : {}),
        ...(principal.region ? { region: principal.region } : {}),
      });
    },
  );
  route(
    {
      method: "post",
      path: "/api/v1/fleet/alerts/{id}/close",
      summary: "Close a fleet alert (who and when are kept); the next occurrence opens a new one",
      access: "admin",
    },
    (c, { principal }) => alerts().close(idParam(c.req.param("id"), "id"), h.actor(principal)),
  );
  route(
    {
      method: "get",
      path: "/api/v1/stores/{id}/session-takeovers",
      summary: "Every MQTT session takeover of a store: time, new and old remote address",
      access: "read",
    },
    (c, { principal }) => {
      const id = c.req.param("id")!;
      h.authorizeStoreRead(principal, hub.stores.get(id).id);
      return alerts().takeovers(id);
    },
  );
  route(
    {
      method: "post",
      path: "/api/v1/stores/{id}/rotate-credentials",
      summary:
        "Issue a store new MQTT credentials, delivered over its own channel; the old password stops working once the store connects with the new one",
      access: "admin",
    },
    (c, { principal }) => {
      const id = c.req.param("id")!;
      hub.stores.get(id);
      return hub.security.rotate(id, h.actor(principal));
    },
  );
  route(
    {
      method: "get",
      path: "/api/v1/stores/{id}/credential-rotations",
      summary: "A store's credential rotations: requested, sent, completed (and from which address)",
      access: "read",
    },
    (c, { principal }) => {
      const id = c.req.param("id")!;
      authorize(principal, "read", hub.stores.get(id).region);
      return hub.security.rotations.list(id);
    },
  );
}
