// Store transfers in the console against a real hub: a store's opening stock arrives over MQTT
// (a receipt priced from its supplier's list), then what an HQ stock planner does in a browser:
// requests a transfer of 10 milk to another store, approves it, ships it (the cost in transit
// shown: 10 x ¥3.00), receives 8 (a difference of -2 at the receiver), and the screens in
// English. The hub's stock answers agree at each step.
import type { Page } from "playwright-core";
import { type Bed, startBed } from "./lib/bed.ts";
import { scrollsSideways } from "./lib/console.ts";
import { until } from "./lib/procs.ts";
import { eventEnvelope, uuidv7 } from "./lib/store.ts";
import { test } from "./lib/test.ts";

function assert(cond: unknown, what: string): asserts cond {
  if (!cond) throw new Error(`expected: ${what}`);
}

test.describe("hq-console transfers e2e", () => {
  test.describe.configure({ mode: "serial" });
  let bed: Bed | undefined;
  let page: Page;
  const api = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
    bed!.api<T>(method, path, body);
  const onHand = async (store: string) =>
    (await api<{ on_hand: number }[]>("GET", `/api/v1/stores/${store}/stock?sku=M1`))[0]?.on_hand ?? 0;

  test.beforeAll(async ({ browser }) => {
    test.setTimeout(180_000);
    bed = await startBed("transfers");
    await api("POST", "/api/v1/stores", { id: "T02", name: "杭州西湖店", region: "east" });
    const enrolled = await bed.enrol({ id: "T01", name: "杭州滨江店", region: "east" });
    await bed.importProducts(
      "sku,name,category,unit,taxRate,weighed,status\nM1,纯牛奶 250ml,10/1001,EA,13,false,active\n",
    );
    await bed.supplier({ id: "SUP-YILI", name: "伊利", leadTimeDays: 3 }, { M1: 300 });
    const wire = await bed.connect(enrolled);
    const at = new Date().toISOString();
    await wire.publish("events", [
      eventEnvelope("T01", 1, "receiving.confirmed", {
        receivingId: uuidv7(),
        supplierId: "SUP-YILI",
        confirmedBy: "9001",
        lines: [{ sku: "M1", qty: 40 }],
        confirmedAt: at,
      }),
    ]);
    await until(async () => (await onHand("T01")) === 40, 15_000, "opening stock at T01");
    ({ page } = await bed.signIn(browser));
  });
  test.afterAll(async () => {
    await bed?.close();
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
      await page.goto(`${bed!.http}/transfers`);
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
