// The near-expiry screen against a real hub in Chromium: a store's delivery with dated lots
// arrives over MQTT (as the edge sends it) and a sale draws from the first-expiring lot; the
// console lists the lots near expiry with the days left in Chinese, an HQ admin adds a markdown
// rule (a bad percent refused), runs it, and the markdown change set is released to the pilot
// store; the screen at 1280x800 and 1920x1080; the same screen in English.
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { ensureConsoleBuild } from "../scripts/ensure-build.ts";
import { scrollsSideways } from "./lib/console.ts";
import { ADMIN_TOKEN, hubApi, type Proc, startHub, stop, tempDir, until } from "./lib/procs.ts";
import { connectStore, type Enrolled, type StoreWire, uuidv7 } from "./lib/store.ts";
import { test } from "./lib/test.ts";

const STORE = "S041";
const day = (n: number) =>
  new Date(
    Date.parse(`${new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10)}T00:00:00Z`) +
      n * 86_400_000,
  )
    .toISOString()
    .slice(0, 10);

function assert(cond: unknown, what: string): asserts cond {
  if (!cond) throw new Error(`expected: ${what}`);
}

test.describe("hq-console near-expiry e2e", () => {
  test.describe.configure({ mode: "serial" });
  let hub: Proc | undefined;
  let http = "";
  let wire: StoreWire | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  let seq = 0;
  const api = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
    hubApi<T>(http, method, path, body);
  const envelope = (type: string, payload: unknown) => ({
    v: 1,
    id: uuidv7(),
    type,
    storeId: STORE,
    seq: ++seq,
    occurredAt: new Date().toISOString(),
    payload,
  });

  test.beforeAll(async ({ browser }) => {
    test.setTimeout(180_000);
    const consoleDir = ensureConsoleBuild();
    const dir = tempDir("hq-console-expiry-");
    hub = await startHub(join(dir, "hq"), consoleDir);
    http = hub.ready.http!;
    await api("POST", "/api/v1/stores", { id: STORE, name: "苏州临期店", region: "east", ring: "pilot" });
    const { code } = await api<{ code: string }>("POST", `/api/v1/stores/${STORE}/enrollment-code`);
    const enrolled = await hubApi<Enrolled>(http, "POST", "/api/v1/enroll", { code }, "");
    const job = await api<{ id: string }>(
      "POST",
      "/api/v1/imports/products",
      "sku,name,category,unit,taxRate,weighed,status\nY1,原味酸奶 200g,20/2001,EA,13,false,active\n",
    );
    await until(
      async () => (await api<{ state: string }>("GET", `/api/v1/imports/${job.id}`)).state === "done",
      15_000,
      "import",
    );
    wire = await connectStore(enrolled);
    await wire.publish("events", [
      envelope("receiving.confirmed", {
        receivingId: uuidv7(),
        confirmedBy: "9001",
        lines: [
          {
            sku: "Y1",
            qty: 20,
            lots: [
              { batch: "B-0101", expiresOn: day(1), qty: 8 },
              { batch: "B-0202", expiresOn: day(12), qty: 12 },
            ],
          },
        ],
        confirmedAt: new Date().toISOString(),
      }),
    ]);
    await until(
      async () =>
        (await api<{ items: unknown[] }>("GET", `/api/v1/batches/near-expiry?store=${STORE}&days=3`)).items
          .length === 1,
      20_000,
      "the lots at HQ",
    );

    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "zh-CN" });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${http}/`);
    await page.locator('input[name="token"]').fill(ADMIN_TOKEN);
    await page.getByRole("button", { name: "登录" }).click();
    await page.locator("nav.side").waitFor();
    await page.getByRole("link", { name: "临期商品", exact: true }).click();
    await page.locator('[data-testid="expiry"][data-loaded="1"]').waitFor();
  });
  test.afterAll(async () => {
    await context?.close().catch(() => {});
    await wire?.close().catch(() => {});
    await stop(hub);
  });

  test("the lots near expiry in Chinese; a sale from the first-expiring lot lowers it", async () => {
    const lot = page.locator('[data-testid="ex-lot"][data-batch="B-0101"]');
    await lot.filter({ hasText: "原味酸奶 200g" }).filter({ hasText: "苏州临期店" }).waitFor();
    await lot.getByTestId("ex-left").filter({ hasText: "1 天" }).waitFor();
    await lot.getByTestId("ex-qty").filter({ hasText: "8" }).waitFor();
    assert(
      (await page.locator('[data-testid="ex-lot"][data-batch="B-0202"]').count()) === 0,
      "the late lot is not near",
    );
    await wire!.publish("events", [
      envelope("sale.completed", {
        saleId: uuidv7(),
        receiptNo: "R-1",
        laneId: "1",
        cashierId: "1001",
        shiftId: "SH-1",
        businessDay: day(0),
        training: false,
        catalogVersion: 0,
        coupons: [],
        lines: [
          {
            lineId: "l1",
            sku: "Y1",
            name: "原味酸奶 200g",
            category: "2001",
            qty: 3,
            weighed: false,
            unitPrice: 500,
            taxRate: 13,
            priceVersion: 0,
            gross: 1500,
            discounts: [],
            net: 1500,
            tax: 173,
            batches: [{ batch: "B-0101", expiresOn: day(1), qty: -3 }],
          },
        ],
        totals: { gross: 1500, discount: 0, net: 1500, tax: 173 },
        applied: [],
        tenders: [{ kind: "cash", amount: 1500, received: 1500, change: 0 }],
        completedAt: new Date().toISOString(),
      }),
    ]);
    await until(
      async () =>
        (await api<{ items: { qty: number }[] }>("GET", `/api/v1/batches/near-expiry?store=${STORE}&days=3`))
          .items[0]?.qty === 5,
      20_000,
      "the sale at HQ",
    );
    await page.getByTestId("ex-store").fill(STORE);
    await page.getByTestId("ex-refresh").click();
    await lot.getByTestId("ex-qty").filter({ hasText: /^5$/ }).waitFor();
  });

  test("a markdown rule: a bad percent refused, the run releases a change set to the pilot store", async () => {
    await page.getByTestId("ex-rule-name").fill("临期3天7折");
    await page.getByTestId("ex-rule-days").fill("3");
    await page.getByTestId("ex-rule-min").fill("2");
    await page.getByTestId("ex-rule-percent").fill("95");
    await page.getByTestId("ex-rule-add").click();
    await page
      .getByTestId("error")
      .filter({ hasText: /percent/ })
      .waitFor();
    await page.getByTestId("ex-rule-percent").fill("30");
    await page.getByTestId("ex-rule-add").click();
    await page
      .locator('[data-testid="ex-rule"]')
      .filter({ hasText: "临期3天7折" })
      .filter({ hasText: "30%" })
      .waitFor();
    await page.getByTestId("ex-run").click();
    const result = page.locator('[data-testid="ex-run-result"][data-count="1"]');
    await result.filter({ hasText: "试点中" }).waitFor();
    await result.locator('[data-testid="ex-markdown"][data-sku="Y1"]').filter({ hasText: "30%" }).waitFor();
    const csId = Number(await result.getAttribute("data-changeset"));
    const cs = await api<{ changeset: { state: string }; stores: { storeId: string }[] }>(
      "GET",
      `/api/v1/changesets/${csId}`,
    );
    assert(cs.changeset.state === "pilot", `the markdown change set is in pilot (${cs.changeset.state})`);
    assert(
      cs.stores.some((s) => s.storeId === STORE),
      "released to the pilot store",
    );
    // Again: nothing new to mark down.
    await page.getByTestId("ex-run").click();
    await page
      .locator('[data-testid="ex-run-result"][data-count="0"]')
      .filter({ hasText: "没有需要新降价的批次" })
      .waitFor();
  });

  test("自动降价: the daily run set to this minute (China time); the hub's own timer runs it once and the day is listed", async () => {
    const china = new Date(Date.now() + 8 * 3_600_000);
    const at = `${String(china.getUTCHours()).padStart(2, "0")}:${String(china.getUTCMinutes()).padStart(2, "0")}`;
    await page
      .locator('[data-testid="ex-schedule"][data-enabled="0"]')
      .filter({ hasText: "未开启" })
      .waitFor();
    await page.getByTestId("ex-schedule-on").check();
    await page.getByTestId("ex-schedule-at").fill(at);
    await page.getByTestId("ex-schedule-save").click();
    await page
      .locator(`[data-testid="ex-schedule"][data-enabled="1"][data-at="${at}"]`)
      .filter({ hasText: `每天 ${at}` })
      .waitFor();
    // Who set it, in words (the hub stores "admin (hq_admin)").
    await page.getByTestId("ex-schedule").filter({ hasText: "总部管理员" }).waitFor();
    const saved = await api<{ enabled: boolean; at: string }>("GET", "/api/v1/batches/markdown-schedule");
    assert(saved.enabled && saved.at === at, `the hub keeps the schedule (${JSON.stringify(saved)})`);
    // The hub checks every minute with its own clock: today's run appears, finished, once.
    const today = day(0);
    await until(
      async () => {
        const runs = await api<{ day: string; finishedAt: string | null }[]>(
          "GET",
          "/api/v1/batches/markdown-runs",
        );
        return runs.some((r) => r.day === today && r.finishedAt !== null);
      },
      120_000,
      "the scheduled run of today",
    );
    await page.reload();
    await page.locator('[data-testid="expiry"][data-loaded="1"]').waitFor();
    await page
      .locator(`[data-testid="ex-scheduled-run"][data-day="${today}"]`)
      .filter({ hasText: "已完成" })
      .waitFor();
    assert((await page.getByTestId("ex-scheduled-run").count()) === 1, "one run for the day");
  });

  test("at 1280x800 and 1920x1080: lots, rules and the schedule are on screen, nothing clipped or scrolling sideways", async () => {
    for (const size of [
      { width: 1280, height: 800 },
      { width: 1920, height: 1080 },
    ]) {
      await page.setViewportSize(size);
      await page.reload();
      await page.locator('[data-testid="expiry"][data-loaded="1"]').waitFor();
      const lot = page.locator('[data-testid="ex-lot"][data-batch="B-0101"]');
      await lot.getByTestId("ex-left").filter({ hasText: "1 天" }).waitFor();
      await page.locator('[data-testid="ex-rule"]').filter({ hasText: "临期3天7折" }).waitFor();
      await page.locator('[data-testid="ex-schedule"][data-enabled="1"]').waitFor();
      assert(!(await scrollsSideways(page)), `the screen fits ${size.width} wide`);
      // Each visible part ends inside the window: no cell, rule or button cut at the right edge.
      for (const id of ["ex-lot", "ex-rule", "ex-run", "ex-schedule-save", "ex-refresh"]) {
        const box = await page.getByTestId(id).first().boundingBox();
        assert(box !== null, `${id} is shown at ${size.width}x${size.height}`);
        assert(
          box.x >= 0 && box.x + box.width <= size.width,
          `${id} inside ${size.width}: ${JSON.stringify(box)}`,
        );
      }
    }
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  test("the same screen in English", async () => {
    await page.getByTestId("lang").first().click();
    await page.getByRole("heading", { name: "Near expiry", exact: true }).waitFor();
    await page
      .locator('[data-testid="ex-lot"][data-batch="B-0101"]')
      .getByTestId("ex-left")
      .filter({ hasText: "1 days" })
      .waitFor();
    await page.getByRole("heading", { name: "Expiry markdown rules" }).waitFor();
    await page.getByRole("heading", { name: "临期商品" }).waitFor({ state: "detached" });
  });
});
