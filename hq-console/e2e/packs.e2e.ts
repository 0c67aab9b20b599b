// The product screen's packs section (issue 17 item 6) against a real hub in Chromium: a case of
// 12 with its barcode set as the purchase pack and saved into the draft change set (read back
// after a reload), a size of 1 and a unit barcode as pack code refused naming the field, the
// packs of a weighed product not offered; at 1280x800 in zh-CN and 1920x1080 in English; and
// pack levels imported by CSV on the catalog screen (a bad row named, then a good file).

import type { BrowserContext, Page } from "playwright-core";
import { type Bed, startBed } from "./lib/bed.ts";
import { scrollsSideways } from "./lib/console.ts";
import { ADMIN_TOKEN, until } from "./lib/procs.ts";
import { test } from "./lib/test.ts";

const CASE = "16901234567899";

function assert(cond: unknown, what: string): asserts cond {
  if (!cond) throw new Error(`expected: ${what}`);
}

test.describe("hq-console packs e2e", () => {
  test.describe.configure({ mode: "serial" });
  let bed: Bed | undefined;
  let http = "";
  let context: BrowserContext | undefined;
  let page: Page;
  const api = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
    bed!.api<T>(method, path, body);

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
    bed = await startBed("packs");
    http = bed.http;
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
    await bed?.close();
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

  test("packs by CSV: the import offers packs in English at 1920x1080; in zh-CN at 1280x800 a bad row is named, a good file sets the case", async ({
    browser,
  }) => {
    // Still the English 1920x1080 console of the test before.
    await page.getByRole("link", { name: "Catalog", exact: true }).click();
    const en = page.getByTestId("import");
    await en.locator('select[name="kind"]').selectOption("packs");
    await en.getByText("one row per pack level").waitFor();
    assert(!(await scrollsSideways(page)), "the catalog fits 1920 wide");
    await open(browser, { width: 1280, height: 800 }, false);
    await page.getByRole("link", { name: "商品", exact: true }).click();
    const form = page.getByTestId("import");
    await form.locator('select[name="kind"]').selectOption("packs");
    await form.getByText("每行一个包装层级").waitFor();
    // M2's unit barcode as its case's code: refused, row 2 named; row 1 is not applied either.
    await form
      .locator('textarea[name="csv"]')
      .fill("sku,qty,name,code,purchase\nM2,6,六连包,,\nM2,24,箱,6901234567892,是\n");
    await form.getByRole("button", { name: "导入" }).click();
    await page.getByTestId("import-failed").waitFor();
    const rows = await page.getByTestId("import-errors").locator("tbody tr").allInnerTexts();
    assert(rows.length === 1, `one error row, got ${rows.length}: ${rows}`);
    const cells = rows[0]!.split("\t").map((c) => c.trim());
    assert(
      cells[0] === "2" && cells[1] === "code" && /unit barcode of SKU M2/.test(cells[2] ?? ""),
      rows[0]!,
    );
    assert(
      ((await api<{ packs: unknown[] }>("GET", "/api/v1/products/M2/packs")).packs ?? []).length === 0,
      "nothing written",
    );
    await form
      .locator('textarea[name="csv"]')
      .fill(`sku,qty,name,code,purchase\nM2,6,六连包,,\nM2,24,箱,${"16901234567905"},是\n`);
    await form.getByRole("button", { name: "导入" }).click();
    await page.getByTestId("import-done").waitFor();
    const saved = await api<{ packs: { qty: number; code?: string; purchase?: boolean }[] }>(
      "GET",
      "/api/v1/products/M2/packs",
    );
    assert(
      JSON.stringify(saved.packs) ===
        JSON.stringify([
          { qty: 6, name: "六连包" },
          { qty: 24, name: "箱", code: "16901234567905", purchase: true },
        ]),
      `both levels at the hub: ${JSON.stringify(saved.packs)}`,
    );
    await chooseProduct("M2", "商品");
    const qtys = await page
      .getByTestId("product-packs")
      .locator('input[name="pack-qty"]')
      .evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
    assert(qtys.join(",") === "6,24", `the packs section shows the imported levels: ${qtys}`);
  });
});
