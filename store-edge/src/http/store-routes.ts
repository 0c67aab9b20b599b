// The store-level reads and stock work over the LAN API: status, catalog search, a product with
// its price and stock, stock alerts, counts and receivings (a cashier's code and PIN in the
// body), nearby stores' stock (asked of HQ).
import { ReceivedLotV1 } from "@retail/protocol";
import { z } from "zod";
import type { Edge } from "../edge.ts";
import { EdgeError, invalid } from "../errors.ts";
import { admitToHq } from "../supply/routes.ts";
import { type Api, body, CashierId, newApi, Pin } from "./body.ts";

const schemas = {
  stockCount: z.strictObject({
    cashierId: CashierId,
    pin: Pin,
    lines: z
      .array(z.strictObject({ sku: z.string().min(1).max(32), counted: z.int().nonnegative() }))
      .min(1)
      .max(2000),
  }),
  receiving: z.strictObject({
    cashierId: CashierId,
    pin: Pin,
    purchaseOrderId: z.string().min(1).max(64).optional(),
    supplierId: z.string().min(1).max(64).optional(),
    lines: z
      .array(
        z.strictObject({
          sku: z.string().min(1).max(32),
          qty: z.int().positive(),
          expected: z.int().nonnegative().optional(),
          /** Dated goods: batch + expiry of the units received (batches/). */
          lots: z.array(ReceivedLotV1).min(1).max(20).optional(),
        }),
      )
      .min(1)
      .max(2000),
  }),
};

export function storeRoutes(edge: Edge): Api {
  const api = newApi();
  api.get("/status", (c) => c.json(edge.status()));
  api.get("/catalog/search", (c) => {
    const q = c.req.query("q") ?? "";
    const limit = Number(c.req.query("limit") ?? 20);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw invalid("limit", "1..100");
    return c.json({ hits: edge.replica.lookup.search(q, limit) });
  });
  api.get("/products/:sku", (c) => {
    const sku = c.req.param("sku");
    const lookup = edge.replica.lookup;
    const product = lookup.products.get(sku);
    if (!product) throw new EdgeError("not_found", "sku", `no product ${sku}`);
    return c.json({
      product,
      price: lookup.priceOf(sku, edge.clock.now()) ?? null,
      barcodes: lookup.barcodesOf(sku),
      onHand: edge.stock.onHand(sku),
      replenishment: edge.stock.replenishment(sku) ?? null,
    });
  });
  api.get("/stock/alerts", (c) => c.json({ alerts: edge.stock.alerts() }));
  api.post("/stock/counts", async (c) => {
    const b = await body(c, schemas.stockCount);
    return c.json(await edge.inventory.count(b.cashierId, b.pin, b.lines));
  });
  api.post("/stock/receivings", async (c) => {
    const { cashierId, pin, ...input } = await body(c, schemas.receiving);
    return c.json(await edge.inventory.receive(cashierId, pin, input));
  });
  api.get("/stock/:sku/nearby", async (c) => {
    admitToHq(edge.supply, c);
    return c.json(await edge.nearbyStock(c.req.param("sku")));
  });
  return api;
}
