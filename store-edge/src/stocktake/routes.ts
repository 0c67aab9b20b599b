// The stocktake LAN API for the till's counting screen: sessions (open ones first), open a
// store count, a counter signs in (code + PIN -> a token for the scans), scans, finish
// (recount round or submit to HQ), cancel a store count; a dated SKU's lots to pick from.
import { z } from "zod";
import { invalid } from "../errors.ts";
import { body, CashierId, newApi, Pin } from "../http/body.ts";
import type { Stocktakes } from "./stocktakes.ts";

const schemas = {
  open: z.strictObject({
    cashierId: CashierId,
    pin: Pin,
    kind: z.enum(["full", "cycle"]),
    skus: z.array(z.string().min(1).max(32)).max(2000).optional(),
    recountOver: z.int().nonnegative().max(1_000_000).optional(),
  }),
  signIn: z.strictObject({ cashierId: CashierId, pin: Pin }),
  scan: z.strictObject({
    token: z.string().min(1).max(64),
    code: z.string().min(1).max(64),
    qty: z.int().nonnegative().max(1_000_000).optional(),
    /** Dated goods: the lot counted ("" the undated rest) and its expiry. */
    batch: z.string().max(40).optional(),
    expiresOn: z.string().max(10).optional(),
  }),
  token: z.strictObject({ token: z.string().min(1).max(64) }),
};

export function stocktakeRoutes(st: Stocktakes) {
  const api = newApi();
  api.get("/stocktakes", (c) => c.json({ sessions: st.list() }));
  api.post("/stocktakes", async (c) => {
    const b = await body(c, schemas.open);
    return c.json(await st.open(b.cashierId, b.pin, b));
  });
  api.get("/stocktakes/:id", (c) => c.json(st.view(c.req.param("id"))));
  api.post("/stocktakes/:id/counters", async (c) => {
    const b = await body(c, schemas.signIn);
    return c.json(await st.signIn(c.req.param("id"), b.cashierId, b.pin));
  });
  api.post("/stocktakes/:id/scans", async (c) => {
    const b = await body(c, schemas.scan);
    const lot = b.batch !== undefined ? { batch: b.batch, expiresOn: b.expiresOn } : undefined;
    if (!lot && b.expiresOn !== undefined) throw invalid("batch", "an expiry names its batch");
    return c.json(st.scan(c.req.param("id"), b.token, b.code, b.qty ?? 1, lot));
  });
  // The lots a counter may pick for a dated SKU, by SKU or barcode (batch and expiry, no quantities: counting is blind).
  api.get("/stocktakes/:id/lots/:code", (c) => c.json(st.lotChoices(c.req.param("id"), c.req.param("code"))));
  api.post("/stocktakes/:id/finish", async (c) => {
    const b = await body(c, schemas.token);
    return c.json(st.finish(c.req.param("id"), b.token));
  });
  api.post("/stocktakes/:id/cancel", async (c) => {
    const b = await body(c, schemas.token);
    return c.json(st.cancel(c.req.param("id"), b.token));
  });
  return api;
}
