// 财务's vouchers a page at a time, in a browser against a real hub: a store sells over MQTT on
// 25 different business days, HQ posts from the screen (25 vouchers, one per store-day), and the
// screen shows the range's count and totals, 20 vouchers, then the next 5 (none twice, none
// missing against the hub's whole list), and back. At 1280x800 and 1920x1080; no page errors.
import { rmSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { ensureConsoleBuild } from "../scripts/ensure-build.ts";
import { scrollsSideways, signedIn } from "./lib/console.ts";
import { hubApi, type Proc, startHub, stop, tempDir, until } from "./lib/procs.ts";
import { connectStore, type Enrolled, type StoreWire, saleEnvelope } from "./lib/store.ts";
import { test } from "./lib/test.ts";

const STORE = "S001";
const DAYS = 25;

function assert(cond: unknown, what: string): asserts cond {
  if (!cond) throw new Error(`expected: ${what}`);
}

const dayBefore = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

test.describe("hq-console finance vouchers, paged", () => {
  test.describe.configure({ mode: "serial" });
  /** The hub, its store's wire and the signed-in browser, set up once for the story. */
  const bed: { dir?: string; hub?: Proc; wire?: StoreWire; context?: BrowserContext } = {};
  let http = "";
  let page: Page;
  const errors: string[] = [];
  const from = dayBefore(DAYS - 1);
  const to = dayBefore(0);
  const api = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
    hubApi<T>(http, method, path, body);

  /** Signed in on 财务 (the shared sign-in) with the 25 days asked; `total` vouchers expected. */
  async function open(browser: Browser, viewport: { width: number; height: number }, total: number) {
    await bed.context?.close();
    ({ context: bed.context, page } = await signedIn(browser, http, "财务"));
    bed.context.on("weberror", (e) => errors.push(e.error().message));
    await page.setViewportSize(viewport);
    page.setDefaultTimeout(20_000);
    // The default week's answer first (never type into the form before its data is there).
    await page.getByTestId("voucher-totals").waitFor();
    await page.locator('input[name="from"]').fill(from);
    await page.locator('input[name="to"]').fill(to);
    await page.getByRole("button", { name: "查询" }).click();
    await page.locator(`[data-testid="voucher-totals"][data-total="${total}"]`).waitFor();
  }

  const shownIds = async () =>
    (
      await page
        .getByTestId("voucher")
        .evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-voucher"))))
    ).sort((a, b) => a - b);

  test.beforeAll(async () => {
    test.setTimeout(120_000);
    const consoleDir = ensureConsoleBuild();
    bed.dir = tempDir("hq-console-finance-");
    // Posting only when asked (the screen's 过账), not by the hub's timer meanwhile.
    bed.hub = await startHub(join(bed.dir, "hq"), consoleDir, { HQ_FINANCE_POST_MS: "0" });
    http = bed.hub.ready.http!;
    await api("POST", "/api/v1/stores", { id: STORE, name: "上海徐汇店", region: "east" });
    const { code } = await api<{ code: string }>("POST", `/api/v1/stores/${STORE}/enrollment-code`);
    bed.wire = await connectStore(await hubApi<Enrolled>(http, "POST", "/api/v1/enroll", { code }, ""));
    // One sale of 12.34 on each of the last 25 days: one voucher per store-day.
    const sales = Array.from({ length: DAYS }, (_, i) => {
      const s = saleEnvelope(STORE, i + 1, [{ sku: "P100", name: "可口可乐", priceFen: 1234 }], 0);
      s.payload.businessDay = dayBefore(i);
      return s;
    });
    await bed.wire.publish("events", sales);
    await until(
      async () =>
        (await api<{ totals: { saleCount: number } }>("GET", `/api/v1/reports/sales?from=${from}&to=${to}`))
          .totals.saleCount === DAYS,
      30_000,
      `${DAYS} sales ingested`,
    );
  });

  test.afterAll(async () => {
    await bed.context?.close();
    await bed.wire?.close();
    await stop(bed.hub);
    if (bed.dir) rmSync(bed.dir, { recursive: true, force: true });
  });

  test("posting from the screen makes 25 vouchers: 20 on the first page, the count and the totals of all", async ({
    browser,
  }) => {
    // Nothing is posted yet: the range is empty until 过账 is pressed.
    await open(browser, { width: 1280, height: 800 }, 0);
    await page.getByTestId("post").click();
    await page
      .getByTestId("post-notice")
      .filter({ hasText: `已过账凭证数: ${DAYS}` })
      .waitFor();
    await page.locator(`[data-testid="voucher-totals"][data-total="${DAYS}"]`).waitFor();
    const totals = await page.getByTestId("voucher-totals").locator("tbody td").allTextContents();
    assert(totals[0]?.trim() === "25", `25 vouchers: ${totals}`);
    // 25 x 12.34 = 308.50 on each side.
    assert(
      totals[1]?.includes("308.50") && totals[2]?.includes("308.50"),
      `debit = credit = 308.50: ${totals}`,
    );
    await page.getByTestId("pager-text").filter({ hasText: "第 1–20 条，共 25 条" }).waitFor();
    assert((await page.getByTestId("voucher").count()) === 20, "20 vouchers on the first page");
  });

  test("the next page shows the other 5, none twice, none missing; back shows the first 20 again", async () => {
    const first = await shownIds();
    await page.getByRole("button", { name: "下一页" }).click();
    await page.locator('[data-testid="vouchers"][data-offset="20"]').waitFor();
    await page.getByTestId("pager-text").filter({ hasText: "第 21–25 条，共 25 条" }).waitFor();
    const second = await shownIds();
    assert(second.length === 5, `5 on the last page: ${second}`);
    assert(!second.some((id) => first.includes(id)), "no voucher on both pages");
    const whole = await api<{ id: number }[]>("GET", `/api/v1/finance/vouchers?from=${from}&to=${to}`);
    assert(
      JSON.stringify([...first, ...second].sort((a, b) => a - b)) ===
        JSON.stringify(whole.map((v) => v.id).sort((a, b) => a - b)),
      "the two pages are the hub's whole list",
    );
    assert(await page.getByRole("button", { name: "下一页" }).isDisabled(), "no page after the last");
    await page.getByRole("button", { name: "上一页" }).click();
    await page.locator('[data-testid="vouchers"][data-offset="0"]').waitFor();
    await page.getByTestId("pager-text").filter({ hasText: "第 1–20 条，共 25 条" }).waitFor();
    assert(JSON.stringify(await shownIds()) === JSON.stringify(first), "the first page again");
  });

  test("at 1920x1080 too, nothing scrolls sideways at either size; no page errors", async ({ browser }) => {
    assert(!(await scrollsSideways(page)), "1280x800 fits");
    await open(browser, { width: 1920, height: 1080 }, DAYS);
    await page.getByTestId("pager-text").filter({ hasText: "第 1–20 条，共 25 条" }).waitFor();
    assert((await page.getByTestId("voucher").count()) === 20, "20 vouchers");
    assert(!(await scrollsSideways(page)), "1920x1080 fits");
    assert(errors.length === 0, `no page errors: ${errors.join("; ")}`);
  });
});
