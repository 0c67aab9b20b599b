// The demo's replenishment story (`npm start`, issue 17 "the till shows it all in the demo"), after
// the opening stock: dairy comes from four dairies (光明, 蒙牛, 伊利, 君乐宝; each its lead time and
// price list), nine weeks of sales history from "the old POS" are imported at HQ
// (hq-hub/src/sales-history/demo-history.ts),
// and each store's daily replenishment run is scheduled (06:00 China time, orders up to 15,000
// 元 go out by themselves, dearer ones wait for approval). The hub's own timer runs it; then the
// story moves S001's orders the way people would: the buyer approves all waiting orders but the
// dearest (it stays 建议补货 at the till), the dairy ships one order (在途), and S001's cashier
// receives another at the door (已到货); the rest stay 已下单 with their ETA. The till's stock card
// then shows each state, and the forecast of the days ahead from the imported history.
// Done once per data folder (supply-story.json); a later start picks up where a stopped one left
// off. A failing step is logged and the rest of the demo runs on.
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { demoHistory, HISTORY_WEEKS, historyCsv } from "../../hq-hub/src/sales-history/demo-history.ts";
import { demoCatalog } from "./catalog.ts";
import { demoCall } from "./http.ts";
import { DATED_CATEGORY } from "./stock.ts";

export const DAIRIES = [
  { id: "SUP-BRIGHT", name: "光明乳业", leadTimeDays: 1, minOrderQty: 1, packSize: 1 },
  { id: "SUP-MENGNIU", name: "蒙牛乳业", leadTimeDays: 2, minOrderQty: 1, packSize: 1 },
  { id: "SUP-YILI", name: "伊利乳业", leadTimeDays: 2, minOrderQty: 1, packSize: 1 },
  { id: "SUP-JUNLEBAO", name: "君乐宝乳业", leadTimeDays: 3, minOrderQty: 1, packSize: 1 },
] as const;
/** Orders worth up to this go out by themselves (fen): 15,000 元, about a dairy's smaller order. */
export const AUTO_MAX_FEN = 1_500_000;
export const STORY_STORE = "S001";
const CASHIER = { cashierId: "1001", pin: "1234" };
const DAY_MS = 86_400_000;

interface RunOrder {
  poId: string;
  supplierId: string;
  valueFen: number | null;
  decision: string;
}
interface Run {
  id: string;
  storeId: string;
  at: string;
  orders: RunOrder[];
}
interface Order {
  id: string;
  status: string;
  supplierId: string;
  expectedAt: string | null;
  lines: { sku: string; qty: number; received: number }[];
}

/** Which dairy supplies a dairy SKU: its brand's (the name starts with it), else 君乐宝. */
export function dairyOf(name: string): (typeof DAIRIES)[number] {
  return DAIRIES.find((d) => name.startsWith(d.name.slice(0, 2))) ?? DAIRIES[3];
}

