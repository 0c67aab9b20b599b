// The till's supply questions over the LAN API: an item's forecast and open transfers (asked of
// HQ), and a transfer request from a nearby store on behalf of the lane's signed-in cashier.
import { MAX_TILL_TRANSFER_QTY, STORE_ID_RE } from "@retail/protocol";
import { z } from "zod";
import { type Api, body, newApi } from "../http/body.ts";
import type { SupplyDesk } from "./supply.ts";

const TransferRequestBody = z.strictObject({
  sku: z.string().min(1).max(32),
  fromStoreId: z.string().regex(STORE_ID_RE, "store id: 1-16 upper-case letters or digits"),
  qty: z.int().positive().max(MAX_TILL_TRANSFER_QTY),
  note: z.string().max(200).optional(),
});

export function supplyRoutes(desk: SupplyDesk): Api {
  const api = newApi();
  api.get("/stock/:sku/supply", async (c) => c.json(await desk.supply(c.req.param("sku"))));
  // Under the lane: its session proves the cashier the request is made for (app.ts laneAuth).
  api.post("/lanes/:lane/transfer-requests", async (c) => {
    const b = await body(c, TransferRequestBody);
    return c.json(await desk.requestTransfer({ ...b, laneId: c.req.param("lane") }));
  });
  return api;
}
