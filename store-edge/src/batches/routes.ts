// Near-expiry over the LAN API: the list (?days=3), one SKU's lots, the write-off of what is past
// its date (a cashier's code and PIN in the body, like counts and receivings).
import { z } from "zod";
import { type Api, body, CashierId, newApi, Pin } from "../http/body.ts";
import type { BatchDesk } from "./desk.ts";

const schemas = {
  writeOff: z.strictObject({ cashierId: CashierId, pin: Pin }),
};

export function batchRoutes(desk: BatchDesk): Api {
  const api = newApi();
  api.get("/stock/near-expiry", (c) => c.json(desk.nearExpiry(Number(c.req.query("days") ?? 3))));
  api.get("/stock/:sku/lots", (c) => c.json(desk.lotsOf(c.req.param("sku"))));
  api.post("/stock/write-offs", async (c) => {
    const b = await body(c, schemas.writeOff);
    return c.json(await desk.writeOffExpired(b.cashierId, b.pin));
  });
  return api;
}
