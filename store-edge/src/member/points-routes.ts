// Points redemption over the LAN API: what points may pay on the lane's sale (the known balance,
// the chain's rule, the most allowed) and the points tender itself (积分抵现).
import { z } from "zod";
import { type Api, body, newApi, PositiveFen } from "../http/body.ts";
import type { MemberPoints } from "./points.ts";

const TenderBody = z.strictObject({ amount: PositiveFen.optional() });

export function pointsRoutes(points: MemberPoints): Api {
  const api = newApi();
  api.get("/lanes/:lane/points", (c) => c.json(points.quote(c.req.param("lane"))));
  api.post("/lanes/:lane/points", async (c) => {
    const b = await body(c, TenderBody);
    return c.json(points.tender(c.req.param("lane"), b.amount));
  });
  return api;
}
