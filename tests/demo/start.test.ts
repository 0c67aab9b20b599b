// Issue 17 "the till shows it all in the demo": `npm start` on a fresh data folder, started as
// npm start does (scripts/start.ts: the hub, three store edges, real processes), must give S001's
// till items that are suggested (an order waiting for approval), ordered with an ETA, in transit
// and received, each with a forecast of the days ahead learnt from the demo's imported sales
// history. Checked at HQ (the orders and the forecast's history), through the till's own API
// (the store's copy of each item's state, the supply question it asks HQ), and in Chromium on
// the till's stock card in zh-CN (建议补货 / 已下单 + ETA / 在途 / 已到货 and the forecast panel),
// with no uncaught error in the page. Prints how long the start took.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { CHROMIUM, CHROMIUM_ARGS, type Proc, startProc, tempDir } from "@retail/test-support";
import { type Browser, chromium, type Page } from "playwright-core";

setDefaultTimeout(120_000);
const root = resolve(import.meta.dir, "../..");
const dir = tempDir("demo-start-");
let demo: Proc | undefined;
let hq = "";
let till = "";
let token = "";
const figures: Record<string, number> = {};

/** The first output line matching `re` (already printed or still to come). */
async function line(re: RegExp, what: string, timeoutMs: number): Promise<RegExpMatchArray> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const lines = demo!.log().split("\n");
    for (const l of lines) {
      const m = re.exec(l);
      if (m) return m;
    }
    const failed = lines.find((l) => /^\[supply\] stopped:|^npm start:/.test(l));
    if (failed) throw new Error(`${what}: the demo said "${failed}"`);
    if (demo!.proc.exitCode !== null)
      throw new Error(`${what}: npm start exited with ${demo!.proc.exitCode}`);
    if (Date.now() > end)
      throw new Error(`${what}: not within ${timeoutMs / 1000} s\n${lines.slice(-30).join("\n")}`);
    await Bun.sleep(250);
  }
}

async function call<T>(base: string, path: string): Promise<T> {
  const res = await fetch(`${base}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

interface Order {
  id: string;
  status: string;
  supplierId: string;
  expectedAt: string | null;
  lines: { sku: string; qty: number; received: number }[];
}
/** S001's dairy orders from the run, one per state the till shows. */
const byState = new Map<string, Order>();
const TILL_STATE: Record<string, { status: string; zh: string }> = {
  draft: { status: "suggested", zh: "建议补货" },
  ordered: { status: "ordered", zh: "已下单" },
  in_transit: { status: "in_transit", zh: "在途" },
  received: { status: "received", zh: "已到货" },
};

beforeAll(async () => {
  mkdirSync(join(root, "test-results"), { recursive: true });
  const t0 = performance.now();
  // The UIs are built first when stale (minutes on a busy machine), then the chain starts and
  // start.ts prints DEMO_READY with the hub's and each store's address.
  demo = await startProc(
    [join(root, "scripts/start.ts")],
    "DEMO_READY",
    { RETAIL_DATA: dir, HQ_PORT: "0", HQ_MQTT_PORT: "0", HQ_MQTTS_PORT: "0", DEMO_EDGE_PORT: "0" },
    20 * 60_000,
  );
  const ready = demo.ready as unknown as { hq: string; stores: Record<string, string> };
  hq = ready.hq;
  till = ready.stores.S001!;
  figures.runningSeconds = (performance.now() - t0) / 1000;
  token = readFileSync(join(dir, "admin-token"), "utf8").trim();
  await line(/^\[supply\] story ready/, "the replenishment story", 10 * 60_000);
  figures.storySeconds = (performance.now() - t0) / 1000;
  console.log(
    `npm start on a fresh data folder: chain running after ${figures.runningSeconds.toFixed(0)} s, S001's orders in every state after ${figures.storySeconds.toFixed(0)} s`,
  );
}, 35 * 60_000);

afterAll(async () => {
  if (demo && demo.proc.exitCode === null) {
    // Ctrl-C, as a person stops the demo: every process of the chain stops with it.
    demo.proc.kill("SIGINT");
    const killer = setTimeout(() => demo?.proc.kill("SIGKILL"), 60_000);
    await demo.proc.exited;
    clearTimeout(killer);
  }
  // The demo's output (the last 100 kB), for a failure's reader.
  if (demo) writeFileSync(join(root, "test-results/demo-start.log"), demo.log());
  rmSync(dir, { recursive: true, force: true });
}, 90_000);

