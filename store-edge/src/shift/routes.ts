// The shift over the LAN API: open, cash in/out, X report (shown or printed), close, and the
// no-sale drawer opening (a supervisor's code and PIN, audited to HQ).
import { z } from "zod";
import { type Api, body, CashierId, Fen, newApi, Pin, PositiveFen, supervisorOf } from "../http/body.ts";
import type { Shifts } from "./service.ts";

const schemas = {
  openShift: z.strictObject({ float: Fen }),
  cash: z.strictObject({
    direction: z.enum(["in", "out"]),
    amount: PositiveFen,
    reason: z.string().min(1).max(80),
    supervisorId: CashierId.optional(),
    pin: Pin.optional(),
  }),
  closeShift: z.strictObject({ denominations: z.record(z.string(), z.int().nonnegative()) }),
  noSale: z.strictObject({ supervisorId: CashierId.optional(), pin: Pin.optional() }),
};

export function shiftRoutes(shifts: Shifts): Api {
  const api = newApi();
  api.post("/lanes/:lane/shift/open", async (c) =>
    c.json(shifts.openShift(c.req.param("lane"), (await body(c, schemas.openShift)).float)),
  );
  api.post("/lanes/:lane/shift/cash", async (c) => {
    const b = await body(c, schemas.cash);
    return c.json(
      await shifts.cashMove(c.req.param("lane"), b.direction, b.amount, b.reason, supervisorOf(b)),
    );
  });
  api.get("/lanes/:lane/shift/x-report", (c) => c.json(shifts.xReport(c.req.param("lane"))));
  api.post("/lanes/:lane/shift/x-report/print", (c) => c.json(shifts.printXReport(c.req.param("lane"))));
  api.post("/lanes/:lane/shift/close", async (c) =>
    c.json(shifts.closeShift(c.req.param("lane"), (await body(c, schemas.closeShift)).denominations)),
  );
  // A no-sale: the drawer opens only with a supervisor's code and PIN, audited to HQ.
  api.post("/lanes/:lane/devices/drawer", async (c) => {
    const b = await body(c, schemas.noSale);
    await shifts.noSale(c.req.param("lane"), supervisorOf(b));
    return c.json({ ok: true });
  });
  return api;
}
