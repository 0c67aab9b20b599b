// The releases API (docs/appliance.md "Updates"): list, detail, release to the pilot ring or the
// chain, promote, withdraw, and the fleet's update state. The artefact's upload and download are
// raw routes (`releaseFileRoutes`): a ~150 MB executable is streamed, never read into a JSON body.
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHub } from "../http/api-hub.ts";
import { authorize } from "../http/auth.ts";
import { ApiErrorBody, type Env, type RouteModule } from "../http/route.ts";
import type { Releases } from "./releases.ts";

const tag = "releases";

const ReleaseOut = z
  .object({
    id: z.number().int(),
    version: z.string(),
    sha256: z.string(),
    size: z.number().int(),
    stage: z.enum(["draft", "pilot", "all", "withdrawn"]),
    createdAt: z.string(),
    createdBy: z.string(),
    signed: z.boolean(),
    releasedAt: z.string().optional(),
    promotedAt: z.string().optional(),
    withdrawnAt: z.string().optional(),
  })
  .openapi("Release");
const ReleaseListRow = ReleaseOut.extend({ steps: z.record(z.string(), z.number().int()) }).openapi(
  "ReleaseListRow",
);
const ReleaseDetail = ReleaseOut.extend({
  stores: z.array(
    z.object({
      storeId: z.string(),
      step: z.string(),
      runningVersion: z.string(),
      reason: z.string().optional(),
      at: z.string(),
    }),
  ),
}).openapi("ReleaseDetail");
const FleetUpdate = z
  .object({
    storeId: z.string(),
    name: z.string(),
    ring: z.string(),
    appVersion: z.string().optional(),
    targetVersion: z.string().optional(),
    update: z
      .object({
        releaseId: z.number().int(),
        version: z.string(),
        step: z.string(),
        at: z.string(),
        reason: z.string().optional(),
      })
      .optional(),
  })
  .openapi("FleetUpdate");
const SignatureInput = z.strictObject({ signature: z.string().max(200) }).openapi("ReleaseSignatureInput");
const ReleaseKeyOut = z
  .object({ mode: z.enum(["hub", "offline"]), publicKey: z.string() })
  .openapi("ReleaseKey");
const ReleaseStageInput = z.strictObject({ stage: z.enum(["pilot", "all"]) }).openapi("ReleaseStageInput");

const idOf = (s: string) => {
  const n = Number(s);
  return Number.isInteger(n) && n > 0 ? n : -1;
};

export const releaseRoutes: RouteModule = (r, hub, s) => {
  r.route(
    {
      method: "get",
      path: "/api/v1/releases",
      summary: "Edge releases, newest first, with how many stores reported each update step",
      access: "read",
      tag,
      response: z.array(ReleaseListRow),
    },
    () => hub.releases.list(),
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/releases/{id}",
      summary: "One release and each store's last reported step for it",
      access: "read",
      tag,
      response: ReleaseDetail,
    },
    ({ params }) => hub.releases.detail(idOf(params.id)),
  );
  r.route(
    {
      method: "post",
      path: "/api/v1/releases/{id}/release",
      summary: "Release a draft to the pilot ring (stage pilot) or to every store (stage all)",
      access: "admin",
      tag,
      body: ReleaseStageInput,
      response: ReleaseOut,
    },
    ({ params, body, principal }) => hub.releases.release(s.actor(principal), idOf(params.id), body.stage),
  );
  r.route(
    {
      method: "post",
      path: "/api/v1/releases/{id}/signature",
      summary:
        "Attach the signature made offline (`hq-hub release sign`) to an unsigned release; refused unless it verifies under the chain's release key",
      access: "admin",
      tag,
      body: SignatureInput,
      response: ReleaseOut,
    },
    ({ params, body, principal }) =>
      hub.releases.attachSignature(s.actor(principal), idOf(params.id), body.signature),
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/release-key",
      summary:
        "The chain's release key: its public half (what stores trust) and where it signs (hub: on upload; offline: each release waits for a signature)",
      access: "read",
      tag,
      response: ReleaseKeyOut,
    },
    () => ({ mode: hub.releases.signingMode(), publicKey: hub.releases.publicKey() }),
  );
  r.route(
    {
      method: "post",
      path: "/api/v1/releases/{id}/promote",
      summary: "Promote a pilot release to the whole chain",
      access: "admin",
      tag,
      response: ReleaseOut,
    },
    ({ params, principal }) => hub.releases.promote(s.actor(principal), idOf(params.id)),
  );
  r.route(
    {
      method: "post",
      path: "/api/v1/releases/{id}/withdraw",
      summary: "Withdraw a release: no store is offered it any more",
      access: "admin",
      tag,
      response: ReleaseOut,
    },
    ({ params, principal }) => hub.releases.withdraw(s.actor(principal), idOf(params.id)),
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/fleet/updates",
      summary:
        "Per enrolled store: the edge version it runs, the release it should run, its last update step",
      access: "read",
      tag,
      response: z.array(FleetUpdate),
    },
    () => hub.releases.fleet(),
  );
};

