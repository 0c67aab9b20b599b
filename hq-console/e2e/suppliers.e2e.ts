// Suppliers and their price lists in the console against a real hub (issue 16's price-list
// screen, issue 19's supplier editor): a supplier made with a tax id (a mistyped check digit
// refused naming the field) and payment terms; a supplier's price list in yuan with its
// validity, a price changed by hand and previewed against the supplier's open order (the
// difference it causes on what is still to come) before it is saved; a CSV price list in yuan
// refused naming the bad row and column, then previewed and imported; the screen in English;
// no sideways scrolling at 1280x800 and 1920x1080.
import type { Page } from "playwright-core";
import { type Bed, startBed } from "./lib/bed.ts";
import { importProducts } from "./lib/console.ts";
import { test } from "./lib/test.ts";

const STORE = "S040";

function assert(cond: unknown, what: string): asserts cond {
  if (!cond) throw new Error(`expected: ${what}`);
}

test.describe("hq-console suppliers e2e", () => {
  test.describe.configure({ mode: "serial" });
  let bed: Bed | undefined;
  let http = "";
  let page: Page;
  let po = "";
  let today = "";

  const api = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
    bed!.api<T>(method, path, body);
  const supplierRow = (id: string) => page.locator(`[data-testid="suppliers"] tr[data-supplier="${id}"]`);
  const priceRow = (sku: string, state: string) =>
    page.locator(`[data-testid="price-list"] tr[data-sku="${sku}"][data-state="${state}"]`);

  test.beforeAll(async ({ browser }) => {
    test.setTimeout(120_000); // the hub starts and imports the products
    bed = await startBed("suppliers");
    http = bed.http;
    await api("POST", "/api/v1/stores", { id: STORE, name: "杭州湖滨店", region: "east", ring: "pilot" });
    await importProducts(
      http,
      "sku,name,category,unit,taxRate,weighed,status\nM1,纯牛奶 250ml,10/1001,EA,13,false,active\nPORK,猪里脊,20/2001,KG,9,true,active\n",
    );
    await api("POST", "/api/v1/suppliers", {
      id: "SUP-MILK",
      name: "华东乳业",
      leadTimeDays: 2,
      minOrderQty: 12,
      packSize: 12,
    });
    await api("POST", "/api/v1/suppliers/SUP-MILK/prices", {
      prices: [
        { sku: "M1", costFen: 250, taxRate: 13, effectiveFrom: "2026-01-01" },
        { sku: "PORK", costFen: 3000, taxRate: 9, effectiveFrom: "2026-01-01" },
      ],
    });
    const o = await api<{ id: string }>("POST", "/api/v1/purchase-orders", {
      storeId: STORE,
      supplierId: "SUP-MILK",
      lines: [
        { sku: "M1", qty: 24 },
        { sku: "PORK", qty: 2500 },
      ],
    });
    po = o.id;
    await api("POST", `/api/v1/purchase-orders/${po}/send`);
    today = (await api<{ today: string }>("GET", "/api/v1/suppliers/SUP-MILK/price-list")).today;
    ({ page } = await bed.signIn(browser, { timeout: 10_000, open: "供应商" }));
    await supplierRow("SUP-MILK").waitFor();
  });

  test.afterAll(async () => {
    await bed?.close();
  });

  test("a supplier made with a tax id and payment terms; a mistyped check digit is refused naming the field", async () => {
    const form = page.getByTestId("supplier-form");
    await form.locator('input[name="id"]').fill("SUP-NEW");
    await form.locator('input[name="name"]').fill("深圳华为技术");
    await form.locator('input[name="taxId"]').fill("91440300708461136X");
    await form.locator('input[name="paymentTermsDays"]').fill("60");
    await form.getByRole("button", { name: "保存" }).click();
    await page.getByTestId("error").filter({ hasText: "taxId" }).filter({ hasText: "check digit" }).waitFor();
    await form.locator('input[name="taxId"]').fill("91440300708461136T");
    await form.getByRole("button", { name: "保存" }).click();
    await supplierRow("SUP-NEW")
      .filter({ hasText: "91440300708461136T" })
      .filter({ hasText: "月结 60 天" })
      .waitFor();
    const s = await api<{ taxId: string; paymentTermsDays: number }>("GET", "/api/v1/suppliers/SUP-NEW");
    assert(s.taxId === "91440300708461136T" && s.paymentTermsDays === 60, `at HQ: ${JSON.stringify(s)}`);
    // Searching by name narrows the list.
    await page.locator('input[name="supplier-search"]').fill("华东");
    await supplierRow("SUP-NEW").waitFor({ state: "detached" });
    await supplierRow("SUP-MILK").waitFor();
    await page.locator('input[name="supplier-search"]').fill("");
  });

  test("the price list in yuan with validity; a changed price previewed against the open order, then saved", async () => {
    await supplierRow("SUP-MILK").getByRole("button", { name: "SUP-MILK" }).click();
    await page.locator('[data-testid="price-list"][data-loaded="SUP-MILK"]').waitFor();
    const milk = priceRow("M1", "current");
    await milk.filter({ hasText: "纯牛奶 250ml" }).filter({ hasText: "长期" }).waitFor();
    assert(((await milk.getByTestId("price-cost").textContent()) ?? "").includes("¥2.50"), "cost in yuan");
    assert(
      ((await priceRow("PORK", "current").textContent()) ?? "").includes("元/千克"),
      "weighed goods per kg",
    );
    await page.getByTestId("open-summary").filter({ hasText: "1 张订单，差额合计 ¥0.00" }).waitFor();
    await page
      .locator(`[data-testid="open-orders"] tr[data-po="${po}"][data-sku="M1"]`)
      .filter({ hasText: "杭州湖滨店" })
      .waitFor();

    await milk.getByRole("button", { name: "改价" }).click();
    const form = page.locator('[data-testid="price-form"][data-loaded="SUP-MILK"]');
    await form.locator('input[name="cost"]').fill("2.625");
    await form.getByRole("button", { name: "预览对在途订单的影响" }).click();
    await page.getByTestId("error").filter({ hasText: "最多两位小数" }).waitFor();
    await form.locator('input[name="cost"]').fill("2.62");
    await form.getByRole("button", { name: "预览对在途订单的影响" }).click();
    // 24 still to come at +0.12 each.
    await page.getByTestId("preview-summary").filter({ hasText: "影响 1 张订单，差额合计 ¥2.88" }).waitFor();
    const line = page.locator(`[data-testid="preview-lines"] tr[data-po="${po}"][data-sku="M1"]`);
    assert(
      ((await line.getByTestId("impact-diff").textContent()) ?? "").includes("¥2.88"),
      "the line's difference",
    );
    // Nothing written by the preview.
    const before = await api<{ rows: unknown[] }>("GET", "/api/v1/suppliers/SUP-MILK/price-list");
    assert(before.rows.length === 2, "still two entries");
    await form.getByRole("button", { name: "保存价格" }).click();
    await page.getByTestId("price-notice").filter({ hasText: "已保存 1 条价格" }).waitFor();
    await priceRow("M1", "current").filter({ hasText: today }).waitFor();
    await priceRow("M1", "past").filter({ hasText: "已失效" }).waitFor();
    await page.getByTestId("open-summary").filter({ hasText: "差额合计 ¥2.88" }).waitFor();
  });

  test("a CSV price list in yuan: a bad row is refused naming row and column, a good one previewed and imported", async () => {
    const box = page.getByTestId("price-import");
    await box
      .locator('textarea[name="csv"]')
      .fill(`sku,cost_yuan,tax_rate,effective_from\nPORK,29.5,9,${today}\nM1,abc,13,${today}\n`);
    await box.getByRole("button", { name: "预览" }).click();
    await box.getByTestId("error").filter({ hasText: "cost_yuan" }).filter({ hasText: "row 2" }).waitFor();
    await box
      .locator('textarea[name="csv"]')
      .fill(`sku,cost_yuan,tax_rate,effective_from\nPORK,29.5,9,${today}\n`);
    await box.getByRole("button", { name: "预览" }).click();
    // 2,500 g still to come at -0.50 per kg.
    await box.getByTestId("import-summary").filter({ hasText: "差额合计 -¥1.25" }).waitFor();
    await box.getByRole("button", { name: "确认导入" }).click();
    await page.getByTestId("price-notice").filter({ hasText: "已保存 1 条价格" }).waitFor();
    await priceRow("PORK", "current").getByTestId("price-cost").filter({ hasText: "¥29.50" }).waitFor();
    await page.getByTestId("open-summary").filter({ hasText: "差额合计 ¥1.63" }).waitFor();
  });

  test("in English the screen is English", async () => {
    await page.getByTestId("lang").click();
    await page.getByRole("heading", { name: "Price list", exact: true }).waitFor();
    await priceRow("M1", "current").filter({ hasText: "In force" }).waitFor();
    await page.getByTestId("open-summary").filter({ hasText: "1 order(s), difference ¥1.63" }).waitFor();
    await supplierRow("SUP-NEW").filter({ hasText: "net 60 days" }).waitFor();
    await page.getByTestId("lang").click();
    await page.getByRole("heading", { name: "价格表", exact: true }).waitFor();
  });

  test("usable at 1280x800 and 1920x1080: no sideways scrolling with a supplier open", async () => {
    for (const viewport of [
      { width: 1280, height: 800 },
      { width: 1920, height: 1080 },
    ]) {
      await page.setViewportSize(viewport);
      await page.locator('[data-testid="price-list"][data-loaded="SUP-MILK"]').waitFor();
      const w = await page.evaluate(() => document.documentElement.scrollWidth);
      assert(w <= viewport.width, `${viewport.width}x${viewport.height}: page is ${w} px wide`);
      assert(await page.getByRole("link", { name: "供应商", exact: true }).isVisible(), "navigation visible");
    }
  });
});
