// The demo's opening stock (`npm start`): every store receives its packaged goods at the door
// through the edge's LAN API (a cashier's code and PIN, as the till's receiving screen does),
// from the chain's distribution centre with a price list at 70% of shelf price, so the stock is
// on the tills and at HQ with its cost (valuation, nearby stores' stock, replenishment and
// transfers mean something). Quantities differ per store (seeded): some SKUs are out at one
// store and in stock at its neighbours. Dairy (乳品, category 1102) is dated: each store's
// delivery of it comes as two lots, an older one with 0-2 days left (near expiry at once: the
// till's and the console's 临期商品 lists, the markdown rule) and a fresh one with 10-20 days.
// Every packaged SKU is supplied by the distribution centre, dairy has reorder parameters at
// every store (the plan and the automatic run have something to order), and the chain's markdown
// rule runs every morning at 07:00 (China time). Done once per data folder (opening-stock.json);
// a failing step is logged and the rest of the demo runs on.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { prng } from "@retail/protocol";
import { demoCatalog } from "./catalog.ts";
import { demoCall } from "./http.ts";

export const DEMO_DC = {
  id: "SUP-DC01",
  name: "华东配送中心",
  leadTimeDays: 1,
  minOrderQty: 1,
  packSize: 1,
};
const CASHIER = { cashierId: "1001", pin: "1234" };
const CHUNK = 500;

/** The dated category of the demo: dairy. */
export const DATED_CATEGORY = "1102";

/**
 * The lots of a dated SKU's opening delivery at a store, `today` being the China day: an older
 * lot with 0-2 days left (a third to a half of the units) and the rest fresh, 10-20 days left.
 */
export function openingLots(
  storeIndex: number,
  sku: string,
  qty: number,
  today: string,
): { batch: string; expiresOn: string; qty: number }[] {
  const rand = prng(20261208 + storeIndex * 104_729 + Number(sku.replace(/\D/g, "").slice(-6) || 0));
  const day = (n: number) =>
    new Date(Date.parse(`${today}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
  const old = Math.min(qty, Math.max(1, Math.floor(qty * (0.3 + rand() * 0.2))));
  const oldDay = day(Math.floor(rand() * 3));
  const freshDay = day(10 + Math.floor(rand() * 11));
  const code = (d: string) => `${d.slice(2).replace(/-/g, "")}-${storeIndex + 1}`;
  return [
    { batch: `L${code(oldDay)}`, expiresOn: oldDay, qty: old },
    ...(qty > old ? [{ batch: `L${code(freshDay)}`, expiresOn: freshDay, qty: qty - old }] : []),
  ];
}

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
  /** Told as each store's delivery is in (the supply story waits for S001's alone). */
  delivered: (storeId: string) => void = () => {},
): Promise<void> {
  // The marker names the stores whose delivery went in and whether the chain's side (price list,
  // ranges, dairy planned, markdowns) is done; one written before it named stores meant all.
  const marker = join(dataDir, "opening-stock.json");
  const kept = existsSync(marker)
    ? (JSON.parse(readFileSync(marker, "utf8")) as { stores?: string[]; planned?: boolean })
    : undefined;
  const done = new Set(kept ? (kept.stores ?? edges.map((e) => e.id)) : []);
  let planned = kept ? (kept.planned ?? true) : false;
  const save = () =>
    writeFileSync(
      marker,
      JSON.stringify(
        { at: new Date().toISOString(), supplier: DEMO_DC.id, stores: [...done], planned },
        null,
        2,
      ),
    );
  for (const id of done) delivered(id);
  if (planned && edges.every((e) => done.has(e.id))) return;
  const log = (msg: string) => console.log(`[stock] ${msg}`);
  const call = demoCall(token);
  const cat = demoCatalog();
  const goods = cat.products.filter((p) => p.status === "active" && !p.weighed);
  const skus = goods.map((p) => p.sku);
  const dated = new Set(goods.filter((p) => p.category[1] === DATED_CATEGORY).map((p) => p.sku));
  try {
    if (!planned) {
      try {
        await call(hq, "GET", `/suppliers/${DEMO_DC.id}`);
      } catch (e) {
        if ((e as { status?: number }).status !== 404) throw e;
        await call(hq, "POST", "/suppliers", DEMO_DC);
      }
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
      // Every packaged SKU comes from the distribution centre (the plan's supplier).
      await call(hq, "PUT", `/suppliers/${DEMO_DC.id}/skus`, { skus });
      // Dairy is planned at every store; its near-expiry lots are marked down every morning.
      await call(hq, "POST", "/replenishment/params/bulk", {
        selector: { category: DATED_CATEGORY, storeIds: edges.map((e) => e.id) },
        set: { serviceLevelBp: 9500, reviewDays: 3 },
      });
      await call(hq, "POST", "/batches/markdown-rules", {
        name: "乳品临期2天7折",
        category: DATED_CATEGORY,
        maxDaysLeft: 2,
        minQty: 1,
        percent: 30,
      });
      await call(hq, "PUT", "/batches/markdown-schedule", { enabled: true, at: "07:00" });
      planned = true;
      save();
      log(`dairy dated (two lots each), planned at ${edges.length} stores, marked down daily at 07:00`);
    }
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    // The stores take their deliveries side by side: one whose catalog has not arrived does not
    // hold up the others (a later start delivers to it).
    await Promise.all(
      edges.map(async (edge, i) => {
        if (done.has(edge.id)) return;
        const qty = openingQty(i, skus);
        const lines = skus
          .filter((s) => qty.get(s)! > 0)
          .map((sku) => ({
            sku,
            qty: qty.get(sku)!,
            ...(dated.has(sku) ? { lots: openingLots(i, sku, qty.get(sku)!, today) } : {}),
          }));
        for (let j = 0; j < lines.length; j += CHUNK) {
          const chunk = lines.slice(j, j + CHUNK);
          // Retried until the store's catalog and cashiers have arrived from HQ.
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
              if (tries > 90) return log(`${edge.id}: opening stock not received: ${(e as Error).message}`);
              await Bun.sleep(2000);
            }
          }
        }
        done.add(edge.id);
        save();
        delivered(edge.id);
        log(`${edge.id}: opening stock of ${lines.length} SKUs received from ${DEMO_DC.name}`);
      }),
    );
  } catch (e) {
    log(`opening stock failed: ${(e as Error).message}`);
  }
}
