// The API's own routes: liveness, and the index at the base URL (what `npm start` prints).
import { z } from "@hono/zod-openapi";
import { API_BASE, API_VERSION, DOCUMENT_PATH, REFERENCE_PATH } from "./reference.ts";
import type { RouteModule } from "./route.ts";

const ApiIndex = z
  .object({
    name: z.string(),
    version: z.string(),
    links: z.object({ openapi: z.string(), reference: z.string(), health: z.string() }),
  })
  .openapi("ApiIndex");

export const metaRoutes: RouteModule = (r, hub) => {
  r.route(
    {
      method: "get",
      path: "/api/v1",
      summary: "The API index: its version, the OpenAPI document and the interactive reference page",
      access: "public",
      tag: "api",
      response: ApiIndex,
    },
    () => ({
      name: "HQ hub API",
      version: API_VERSION,
      links: { openapi: DOCUMENT_PATH, reference: REFERENCE_PATH, health: `${API_BASE}/health` },
    }),
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/health",
      summary: "Liveness",
      access: "public",
      tag: "api",
      response: z.object({ ok: z.literal(true), mqtt: z.string() }).openapi("Health"),
    },
    () => ({ ok: true, mqtt: hub.mqtt.url }),
  );
};
