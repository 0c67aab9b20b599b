// 经营看板 in a browser against a real hub: two stores in two regions sell over MQTT; HQ opens
// the dashboard and reads today's KPIs to the fen, sees the charts drawn (ECharts' generated
// description in Chinese, then in English), narrows to a region and a store, and watches a new
// sale arrive by itself (the 30 s refresh, fast-forwarded with Playwright's clock). At 1280x800
// and at 1920x1080.
//
// E1 (east): two sales, 12.34 + 20.00 = 32.34 and 5.00. W1 (west): one sale, 8.66. Chain
// today: 46.00 over 3 baskets, average 15.33; then W1 sells 10.00 more: 56.00.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { type Bed, startBed } from "./lib/bed.ts";
import { until } from "./lib/procs.ts";
import { type StoreWire, saleEnvelope } from "./lib/store.ts";
import { test } from "./lib/test.ts";

function assert(cond: unknown, what: string): asserts cond {
  if (!cond) throw new Error(`expected: ${what}`);
}

test.describe("hq-console dashboard", () => {
  test.describe.configure({ mode: "serial" });
  let bed: Bed | undefined;
  const wires: Record<string, StoreWire> = {};
  const seqs: Record<string, number> = { E1: 0, W1: 0 };
  let context: BrowserContext | undefined;
  let page: Page;
  const api = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
    bed!.api<T>(method, path, body);

  async function sell(storeId: string, prices: number[]) {
    const sale = saleEnvelope(
      storeId,
      ++seqs[storeId]!,
      prices.map((p, i) => ({ sku: `P${i + 1}`, name: `商品${i + 1}`, priceFen: p })),
      0,
    );
    await wires[storeId]!.publish("events", [sale]);
  }
  const salesAtHq = async () =>
    (await api<unknown[]>("GET", "/api/v1/stores/E1/sales")).length +
    (await api<unknown[]>("GET", "/api/v1/stores/W1/sales")).length;

  async function open(browser: Browser, viewport: { width: number; height: number }) {
    await context?.close();
    ({ context, page } = await bed!.signIn(browser, {
      viewport,
      timezoneId: "UTC",
      // Fake timers that still run: the live test fast-forwards the 30 s refresh.
      before: (p) => p.clock.install(),
    }));
  }
  const kpi = (name: string) => page.locator(`[data-testid="dash-kpis"] [data-kpi="${name}"] b`);

  test.beforeAll(async () => {
    test.setTimeout(120_000);
    bed = await startBed("dash");
    for (const [id, name, region] of [
      ["E1", "上海徐汇店", "east"],
      ["W1", "成都春熙店", "west"],
    ] as const)
      wires[id] = await bed.connect({ id, name, region });
    await sell("E1", [1234, 2000]);
    await sell("E1", [500]);
    await sell("W1", [866]);
    await until(async () => (await salesAtHq()) === 3, 20_000, "three sales at HQ");
  });

  test.afterAll(async () => {
    await bed?.close();
  });

  test("today's KPIs to the fen, the charts drawn and described in Chinese (1280x800)", async ({
    browser,
  }) => {
    await open(browser, { width: 1280, height: 800 });
    // The home page is the dashboard.
    await page.waitForURL(/\/dashboard$/);
    await page.locator('[data-testid="dash-kpis"][data-scope="chain:"]').waitFor();
    assert(
      (await kpi("today-sales").innerText()) === "¥46.00",
      `today's sales: ${await kpi("today-sales").innerText()}`,
    );
    assert((await kpi("today-basket").innerText()) === "¥15.33", "the average basket 46.00 / 3");
    const baskets = await page.locator('[data-kpi="today-sales"] small').innerText();
    assert(baskets.includes("3 客单数"), `three baskets: ${baskets}`);
    // Both stores connected; none offline.
    assert((await kpi("offline").innerText()) === "0 / 2", `offline: ${await kpi("offline").innerText()}`);
    for (const id of ["chart-days", "chart-hours", "chart-stores", "chart-regions", "chart-tenders"]) {
      const chart = page.getByTestId(id);
      await chart.locator("canvas").waitFor();
      const label = (await chart.getAttribute("aria-label")) ?? "";
      assert(/[\u4e00-\u9fff]/.test(label), `${id} described in Chinese: ${label}`);
    }
    const wide = await page.evaluate(
      () => document.documentElement.scrollWidth > document.documentElement.clientWidth,
    );
    assert(!wide, "no sideways scrolling at 1280x800");
    // The stores' ranking names them, highest first.
    const stores = (await page.getByTestId("chart-stores").getAttribute("aria-label")) ?? "";
    assert(stores.indexOf("上海徐汇店") < stores.indexOf("成都春熙店"), `ranking: ${stores}`);
  });

  test("a region, then a store: the figures follow the scope", async () => {
    await page.locator('[data-testid="dash-scope"][data-loaded="true"]').waitFor();
    await page.locator('select[name="region"]').selectOption("west");
    await page.locator('[data-testid="dash-kpis"][data-scope="region:west"]').waitFor();
    assert((await kpi("today-sales").innerText()) === "¥8.66", "west sold 8.66");
    assert((await page.getByTestId("chart-regions").count()) === 0, "no region chart inside a region");
    await page.locator('select[name="region"]').selectOption("");
    await page.locator('select[name="store"]').selectOption("E1");
    await page.locator('[data-testid="dash-kpis"][data-scope="store:E1"]').waitFor();
    assert((await kpi("today-sales").innerText()) === "¥37.34", "E1 sold 32.34 + 5.00");
    assert((await page.locator("h1").innerText()).includes("上海徐汇店"), "the store named in the title");
    await page.locator('select[name="store"]').selectOption("");
    await page.locator('[data-testid="dash-kpis"][data-scope="chain:"]').waitFor();
  });

  test("refreshed live: a sale made now shows without a click", async () => {
    const before = await page.getByTestId("dash-updated").innerText();
    await sell("W1", [1000]);
    await until(async () => (await salesAtHq()) === 4, 20_000, "the fourth sale at HQ");
    await page.clock.fastForward(31_000);
    await page.locator('[data-kpi="today-sales"] b', { hasText: "¥56.00" }).waitFor({ timeout: 20_000 });
    assert((await page.getByTestId("dash-updated").innerText()) !== before, "the time of the update moved");
  });

  test("English mode: words and chart descriptions in English", async () => {
    await page.getByTestId("lang").click();
    await page.locator("h1", { hasText: "Dashboard" }).waitFor();
    await page.locator('[data-kpi="today-basket"] span', { hasText: "Average basket" }).waitFor();
    const label = (await page.getByTestId("chart-days").getAttribute("aria-label")) ?? "";
    assert(
      !/[\u4e00-\u9fff]{4}/.test(label.replace(/[\u4e00-\u9fff]+店/g, "")),
      `English description: ${label}`,
    );
    await page.getByTestId("lang").click();
    await page.locator("h1", { hasText: "经营看板" }).waitFor();
  });

  test("1920x1080: the KPI cards sit in one row, the charts side by side", async ({ browser }) => {
    await open(browser, { width: 1920, height: 1080 });
    await page.goto(`${bed!.http}/dashboard`);
    await page.locator('[data-testid="dash-kpis"][data-scope="chain:"]').waitFor();
    const tops = await page
      .locator("[data-kpi]")
      .evaluateAll((els) => els.map((e) => e.getBoundingClientRect().top));
    assert(new Set(tops).size <= 2, `KPI cards in at most two rows: ${tops}`);
    const days = await page.getByTestId("chart-days").boundingBox();
    const hours = await page.getByTestId("chart-hours").boundingBox();
    assert(days && hours && Math.abs(days.y - hours.y) < 2, "two charts side by side");
  });
});
