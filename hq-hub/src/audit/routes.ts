// The audit log's API: every write through the HTTP API, newest first, searched and paged
// (GET /api/v1/audit), and who and which folders appear in it (the console's filters). Read by
// hq_admin and auditors; a regional manager is refused (the log holds every region's writes).
import { z } from "@hono/zod-openapi";
import { ForbiddenError } from "../errors.ts";
import type { RouteModule } from "../http/route.ts";

const tag = "audit";

const Instant = z.string().datetime({ offset: true });
export const AuditQuery = z.object({
  q: z.string().max(200).optional(),
  actor: z.string().max(60).optional(),
  tag: z.string().max(40).optional(),
  method: z.enum(["POST", "PUT", "PATCH", "DELETE", "post", "put", "patch", "delete"]).optional(),
  outcome: z.enum(["ok", "refused"]).optional(),
  from: Instant.optional(),
  to: Instant.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
});

const AuditEntry = z
  .object({
    id: z.number().int(),
    at: z.string(),
    actor: z.string(),
    role: z.string(),
    region: z.string().nullable(),
    method: z.string(),
    route: z.string(),
    tag: z.string(),
    summary: z.string(),
    path: z.string(),
    status: z.number().int(),
    error: z.string().nullable(),
    request: z.unknown(),
    before: z.unknown(),
    after: z.unknown(),
  })
  .openapi("AuditEntry");
const AuditPage = z.object({ rows: z.array(AuditEntry), total: z.number().int() }).openapi("AuditPage");
const AuditFacets = z
  .object({ actors: z.array(z.string()), tags: z.array(z.string()) })
  .openapi("AuditFacets");

export const auditRoutes: RouteModule = (r, hub) => {
  const refuseRegional = (role: string) => {
    if (role === "regional_manager")
      throw new ForbiddenError("the audit log is read by hq_admin and auditors only");
  };
  r.route(
    {
      method: "get",
      path: "/api/v1/audit",
      summary:
        "Every write through the HTTP API, newest first: who, when, what (route, request), before/after, the answer's status; q searches path, actor, summary and the kept JSON; paged with the total",
      access: "read",
      tag,
      query: AuditQuery,
      response: AuditPage,
    },
    ({ query, principal }) => {
      refuseRegional(principal.role);
      return hub.audit.search(query as never);
    },
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/audit/facets",
      summary: "Who has written and which folders were written to (the audit screen's filters)",
      access: "read",
      tag,
      response: AuditFacets,
    },
    ({ principal }) => {
      refuseRegional(principal.role);
      return hub.audit.facets();
    },
  );
};