export async function runSupplyStory(
  hq: string,
  token: string,
  dataDir: string,
  edges: { id: string; http: string }[],
  stopped: () => boolean,
): Promise<void> {
  const marker = join(dataDir, "supply-story.json");
  if (existsSync(marker)) return;
  const log = (msg: string) => console.log(`[supply] ${msg}`);
  const call = demoCall(token);
  const hub = <T>(method: string, path: string, body?: unknown) => call<T>(hq, method, path, body);
  async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 240_000): Promise<T> {
    let last = "";
    for (const end = Date.now() + ms; Date.now() < end; await Bun.sleep(2000)) {
      if (stopped()) throw new Error("stopped");
      try {
        const v = await fn();
        if (v !== undefined) return v;
      } catch (e) {
        last = (e as Error).message;
      }
    }
    throw new Error(`${what}: not done in ${ms / 1000} s${last ? ` (${last})` : ""}`);
  }

  try {
    const cat = demoCatalog();
    const dairyGoods = cat.products
      .filter((p) => p.status === "active" && !p.weighed && p.category[1] === DATED_CATEGORY)
      .sort((a, b) => a.sku.localeCompare(b.sku));
    const dairy = dairyGoods.map((p) => p.sku);
    const shelf = new Map(cat.prices.map((p) => [p.sku, p.windows[0]!.price]));
    const tax = new Map(cat.products.map((p) => [p.sku, p.taxRate]));
    const t0 = Date.now();

    // The dairies, their ranges and price lists (70% of shelf price); moving a SKU to its dairy
    // takes it off the distribution centre's range.
    for (const d of DAIRIES) {
      try {
        await hub("GET", `/suppliers/${d.id}`);
      } catch (e) {
        if ((e as { status?: number }).status !== 404) throw e;
        await hub("POST", "/suppliers", d);
      }
      const skus = dairyGoods.filter((p) => dairyOf(p.name).id === d.id).map((p) => p.sku);
      await hub("POST", `/suppliers/${d.id}/prices`, {
        prices: skus.map((sku) => ({
          sku,
          costFen: Math.max(1, Math.floor(((shelf.get(sku) ?? 100) * 7) / 10)),
          taxRate: tax.get(sku) ?? 13,
          effectiveFrom: "2026-01-01",
        })),
      });
      await hub("PUT", `/suppliers/${d.id}/skus`, { skus });
    }

    // Nine weeks of the old POS's daily sales, before the demo's first day.
    const held = await hub<{ storeId: string; rows: number }[]>("GET", "/sales-history");
    if (!held.some((h) => h.rows > 0)) {
      const t1 = Date.now();
      const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
      const rows = demoHistory({ storeIds: edges.map((e) => e.id), skus: dairy, today });
      const r = await hub<{ imported: number }>("POST", "/sales-history/import", historyCsv(rows));
      log(
        `${HISTORY_WEEKS} weeks of sales history imported: ${r.imported} store-days of ${dairy.length} dairy SKUs at ${edges.length} stores in ${((Date.now() - t1) / 1000).toFixed(1)} s`,
      );
    }

    // Each store's daily run; the hub's timer runs today's slot within a minute.
    for (const e of edges)
      await hub("PUT", `/stores/${e.id}/replenishment/schedule`, {
        everyDays: 1,
        atHour: 6,
        autoMaxFen: AUTO_MAX_FEN,
        enabled: true,
      });
    const run = await until(`${STORY_STORE}'s scheduled replenishment run`, async () => {
      const runs = await hub<Run[]>("GET", `/replenishment/runs?store=${STORY_STORE}&limit=50`);
      return runs.filter((r) => r.orders.length > 0).at(-1);
    });
    log(
      `${STORY_STORE}: scheduled run ${run.id}: ${run.orders.length} orders, ${run.orders.filter((o) => o.decision === "auto_sent").length} sent by themselves (up to ${AUTO_MAX_FEN / 100} 元)`,
    );

    // What people do next, each step only if it is still to do (a restart picks up).
    const order = (id: string) => hub<Order>("GET", `/purchase-orders/${id}`);
    const orders = async () =>
      Promise.all(run.orders.map(async (o) => ({ run: o, po: await order(o.poId) })));
    let all = await orders();
    const sent = () => all.filter((o) => ["ordered", "in_transit", "received"].includes(o.po.status));
    // The buyer approves the waiting orders, cheapest first, until three are out; the dearest waits.
    const waiting = all
      .filter((o) => o.po.status === "draft" && o.run.decision === "awaiting_approval")
      .sort((a, b) => (a.run.valueFen ?? 0) - (b.run.valueFen ?? 0));
    for (const w of waiting.slice(0, -1)) {
      if (sent().length >= 3) break;
      await hub("POST", `/purchase-orders/${w.po.id}/approve`);
      all = await orders();
    }
    // The dairy ships an approved order (the supplier's shipping notice): in transit.
    const ordered = () =>
      all
        .filter((o) => o.po.status === "ordered")
        .sort((a, b) => Number(b.run.decision !== "auto_sent") - Number(a.run.decision !== "auto_sent"));
    if (!all.some((o) => o.po.status === "in_transit") && ordered().length >= 2) {
      await hub("POST", `/purchase-orders/${ordered()[0]!.po.id}/ship`);
      all = await orders();
    }
    // S001's cashier receives another at the door, with the lot's expiry (dairy is dated).
    if (!all.some((o) => o.po.status === "received") && ordered().length >= 2) {
      const po = ordered()[0]!.po;
      const edge = edges.find((e) => e.id === STORY_STORE);
      if (!edge) throw new Error(`no running edge for ${STORY_STORE}`);
      const expires = new Date(Date.now() + 8 * 3_600_000 + 14 * DAY_MS).toISOString().slice(0, 10);
      const batch = `L${expires.slice(2).replace(/-/g, "")}-R`;
      const open = po.lines.filter((l) => l.qty > l.received);
      await until(`${STORY_STORE} receiving ${po.id}`, () =>
        call(edge.http, "POST", "/stock/receivings", {
          ...CASHIER,
          purchaseOrderId: po.id,
          supplierId: po.supplierId,
          lines: open.map((l) => ({
            sku: l.sku,
            qty: l.qty - l.received,
            expected: l.qty - l.received,
            lots: [{ batch, expiresOn: expires, qty: l.qty - l.received }],
          })),
        }),
      );
      await until(`${po.id} received at HQ`, async () =>
        (await order(po.id)).status === "received" ? true : undefined,
      );
      all = await orders();
    }

    // The till's own copy (replenishment.status over MQTT) follows HQ's; wait until it shows each.
    const tillState: Record<string, string> = {
      draft: "suggested",
      ordered: "ordered",
      in_transit: "in_transit",
      received: "received",
    };
    const story = edges.find((e) => e.id === STORY_STORE);
    for (const o of all) {
      const want = tillState[o.po.status];
      const sku = o.po.lines[0]?.sku;
      if (!story || !want || !sku) continue;
      await until(`${STORY_STORE}'s till showing ${sku} as ${want}`, async () =>
        (await call<{ replenishment: { status: string } | null }>(story.http, "GET", `/products/${sku}`))
          .replenishment?.status === want
          ? true
          : undefined,
      );
    }
    const word: Record<string, string> = {
      draft: "待审批 (建议补货)",
      ordered: "已下单",
      in_transit: "在途",
      received: "已到货",
      cancelled: "已取消",
    };
    for (const o of all)
      log(
        `${STORY_STORE} ${o.po.id} ${DAIRIES.find((d) => d.id === o.po.supplierId)?.name ?? o.po.supplierId} ${o.po.lines.length} SKUs: ${word[o.po.status] ?? o.po.status}${o.po.status === "ordered" && o.po.expectedAt ? ` ETA ${o.po.expectedAt.slice(0, 10)}` : ""}`,
      );
    const states = new Set(all.map((o) => o.po.status));
    const missing = ["draft", "ordered", "in_transit", "received"].filter((s) => !states.has(s));
    if (missing.length)
      log(`${STORY_STORE}: the run's orders do not show ${missing.map((s) => word[s]).join(", ")} this time`);
    log(
      `story ready in ${((Date.now() - t0) / 1000).toFixed(0)} s: ${STORY_STORE}'s till (F9 查库存) shows each state and the forecast`,
    );
    writeFileSync(
      marker,
      JSON.stringify(
        {
          at: new Date().toISOString(),
          run: run.id,
          orders: all.map((o) => ({ id: o.po.id, status: o.po.status })),
        },
        null,
        2,
      ),
    );
  } catch (e) {
    if (!stopped()) log(`stopped: ${(e as Error).message}`);
  }
}
