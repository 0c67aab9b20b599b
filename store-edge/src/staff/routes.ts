// The lane's people over the LAN API: sign-in (the one lane route open without a session),
// sign-out, locked codes and their unlock by a supervisor, training mode.
import { z } from "zod";
import { invalid } from "../errors.ts";
import { type Api, body, CashierId, newApi, Pin } from "../http/body.ts";
import type { Staff } from "./service.ts";

const schemas = {
  supervisor: z.strictObject({ supervisorId: CashierId, pin: Pin }),
  login: z.strictObject({ cashierId: CashierId, pin: Pin }),
  training: z.strictObject({ on: z.boolean(), supervisorId: CashierId, pin: Pin }),
};

export function staffRoutes(staff: Staff): Api {
  const api = newApi();
  api.post("/lanes/:lane/login", async (c) => {
    const b = await body(c, schemas.login);
    return c.json(await staff.login(c.req.param("lane"), b.cashierId, b.pin));
  });
  // Locked cashier codes and throttled LAN sources; a supervisor or manager unlocks at the till.
  api.get("/lanes/:lane/staff/pin-locks", (c) => c.json(staff.pins.state()));
  api.post("/lanes/:lane/staff/:cashierId/unlock", async (c) => {
    const b = await body(c, schemas.supervisor);
    const code = CashierId.safeParse(c.req.param("cashierId"));
    if (!code.success) throw invalid("cashierId", "cashier code: 3-8 digits");
    return c.json(await staff.unlockPin(c.req.param("lane"), code.data, { id: b.supervisorId, pin: b.pin }));
  });
  api.post("/lanes/:lane/logout", (c) => c.json(staff.logout(c.req.param("lane"))));
  api.post("/lanes/:lane/training", async (c) => {
    const b = await body(c, schemas.training);
    return c.json(await staff.setTraining(c.req.param("lane"), b.on, b.supervisorId, b.pin));
  });
  return api;
}
