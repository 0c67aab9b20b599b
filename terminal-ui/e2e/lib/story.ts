// One e2e story's set-up: a store (HQ hub + enrolled edge, lib/store.ts) and a till page in the
// suite's browser, opened in beforeAll and closed in afterAll, and the cashier's sign-in with the
// shift opened. For new stories; the older ones still carry their own copy of these lines.
import type { Page } from "playwright-core";
import { openContext } from "./browser.ts";
import { CASHIER } from "./fixtures.ts";
import { openStore, type Store } from "./store.ts";
import { test } from "./test.ts";
import { tillPage } from "./till-page.ts";

export function tillStory(storeId = "S001") {
  const story = {
    store: undefined as unknown as Store,
    page: undefined as unknown as Page,
    /** Cashier 1001 signs in and opens the shift with ¥500: the scan field is ready. */
    async signInWithShift() {
      const { byId, visible } = tillPage(() => story.page);
      await story.page.goto(`${story.store.http}/`);
      await visible("login-form");
      await byId("login-id").fill(CASHIER.id);
      await byId("login-pin").fill(CASHIER.pin);
      await byId("login-pin").press("Enter");
      await visible("open-form");
      await byId("open-float").fill("500");
      await byId("open-float").press("Enter");
      await visible("scan-input");
    },
  };
  let browser: Awaited<ReturnType<typeof openContext>> | undefined;
  test.beforeAll(async ({ browser: pwBrowser }) => {
    test.setTimeout(120_000); // a hub and an edge start, the catalog is released
    story.store = await openStore(storeId);
    browser = await openContext(pwBrowser);
    story.page = await browser.context.newPage();
  });
  test.afterAll(async () => {
    await browser?.close();
    await story.store?.close();
  });
  return story;
}
