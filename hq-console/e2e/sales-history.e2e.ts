// 导入历史销量 on 需求预测 (issue 17: the forecast on a store's first day) in a browser against a
// real hub: a file with a bad row is refused whole (the row and the reason on screen, nothing
// imported); eight weeks of a yoghurt's daily sales are imported, the store's summary shows
// them, and the forecast chart draws from them with the sold-out day marked; zh-CN at 1280x800
// without sideways scrolling (page errors fail the case: lib/test.ts).
import type { Page } from "playwright-core";
import { type Bed, startBed } from "./lib/bed.ts";
import { scrollsSideways } from "./lib/console.ts";
import { test } from "./lib/test.ts";

function assert(cond: unknown, what: string): asserts cond {
  if (!cond) throw new Error(`expected: ${what}`);
}

const DAY_MS = 86_400_000;
/** Eight weeks up to yesterday (China time): 10 a weekday, 20 a weekend day, one sold-out day. */
function history(): { csv: string; yesterday: string } {
  const today = Math.floor((Date.now() + 8 * 3_600_000) / DAY_MS);
  const iso = (n: number) => new Date(n * DAY_MS).toISOString().slice(0, 10);
  const soldOut = iso(today - 10);
  const rows = ["store,sku,day,units,stockout"];
  for (let d = today - 56; d < today; d++) {
    const weekend = [0, 6].includes(new Date(d * DAY_MS).getUTCDay());
    rows.push(
      `E1,M4,${iso(d)},${iso(d) === soldOut ? 2 : weekend ? 20 : 10},${iso(d) === soldOut ? "是" : ""}`,
    );
  }
  return { csv: `${rows.join("\n")}\n`, yesterday: iso(today - 1) };
}

test.describe("hq-console sales history import e2e", () => {
  test.describe.configure({ mode: "serial" });
  let bed: Bed | undefined;
  let page: Page;

  test.beforeAll(async ({ browser }) => {
    test.setTimeout(120_000);
    bed = await startBed("sales-history");
    await bed.api("POST", "/api/v1/stores", { id: "E1", name: "杭州西湖店", region: "east" });
    await bed.importProducts(
      "sku,name,category,unit,taxRate,weighed,status\nM4,原味酸奶,10/1003,EA,13,false,active\n",
    );
    ({ page } = await bed.signIn(browser));
    await page.goto(`${bed.http}/replenishment/forecast`);
    await page.getByRole("heading", { name: "需求预测" }).waitFor();
  });
  test.afterAll(async () => {
    await bed?.close();
  });

  test("a file with a bad row is refused whole, the row named", async () => {
    await page.locator('[data-testid="sales-history"][data-loaded="true"]').waitFor();
    await page.getByTestId("history-none").waitFor();
    await page.getByTestId("history-file").setInputFiles({
      name: "bad.csv",
      mimeType: "text/csv",
      buffer: Buffer.from("store,sku,day,units\nE1,M4,2026-11-01,3\nZZ9,M4,2026-11-01,3\n"),
    });
    await page.getByTestId("history-import").click();
    await page.getByTestId("sales-history").getByText("unknown store ZZ9").waitFor();
    assert((await page.getByTestId("history-none").count()) === 1, "nothing imported");
  });

  test("eight weeks imported: the summary, then the forecast drawn from them", async () => {
    const { csv, yesterday } = history();
    await page.getByTestId("history-file").setInputFiles({
      name: "history.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(csv),
    });
    await page.getByTestId("history-import").click();
    await page.getByTestId("history-notice").filter({ hasText: "已导入 56 行" }).waitFor();
    const row = page.locator('[data-testid="history-stores"] tr[data-key="E1"]');
    await row.waitFor();
    const cells = await row.locator("td").allTextContents();
    assert(cells[1] === "1" && cells[2] === "56" && cells[4] === yesterday, `the summary: ${cells}`);
    await page.locator('input[name="sku"]').fill("M4");
    await page.getByRole("button", { name: "查看" }).click();
    await page.getByTestId("forecast-chart").waitFor();
    const marked = await page.locator('[data-testid="forecast-chart"] rect[data-stockout="true"]').count();
    assert(marked === 1, `the sold-out day marked: ${marked}`);
    assert((await page.getByTestId("censored-days").textContent()) === "1", "one censored day");
    assert(!(await scrollsSideways(page)), "no sideways scrolling at 1280x800");
  });
});
