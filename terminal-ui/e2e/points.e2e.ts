// 积分抵现 at a real till (zh-CN) against a real store edge and HQ hub: before HQ sets a points
// rule the pay dialog says points cannot pay; HQ's rule (10 points = ¥1, at most 50%, no earning
// on the redeemed part) reaches the store as a change set; the member's 100 points pay ¥10.00 of
// a ¥69.90 sale (more is refused in Chinese), cash the rest; HQ takes the 100 points exactly
// once, adds the 59 earned on the cash part, and finds nothing to flag in the sale.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { openContext } from "./lib/browser.ts";
import { CASHIER, MEMBER, P } from "./lib/fixtures.ts";
import { until } from "./lib/procs.ts";
import { openStore, type Store } from "./lib/store.ts";
import { test } from "./lib/test.ts";
import { tillPage } from "./lib/till-page.ts";

test.describe("terminal-ui e2e: points redemption (积分抵现)", () => {
  test.describe.configure({ mode: "serial" });
  let store: Store;
  let browser: Awaited<ReturnType<typeof openContext>>;
  let page: Page;
  const { shot, byId, expectText, visible, hidden, key, scan } = tillPage(() => page);

  test.beforeAll(async ({ browser: pwBrowser }) => {
    test.setTimeout(120_000);
    store = await openStore("S004");
    browser = await openContext(pwBrowser);
    page = await browser.context.newPage();
  });
  test.afterAll(async () => {
    await browser?.close();
    await store?.close();
  });

  async function memberOnSale() {
    await key("F5");
    await visible("member-dialog");
    await byId("member-phone").fill(MEMBER.phone);
    await byId("member-submit").click();
    await hidden("member-dialog");
    await expectText("member", new RegExp(MEMBER.name));
  }

  test("sign in, open a shift; without HQ's rule points cannot pay", async () => {
    await page.goto(`${store.http}/?lane=1`);
    await visible("login-form");
    await byId("login-id").fill(CASHIER.id);
    await byId("login-pin").fill(CASHIER.pin);
    await byId("login-pin").press("Enter");
    await visible("open-form");
    await byId("open-float").fill("500");
    await byId("open-float").press("Enter");
    await visible("scan-input");
    await scan(P.water.code);
    await memberOnSale();
    await key("F10");
    await visible("pay-dialog");
    await byId("tender-points").click();
    await page.locator('[data-testid="points-info"][data-loaded="true"]').waitFor();
    await expectText("points-refused", /本店未开通积分抵现/);
    await expectText("points-balance", "100");
    await key("F1"); // back to cash
    await key("F5"); // exact: the water sale ends
    await visible("sale-done");
  });

  test("HQ's rule reaches the till; 100 points pay ¥10.00 of ¥69.90, more is refused in Chinese", async () => {
    const before = (await store.status()).catalog.applied;
    await store.admin.call("PUT", "/api/v1/members/points-rule", {
      enabled: true,
      pointsPerYuan: 10,
      maxSharePercent: 50,
      minBalance: 0,
      earnOnRedeemed: false,
    });
    await until(async () => (await store.status()).catalog.applied > before, 30_000, "the rule on the edge");
    await visible("scan-input");
    await scan(P.oil.code);
    await memberOnSale();
    await key("F10");
    await visible("pay-dialog");
    await key("F11");
    await page.locator('[data-testid="points-info"][data-loaded="true"]').waitFor();
    await expectText("points-max", /10\.00/);
    assert.equal(await byId("pay-amount").inputValue(), "10.00", "the most points may pay, filled in");
    await byId("pay-amount").fill("10.50");
    await byId("pay-submit").click();
    await expectText("pay-error", /超过本单最多可抵扣/);
    await byId("pay-amount").fill("10.00");
    await shot("p01-points-tender");
    await byId("pay-submit").click();
    await expectText("pay-tenders", /积分抵现/);
    await expectText("pay-remaining", /59\.90/);
    await byId("tender-cash").click();
    await key("F5");
    await visible("sale-done");
  });

  test("HQ takes the points once, adds what the cash part earned, and flags nothing", async () => {
    let points = -1;
    await until(
      async () => {
        points = (await store.admin.call<{ points: number }>("GET", "/api/v1/members/M000001")).points;
        return points !== 100 && points !== 100 + 2; // the water sale earned 2 first
      },
      30_000,
      "the points sale at HQ",
    );
    // 100 + 2 (water, cash) - 100 (redeemed) + 59 (¥59.90 paid in cash).
    assert.equal(points, 61);
    const findings = await store.admin.call<{ field: string }[]>("GET", "/api/v1/price-findings?store=S004");
    assert.deepEqual(
      findings.map((f) => f.field),
      [],
    );
  });
});
