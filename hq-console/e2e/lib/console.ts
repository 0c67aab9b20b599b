// Set-up steps the console's browser suites share: products imported through the hub's CSV
// import (waited for), and a signed-in admin browser on one screen.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { ADMIN_TOKEN, hubApi, until } from "./procs.ts";

/** Imports a products CSV (header sku,name,category,unit,taxRate,weighed,status) and waits for it. */
export async function importProducts(http: string, csv: string): Promise<void> {
  const job = await hubApi<{ id: string }>(http, "POST", "/api/v1/imports/products", csv);
  await until(
    async () => (await hubApi<{ state: string }>(http, "GET", `/api/v1/imports/${job.id}`)).state === "done",
    15_000,
    "products imported",
  );
}

/** Signs `page` in with the admin token and waits for the console's navigation. */
export async function signInPage(page: Page, http: string, token = ADMIN_TOKEN): Promise<void> {
  await page.goto(`${http}/`);
  await page.locator('input[name="token"]').fill(token);
  await page.getByRole("button", { name: /登录|Sign in/ }).click();
  await page.locator("nav.side").waitFor();
}

/** Clicks the navigation link `name` and waits for the screen's heading of the same words. */
export async function openScreen(page: Page, name: string): Promise<void> {
  await page.getByRole("link", { name, exact: true }).click();
  await page.getByRole("heading", { name, exact: true }).waitFor();
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
  await openScreen(page, linkName);
  return { context, page };
}

/** True when the page scrolls sideways at its current size (the console must fit 1280 and 1920 wide). */
export function scrollsSideways(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
}
