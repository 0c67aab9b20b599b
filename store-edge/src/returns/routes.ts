// Returns over the LAN API: start (a receipt, or a supervisor without one), the receipt's
// returnable lines, the refund preview, pick lines, complete (the refund), cancel.
import { z } from "zod";
import { type Api, body, CashierId, newApi, Pin, supervisorOf } from "../http/body.ts";
import type { Returns } from "./service.ts";

const schemas = {
  startReturn: z.union([
    z.strictObject({ receiptNo: z.string().min(1).max(40) }),
    z.strictObject({ supervisorId: CashierId, pin: Pin, reason: z.string().min(1).max(80) }),
  ]),
  returnLine: z.strictObject({ units: z.int().min(0), restock: z.boolean().default(true) }),
  completeReturn: z.strictObject({
    /** Absent: back to the original sale's tenders (the default). */
    tender: z.enum(["cash", "card", "wechat", "alipay", "voucher"]).optional(),
    reason: z.string().max(80).optional(),
    /** Refunding a non-cash sale in cash needs a supervisor. */
    supervisorId: CashierId.optional(),
    pin: Pin.optional(),
  }),
};

export function returnRoutes(returns: Returns): Api {
  const api = newApi();
  api.post("/lanes/:lane/returns", async (c) => {
    const lane = c.req.param("lane");
    const b = await body(c, schemas.startReturn);
    if ("receiptNo" in b) return c.json(returns.startReturn(lane, b.receiptNo));
    return c.json(await returns.startReturnWithoutReceipt(lane, b.supervisorId, b.pin, b.reason));
  });
  api.get("/lanes/:lane/returns/lines", (c) => c.json({ lines: returns.returnable(c.req.param("lane")) }));
  api.get("/lanes/:lane/returns/preview", (c) => c.json(returns.previewReturn(c.req.param("lane"))));
  api.put("/lanes/:lane/returns/lines/:lineId", async (c) => {
    const b = await body(c, schemas.returnLine);
    return c.json(returns.setReturnLine(c.req.param("lane"), c.req.param("lineId"), b.units, b.restock));
  });
  api.post("/lanes/:lane/returns/complete", async (c) => {
    const b = await body(c, schemas.completeReturn);
    return c.json(
      await returns.completeReturn(c.req.param("lane"), b.tender, b.reason ?? "", supervisorOf(b)),
    );
  });
  api.delete("/lanes/:lane/returns", (c) => c.json(returns.cancelReturn(c.req.param("lane"))));
  return api;
}
