// The demo's opening stock (`npm start`): every store receives its packaged goods at the door
// through the edge's LAN API (a cashier's code and PIN, as the till's receiving screen does),
// from the chain's distribution centre with a price list at 70% of shelf price, so the stock is
// on the tills and at HQ with its cost (valuation, nearby stores' stock, replenishment and
// transfers mean something). Quantities differ per store (seeded): some SKUs are out at one
// store and in stock at its neighbours. Done once per data folder (opening-stock.json); a
// failing step is logged and the rest of the demo runs on.
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { prng } from "@retail/protocol";
import { demoCatalog } from "./catalog.ts";

export const DEMO_DC = {
  id: "SUP-DC01",
  name: "华东配送中心",
  leadTimeDays: 1,
  minOrderQty: 1,
  packSize: 1,
};
const CASHIER = { cashierId: "1001", pin: "1234" };
const CHUNK = 500;

/** Units a store opens with for each packaged SKU (0 for about one in seven: out of stock there). */
export function openingQty(storeIndex: number, skus: readonly string[]): Map<string, number> {
  const rand = prng(20261207 + storeIndex * 7919);
  return new Map(skus.map((sku) => [sku, rand() < 0.15 ? 0 : 6 + Math.floor(rand() * 55)]));
}

export async function runOpeningStock(
  hq: string,
  token: string,
  dataDir: string,
  edges: { id: string; http: string }[],
  stopped: () => boolean,
): Promise<void> {
  const marker = join(dataDir, "opening-stock.json");
  if (existsSync(marker)) return;
  const log = (msg: string) => console.log(`[stock] ${msg}`);
  const call = async <T>(base: string, method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok)
      throw Object.assign(new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`), {
        status: res.status,
      });
    return (text ? JSON.parse(text) : {}) as T;
  };
  try {
    try {
      await call(hq, "GET", `/suppliers/${DEMO_DC.id}`);
    } catch (e) {
      if ((e as { status?: number }).status !== 404) throw e;
      await call(hq, "POST", "/suppliers", DEMO_DC);
    }
    const cat = demoCatalog();
    const goods = cat.products.filter((p) => p.status === "active" && !p.weighed);
    const shelf = new Map(cat.prices.map((p) => [p.sku, p.windows[0]!.price]));
    const cost = (sku: string) => Math.max(1, Math.floor(((shelf.get(sku) ?? 100) * 7) / 10));
    for (let i = 0; i < goods.length; i += CHUNK)
      await call(hq, "POST", `/suppliers/${DEMO_DC.id}/prices`, {
        prices: goods.slice(i, i + CHUNK).map((p) => ({
          sku: p.sku,
          costFen: cost(p.sku),
          taxRate: p.taxRate,
          effectiveFrom: "2026-01-01",
        })),
      });
    const skus = goods.map((p) => p.sku);
    for (const [i, edge] of edges.entries()) {
      const qty = openingQty(i, skus);
      const lines = skus.filter((s) => qty.get(s)! > 0).map((sku) => ({ sku, qty: qty.get(sku)! }));
      for (let j = 0; j < lines.length; j += CHUNK) {
        const chunk = lines.slice(j, j + CHUNK);
        // Retried until the store's catalog and cashiers have arrived from HQ.
        let last = "";
        for (let tries = 0; ; tries++) {
          if (stopped()) return;
          try {
            await call(edge.http, "POST", "/stock/receivings", {
              ...CASHIER,
              supplierId: DEMO_DC.id,
              lines: chunk,
            });
            break;
          } catch (e) {
            last = (e as Error).message;
            if (tries > 90) throw new Error(`${edge.id} opening stock: ${last}`);
            await Bun.sleep(2000);
          }
        }
      }
      log(`${edge.id}: opening stock of ${lines.length} SKUs received from ${DEMO_DC.name}`);
    }
    writeFileSync(marker, JSON.stringify({ at: new Date().toISOString(), supplier: DEMO_DC.id }, null, 2));
  } catch (e) {
    log(`opening stock failed: ${(e as Error).message}`);
  }
}