/** What the raw routes use of the hub. */
type FileHub = Pick<ApiHub, "tokens" | "stores" | "audit"> & { releases: Releases };

/**
 * POST /api/v1/releases?version=V[&sha256=H] (hq_admin; body: the executable) and
 * GET /api/v1/releases/{id}/artefact (a store's MQTT credentials as HTTP Basic, or hq_admin).
 */
export function releaseFileRoutes(app: OpenAPIHono<Env>, hub: FileHub): void {
  const error = (description: string) => ({
    description,
    content: { "application/json": { schema: ApiErrorBody } },
  });
  app.openAPIRegistry.registerPath(
    createRoute({
      method: "post",
      path: "/api/v1/releases",
      summary:
        "Publish an edge release: the body is the executable `npm run build:appliance` wrote (streamed, up to 512 MiB); HQ signs its manifest with the chain's key; a draft until released",
      description: "Access: hq_admin",
      tags: [tag],
      request: {
        query: z.object({ version: z.string(), sha256: z.string().optional() }),
        body: { required: true, content: { "application/octet-stream": { schema: z.string() } } },
      },
      responses: {
        200: { description: "OK", content: { "application/json": { schema: ReleaseOut } } },
        400: error("Bad version, empty body, or the body does not hash to `sha256`"),
        401: error("No or bad token"),
        403: error("Not hq_admin"),
        409: error("That version was published already"),
      },
    }),
  );
  app.openAPIRegistry.registerPath(
    createRoute({
      method: "get",
      path: "/api/v1/releases/{id}/artefact",
      summary:
        "A release's executable, for a store it is out to (its MQTT username and password as HTTP Basic) or hq_admin",
      description: "Access: the store (HTTP Basic) or hq_admin",
      tags: [tag],
      request: { params: z.object({ id: z.string() }) },
      responses: {
        200: {
          description: "The executable",
          content: { "application/octet-stream": { schema: z.string().openapi({ format: "binary" }) } },
        },
        401: error("No or wrong credentials"),
        404: error("No such release, or not out to this store"),
      },
    }),
  );
  app.post("/api/v1/releases", async (c) => {
    const principal = hub.tokens.authenticate(c.req.header("authorization"));
    if (!principal) return c.json({ error: "unauthorized", message: "a bearer token is required" }, 401);
    authorize(principal, "admin");
    const version = c.req.query("version") ?? "";
    const row = await hub.releases.publish(
      `${principal.name} (${principal.role})`,
      version,
      c.req.raw.body,
      c.req.query("sha256"),
    );
    hub.audit.record({
      actor: principal.name,
      role: principal.role,
      method: "POST",
      route: "/api/v1/releases",
      tag,
      summary: "Publish an edge release (upload, signed with the chain's key)",
      path: "/api/v1/releases",
      status: 200,
      request: { version, size: row.size, sha256: row.sha256 },
      after: { id: row.id, version: row.version, stage: row.stage },
    });
    return c.json(row);
  });
  app.get("/api/v1/releases/:id/artefact", async (c) => {
    const id = idOf(c.req.param("id"));
    let storeId: string | undefined;
    const header = c.req.header("authorization") ?? "";
    const basic = /^Basic\s+(\S+)$/i.exec(header);
    if (basic) {
      const text = Buffer.from(basic[1]!, "base64").toString("utf8");
      const colon = text.indexOf(":");
      storeId = colon > 0 ? await hub.stores.verify(text.slice(0, colon), text.slice(colon + 1)) : undefined;
      if (!storeId) return c.json({ error: "unauthorized", message: "unknown store or wrong password" }, 401);
    } else {
      const principal = hub.tokens.authenticate(header);
      if (!principal) return c.json({ error: "unauthorized", message: "store credentials required" }, 401);
      authorize(principal, "admin");
    }
    const { file, size } = hub.releases.artefactFor(id, storeId);
    return new Response(Bun.file(file), {
      headers: { "content-type": "application/octet-stream", "content-length": String(size) },
    });
  });
}
