// 门店组 (issue 19 item 2) in a browser against a real hub: a group made, stores found by
// search and ticked in, a whole region added, one removed; the group moved to the pilot ring in
// one action (rings shown in words); a draft change set opened for exactly the group's stores;
// no stored code on screen in zh-CN; 1280x800 and 1920x1080 without sideways scrolling.
import type { Page } from "playwright-core";
import { type Bed, startBed } from "./lib/bed.ts";
import { rawCodesOn } from "./lib/raw-codes.ts";
import { test } from "./lib/test.ts";

function assert(cond: unknown, what: string): asserts cond {
  if (!cond) throw new Error(`expected: ${what}`);
}

test.describe("hq-console store groups e2e", () => {
  test.describe.configure({ mode: "serial" });
  let bed: Bed | undefined;
  let page: Page;
  const api = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
    bed!.api<T>(method, path, body);
  const member = (id: string) => page.locator(`[data-testid="group-stores"] tr[data-store="${id}"]`);

  test.beforeAll(async ({ browser }) => {
    test.setTimeout(120_000);
    bed = await startBed("store-groups");
    for (const [id, name, region] of [
      ["E101", "杭州西湖店", "east"],
      ["E102", "杭州滨江店", "east"],
      ["E103", "宁波天一店", "east"],
      ["S201", "广州天河店", "south"],
      ["S202", "深圳南山店", "south"],
      ["N301", "北京朝阳店", "north"],
    ])
      await api("POST", "/api/v1/stores", { id, name, region });
    ({ page } = await bed.signIn(browser, { timeout: 10_000, open: "门店组" }));
  });
  test.afterAll(async () => {
    await bed?.close();
  });

  test("a group made, stores ticked in from a search, a region added, one removed", async () => {
    await page.locator('[data-testid="groups"][data-loaded]').waitFor();
    await page.locator('input[name="groupId"]').fill("hz-sz");
    await page.locator('input[name="groupName"]').fill("杭深重点店");
    await page.getByTestId("group-form").getByRole("button", { name: "创建" }).click();
    await page.locator('[data-testid="group-detail"][data-group="hz-sz"]').waitFor();
    await page.locator('input[name="storeFind"]').fill("杭州");
    await page.locator('[data-testid="store-found"] tr[data-store="E102"]').waitFor();
    assert((await page.locator('[data-testid="store-found"] tr').count()) === 2, "two stores in 杭州");
    await page.getByRole("checkbox", { name: "E101" }).check();
    await page.getByRole("checkbox", { name: "E102" }).check();
    await page.getByTestId("group-add").click();
    await page.locator('[data-testid="group-stores"][data-count="2"]').waitFor();
    await page.locator('input[name="addRegion"]').fill("south");
    await page.getByTestId("group-add-region").click();
    await page.locator('[data-testid="group-stores"][data-count="4"]').waitFor();
    await page
      .locator('tr[data-group="hz-sz"]')
      .getByTestId("group-count")
      .filter({ hasText: "4" })
      .waitFor();
    await member("E102").getByRole("checkbox").check();
    await page.getByTestId("group-remove").click();
    await page.locator('[data-testid="group-stores"][data-count="3"]').waitFor();
    await member("E102").waitFor({ state: "detached" });
    // A region with no store is refused, naming it.
    await page.locator('input[name="addRegion"]').fill("west");
    await page.getByTestId("group-add-region").click();
    await page.getByTestId("error").filter({ hasText: "west" }).waitFor();
  });

  test("the whole group moved to the pilot ring in one action, rings in words", async () => {
    await member("S201").getByTestId("store-ring").filter({ hasText: "常规" }).waitFor();
    await page.locator('select[name="ring"]').selectOption("pilot");
    await page.getByTestId("group-ring").click();
    await page.getByTestId("group-notice").filter({ hasText: "已移动 3 家" }).waitFor();
    await member("S201").getByTestId("store-ring").filter({ hasText: "试点" }).waitFor();
    for (const id of ["E101", "S201", "S202"])
      assert((await api<{ ring: string }>("GET", `/api/v1/stores/${id}`)).ring === "pilot", `${id} in pilot`);
    assert((await api<{ ring: string }>("GET", "/api/v1/stores/E102")).ring === "general", "E102 left alone");
    const found = await rawCodesOn(page);
    assert(found.length === 0, `no codes in zh-CN, found: ${found.join(", ")}`);
  });

  test("a draft change set for exactly the group's stores", async () => {
    await page.getByTestId("group-draft").click();
    await page.getByTestId("group-notice").filter({ hasText: "3 家门店" }).waitFor();
    const drafts = await api<{
      rows: { description: string; target: { kind: string; stores?: string[] } }[];
    }>("GET", "/api/v1/changesets/page?state=draft");
    const cs = drafts.rows.find((d) => d.description.includes("杭深重点店"));
    assert(cs?.target.kind === "stores", "targets stores");
    assert(
      JSON.stringify(cs.target.stores) === JSON.stringify(["E101", "S201", "S202"]),
      "the group's stores",
    );
  });

  test("1280x800 and 1920x1080 without sideways scrolling; English in English mode", async () => {
    for (const size of [
      { width: 1920, height: 1080 },
      { width: 1280, height: 800 },
    ]) {
      await page.setViewportSize(size);
      const wide = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
      assert(!wide, `fits ${size.width} wide`);
    }
    await page.getByTestId("lang").click();
    await page.getByRole("heading", { name: "Store groups", exact: true }).waitFor();
    await member("S201").getByTestId("store-ring").filter({ hasText: "pilot" }).waitFor();
    await page.getByTestId("lang").click();
  });
});
