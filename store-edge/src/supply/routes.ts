// The till's supply questions over the LAN API: an item's forecast and open transfers (asked of
// HQ), and a transfer request from a nearby store on behalf of the lane's signed-in cashier.
import { MAX_TILL_STEP_LINES, MAX_TILL_TRANSFER_QTY, type Payload, Sku, STORE_ID_RE } from "@retail/protocol";
import type { Context } from "hono";
import { z } from "zod";
import type { CatalogLookup } from "../catalog/lookup.ts";
import { EdgeError } from "../errors.ts";
import { type Api, body, newApi } from "../http/body.ts";
import { deliveriesOf } from "./deliveries.ts";
import type { SupplyDesk } from "./supply.ts";

/** What the receiving reads need of the edge (edge.ts passes itself). */
export interface ReceivingHost {
  stock: { replenishmentAll(): Payload<"replenishment.status">["items"] };
  replica: { lookup: CatalogLookup };
}

const TransferRequestBody = z.strictObject({
  sku: z.string().min(1).max(32),
  fromStoreId: z.string().regex(STORE_ID_RE, "store id: 1-16 upper-case letters or digits"),
  qty: z.int().positive().max(MAX_TILL_TRANSFER_QTY),
  note: z.string().max(200).optional(),
});

const StepBody = z.strictObject({
  lines: z
    .array(z.strictObject({ sku: Sku, qty: z.int().nonnegative().max(MAX_TILL_TRANSFER_QTY) }))
    .min(1)
    .max(MAX_TILL_STEP_LINES),
});

/**
 * Before a question to HQ: the lane's (or, outside a lane path, the terminal's) limit
 * (rate-limit.ts): a till hammering these is refused with 429 here, HQ never sees it.
 */
export function admitToHq(desk: SupplyDesk, c: Context): void {
  const lane = c.req.param("lane");
  const source = (c.env as { source?: string } | undefined)?.source ?? "local";
  desk.admit(lane ? `lane ${lane}` : `terminal ${source}`);
}

export function supplyRoutes(desk: SupplyDesk, store?: ReceivingHost): Api {
  const api = newApi();
  if (store) {
    // The store's own copy: what deliveries it waits for, and what a scanned code counts as.
    api.get("/stock/deliveries", (c) =>
      c.json({
        deliveries: deliveriesOf(
          store.stock.replenishmentAll(),
          (sku) => store.replica.lookup.products.get(sku)?.name,
        ),
      }),
    );
    api.get("/codes/:code", (c) => {
      const code = c.req.param("code");
      const lookup = store.replica.lookup;
      const bySku = lookup.products.get(code);
      const hit = bySku ? { product: bySku, qty: 1, pack: undefined } : lookup.byCode(code);
      if (!hit) throw new EdgeError("not_found", "code", `no product with barcode or SKU ${code}`);
      return c.json({
        sku: hit.product.sku,
        name: hit.product.name,
        unit: hit.product.unit,
        weighed: hit.product.weighed,
        qty: hit.qty,
        ...(hit.pack ? { pack: hit.pack } : {}),
      });
    });
  }
  // Under the lane: the signed-in cashier ships or receives (app.ts laneAuth).
  api.get("/lanes/:lane/transfers", async (c) => {
    admitToHq(desk, c);
    return c.json({ transfers: await desk.openTransfers() });
  });
  api.post("/lanes/:lane/transfers/:id/:step{ship|receive}", async (c) => {
    admitToHq(desk, c);
    const b = await body(c, StepBody);
    return c.json(
      await desk.stepTransfer({
        laneId: c.req.param("lane"),
        transferId: c.req.param("id"),
        step: c.req.param("step") as "ship" | "receive",
        lines: b.lines,
      }),
    );
  });
  api.get("/stock/:sku/supply", async (c) => {
    admitToHq(desk, c);
    return c.json(await desk.supply(c.req.param("sku")));
  });
  // Under the lane: its session proves the cashier the request is made for (app.ts laneAuth).
  api.post("/lanes/:lane/transfer-requests", async (c) => {
    admitToHq(desk, c);
    const b = await body(c, TransferRequestBody);
    return c.json(await desk.requestTransfer({ ...b, laneId: c.req.param("lane") }));
  });
  return api;
}
