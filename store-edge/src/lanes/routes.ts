// The lanes over the LAN API: the lane views, the lane's devices (health, scale zero/tare, an
// uncertain print resolved) and the simulators' controls (the demo's and the tests' scanner
// trigger, scale, printer faults, printed receipts).
import { z } from "zod";
import { isSimulated, simControls } from "../devices/bridge-sim.ts";
import { EdgeError, invalid } from "../errors.ts";
import { type Api, body, newApi, ScanBody } from "../http/body.ts";
import type { Lanes } from "./lanes.ts";

const schemas = {
  simWeight: z.strictObject({ grams: z.int().optional(), stable: z.boolean() }),
};

export function laneRoutes(lanes: Lanes): Api {
  const api = newApi();
  api.get("/lanes", (c) => c.json({ lanes: lanes.laneIds().map((l) => lanes.view(l)) }));
  api.get("/lanes/:lane", (c) => c.json(lanes.view(c.req.param("lane"))));
  api.post("/lanes/:lane/devices/scale/:action", async (c) => {
    const d = lanes.devices(c.req.param("lane"));
    const action = c.req.param("action");
    if (action === "zero") await d.zeroScale();
    else if (action === "tare") await d.tareScale();
    else throw invalid("action", "zero or tare");
    return c.json({ ok: true });
  });
  api.get("/lanes/:lane/devices", (c) =>
    c.json({
      devices: lanes.devices(c.req.param("lane")).health(),
      weight: lanes.devices(c.req.param("lane")).weight() ?? null,
      // The till's device panel offers the simulators' controls (the demo's scale) only then.
      simulated: isSimulated(lanes.devices(c.req.param("lane"))),
      uncertainPrints: lanes.devices(c.req.param("lane")).uncertainPrints(),
    }),
  );
  // A receipt whose printing is uncertain (docs/devices.md): "printed" or "reprint" (marked copy).
  api.post("/lanes/:lane/devices/printer/uncertain/:job", async (c) => {
    const b = (await c.req.json().catch(() => ({}))) as { resolution?: unknown };
    const job = Number(c.req.param("job"));
    if (!Number.isInteger(job) || job < 1) throw invalid("job", "a print job id from uncertainPrints");
    if (b.resolution !== "printed" && b.resolution !== "reprint")
      throw invalid("resolution", '"printed" or "reprint"');
    await lanes.devices(c.req.param("lane")).resolvePrint(job, b.resolution);
    return c.json({ ok: true });
  });
  // Simulated devices: the demo and tests press the scanner's trigger and put goods on the scale.
  // "simulated" lanes in-process; "bridge-sim" lanes through firmware-bridge's wire simulators.
  const sim = (lane: string) => {
    const d = simControls(lanes.devices(lane));
    if (!d) throw invalid("lane", "this lane's devices are not simulated");
    return d;
  };
  api.post("/lanes/:lane/sim/scan", async (c) => {
    const b = await body(c, ScanBody);
    return c.json(await sim(c.req.param("lane")).scan(b.code, b.aim));
  });
  api.post("/lanes/:lane/sim/weight", async (c) => {
    const b = await body(c, schemas.simWeight);
    return c.json(await sim(c.req.param("lane")).weight(b.grams, b.stable));
  });
  api.post("/lanes/:lane/sim/printer", async (c) => {
    const b = (await c.req.json().catch(() => ({}))) as { fault?: unknown };
    if (b.fault !== "drop-after-cut") throw invalid("fault", '"drop-after-cut"');
    return c.json(await sim(c.req.param("lane")).printerFault(b.fault));
  });
  api.get("/lanes/:lane/sim/printed", async (c) =>
    c.json({ printed: await sim(c.req.param("lane")).printed() }),
  );
  api.get("/lanes/:lane/sim/printed/:index/png", async (c) => {
    const index = Number(c.req.param("index"));
    if (!Number.isInteger(index) || index < 0) throw invalid("index", "a receipt index from sim/printed");
    const png = await sim(c.req.param("lane")).printedPng(index);
    if (!png) throw new EdgeError("not_found", "index", `no rendered receipt ${index} on this lane`);
    return new Response(png, { headers: { "content-type": "image/png" } });
  });
  return api;
}
