// Simulated cashiers for `npm start -- --traffic`: on every lane of every demo store a cashier
// signs in, opens a shift, and rings up realistic baskets (packaged goods by barcode, now and
// then a weighed item from the lane scale, a member), paying cash, WeChat Pay, Alipay or card,
// so that HQ's figures move. They go through the same HTTP API the terminal uses.
import { withCheckDigit } from "@retail/protocol";
import { DEMO_MEMBERS, demoCatalog, prng } from "./catalog.ts";

interface Edge {
  id: string;
  http: string;
}

async function call<T = Record<string, unknown>>(edge: Edge, method: string, path: string, body?: unknown) {
  const res = await fetch(`${edge.http}/api/v1${path}`, {
    method,
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
}

type View = { remaining: number; cashier?: unknown; shift?: unknown };

async function cashier(edge: Edge, lane: string, cashierId: string, seed: number, stopped: () => boolean) {
  const rand = prng(seed);
  const cat = demoCatalog();
  const weighed = cat.products.filter((p) => p.weighed);
  const barcodes = cat.barcodes;
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  let sales = 0;
  const v = (await call<View>(edge, "GET", `/lanes/${lane}`)).body;
  if (!v.cashier) await call(edge, "POST", `/lanes/${lane}/login`, { cashierId, pin: "1234" });
  const v2 = (await call<View>(edge, "GET", `/lanes/${lane}`)).body;
  if (!v2.shift) await call(edge, "POST", `/lanes/${lane}/shift/open`, { float: 50000 });
  while (!stopped()) {
    const items = 1 + Math.floor(rand() * 12);
    for (let i = 0; i < items && !stopped(); i++) {
      if (rand() < 0.15) {
        const p = pick(weighed);
        await call(edge, "POST", `/lanes/${lane}/sim/weight`, {
          grams: 200 + Math.floor(rand() * 1800),
          stable: true,
        });
        await call(edge, "POST", `/lanes/${lane}/items`, { sku: p.sku });
      } else {
        await call(edge, "POST", `/lanes/${lane}/scan`, { code: pick(barcodes).code });
      }
      await Bun.sleep(300 + rand() * 1200); // a cashier's scan rhythm
    }
    if (rand() < 0.3) await call(edge, "POST", `/lanes/${lane}/member`, { phone: pick(DEMO_MEMBERS).phone });
    const view = (await call<View>(edge, "GET", `/lanes/${lane}`)).body;
    if (!view.remaining) continue;
    const r = rand();
    if (r < 0.45) {
      // Customers hand over round notes.
      const received = Math.ceil(view.remaining / 10000) * 10000;
      await call(edge, "POST", `/lanes/${lane}/tenders`, { kind: "cash", received });
    } else if (r < 0.75) {
      await call(edge, "POST", `/lanes/${lane}/tenders`, {
        kind: "wechat",
        code: `13${withCheckDigit(String(Math.floor(rand() * 1e15)).padStart(15, "0"))}`,
      });
    } else if (r < 0.92) {
      await call(edge, "POST", `/lanes/${lane}/tenders`, {
        kind: "alipay",
        code: `28${withCheckDigit(String(Math.floor(rand() * 1e15)).padStart(15, "0"))}`,
      });
    } else {
      await call(edge, "POST", `/lanes/${lane}/tenders`, {
        kind: "card",
        approvalCode: String(100000 + Math.floor(rand() * 899999)),
      });
    }
    sales++;
    if (sales % 10 === 0) console.log(`[traffic] ${edge.id} lane ${lane}: ${sales} sales`);
    await Bun.sleep(2000 + rand() * 4000);
  }
}

export async function runTraffic(edges: Edge[], stopped: () => boolean): Promise<void> {
  console.log("[traffic] simulated cashiers start ringing up baskets");
  await Promise.all(
    edges.flatMap((edge, i) =>
      ["1", "2"].map((lane, j) =>
        cashier(edge, lane, j === 0 ? "1001" : "1002", 1000 * i + j + 1, stopped).catch((e) => {
          // Connections refused while everything shuts down are expected.
          if (!stopped()) console.error(`[traffic] ${edge.id} lane ${lane}: ${(e as Error).message}`);
        }),
      ),
    ),
  );
}
