// The stocktake screen against a real hub in Chromium: HQ opens a cycle count at a store from
// the console, the store's finished count arrives over MQTT (as the edge sends it), the console
// shows each line against the book with the difference valued at the store's average cost and
// the alerts (a big variance, negative book stock), and approving posts the adjustments (HQ's
// on-hand follows, a line counted by lot moves each lot) and the screen says so.
import type { Page } from "playwright-core";
import { type Bed, startBed } from "./lib/bed.ts";
import { scrollsSideways } from "./lib/console.ts";
import { until } from "./lib/procs.ts";
import { eventEnvelope, type StoreWire, uuidv7 } from "./lib/store.ts";
import { test } from "./lib/test.ts";

const STORE = "S030";

function assert(cond: unknown, what: string): asserts cond {
  if (!cond) throw new Error(`expected: ${what}`);
}

test.describe("hq-console stocktakes e2e", () => {
  test.describe.configure({ mode: "serial" });
  let bed: Bed | undefined;
  let http = "";
  let wire: StoreWire | undefined;
  let page: Page;
  let seq = 0;
  let sessionId = "";
  const api = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
    bed!.api<T>(method, path, body);
  const envelope = (type: string, payload: unknown) => eventEnvelope(STORE, ++seq, type, payload);
  const onHand = async (sku: string) =>
    (await api<{ sku: string; on_hand: number }[]>("GET", `/api/v1/stores/${STORE}/stock?sku=${sku}`))[0]
      ?.on_hand ?? 0;

  test.beforeAll(async ({ browser }) => {
    test.setTimeout(180_000);
    bed = await startBed("stocktakes");
    http = bed.http;
    const enrolled = await bed.enrol({ id: STORE, name: "苏州园区店", region: "east" });
    await bed.importProducts(
      "sku,name,category,unit,taxRate,weighed,status\nM1,纯牛奶 250ml,10/1001,EA,13,false,active\nM2,进口红酒,10/1002,EA,13,false,active\nM3,矿泉水,10/1003,EA,13,false,active\n",
    );
    await bed.supplier({ id: "SUP1", name: "供应商" }, { M1: 300, M2: 8800 });
    wire = await bed.connect(enrolled);
    await wire.publish("events", [
      envelope("receiving.confirmed", {
        receivingId: uuidv7(),
        supplierId: "SUP1",
        confirmedBy: "9001",
        lines: [
          { sku: "M1", qty: 40 },
          { sku: "M2", qty: 10 },
        ],
        confirmedAt: new Date().toISOString(),
      }),
    ]);
    await until(async () => (await onHand("M2")) === 10, 20_000, "the receipt at HQ");

    ({ page } = await bed.signIn(browser));
    await page.getByRole("link", { name: "盘点", exact: true }).click();
    await page.locator('[data-testid="stocktakes"][data-loaded="1"]').waitFor();
  });
  test.afterAll(async () => {
    await bed?.close();
  });

  test("HQ opens a cycle count at the store from the console; a bad SKU is refused", async () => {
    await page.getByTestId("st-store").fill(STORE);
    await page.getByTestId("st-skus").fill("M1, NOPE");
    await page.getByTestId("st-open").click();
    await page.getByTestId("error").filter({ hasText: /NOPE/ }).waitFor();
    await page.getByTestId("st-skus").fill("M1，M2, M3");
    await page.getByTestId("st-open").click();
    const detail = page.locator('[data-testid="st-detail"][data-status="requested"]');
    await detail.waitFor();
    sessionId = (await detail.getAttribute("data-id")) ?? "";
    assert(sessionId.startsWith("ST-"), `a session id (${sessionId})`);
    await page.getByTestId("st-status").filter({ hasText: "已下发，门店盘点中" }).waitFor();
  });

  test("the store's count arrives: differences at average cost, alerts; approval posts them", async () => {
    await wire!.publish("events", [
      envelope("stocktake.submitted", {
        sessionId,
        kind: "cycle",
        origin: "hq",
        openedBy: "admin",
        openedAt: new Date().toISOString(),
        submittedBy: "1001",
        submittedAt: new Date().toISOString(),
        recountOver: 2,
        lines: [
          {
            sku: "M1",
            expected: 40,
            counted: 39,
            recounted: false,
            counters: ["1001"],
            // Counted by lot: 30 of a dated lot the book did not know, 9 without a date.
            lots: [
              { batch: "", expected: 40, counted: 9 },
              { batch: "L-0501", expiresOn: "2027-05-01", expected: 0, counted: 30 },
            ],
          },
          { sku: "M2", expected: 10, counted: 7, recounted: true, counters: ["1001", "1002"] },
          { sku: "M3", expected: -2, counted: 0, recounted: false, counters: ["1002"] },
        ],
      }),
    ]);
    await until(
      async () =>
        (await api<{ status: string }>("GET", `/api/v1/stocktakes/${sessionId}`)).status === "submitted",
      20_000,
      "the count at HQ",
    );
    await page.reload();
    await page.locator('[data-testid="stocktakes"][data-loaded="1"]').waitFor();
    await page.locator(`[data-testid="st-row"][data-id="${sessionId}"][data-status="submitted"]`).click();
    await page.locator('[data-testid="st-detail"][data-status="submitted"]').waitFor();
    const value = (sku: string) =>
      page.locator(`[data-testid="st-line"][data-sku="${sku}"] [data-testid="st-value"]`);
    await value("M1").filter({ hasText: "-¥3.00" }).waitFor();
    await value("M2").filter({ hasText: "-¥264.00" }).waitFor();
    const lot = (batch: string) =>
      page.locator(`[data-testid="st-line"][data-sku="M1"] [data-testid="st-lot"][data-batch="${batch}"]`);
    await lot("L-0501").filter({ hasText: "L-0501 · 到期 2027-05-01: 30 (账面 0)" }).waitFor();
    await lot("").filter({ hasText: "无批次: 9 (账面 40)" }).waitFor();
    await page.getByTestId("st-totals").filter({ hasText: "盘亏" }).filter({ hasText: "-¥267.00" }).waitFor();
    await page
      .locator('[data-testid="st-alert"][data-sku="M2"][data-kind="big_variance"]')
      .filter({ hasText: "大额差异" })
      .waitFor();
    await page
      .locator('[data-testid="st-alert"][data-sku="M3"][data-kind="negative_book"]')
      .filter({ hasText: "账面负库存" })
      .waitFor();
    await page.getByTestId("st-approve").click();
    await page.locator('[data-testid="st-detail"][data-status="approved"]').waitFor();
    await page.getByTestId("st-status").filter({ hasText: "已批准入账" }).waitFor();
    assert((await onHand("M1")) === 39, "M1 39 at HQ");
    assert((await onHand("M2")) === 7, "M2 7 at HQ");
    assert((await onHand("M3")) === 2, "M3 +2 at HQ");
    // Each lot moved by its own count: HQ's mirror holds the counted lots.
    const lots = await api<{ lots: { batch: string; qty: number }[] }>(
      "GET",
      `/api/v1/stores/${STORE}/lots/M1`,
    );
    assert(
      JSON.stringify(lots.lots.map((l) => [l.batch, l.qty])) ===
        JSON.stringify([
          ["", 9],
          ["L-0501", 30],
        ]),
      `M1's lots at HQ: ${JSON.stringify(lots.lots)}`,
    );
  });

  test("the count's alerts are on 数据异常 too (negative book stock, a big variance), with the count", async () => {
    await page.getByRole("link", { name: "数据异常", exact: true }).click();
    await page.getByTestId("tab-stocktake-alerts").click();
    await page.locator('[data-testid="exception-stocktake-alerts"][data-loaded="1"]').waitFor();
    const row = (sku: string, kind: string) =>
      page.locator(
        `[data-testid="exception-st-alert"][data-sku="${sku}"][data-kind="${kind}"][data-session="${sessionId}"]`,
      );
    await row("M2", "big_variance").filter({ hasText: "大额差异" }).filter({ hasText: "-¥264.00" }).waitFor();
    await row("M3", "negative_book").filter({ hasText: "账面负库存" }).filter({ hasText: STORE }).waitFor();
    await row("M2", "big_variance").filter({ hasText: "已批准入账" }).waitFor();
    assert(
      (await page.locator('[data-testid="exception-st-alert"][data-sku="M1"]').count()) === 0,
      "M1 is no alert",
    );
  });

  test("at 1280x800 and 1920x1080 the list and a document fit without sideways scrolling", async () => {
    for (const size of [
      { width: 1280, height: 800 },
      { width: 1920, height: 1080 },
    ]) {
      await page.setViewportSize(size);
      await page.goto(`${http}/stocktakes`);
      await page.locator('[data-testid="st-sessions"] [data-testid="st-row"]').first().waitFor();
      await page.locator('[data-testid="st-sessions"] [data-testid="st-row"]').first().click();
      await page.locator('[data-testid="st-detail"] [data-testid="st-lines"]').waitFor();
      assert(!(await scrollsSideways(page)), `/stocktakes fits ${size.width} wide`);
    }
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});
