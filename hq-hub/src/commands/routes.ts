// The remote commands API: send a store a command (restart the edge or a lane, lock/unlock a
// lane, resync its catalog, collect diagnostics), its commands with what the store answered,
// and a diagnostics bundle's download. The sending write is audited like every write.
import { z } from "@hono/zod-openapi";
import { StateError } from "../errors.ts";
import { authorize } from "../http/auth.ts";
import type { RouteModule } from "../http/route.ts";
import { CommandInput } from "./rules.ts";

const tag = "fleet";

export const RemoteCommand = z
  .object({
    id: z.string(),
    storeId: z.string(),
    name: z.string(),
    args: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
    requestedBy: z.string(),
    requestedAt: z.string(),
    state: z.enum(["sent", "done", "refused", "failed", "expired"]),
    sends: z.number().int(),
    lastSentAt: z.string().optional(),
    answeredAt: z.string().optional(),
    detail: z.string().optional(),
    bundle: z.object({ bytes: z.number().int(), sha256: z.string() }).optional(),
  })
  .openapi("RemoteCommand");

export const commandRoutes: RouteModule = (r, hub, s) => {
  r.route(
    {
      method: "post",
      path: "/api/v1/stores/{id}/commands",
      summary:
        "Send the store a command (restart_edge, restart_lane, lock_lane, unlock_lane, resync_catalog, collect_diagnostics, renew_certificate); sent again whenever it comes online until it answers",
      access: "write",
      tag,
      body: CommandInput,
      response: RemoteCommand,
    },
    ({ params, body, principal }) => {
      authorize(principal, "write", hub.stores.get(params.id).region);
      if (body.name === "renew_certificate" && !hub.pki?.hasLive(params.id))
        throw new StateError(params.id, `${params.id} holds no certificate from the chain CA to renew`);
      return hub.commands.issue(params.id, body, s.actor(principal));
    },
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/stores/{id}/commands",
      summary: "The store's remote commands, newest first, with what it answered",
      access: "read",
      tag,
      response: z.array(RemoteCommand),
    },
    ({ params, principal }) => {
      s.authorizeStoreRead(principal, params.id);
      return hub.commands.list(params.id);
    },
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/commands/{id}",
      summary: "One remote command and the store's answer",
      access: "read",
      tag,
      response: RemoteCommand,
    },
    ({ params, principal }) => {
      const c = hub.commands.get(params.id);
      s.authorizeStoreRead(principal, c.storeId);
      return c;
    },
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/commands/{id}/diagnostics",
      summary:
        "The diagnostics bundle a store sent (gzip of JSON: recent log lines, status, PRAGMA integrity_check)",
      access: "write",
      tag,
      response: z.string().openapi({ description: "the .json.gz file (Content-Disposition names it)" }),
    },
    ({ params, principal }) => {
      const b = hub.commands.bundle(params.id);
      authorize(principal, "write", hub.stores.get(b.storeId).region);
      return new Response(new Uint8Array(b.gzip), {
        headers: {
          "content-type": "application/gzip",
          "content-disposition": `attachment; filename="diagnostics-${b.storeId}-${params.id}.json.gz"`,
        },
      });
    },
  );
};
