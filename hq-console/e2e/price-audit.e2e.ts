// The price audit (数据异常 > 价格稽核) in the console against a real hub: a store sells a product
// below the price HQ released, over MQTT as its edge would; the findings read in a browser with
// the store's and product's names, the receipt number, the amounts in yuan and the difference,
// the audited items and reasons in zh-CN words (English in English mode), filtered by item, at
// 1280x800 and 1920x1080 without sideways scrolling.
import type { Page } from "playwright-core";
import { type Bed, startBed } from "./lib/bed.ts";
import { until } from "./lib/procs.ts";
import { saleEnvelope } from "./lib/store.ts";
import { test } from "./lib/test.ts";

const STORE = "S050";

function assert(cond: unknown, what: string): asserts cond {
  if (!cond) throw new Error(`expected: ${what}`);
}

test.describe("hq-console price audit e2e", () => {
  test.describe.configure({ mode: "serial" });
  let bed: Bed | undefined;
  let page: Page;
  let receiptNo = "";

  const api = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
    bed!.api<T>(method, path, body);
  const finding = (field: string) => page.locator(`[data-testid="findings"] tr[data-field="${field}"]`);

  test.beforeAll(async ({ browser }) => {
    test.setTimeout(120_000); // the hub starts, a store enrols, its sale reaches HQ
    bed = await startBed("price-audit");
    const enrolled = await bed.enrol({ id: STORE, name: "宁波天一店", region: "east", ring: "pilot" });
    const cs = await api<{ id: number }>("POST", "/api/v1/changesets", {
      target: { kind: "all" },
      description: "可乐上架",
    });
    await api("POST", `/api/v1/catalog/product?changeset=${cs.id}`, {
      sku: "100001",
      name: "可口可乐 330ml",
      category: ["10", "1001"],
      unit: "EA",
      taxRate: 13,
      weighed: false,
      status: "active",
    });
    await api("POST", `/api/v1/catalog/price?changeset=${cs.id}`, {
      sku: "100001",
      scope: "chain",
      windows: [{ price: 350 }],
    });
    const { version } = await api<{ version: number }>("POST", `/api/v1/changesets/${cs.id}/release`, {
      stage: "all",
    });
    // The till charged 3.00 for a 3.50 product.
    const wire = await bed.connect(enrolled);
    const sale = saleEnvelope(STORE, 1, [{ sku: "100001", name: "可口可乐 330ml", priceFen: 300 }], version);
    receiptNo = sale.payload.receiptNo;
    await wire.publish("events", [sale]);
    await until(
      async () => (await api<{ total: number }>("GET", "/api/v1/price-audit")).total > 0,
      15_000,
      "the sale's findings at HQ",
    );
    ({ page } = await bed.signIn(browser, { timeout: 10_000, open: "数据异常" }));
  });

  test.afterAll(async () => {
    await bed?.close();
  });

  test("findings with names, the receipt, amounts in yuan and the difference, headers and items in zh-CN", async () => {
    await page.getByRole("button", { name: "价格稽核" }).click();
    await page.locator('[data-testid="findings"][data-loaded]').waitFor();
    const unit = finding("unitPrice");
    await unit.filter({ hasText: "宁波天一店" }).filter({ hasText: "可口可乐 330ml" }).waitFor();
    assert(((await unit.textContent()) ?? "").includes(receiptNo), "the receipt number");
    assert(((await unit.textContent()) ?? "").includes("单价"), "the item in words");
    assert(
      ((await unit.getByTestId("finding-expected").textContent()) ?? "").includes("¥3.50"),
      "HQ's price",
    );
    assert(((await unit.getByTestId("finding-actual").textContent()) ?? "").includes("¥3.00"), "the till's");
    assert(
      ((await unit.getByTestId("finding-diff").textContent()) ?? "").includes("-¥0.50"),
      "the difference",
    );
    const head = (await page.locator('[data-testid="findings"] thead').textContent()) ?? "";
    for (const h of ["门店", "小票号", "商品", "稽核项", "总部应为", "门店实际", "差额"])
      assert(head.includes(h), `header ${h}: ${head}`);
    assert(!/store_id|sale_id|expected|actual/.test(head), `no column names: ${head}`);
    await page.getByTestId("pager-text").filter({ hasText: "共" }).waitFor();
  });

  test("filtered by item; in English the items are English", async () => {
    await page.locator('select[name="field"]').selectOption("totals.net");
    await finding("unitPrice").waitFor({ state: "detached" });
    await finding("totals.net").filter({ hasText: "整单实收" }).waitFor();
    await page.locator('select[name="field"]').selectOption("");
    await finding("unitPrice").waitFor();
    await page.getByTestId("lang").click();
    await finding("unitPrice").filter({ hasText: "Unit price" }).waitFor();
    await page.locator('[data-testid="findings"] thead').filter({ hasText: "HQ expected" }).waitFor();
    await page.getByTestId("lang").click();
    await finding("unitPrice").filter({ hasText: "单价" }).waitFor();
  });

  test("usable at 1280x800 and 1920x1080: no sideways scrolling", async () => {
    for (const viewport of [
      { width: 1280, height: 800 },
      { width: 1920, height: 1080 },
    ]) {
      await page.setViewportSize(viewport);
      await finding("unitPrice").waitFor();
      const w = await page.evaluate(() => document.documentElement.scrollWidth);
      assert(w <= viewport.width, `${viewport.width}x${viewport.height}: page is ${w} px wide`);
    }
  });
});
