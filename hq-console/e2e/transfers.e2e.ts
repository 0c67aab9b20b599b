// Store transfers in the console against a real hub: a store's opening stock arrives over MQTT
// (a receipt priced from its supplier's list), then what an HQ stock planner does in a browser:
// requests a transfer of 10 milk to another store, approves it, ships it (the cost in transit
// shown: 10 x ¥3.00), receives 8 (a difference of -2 at the receiver), and the screens in
// English. The hub's stock answers agree at each step.
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { ensureConsoleBuild } from "../scripts/ensure-build.ts";
import { scrollsSideways } from "./lib/console.ts";
import { ADMIN_TOKEN, hubApi, type Proc, startHub, stop, tempDir, until } from "./lib/procs.ts";
import { connectStore, type Enrolled, type StoreWire, uuidv7 } from "./lib/store.ts";
import { test } from "./lib/test.ts";

function assert(cond: unknown, what: string): asserts cond {
  if (!cond) throw new Error(`expected: ${what}`);
}

test.describe("hq-console transfers e2e", () => {
  test.describe.configure({ mode: "serial" });
  let hub: Proc | undefined;
  let http = "";
  let wire: StoreWire | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  const api = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
    hubApi<T>(http, method, path, body);
  const onHand = async (store: string) =>
    (await api<{ on_hand: number }[]>("GET", `/api/v1/stores/${store}/stock?sku=M1`))[0]?.on_hand ?? 0;

  test.beforeAll(async ({ browser }) => {
    test.setTimeout(180_000);
    const consoleDir = ensureConsoleBuild();
    hub = await startHub(join(tempDir("hq-console-transfers-"), "hq"), consoleDir);
    http = hub.ready.http!;
    await api("POST", "/api/v1/stores", { id: "T01", name: "杭州滨江店", region: "east" });
    await api("POST", "/api/v1/stores", { id: "T02", name: "杭州西湖店", region: "east" });
    const { code } = await api<{ code: string }>("POST", "/api/v1/stores/T01/enrollment-code");
    const enrolled = await hubApi<Enrolled>(http, "POST", "/api/v1/enroll", { code }, "");
    const job = await api<{ id: string }>(
      "POST",
      "/api/v1/imports/products",
      "sku,name,category,unit,taxRate,weighed,status\nM1,纯牛奶 250ml,10/1001,EA,13,false,active\n",
    );
    await until(
      async () => (await api<{ state: string }>("GET", `/api/v1/imports/${job.id}`)).state === "done",
      15_000,
      "products imported",
    );
    await api("POST", "/api/v1/suppliers", {
      id: "SUP-YILI",
      name: "伊利",
      leadTimeDays: 3,
      minOrderQty: 1,
      packSize: 1,
    });
    await api("POST", "/api/v1/suppliers/SUP-YILI/prices", {
      prices: [{ sku: "M1", costFen: 300, taxRate: 13, effectiveFrom: "2026-01-01" }],
    });
    const at = new Date().toISOString();
    wire = await connectStore(enrolled);
    await wire.publish("events", [
      {
        v: 1,
        id: uuidv7(),
        type: "receiving.confirmed",
        storeId: "T01",
        seq: 1,
        occurredAt: at,
        payload: {
          receivingId: uuidv7(),
          supplierId: "SUP-YILI",
          confirmedBy: "9001",
          lines: [{ sku: "M1", qty: 40 }],
          confirmedAt: at,
        },
      },
    ]);
    await until(async () => (await onHand("T01")) === 40, 15_000, "opening stock at T01");
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "zh-CN" });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${http}/`);
    await page.locator('input[name="token"]').fill(ADMIN_TOKEN);
    await page.getByRole("button", { name: "登录" }).click();
    await page.locator("nav.side").waitFor();
  });
  test.afterAll(async () => {
    await context?.close();
    await wire?.close();
    await stop(hub);
  });

  test("request a transfer of 10 milk from 滨江 to 西湖", async () => {
    await page.getByRole("link", { name: "门店调拨", exact: true }).click();
    await page.getByRole("heading", { name: "门店调拨" }).waitFor();
    await page.getByTestId("transfer-new").evaluate((d) => {
      (d as HTMLDetailsElement).open = true;
    });
    const form = page.locator('[data-testid="transfer-form"][data-loaded="true"]');
    await form.waitFor();
    await form.locator('select[name="from"]').selectOption("T01");
    await form.locator('select[name="to"]').selectOption("T02");
    await form.locator('input[name="sku-0"]').fill("M1");
    await form.locator('input[name="qty-0"]').fill("10");
    await page.getByTestId("transfer-create").click();
    await page.locator('[data-testid="transfer-detail"][data-status="requested"]').waitFor();
    await page.getByTestId("transfer-status").filter({ hasText: "待审批" }).waitFor();
    await page.locator('[data-testid="transfer-item"][data-status="requested"]').waitFor();
    assert((await onHand("T01")) === 40, "nothing moves on a request");
  });

  test("approve, ship: the sender's stock leaves, its cost is in transit", async () => {
    await page.getByTestId("transfer-approve").click();
    await page.locator('[data-testid="transfer-detail"][data-status="approved"]').waitFor();
    await page.getByTestId("transfer-ship").click();
    await page.locator('[data-testid="transfer-detail"][data-status="shipped"]').waitFor();
    await page.getByTestId("transfer-in-transit").filter({ hasText: "¥30.00" }).waitFor();
    assert((await onHand("T01")) === 30, "T01 shipped 10");
    assert((await onHand("T02")) === 0, "nothing arrived yet");
  });

  test("receive 8 of 10: the difference of -2 is shown, in transit back to zero", async () => {
    await page.locator('input[name="step-qty-M1"]').fill("8");
    await page.getByTestId("transfer-receive").click();
    await page.locator('[data-testid="transfer-detail"][data-status="received"]').waitFor();
    await page.getByTestId("line-difference").filter({ hasText: "-2" }).waitFor();
    await page.getByTestId("transfer-in-transit").filter({ hasText: "¥0.00" }).waitFor();
    assert((await onHand("T02")) === 8, "T02 received 8");
    await page.locator('[data-testid="transfer-item"][data-status="received"]').waitFor();
  });

  test("refused steps are said plainly; the screen in English", async () => {
    // Over-shipping an approved transfer: the hub's reason on screen.
    await page.getByTestId("transfer-new").evaluate((d) => {
      (d as HTMLDetailsElement).open = true;
    });
    const form = page.locator('[data-testid="transfer-form"][data-loaded="true"]');
    await form.locator('select[name="from"]').selectOption("T01");
    await form.locator('select[name="to"]').selectOption("T02");
    await form.locator('input[name="sku-0"]').fill("M1");
    await form.locator('input[name="qty-0"]').fill("5");
    await page.getByTestId("transfer-create").click();
    await page.locator('[data-testid="transfer-detail"][data-status="requested"]').waitFor();
    await page.getByTestId("transfer-approve").click();
    await page.locator('[data-testid="transfer-detail"][data-status="approved"]').waitFor();
    await page.locator('input[name="step-qty-M1"]').fill("6");
    await page.getByTestId("transfer-ship").click();
    await page.getByTestId("error").filter({ hasText: "5 were requested" }).waitFor();
    await page.getByTestId("lang").first().click();
    await page.getByRole("heading", { name: "Store transfers" }).waitFor();
    await page.getByTestId("transfer-status").filter({ hasText: "approved" }).waitFor();
    await page.getByTestId("lang").first().click();
    await page.getByRole("heading", { name: "门店调拨" }).waitFor();
  });

  test("at 1280x800 and 1920x1080 the list and a document fit without sideways scrolling", async () => {
    for (const size of [
      { width: 1280, height: 800 },
      { width: 1920, height: 1080 },
    ]) {
      await page.setViewportSize(size);
      await page.goto(`${http}/transfers`);
      await page.locator('[data-testid="transfer-list"] [data-testid="transfer-item"]').first().waitFor();
      await page
        .locator('[data-testid="transfer-list"] [data-testid="transfer-item"] button')
        .first()
        .click();
      await page.locator('[data-testid="transfer-detail"] [data-testid="transfer-lines"]').waitFor();
      assert(!(await scrollsSideways(page)), `/transfers fits ${size.width} wide`);
    }
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});
