// The alert webhook's deliveries (what was sent, what is retried, what failed) and running the
// alert rules at once. The alerts themselves are listed by fleet/routes.ts (GET /api/v1/fleet/alerts).
import { z } from "@hono/zod-openapi";
import type { RouteModule } from "../http/route.ts";

const tag = "fleet";

const AlertDelivery = z
  .object({
    id: z.number().int(),
    alertId: z.number().int(),
    event: z.string(),
    state: z.enum(["pending", "sent", "failed"]),
    attempts: z.number().int(),
    createdAt: z.string(),
    sentAt: z.string().nullable(),
    lastError: z.string().nullable(),
  })
  .openapi("AlertDelivery");

export const alertRoutes: RouteModule = (r, hub) => {
  r.route(
    {
      method: "get",
      path: "/api/v1/fleet/alert-deliveries",
      summary: "The alert webhook's messages, newest first: sent, pending (retried with backoff) or failed",
      access: "admin",
      tag,
      response: z
        .object({ configured: z.boolean(), deliveries: z.array(AlertDelivery) })
        .openapi("AlertDeliveries"),
    },
    () => ({
      configured: hub.alertWebhook.configured,
      deliveries: hub.alertWebhook.list() as z.infer<typeof AlertDelivery>[],
    }),
  );
  r.route(
    {
      method: "post",
      path: "/api/v1/fleet/alerts/sweep",
      summary: "Run the fleet alert rules now (they run on a timer anyway): alerts raised and cleared",
      access: "admin",
      tag,
      response: z.object({ raised: z.number().int(), cleared: z.number().int() }).openapi("AlertSweep"),
    },
    () => hub.alertWatch.sweep(),
  );
};
