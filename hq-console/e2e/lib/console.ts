// Set-up steps the console's browser suites share: products imported through the hub's CSV
// import (waited for), and a signed-in admin browser on one screen.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { signInPage } from "./bed.ts";
import { hubApi, until } from "./procs.ts";

/** Imports a products CSV (header sku,name,category,unit,taxRate,weighed,status) and waits for it. */
export async function importProducts(http: string, csv: string): Promise<void> {
  const job = await hubApi<{ id: string }>(http, "POST", "/api/v1/imports/products", csv);
  await until(
    async () => (await hubApi<{ state: string }>(http, "GET", `/api/v1/imports/${job.id}`)).state === "done",
    15_000,
    "products imported",
  );
}

/** A zh-CN browser at 1280x800 signed in as the admin, on the screen behind the link `linkName`. */
export async function signedIn(
  browser: Browser,
  http: string,
  linkName: string,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "zh-CN" });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  await signInPage(page, http);
  await page.getByRole("link", { name: linkName, exact: true }).click();
  await page.getByRole("heading", { name: linkName, exact: true }).waitFor();
  return { context, page };
}

/** True when the page scrolls sideways at its current size (the console must fit 1280 and 1920 wide). */
export function scrollsSideways(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
}
