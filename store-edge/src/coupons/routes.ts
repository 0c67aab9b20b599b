// Coupons on the lane's cart over the LAN API.
import { z } from "zod";
import { type Api, body, newApi } from "../http/body.ts";
import type { CartCoupons } from "./service.ts";

const schemas = {
  coupon: z.strictObject({ code: z.string().min(1).max(40) }),
};

export function couponRoutes(coupons: CartCoupons): Api {
  const api = newApi();
  api.post("/lanes/:lane/coupons", async (c) =>
    c.json(coupons.add(c.req.param("lane"), (await body(c, schemas.coupon)).code)),
  );
  api.delete("/lanes/:lane/coupons/:code", (c) =>
    c.json(coupons.remove(c.req.param("lane"), c.req.param("code"))),
  );
  return api;
}