describe("npm start: the till shows it all", () => {
  test("HQ: the scheduled run left S001 an order in each state, learnt from nine weeks of history", async () => {
    // The hub's own timer ran S001's schedule; its orders, one per dairy.
    const runs = await call<{ trigger: string; orders: { poId: string; decision: string }[] }[]>(
      hq,
      "/replenishment/runs?store=S001",
    );
    const run = runs.find((r) => r.orders.length > 0)!;
    expect(run.trigger).toBe("schedule");
    for (const o of run.orders) {
      const po = await call<Order>(hq, `/purchase-orders/${o.poId}`);
      if (!byState.has(po.status)) byState.set(po.status, po);
    }
    expect([...byState.keys()].sort()).toEqual(["draft", "in_transit", "ordered", "received"]);
    // The dear order waits for approval.
    expect(run.orders.find((o) => o.poId === byState.get("draft")!.id)!.decision).toBe("awaiting_approval");
    const sku = byState.get("draft")!.lines[0]!.sku;
    const f = await call<{ history: { units: number }[]; model: { observedDays: number } | null }>(
      hq,
      `/stores/S001/forecast/${sku}?days=7`,
    );
    expect(f.history.length).toBeGreaterThanOrEqual(56);
    expect(f.model!.observedDays).toBeGreaterThanOrEqual(50);
    expect(
      (await call<{ storeId: string; rows: number }[]>(hq, "/sales-history")).map((h) => h.storeId),
    ).toEqual(["S001", "S002", "S003"]);
  });

  test("the till's API: each item's state from the store's own copy, and HQ's forecast", async () => {
    for (const [state, o] of byState) {
      const sku = o.lines[0]!.sku;
      type Card = { replenishment: { status: string; purchaseOrderId?: string; expectedAt?: string } | null };
      // The store's copy follows HQ's over MQTT: a generous bound on a busy machine.
      let card = await call<Card>(till, `/products/${sku}`);
      for (const end = Date.now() + 60_000; card.replenishment?.status !== TILL_STATE[state]!.status; ) {
        if (Date.now() > end) break;
        await Bun.sleep(500);
        card = await call<Card>(till, `/products/${sku}`);
      }
      expect(card.replenishment).toMatchObject({ status: TILL_STATE[state]!.status, purchaseOrderId: o.id });
      if (state === "ordered")
        expect(Date.parse(card.replenishment!.expectedAt!)).toBeGreaterThan(Date.now());
      // HQ's answer to the till's question (5 s at most at the edge): asked again when late.
      type Supply = { forecast: { day: string; units: number }[] };
      const ask = () => call<Supply>(till, `/stock/${sku}/supply`);
      const supply = await ask()
        .catch(() => Bun.sleep(3000).then(ask))
        .catch(() => Bun.sleep(3000).then(ask));
      expect(supply.forecast.length).toBeGreaterThanOrEqual(7);
      expect(supply.forecast.reduce((a, d) => a + d.units, 0)).toBeGreaterThan(0);
    }
  }, 400_000);

  test("the till in Chromium: the stock card shows each state in zh-CN with the forecast", async () => {
    let browser: Browser | undefined;
    const pageErrors: string[] = [];
    try {
      browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
      const context = await browser.newContext({ locale: "zh-CN", viewport: { width: 1024, height: 768 } });
      const page: Page = await context.newPage();
      page.on("pageerror", (e) => pageErrors.push(e.message));
      const byId = (id: string) => page.locator(`[data-testid="${id}"]`);
      await page.goto(`${till}/?lane=1`);
      await byId("login-id").fill("1001");
      await byId("login-pin").fill("1234");
      await byId("login-pin").press("Enter");
      await byId("open-form").waitFor({ timeout: 30_000 });
      await byId("open-float").fill("500");
      await byId("open-float").press("Enter");
      await byId("scan-input").waitFor({ timeout: 30_000 });
      /** The stock card of `code`: its state shown, then HQ's supply answer (or its error text). */
      async function card(code: string, zh: string): Promise<string | null> {
        await page.keyboard.press("F9");
        await byId("stock-dialog").waitFor({ timeout: 30_000 });
        await byId("stock-query").fill(code);
        await byId("stock-query").press("Enter");
        await page
          .locator(`[data-testid="stock-replenishment"]:text-is("${zh}")`)
          .waitFor({ timeout: 30_000 });
        await page.locator('[data-testid="supply-panel"][data-loaded="true"]').waitFor({ timeout: 30_000 });
        return (await byId("supply-error").count()) ? await byId("supply-error").textContent() : null;
      }
      const close = async () => {
        await page.keyboard.press("Escape");
        await byId("stock-dialog").waitFor({ state: "detached", timeout: 30_000 });
      };
      const hqLate: string[] = [];
      for (const [state, o] of byState) {
        const sku = o.lines[0]!.sku;
        const { barcodes } = await call<{ barcodes: string[] }>(till, `/products/${sku}`);
        // The forecast is HQ's answer to the till's question (5 s at most): on a machine at load
        // 30+ it can come late; the cashier opens the card again, as the test does (twice at most).
        let late = await card(barcodes[0] ?? sku, TILL_STATE[state]!.zh);
        for (let again = 0; late && again < 2; again++) {
          hqLate.push(`${sku}: ${late}`);
          await close();
          await Bun.sleep(3000);
          late = await card(barcodes[0] ?? sku, TILL_STATE[state]!.zh);
        }
        expect(late).toBeNull();
        if (state === "ordered" || state === "in_transit")
          expect(await byId("stock-eta").textContent()).toBe(o.expectedAt!.slice(0, 10));
        expect(Number(await byId("forecast-total").textContent())).toBeGreaterThan(0);
        await page.screenshot({ path: join(root, `test-results/demo-till-${state}.png`) });
        await close();
      }
      if (hqLate.length) console.log(`the till asked HQ again after: ${hqLate.join("; ")}`);
      expect(pageErrors).toEqual([]);
    } finally {
      await browser?.close();
    }
  }, 300_000);

  test("Ctrl-C stops the whole chain: the hub and the tills answer no more", async () => {
    demo!.proc.kill("SIGINT");
    const code = await Promise.race([demo!.proc.exited, Bun.sleep(60_000).then(() => "still running")]);
    expect(code).toBe(0);
    for (const base of [hq, till]) {
      const answered = await fetch(`${base}/api/v1/status`).then(
        () => true,
        () => false,
      );
      expect(answered).toBe(false);
    }
  }, 90_000);
});
