// The books in the console against a real hub: a store's receipt arrives over MQTT as its edge
// sends it (priced from the supplier's list through the order); then what an HQ accountant does
// in a browser: the valuation screen shows stock not yet in the books, "post inventory" posts it
// and the valuation equals the inventory account; the chart of accounts is edited (a refused
// code named, a sub-account added, a posting rule moved); the vouchers are exported as Yonyou
// U8 text (GBK) and Kingdee Excel and listed in the export history; the screens in English.
import { readFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { type Bed, startBed } from "./lib/bed.ts";
import { until } from "./lib/procs.ts";
import { eventEnvelope, uuidv7 } from "./lib/store.ts";
import { test } from "./lib/test.ts";

const STORE = "S030";
const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

function assert(cond: unknown, what: string): asserts cond {
  if (!cond) throw new Error(`expected: ${what}`);
}

test.describe("hq-console books e2e", () => {
  test.describe.configure({ mode: "serial" });
  let bed: Bed | undefined;
  let page: Page;

  const api = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
    bed!.api<T>(method, path, body);

  test.beforeAll(async ({ browser }) => {
    test.setTimeout(120_000); // the hub starts, a store enrols, its receipt reaches HQ
    bed = await startBed("books");
    const enrolled = await bed.enrol({ id: STORE, name: "苏州观前店", region: "east", ring: "pilot" });
    await bed.importProducts(
      "sku,name,category,unit,taxRate,weighed,status\nM1,纯牛奶 250ml,10/1001,EA,13,false,active\nM2,全麦面包,20/2001,EA,13,false,active\n",
    );
    await bed.supplier({ id: "SUP-A", name: "光明乳业" }, { M1: 250, M2: 1000 });
    const po = await api<{ id: string }>("POST", "/api/v1/purchase-orders", {
      storeId: STORE,
      supplierId: "SUP-A",
      lines: [
        { sku: "M1", qty: 10 },
        { sku: "M2", qty: 5 },
      ],
    });
    await api("POST", `/api/v1/purchase-orders/${po.id}/send`);
    const wire = await bed.connect(enrolled);
    await wire.publish("events", [
      eventEnvelope(STORE, 1, "receiving.confirmed", {
        receivingId: uuidv7(),
        purchaseOrderId: po.id,
        supplierId: "SUP-A",
        confirmedBy: "9001",
        lines: [
          { sku: "M1", qty: 10, expected: 10 },
          { sku: "M2", qty: 5, expected: 5 },
        ],
        confirmedAt: new Date().toISOString(),
      }),
    ]);
    await until(
      async () =>
        (await api<{ status: string }>("GET", `/api/v1/purchase-orders/${po.id}`)).status === "received",
      15_000,
      "the receipt at HQ",
    );
    ({ page } = await bed.signIn(browser, { acceptDownloads: true, timeout: 10_000 }));
  });

  test.afterAll(async () => {
    await bed?.close();
  });

  test("valuation: stock not yet in the books, posted, then equal to the inventory account to the fen", async () => {
    await page.getByRole("link", { name: "存货估值", exact: true }).click();
    await page.getByRole("heading", { name: "存货估值" }).waitFor();
    await page.locator('input[name="date"]').fill(today);
    await page.getByRole("button", { name: "查询" }).click();
    // 10 x 2.50 + 5 x 10.00 = 75.00 of stock, nothing in 1405 yet.
    await page.getByTestId("valuation-status").filter({ hasText: "估值与科目余额不一致" }).waitFor();
    const row = page.locator(`[data-testid="valuation-stores"] tr[data-store="${STORE}"]`);
    await row.getByTestId("valuation-fen").filter({ hasText: "¥75.00" }).waitFor();
    await row.getByTestId("account-fen").filter({ hasText: "¥0.00" }).waitFor();
    await page.getByTestId("post-inventory").click();
    await page.getByTestId("valuation-notice").filter({ hasText: "已过账: 2 库存变动, 1 凭证" }).waitFor();
    await page.getByTestId("valuation-status").filter({ hasText: "估值与科目余额一致" }).waitFor();
    await row.getByTestId("account-fen").filter({ hasText: "¥75.00" }).waitFor();
    await row.getByTestId("difference-fen").filter({ hasText: "¥0.00" }).waitFor();
    await page
      .locator(`[data-testid="valuation-rows"] tr[data-store="${STORE}"][data-category="2001"]`)
      .filter({ hasText: "¥50.00" })
      .waitFor();
  });

  test("chart of accounts: a bad code is refused naming the field, a sub-account added, a rule moved", async () => {
    await page.getByRole("link", { name: "科目表", exact: true }).click();
    await page.getByRole("heading", { name: "科目表" }).waitFor();
    await page
      .locator('[data-testid="accounts"] tr[data-code="1405"]')
      .filter({ hasText: "库存商品" })
      .waitFor();
    const form = page.getByTestId("account-form");
    await form.locator('input[name="code"]').fill("7001");
    await form.locator('input[name="name"]').fill("不存在的类别");
    await form.locator('input[name="nameEn"]').fill("No such class");
    await form.getByRole("button", { name: "保存科目" }).click();
    await page.getByTestId("error").filter({ hasText: "code" }).waitFor();
    await form.locator('input[name="code"]').fill("6711.01");
    await form.locator('input[name="name"]').fill("营业外支出—盘亏");
    await form.locator('input[name="nameEn"]').fill("Count losses");
    await form.getByRole("button", { name: "保存科目" }).click();
    await page.getByTestId("accounts-notice").filter({ hasText: "已保存" }).waitFor();
    await page
      .locator('[data-testid="accounts"] tr[data-code="6711.01"]')
      .filter({ hasText: "营业外支出—盘亏" })
      .waitFor();
    const rule = page.locator('[data-testid="rules"] tr[data-role="count_loss"]');
    await rule.locator('input[name="account"]').fill("2202.01");
    await rule.getByRole("button", { name: "保存" }).click();
    await page.getByTestId("error").filter({ hasText: "account" }).waitFor();
    await rule.locator('input[name="account"]').fill("6711.01");
    await rule.getByRole("button", { name: "保存" }).click();
    await page.getByTestId("accounts-notice").waitFor();
    const chart = await api<{ rules: { role: string; account: string }[] }>(
      "GET",
      "/api/v1/accounts/companies/default/chart",
    );
    assert(
      chart.rules.find((r) => r.role === "count_loss")?.account === "6711.01",
      "count_loss moved to 6711.01",
    );
  });

  test("voucher export: Yonyou text in GBK and Kingdee Excel downloaded, and listed", async () => {
    await page.getByRole("link", { name: "凭证导出", exact: true }).click();
    await page.getByRole("heading", { name: "凭证导出" }).waitFor();
    const form = page.getByTestId("export-form");
    await form.locator('input[name="from"]').fill(`${today.slice(0, 7)}-01`);
    await form.locator('input[name="to"]').fill(today);
    await form.locator('select[name="format"]').selectOption("yonyou");
    const [yonyou] = await Promise.all([
      page.waitForEvent("download"),
      form.getByRole("button", { name: "导出" }).click(),
    ]);
    assert(
      yonyou.suggestedFilename().endsWith("-yonyou.txt"),
      `a Yonyou file, got ${yonyou.suggestedFilename()}`,
    );
    const text = new TextDecoder("gbk").decode(readFileSync((await yonyou.path())!));
    assert(text.includes(",记,V") && text.includes(",1405,75.00,0.00"), `Dr 1405 75.00 in ${text}`);
    assert(text.includes(",2202.02,0.00,75.00"), "Cr GRNI 75.00");
    await form.locator('select[name="format"]').selectOption("kingdee");
    const [kingdee] = await Promise.all([
      page.waitForEvent("download"),
      form.getByRole("button", { name: "导出" }).click(),
    ]);
    const bytes = readFileSync((await kingdee.path())!);
    assert(bytes[0] === 0x50 && bytes[1] === 0x4b, "an XLSX (ZIP) file");
    assert(bytes.includes(Buffer.from("库存商品")), "account names in the sheet");
    await page.locator('[data-testid="export-history"] tr[data-format="kingdee"]').waitFor();
    await page
      .locator('[data-testid="export-history"] tr[data-format="yonyou"]')
      .filter({ hasText: "¥75.00" })
      .waitFor();
  });

  test("in English the books screens are English", async () => {
    await page.getByTestId("lang").click();
    await page.getByRole("link", { name: "Stock valuation", exact: true }).click();
    await page.getByRole("heading", { name: "Stock valuation" }).waitFor();
    await page
      .getByTestId("valuation-status")
      .filter({ hasText: "Valuation equals the inventory account" })
      .waitFor();
    await page.getByRole("link", { name: "Chart of accounts", exact: true }).click();
    await page
      .locator('[data-testid="accounts"] tr[data-code="1405"]')
      .filter({ hasText: "Merchandise inventory" })
      .waitFor();
    await page.getByRole("link", { name: "Voucher export", exact: true }).click();
    await page.getByRole("heading", { name: "Voucher export" }).waitFor();
    await page.getByTestId("lang").click();
  });
});
