// The broker API: what an external Mosquitto needs to admit the hub and the enrolled stores.
import { z } from "@hono/zod-openapi";
import type { RouteModule } from "../http/route.ts";
import { mosquittoConfig } from "./mosquitto-config.ts";

export const brokerRoutes: RouteModule = (r, hub) => {
  r.route(
    {
      method: "get",
      path: "/api/v1/broker/mosquitto-config",
      summary: "Mosquitto password and ACL files for an external broker",
      access: "admin",
      tag: "broker",
      response: z.object({ passwordFile: z.string(), aclFile: z.string() }).openapi("MosquittoConfig"),
    },
    () => mosquittoConfig(hub),
  );
};
