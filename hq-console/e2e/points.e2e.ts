// 积分规则 in a browser against a real hub, at 1280x800 and 1920x1080: before HQ sets a rule the
// screen says no store takes points; garbage is refused with the field named; a rule saved is
// released to every store as a change set (the hub's own API says so) and read back after a
// reload; English too; no overdrawn redemption listed on a fresh hub.
import type { Page } from "playwright-core";
import { type Bed, startBed } from "./lib/bed.ts";
import { test } from "./lib/test.ts";

function assert(cond: unknown, what: string): asserts cond {
  if (!cond) throw new Error(`expected: ${what}`);
}

for (const viewport of [
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
]) {
  test.describe(`hq-console points rule at ${viewport.width}x${viewport.height}`, () => {
    test.describe.configure({ mode: "serial" });
    let bed: Bed | undefined;
    let page: Page;
    const api = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
      bed!.api<T>(method, path, body);

    test.beforeAll(async ({ browser }) => {
      test.setTimeout(120_000);
      bed = await startBed("points");
      ({ page } = await bed.signIn(browser, { viewport, timeout: 10_000 }));
    });

    test.afterAll(async () => {
      await bed?.close();
    });

    test("no rule yet; garbage refused naming the field; a rule saved is released to every store", async () => {
      await page.getByRole("link", { name: "会员" }).click();
      await page.getByTestId("members-tab-points").click();
      await page.locator('[data-testid="points-rule-form"][data-loaded="true"]').waitFor();
      await page.getByTestId("points-not-set").filter({ hasText: "不能用积分抵现" }).waitFor();
      await page.getByTestId("points-overdraws").getByText("没有透支记录").waitFor();

      await page.getByTestId("points-enabled").check();
      await page.getByTestId("points-per-yuan").fill("1.5");
      await page.getByTestId("points-save").click();
      await page.getByTestId("error").filter({ hasText: "pointsPerYuan" }).waitFor();
      await page.getByTestId("points-per-yuan").fill("100");
      await page.getByTestId("points-share").fill("101");
      await page.getByTestId("points-save").click();
      await page.getByTestId("error").filter({ hasText: "maxSharePercent" }).waitFor();

      await page.getByTestId("points-share").fill("30");
      await page.getByTestId("points-min-balance").fill("500");
      await page.getByTestId("points-example").filter({ hasText: "3000 分" }).waitFor();
      await page.getByTestId("points-save").click();
      await page
        .getByTestId("points-saved")
        .filter({ hasText: /变更集 #\d+/ })
        .waitFor();

      const rule = await api<{ rule: { maxSharePercent: number; minBalance: number }; set: boolean }>(
        "GET",
        "/api/v1/members/points-rule",
      );
      assert(rule.set && rule.rule.maxSharePercent === 30 && rule.rule.minBalance === 500, "the rule at HQ");
      const list = await api<{ description: string; state: string }[]>("GET", "/api/v1/changesets");
      assert(
        list.some((c) => c.description.startsWith("points rule") && c.state === "released"),
        "a released change set carries the rule",
      );
    });

    test("read back after a reload; in English", async () => {
      await page.reload();
      await page.locator('[data-testid="points-rule-form"][data-loaded="true"]').waitFor();
      assert((await page.getByTestId("points-share").inputValue()) === "30", "30% kept");
      assert((await page.getByTestId("points-min-balance").inputValue()) === "500", "500 kept");
      assert((await page.getByTestId("points-not-set").count()) === 0, "set now");
      await page.getByTestId("lang").click();
      await page.getByRole("heading", { name: "Points redemption rule" }).waitFor();
      await page.getByText("At most this % of a sale").waitFor();
      await page.getByTestId("lang").click();
      await page.getByRole("heading", { name: "积分抵现规则" }).waitFor();
    });
  });
}
