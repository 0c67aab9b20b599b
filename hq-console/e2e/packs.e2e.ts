// The product screen's packs section (issue 17 item 6) against a real hub in Chromium: a case of
// 12 with its barcode set as the purchase pack and saved into the draft change set (read back
// after a reload), a size of 1 and a unit barcode as pack code refused naming the field, the
// packs of a weighed product not offered; at 1280x800 in zh-CN and 1920x1080 in English.
import { join } from "node:path";
import { test } from "@playwright/test";
import type { BrowserContext, Page } from "playwright-core";
import { ensureConsoleBuild } from "../scripts/ensure-build.ts";
import { ADMIN_TOKEN, hubApi, type Proc, startHub, stop, tempDir, until } from "./lib/procs.ts";

const CASE = "16901234567899";

function assert(cond: unknown, what: string): asserts cond {
  if (!cond) throw new Error(`expected: ${what}`);
}

test.describe("hq-console packs e2e", () => {
  test.describe.configure({ mode: "serial" });
  let hub: Proc | undefined;
  let http = "";
  let context: BrowserContext | undefined;
  let page: Page;
  const api = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
    hubApi<T>(http, method, path, body);

  async function open(
    browser: import("playwright-core").Browser,
    viewport: { width: number; height: number },
    english: boolean,
  ) {
    await context?.close().catch(() => {});
    context = await browser.newContext({ viewport, locale: "zh-CN" });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${http}/`);
    await page.locator('input[name="token"]').fill(ADMIN_TOKEN);
    await page.getByRole("button", { name: "登录" }).click();
    await page.locator("nav.side").waitFor();
    if (english) {
      // zh-CN first; the toggle switches the whole console to English.
      await page.getByTestId("lang").click();
      await page.getByRole("link", { name: "Catalog", exact: true }).waitFor();
    }
  }

  async function chooseProduct(sku: string, catalogName: string) {
    await page.getByRole("link", { name: catalogName, exact: true }).click();
    await page.locator(`[data-testid="products"] tr[data-sku="${sku}"] button`).click();
    await page.locator(`[data-testid="product-packs"][data-sku="${sku}"][data-loaded="1"]`).waitFor();
  }

  test.beforeAll(async () => {
    test.setTimeout(180_000);
    const consoleDir = ensureConsoleBuild();
    const dir = tempDir("hq-console-packs-");
    hub = await startHub(join(dir, "hq"), consoleDir);
    http = hub.ready.http!;
    const job = await api<{ id: string }>(
      "POST",
      "/api/v1/imports/products",
      "sku,name,category,unit,taxRate,weighed,status\nM1,可口可乐 330ml,10/1001,CAN,13,false,active\nM2,雪碧 330ml,10/1001,CAN,13,false,active\nF1,香蕉,20/2001,KG,9,true,active\n",
    );
    await until(
      async () => (await api<{ state: string }>("GET", `/api/v1/imports/${job.id}`)).state === "done",
      15_000,
      "import",
    );
    await api("POST", "/api/v1/catalog/barcode", { code: "6901234567892", sku: "M2" });
  });
  test.afterAll(async () => {
    await context?.close().catch(() => {});
    await stop(hub);
  });

  test("zh-CN 1280x800: a case of 12 as the purchase pack, saved to the draft and read back; bad packs named", async ({
    browser,
  }) => {
    await open(browser, { width: 1280, height: 800 }, false);
    await chooseProduct("M1", "商品");
    const section = page.getByTestId("product-packs");
    await section.filter({ hasText: "仅按单件" }).waitFor();
    await page.getByTestId("pack-add").click();
    const row = section.getByTestId("pack-row").first();
    await row.locator('input[name="pack-qty"]').fill("12");
    await row.locator('input[name="pack-code"]').fill(CASE);
    await row.locator('input[name="pack-purchase"]').check();
    await page.getByTestId("pack-save").click();
    await page.getByTestId("pack-saved").filter({ hasText: "已写入草稿变更集" }).waitFor();
    const saved = await api<{ packs: { qty: number; name: string; code?: string; purchase?: boolean }[] }>(
      "GET",
      "/api/v1/products/M1/packs",
    );
    assert(
      JSON.stringify(saved.packs) === JSON.stringify([{ qty: 12, name: "箱", code: CASE, purchase: true }]),
      `the hub holds the case (${JSON.stringify(saved.packs)})`,
    );
    await page.reload();
    await page.locator("nav.side").waitFor();
    await chooseProduct("M1", "商品");
    await page.locator('[data-testid="pack-row"][data-qty="12"]').waitFor();
    assert(
      (await page.locator('[data-testid="pack-row"] input[name="pack-code"]').inputValue()) === CASE,
      "the code read back",
    );

    // A pack of 1 is no pack; another SKU's unit barcode is no pack code: both named, nothing saved.
    await chooseProduct("M2", "商品");
    await page.getByTestId("pack-add").click();
    const bad = page.getByTestId("product-packs").getByTestId("pack-row").first();
    await bad.locator('input[name="pack-qty"]').fill("1");
    await page.getByTestId("pack-save").click();
    await page.getByTestId("error").filter({ hasText: "packs.0.qty" }).waitFor();
    await bad.locator('input[name="pack-qty"]').fill("24");
    await bad.locator('input[name="pack-code"]').fill("6901234567892");
    await page.getByTestId("pack-save").click();
    await page.getByTestId("error").filter({ hasText: "packs.0.code" }).waitFor();
    await bad.locator('input[name="pack-code"]').fill(CASE);
    await page.getByTestId("pack-save").click();
    await page.getByTestId("error").filter({ hasText: "M1" }).waitFor();
    const m2 = await api<{ packs: unknown[] }>("GET", "/api/v1/products/M2/packs");
    assert(m2.packs.length === 0, "nothing saved on M2");

    // Weighed goods: no packs offered.
    await chooseProduct("F1", "商品");
    await page.getByTestId("product-packs").filter({ hasText: "称重商品按重量销售" }).waitFor();
    assert((await page.getByTestId("pack-add").count()) === 0, "no add button for a weighed product");
  });

  test("English 1920x1080: the same section in English, a six-pack added beside the case", async ({
    browser,
  }) => {
    await open(browser, { width: 1920, height: 1080 }, true);
    await chooseProduct("M1", "Catalog");
    const section = page.getByTestId("product-packs");
    await section.filter({ hasText: "Purchase pack" }).waitFor();
    await page.getByTestId("pack-add").click();
    const row = section.getByTestId("pack-row").nth(1);
    await row.locator('input[name="pack-name"]').fill("6-pack");
    await row.locator('input[name="pack-qty"]').fill("6");
    await page.getByTestId("pack-save").click();
    await page.getByTestId("pack-saved").filter({ hasText: "Written to draft change set" }).waitFor();
    const saved = await api<{ packs: { qty: number }[] }>("GET", "/api/v1/products/M1/packs");
    assert(saved.packs.map((p) => p.qty).join(",") === "12,6", "case and six-pack at the hub");
  });
});
