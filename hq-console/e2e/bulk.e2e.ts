// Bulk actions (issue 19 item 2) in a browser against a real hub: products ticked on 商品 and
// repriced by -10% (previewed old -> new in yuan, nothing written), then written into the draft
// (the hub's chain prices moved, dated windows kept); cashiers ticked on 收银员 and disabled at
// once into the same draft (PINs kept); zh-CN without stored codes; 1280x800 and 1920x1080.
import type { Page } from "playwright-core";
import { type Bed, startBed } from "./lib/bed.ts";
import { rawCodesOn } from "./lib/raw-codes.ts";
import { test } from "./lib/test.ts";

function assert(cond: unknown, what: string): asserts cond {
  if (!cond) throw new Error(`expected: ${what}`);
}

test.describe("hq-console bulk actions e2e", () => {
  test.describe.configure({ mode: "serial" });
  let bed: Bed | undefined;
  let page: Page;
  const api = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
    bed!.api<T>(method, path, body);
  const chainPrice = async (sku: string) =>
    (
      await api<{ windows: { price: number }[] }>(
        "GET",
        `/api/v1/catalog/price/${encodeURIComponent(`${sku}|chain|`)}`,
      )
    ).windows;

  test.beforeAll(async ({ browser }) => {
    test.setTimeout(120_000);
    bed = await startBed("bulk");
    const cs = await api<{ id: number }>("POST", "/api/v1/changesets", {
      target: { kind: "all" },
      description: "上架",
    });
    for (const [sku, name, price] of [
      ["100001", "可口可乐 330ml", 350],
      ["100002", "农夫山泉 550ml", 200],
      ["100003", "康师傅红烧牛肉面", 450],
    ] as const) {
      await api("POST", `/api/v1/catalog/product?changeset=${cs.id}`, {
        sku,
        name,
        category: ["10"],
        unit: "EA",
        taxRate: 13,
        weighed: false,
        status: "active",
      });
      await api("POST", `/api/v1/catalog/price?changeset=${cs.id}`, {
        sku,
        scope: "chain",
        // 100001: today's price until 2027, then a week's special (windows never overlap).
        windows:
          sku === "100001"
            ? [
                { price, endsAt: "2027-01-01T00:00:00+08:00" },
                { price: 299, startsAt: "2027-01-01T00:00:00+08:00", endsAt: "2027-01-08T00:00:00+08:00" },
              ]
            : [{ price }],
      });
    }
    for (const id of ["4001", "4002", "4003"])
      await api("POST", "/api/v1/catalog/cashier", {
        id,
        name: `员工${id}`,
        role: "cashier",
        status: "active",
        pin: "4321",
      });
    ({ page } = await bed.signIn(browser, { timeout: 10_000, open: "商品" }));
  });
  test.afterAll(async () => {
    await bed?.close();
  });

  test("商品: two products ticked, -10% previewed in yuan, then written into a new draft", async () => {
    const bar = page.locator('[data-testid="draft-bar"][data-loaded]');
    await bar.waitFor();
    await bar.getByTestId("draft-new").click();
    await page.getByTestId("draft-create").locator('input[name="draftDescription"]').fill("饮料九折");
    await page.getByTestId("draft-create").getByRole("button", { name: "新建" }).click();
    await page.locator('[data-testid="draft-bar"]:not([data-draft=""])').waitFor();
    await page.locator('[data-testid="products"] tr[data-sku="100002"]').waitFor();
    await page.getByRole("checkbox", { name: "100001" }).check();
    await page.getByRole("checkbox", { name: "100002" }).check();
    const panel = page.getByTestId("reprice");
    await panel.filter({ hasText: "已选 2 个商品" }).waitFor();
    await panel.locator('input[name="rpValue"]').fill("abc");
    await panel.getByTestId("reprice-preview").click();
    await panel.getByTestId("error").filter({ hasText: "百分比" }).waitFor();
    await panel.locator('input[name="rpValue"]').fill("-10");
    await panel.getByTestId("reprice-preview").click();
    await panel
      .locator('[data-testid="reprice-lines"] tr[data-sku="100001"]')
      .getByTestId("to")
      .filter({ hasText: "¥3.15" })
      .waitFor();
    await panel
      .locator('[data-testid="reprice-lines"] tr[data-sku="100002"]')
      .getByTestId("to")
      .filter({ hasText: "¥1.80" })
      .waitFor();
    assert((await chainPrice("100001"))[0]!.price === 350, "the preview wrote nothing");
    const found = await rawCodesOn(page);
    assert(found.length === 0, `no codes in zh-CN, found: ${found.join(", ")}`);
    await panel.getByTestId("reprice-write").click();
    await panel.getByTestId("reprice-notice").filter({ hasText: "2" }).waitFor();
    const windows = await chainPrice("100001");
    assert(windows[0]!.price === 315, "the shelf price moved");
    assert(windows[1]?.price === 299, "the dated window kept");
    assert((await chainPrice("100002"))[0]!.price === 180, "100002 moved");
    assert((await chainPrice("100003"))[0]!.price === 450, "100003 not ticked, not moved");
    await page
      .locator('[data-testid="products"] tr[data-sku="100001"]')
      .filter({ hasText: "¥3.15" })
      .waitFor();
  });

  test("收银员: two cashiers ticked and disabled at once into the draft, PINs kept", async () => {
    await page.getByRole("link", { name: "收银员", exact: true }).click();
    await page.locator('[data-testid="cashiers"][data-loaded]').waitFor();
    await page.getByRole("checkbox", { name: "4001" }).check();
    await page.getByRole("checkbox", { name: "4003" }).check();
    await page.getByTestId("bulk-disable").click();
    await page.getByTestId("bulk-notice").filter({ hasText: "2" }).waitFor();
    await page.locator('tr[data-cashier="4003"]').filter({ hasText: "停用" }).waitFor();
    const page1 = await api<{ rows: { id: string; hasPin: boolean }[] }>(
      "GET",
      "/api/v1/cashiers/page?status=inactive",
    );
    assert(
      JSON.stringify(page1.rows.map((c) => [c.id, c.hasPin])) ===
        JSON.stringify([
          ["4001", true],
          ["4003", true],
        ]),
      "two disabled with PINs",
    );
    const found = await rawCodesOn(page);
    assert(found.length === 0, `no codes in zh-CN, found: ${found.join(", ")}`);
  });

  test("1920x1080 and 1280x800 with the reprice panel open: no sideways scrolling", async () => {
    await page.getByRole("link", { name: "商品", exact: true }).click();
    await page.locator('[data-testid="products"] tr[data-sku="100003"]').waitFor();
    await page.getByRole("checkbox", { name: "100003" }).check();
    await page.getByTestId("reprice").waitFor();
    for (const size of [
      { width: 1920, height: 1080 },
      { width: 1280, height: 800 },
    ]) {
      await page.setViewportSize(size);
      const wide = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
      assert(!wide, `fits ${size.width} wide`);
    }
  });
});
