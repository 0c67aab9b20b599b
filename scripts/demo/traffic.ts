// Simulated cashiers for `npm start -- --traffic`: on every lane of every demo store a cashier
// signs in, opens a shift, and rings up realistic baskets (packaged goods by barcode, now and
// then a weighed item from the lane scale, a member), paying cash, WeChat Pay, Alipay or card,
// so that HQ's figures move. They go through the same HTTP API the terminal uses, with the
// lane's cashier session from their sign-in; when someone else signs in on the lane (a person at
// the demo terminal), the session ends and the simulated cashier leaves that lane to them.
import { prng, withCheckDigit } from "@retail/protocol";
import { demoCatalog } from "./catalog.ts";
import { DEMO_MEMBERS } from "./chain.ts";

interface Edge {
  id: string;
  http: string;
}

/** The lane's session ended (someone else signed in there, or it expired). */
class SessionEnded extends Error {}

async function call<T = Record<string, unknown>>(
  edge: Edge,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
) {
  const res = await fetch(`${edge.http}/api/v1${path}`, {
    method,
    headers: {
      "content-type": "application/json",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  const parsed = (text ? JSON.parse(text) : {}) as T & { message?: string };
  if (res.status === 401) throw new SessionEnded(parsed.message ?? "session ended");
  return { status: res.status, body: parsed as T };
}

type View = { remaining: number; cashier?: unknown; shift?: unknown };
type SignedIn = View & { session?: { token: string }; message?: string };

async function cashier(edge: Edge, lane: string, cashierId: string, seed: number, stopped: () => boolean) {
  const rand = prng(seed);
  const cat = demoCatalog();
  const weighed = cat.products.filter((p) => p.weighed);
  const barcodes = cat.barcodes;
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  let sales = 0;
  // Signed in on the lane (again, after a restart: the same cashier carries on the open shift).
  // Until the store has its catalog from HQ there is no such cashier yet: try again.
  let signIn: SignedIn | undefined;
  for (let attempt = 0; !stopped(); attempt++) {
    const r = await call<SignedIn>(edge, "POST", `/lanes/${lane}/login`, { cashierId, pin: "1234" });
    if (r.body.session) {
      signIn = r.body;
      break;
    }
    if (attempt === 0)
      console.log(`[traffic] ${edge.id} lane ${lane}: sign-in refused (${r.body.message}); retrying`);
    await Bun.sleep(2000);
  }
  if (!signIn?.session) return;
  const token = signIn.session.token;
  const lanes = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
    call<T>(edge, method, `/lanes/${lane}${path}`, body, token);
  if (!signIn.shift) await lanes("POST", "/shift/open", { float: 50000 });
  while (!stopped()) {
    const items = 1 + Math.floor(rand() * 12);
    for (let i = 0; i < items && !stopped(); i++) {
      if (rand() < 0.15) {
        const p = pick(weighed);
        await lanes("POST", "/sim/weight", {
          grams: 200 + Math.floor(rand() * 1800),
          stable: true,
        });
        await lanes("POST", "/items", { sku: p.sku });
      } else {
        await lanes("POST", "/scan", { code: pick(barcodes).code });
      }
      await Bun.sleep(300 + rand() * 1200); // a cashier's scan rhythm
    }
    if (rand() < 0.3) await lanes("POST", "/member", { phone: pick(DEMO_MEMBERS).phone });
    const view = (await lanes<View>("GET", "")).body;
    if (!view.remaining) continue;
    const r = rand();
    if (r < 0.45) {
      // Customers hand over round notes.
      const received = Math.ceil(view.remaining / 10000) * 10000;
      await lanes("POST", "/tenders", { kind: "cash", received });
    } else if (r < 0.75) {
      await lanes("POST", "/tenders", {
        kind: "wechat",
        code: `13${withCheckDigit(String(Math.floor(rand() * 1e15)).padStart(15, "0"))}`,
      });
    } else if (r < 0.92) {
      await lanes("POST", "/tenders", {
        kind: "alipay",
        code: `28${withCheckDigit(String(Math.floor(rand() * 1e15)).padStart(15, "0"))}`,
      });
    } else {
      await lanes("POST", "/tenders", {
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
          if (e instanceof SessionEnded)
            console.log(
              `[traffic] ${edge.id} lane ${lane}: ${e.message}; the simulated cashier leaves the lane`,
            );
          // Connections refused while everything shuts down are expected.
          else if (!stopped()) console.error(`[traffic] ${edge.id} lane ${lane}: ${(e as Error).message}`);
        }),
      ),
    ),
  );
}
