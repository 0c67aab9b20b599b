// Who the caller is, and the API tokens (hq_admin): created (shown once), listed, revoked.
import { z } from "@hono/zod-openapi";
import { ValidationError } from "../errors.ts";
import { ROLES, TokenInput } from "./auth.ts";
import type { RouteModule } from "./route.ts";

const Role = z.enum(ROLES).openapi("Role");
const Me = z
  .object({ name: z.string(), role: Role, region: z.string().optional(), canWrite: z.boolean() })
  .openapi("Me");
const TokenRow = z
  .object({
    id: z.number().int(),
    name: z.string(),
    role: Role,
    region: z.string().nullable(),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
    revokedBy: z.string().nullable(),
  })
  .openapi("TokenRow");
const NewToken = z
  .object({
    id: z.number().int(),
    token: z.string(),
    name: z.string(),
    role: Role,
    region: z.string().optional(),
  })
  .openapi("NewToken");

const tag = "tokens";

export const tokenRoutes: RouteModule = (r, hub, s) => {
  r.route(
    {
      method: "get",
      path: "/api/v1/me",
      summary: "The token's holder: name, role, and region for a regional manager (what a UI may offer)",
      access: "read",
      tag,
      response: Me,
    },
    ({ principal }) => ({
      name: principal.name,
      role: principal.role,
      ...(principal.region ? { region: principal.region } : {}),
      canWrite: principal.role !== "auditor",
    }),
  );
  r.route(
    {
      method: "post",
      path: "/api/v1/tokens",
      summary: "Create an API token (shown once)",
      access: "admin",
      tag,
      body: TokenInput,
      response: NewToken,
    },
    ({ body }) => hub.tokens.create(body),
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/tokens",
      summary: "Issued API tokens (never their secrets)",
      access: "admin",
      tag,
      response: z.array(TokenRow),
    },
    () => hub.tokens.list(),
  );
  r.route(
    {
      method: "post",
      path: "/api/v1/tokens/{id}/revoke",
      summary: "Revoke an API token: refused with 401 from then on; kept with who revoked it",
      access: "admin",
      tag,
      response: TokenRow,
    },
    ({ params, principal }) => {
      const id = Number(params.id);
      if (!Number.isSafeInteger(id) || id < 1) throw new ValidationError("id", "must be a token id");
      return hub.tokens.revoke(id, s.actor(principal));
    },
  );
};
