// The chain-scale lists (issue 19 items 2 and 6) in a browser against a real hub: promotions,
// cashiers, suppliers, members and coupons searched, filtered, sorted and paged BY THE HUB (the
// pager's total is the hub's, the second page is asked for), codes shown as words in zh-CN (a
// scan of the visible text for the stored enum values), at 1280x800 and 1920x1080.
import type { Page } from "playwright-core";
import { type Bed, startBed } from "./lib/bed.ts";
import { rawCodesOn } from "./lib/raw-codes.ts";
import { test } from "./lib/test.ts";

function assert(cond: unknown, what: string): asserts cond {
  if (!cond) throw new Error(`expected: ${what}`);
}
const pad = (n: number, w = 3) => String(n).padStart(w, "0");
const ROLES = ["cashier", "supervisor", "manager"] as const;

test.describe("hq-console chain-scale lists e2e", () => {
  test.describe.configure({ mode: "serial" });
  let bed: Bed | undefined;
  let http = "";
  let page: Page;

  const api = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
    bed!.api<T>(method, path, body);
  const go = async (path: string, table: string) => {
    await page.goto(`${http}${path}`);
    await page.locator(`[data-testid="${table}"][data-total]:not([data-total=""])`).waitFor();
  };
  const noRawCodes = async (what: string) => {
    const found = await rawCodesOn(page);
    assert(found.length === 0, `${what} in zh-CN shows no codes, found: ${found.join(", ")}`);
  };

  test.beforeAll(async ({ browser }) => {
    test.setTimeout(180_000); // the hub starts and 60 promotions, 55 cashiers, 60 members are written
    bed = await startBed("lists");
    http = bed.http;
    for (let i = 1; i <= 60; i++)
      await api("POST", "/api/v1/catalog/promotion", {
        id: `P-${pad(i)}`,
        name: i % 3 === 0 ? `饮料满减 ${i}` : `零食特价 ${i}`,
        kind: i % 3 === 0 ? "threshold" : "percent_off",
        ...(i % 3 === 0 ? { min: 10_000, off: 2_000 } : { percent: 10 }),
        ...(i === 7 ? { couponCode: "VIP7" } : {}),
      });
    for (let i = 1; i <= 55; i++)
      await api("POST", "/api/v1/catalog/cashier", {
        id: `2${pad(i)}`,
        name: `收银员${i}`,
        role: ROLES[i % 3],
        status: i % 10 === 0 ? "inactive" : "active",
        pin: "4321",
      });
    for (const [id, name, leadTimeDays] of [
      ["SUP-A", "华东饮料", 3],
      ["SUP-B", "华南日化", 1],
      ["SUP-C", "北方粮油", 7],
    ] as const)
      await api("POST", "/api/v1/suppliers", { id, name, leadTimeDays, minOrderQty: 1, packSize: 1 });
    await api("POST", "/api/v1/suppliers/SUP-B/deactivate", {});
    for (let i = 1; i <= 60; i++)
      await api("POST", "/api/v1/catalog/member", {
        id: `M${pad(i)}`,
        phone: `139000${pad(i, 5)}`,
        name: `会员${i}`,
        tier: i % 4 === 0 ? "gold" : "basic",
        points: i,
        status: "active",
      });
    ({ page } = await bed.signIn(browser, { timeout: 10_000, open: "促销" }));
  });

  test.afterAll(async () => {
    await bed?.close();
  });

  test("promotions: 60 paged by the hub, the second page asked for, searched, filtered and sorted", async () => {
    await go("/promotions", "promotions");
    await page.getByTestId("pager-text").filter({ hasText: "共 60 条" }).waitFor();
    await page.locator('tr[data-promotion="P-050"]').waitFor();
    assert((await page.locator('tr[data-promotion="P-051"]').count()) === 0, "page 1 holds 50 rows");
    await page.getByRole("button", { name: "下一页" }).click();
    await page.locator('tr[data-promotion="P-051"]').waitFor();
    await page.locator('input[name="promoFilter"]').fill("饮料");
    await page.locator('[data-testid="promotions"][data-total="20"]').waitFor();
    await page.locator('select[name="promoKind"]').selectOption("percent_off");
    await page.locator('[data-testid="promotions"][data-total="0"]').waitFor();
    await page.locator('input[name="promoFilter"]').fill("");
    await page.locator('[data-testid="promotions"][data-total="40"]').waitFor();
    await page.locator('select[name="promoKind"]').selectOption("");
    await page.locator('select[name="promoCoupon"]').selectOption("1");
    await page.locator('[data-testid="promotions"][data-total="1"]').waitFor();
    await page.locator('tr[data-promotion="P-007"]').filter({ hasText: "VIP7" }).waitFor();
    await page.locator('select[name="promoCoupon"]').selectOption("");
    await page.locator('[data-testid="promotions"][data-total="60"]').waitFor();
    await page.locator('[data-testid="promotions"] button[data-sort="id"]').click(); // id descending
    await page
      .locator('[data-testid="promotions"] tbody tr')
      .first()
      .and(page.locator('tr[data-promotion="P-060"]'))
      .waitFor();
    await noRawCodes("promotions");
  });

  test("cashiers: paged, filtered by role and status in words, sorted", async () => {
    await go("/cashiers", "cashiers");
    await page.getByTestId("pager-text").filter({ hasText: "共 55 条" }).waitFor();
    await page.locator('select[name="roleFilter"]').selectOption("supervisor");
    await page.locator('[data-testid="cashiers"][data-total="19"]').waitFor();
    await page.locator('tr[data-cashier="2001"]').getByTestId("role").filter({ hasText: "主管" }).waitFor();
    await page.locator('select[name="statusFilter"]').selectOption("inactive");
    // i % 3 === 1 and i % 10 === 0: 10, 40.
    await page.locator('[data-testid="cashiers"][data-total="2"]').waitFor();
    await page.locator('select[name="statusFilter"]').selectOption("");
    await page.locator('select[name="roleFilter"]').selectOption("");
    await page.locator('[data-testid="cashiers"][data-total="55"]').waitFor();
    await page.locator('[data-testid="cashiers"] button[data-sort="id"]').click();
    await page
      .locator('[data-testid="cashiers"] tbody tr')
      .first()
      .and(page.locator('tr[data-cashier="2055"]'))
      .waitFor();
    await noRawCodes("cashiers");
  });

  test("suppliers: by status, searched by the hub, sorted by lead time", async () => {
    await go("/suppliers", "suppliers");
    await page.locator('[data-testid="suppliers"][data-total="3"]').waitFor();
    await page.locator('select[name="supplier-status"]').selectOption("inactive");
    await page.locator('[data-testid="suppliers"][data-total="1"]').waitFor();
    await page.locator('tr[data-supplier="SUP-B"]').waitFor();
    await page.locator('select[name="supplier-status"]').selectOption("all");
    await page.locator('input[name="supplier-search"]').fill("粮油");
    await page.locator('[data-testid="suppliers"][data-total="1"]').waitFor();
    await page.locator('tr[data-supplier="SUP-C"]').waitFor();
    await page.locator('input[name="supplier-search"]').fill("");
    await page.locator('[data-testid="suppliers"][data-total="3"]').waitFor();
    await page.locator('[data-testid="suppliers"] button[data-sort="leadTimeDays"]').click();
    await page
      .locator('[data-testid="suppliers"] tbody tr')
      .first()
      .and(page.locator('tr[data-supplier="SUP-B"]'))
      .waitFor();
    await noRawCodes("suppliers");
  });

  test("members: 60 paged by the hub, tiers in words, filtered by tier", async () => {
    await go("/members", "members-list");
    await page.getByTestId("pager-text").filter({ hasText: "共 60 条" }).waitFor();
    await page.getByRole("button", { name: "下一页" }).click();
    await page.locator('tr[data-member="M051"]').waitFor();
    await page.locator('select[name="tier"]').selectOption("gold");
    await page.locator('[data-testid="members-list"][data-total="15"]').waitFor();
    await page.locator('tr[data-member="M004"]').getByTestId("tier").filter({ hasText: "金卡" }).waitFor();
    await noRawCodes("members");
  });

  test("coupons: the coupon-gated promotions chosen by the hub; no codes in zh-CN", async () => {
    await go("/coupons", "coupons");
    await page.locator('select[name="promotionId"] option[value="P-007"]').waitFor({ state: "attached" });
    assert(
      (await page.locator('select[name="promotionId"] option').count()) === 1,
      "only the coupon promotion",
    );
    await noRawCodes("coupons");
  });

  test("1920x1080 and 1280x800: the lists fit without sideways scrolling", async () => {
    for (const size of [
      { width: 1920, height: 1080 },
      { width: 1280, height: 800 },
    ]) {
      await page.setViewportSize(size);
      for (const [path, table] of [
        ["/promotions", "promotions"],
        ["/cashiers", "cashiers"],
        ["/suppliers", "suppliers"],
        ["/members", "members-list"],
      ] as const) {
        await go(path, table);
        const wide = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
        assert(!wide, `${path} fits ${size.width} wide`);
      }
    }
  });
});
