// Near expiry at the store end to end in a real browser against a real store edge and HQ hub:
// goods received with dated lots (one past its date, one near it, one later), the /expiry screen
// lists them soonest first in Chinese words, a wrong PIN refuses the write-off, the right one
// writes off the expired lot once (报损), the list follows, and HQ's mirror of the store's lots
// gets it over MQTT exactly once.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { openContext } from "./lib/browser.ts";
import { P, SUPERVISOR } from "./lib/fixtures.ts";
import { edge, until } from "./lib/procs.ts";
import { openStore, receive, type Store } from "./lib/store.ts";
import { test } from "./lib/test.ts";

const STORE = "S006";
const day = (n: number) =>
  new Date(
    Date.parse(`${new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10)}T00:00:00Z`) +
      n * 86_400_000,
  )
    .toISOString()
    .slice(0, 10);

test.describe("terminal-ui e2e: near expiry (临期商品)", () => {
  test.describe.configure({ mode: "serial" });
  let store: Store;
  let browser: Awaited<ReturnType<typeof openContext>>;
  let page: Page;
  const lot = (batch: string) => page.locator(`[data-testid="ex-lot"][data-batch="${batch}"]`);

  test.beforeAll(async ({ browser: pwBrowser }) => {
    test.setTimeout(120_000);
    store = await openStore(STORE);
    browser = await openContext(pwBrowser);
    page = await browser.context.newPage();
    await receive(store, [
      {
        sku: P.cola.sku,
        qty: 24,
        lots: [
          { batch: "OLD-01", expiresOn: day(-1), qty: 4 },
          { batch: "NEAR-02", expiresOn: day(2), qty: 8 },
          { batch: "LATE-03", expiresOn: day(40), qty: 12 },
        ],
      },
    ]);
  });
  test.afterAll(async () => {
    await browser?.close();
    await store?.close();
  });

  test("the lots near expiry, soonest first, in Chinese", async () => {
    await page.goto(`${store.http}/expiry`);
    await page.locator('[data-testid="expiry-page"][data-loaded="1"]').waitFor();
    await lot("OLD-01").getByTestId("ex-left").filter({ hasText: "已过期" }).waitFor();
    await lot("NEAR-02").getByTestId("ex-left").filter({ hasText: "2 天" }).waitFor();
    await lot("NEAR-02").filter({ hasText: P.cola.name }).waitFor();
    assert.equal(await lot("LATE-03").count(), 0, "the late lot is not near expiry");
    const order = await page
      .locator('[data-testid="ex-lot"]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-batch")));
    assert.deepEqual(order, ["OLD-01", "NEAR-02"]);
  });

  test("a wrong PIN is refused; the right one writes off the expired lot once; HQ's mirror follows", async () => {
    await page.getByTestId("ex-staff").fill(SUPERVISOR.id);
    await page.getByTestId("ex-pin").fill("0000");
    await page.getByTestId("ex-writeoff").click();
    await page.getByTestId("ex-error").waitFor();
    assert.equal(await lot("OLD-01").count(), 1, "nothing written off");
    await page.getByTestId("ex-pin").fill(SUPERVISOR.pin);
    await page.getByTestId("ex-writeoff").click();
    await page.getByTestId("ex-done").filter({ hasText: "已报损 4 件" }).waitFor();
    await lot("OLD-01").waitFor({ state: "detached" });
    await lot("NEAR-02").waitFor();
    assert.equal((await edge<{ onHand: number }>(store.http, "GET", `/products/${P.cola.sku}`)).onHand, 20);
    // Again: nothing is past its date any more.
    await page.getByTestId("ex-pin").fill(SUPERVISOR.pin);
    await page.getByTestId("ex-writeoff").click();
    await page.getByTestId("ex-error").filter({ hasText: "没有已过期的批次" }).waitFor();
    await until(
      async () => {
        const l = await store.admin.call<{ onHand: number; shelf: { batch: string; qty: number }[] }>(
          "GET",
          `/api/v1/stores/${STORE}/lots/${P.cola.sku}`,
        );
        return (
          l.onHand === 20 && l.shelf.map((s) => `${s.batch}:${s.qty}`).join(",") === "NEAR-02:8,LATE-03:12"
        );
      },
      20_000,
      "HQ's mirror of the store's lots",
    );
  });
});
