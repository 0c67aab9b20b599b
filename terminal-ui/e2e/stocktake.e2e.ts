// A stocktake end to end in a real browser against a real store edge and HQ hub: goods received
// at the store, HQ opens a cycle count, two counters join on two devices (/stocktake) and scan at
// once, the line far from the book is recounted, the count goes up to HQ, HQ approves, and the
// store's stock and the screen follow; a wrong PIN and a SKU outside the count are refused in
// Chinese words. Then dated goods counted by lot: the scan asks for the lot (the known ones as
// buttons, blind: no quantities), a lot picked, one typed, the undated rest; HQ's approval moves
// each lot, at the store and in HQ's mirror.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { openContext } from "./lib/browser.ts";
import { CASHIER, P, SUPERVISOR } from "./lib/fixtures.ts";
import { edge, until } from "./lib/procs.ts";
import { openStore, type Store } from "./lib/store.ts";
import { test } from "./lib/test.ts";

test.describe("terminal-ui e2e: stocktake (盘点)", () => {
  test.describe.configure({ mode: "serial" });
  let store: Store;
  let browser: Awaited<ReturnType<typeof openContext>>;
  let a: Page;
  let b: Page;
  let sessionId = "";
  const pageErrors: string[] = [];
  const text = async (p: Page, id: string) => ((await p.getByTestId(id).first().textContent()) ?? "").trim();
  const waitText = (p: Page, id: string, want: RegExp) =>
    until(async () => want.test(await text(p, id)), 20_000, `${id} ~ ${want}`);
  const onHand = async (sku: string) =>
    (await edge<{ onHand: number }>(store.http, "GET", `/products/${sku}`)).onHand;

  const join = async (p: Page, who: { id: string; pin: string }) => {
    await p.goto(`${store.http}/stocktake`);
    await p.locator('[data-testid="stocktake-page"][data-loaded="1"]').waitFor();
    await p.locator(`[data-testid="st-session"][data-id="${sessionId}"]`).waitFor({ timeout: 20_000 });
    await p.locator(`[data-testid="st-session"][data-id="${sessionId}"] [data-testid="st-enter"]`).click();
    await p.getByTestId("st-counter").fill(who.id);
    await p.getByTestId("st-pin").fill(who.pin);
    await p.getByTestId("st-join").click();
    await p.getByTestId("st-code").waitFor();
  };
  const count = async (p: Page, code: string, qty: number) => {
    await p.getByTestId("st-qty").fill(String(qty));
    await p.getByTestId("st-code").fill(code);
    await p.getByTestId("st-code").press("Enter");
  };

  test.beforeAll(async ({ browser: pwBrowser }) => {
    test.setTimeout(120_000);
    store = await openStore("S005");
    browser = await openContext(pwBrowser);
    a = await browser.context.newPage();
    b = await browser.context.newPage();
    for (const p of [a, b]) p.on("pageerror", (e) => pageErrors.push(e.message));
    await edge(store.http, "POST", "/stock/receivings", {
      cashierId: SUPERVISOR.id,
      pin: SUPERVISOR.pin,
      lines: [
        { sku: P.cola.sku, qty: 24 },
        { sku: P.water.sku, qty: 12 },
      ],
    });
    // Noodles arrive as two dated lots (10 + 8).
    await edge(store.http, "POST", "/stock/receivings", {
      cashierId: SUPERVISOR.id,
      pin: SUPERVISOR.pin,
      lines: [
        {
          sku: P.noodles.sku,
          qty: 18,
          lots: [
            { batch: "N-01", expiresOn: "2027-03-01", qty: 10 },
            { batch: "N-02", expiresOn: "2027-06-01", qty: 8 },
          ],
        },
      ],
    });
  });
  test.afterAll(async () => {
    await browser?.close();
    await store?.close();
  });

  test("HQ opens a cycle count; it reaches the store's counting screen", async () => {
    const r = await store.admin.call<{ session: { id: string } }>("POST", "/api/v1/stocktakes", {
      storeId: "S005",
      kind: "cycle",
      skus: [P.cola.sku, P.water.sku],
      recountOver: 2,
    });
    sessionId = r.session.id;
    await join(a, CASHIER);
    assert.match(await text(a, "st-status"), /盘点中/);
    assert.match(await text(a, "st-lines"), /可口可乐/);
    // Blind: the book (24, 12) is not on screen.
    assert.doesNotMatch(await text(a, "st-lines"), /24|12/);
  });

  test("two counters scan at once; a SKU outside the count is refused; the far line is recounted", async () => {
    await join(b, SUPERVISOR);
    await count(a, P.cola.code, 20);
    await count(b, P.cola.sku, 4);
    await waitText(a, "st-last", /×20/);
    await until(async () => (await text(a, "st-lines")).includes("24"), 20_000, "cola 20 + 4 on a's screen");
    await count(b, P.oil.code, 1);
    await waitText(b, "st-error", /不在本次盘点范围内/);
    await count(a, P.water.code, 3); // 3 of 12: over the threshold of 2
    await a.getByTestId("st-finish").click();
    await waitText(a, "st-status", /复盘中/);
    await waitText(a, "st-recount", /农夫山泉/);
    await count(b, P.water.code, 11);
    await until(async () => (await text(b, "st-lines")).includes("已复盘"), 20_000, "water recounted");
    await b.getByTestId("st-finish").click();
    await waitText(b, "st-status", /已提交总部/);
  });

  test("HQ receives the count, approves it; the store's stock and screen follow", async () => {
    type Detail = {
      status: string;
      lines: { sku: string; expected: number; counted: number; recounted: boolean }[];
    };
    let d: Detail | undefined;
    await until(
      async () => {
        d = await store.admin.call<Detail>("GET", `/api/v1/stocktakes/${sessionId}`);
        return d.status === "submitted";
      },
      30_000,
      "the count at HQ",
    );
    assert.deepEqual(
      d!.lines.map((l) => [l.sku, l.expected, l.counted, l.recounted]),
      [
        [P.cola.sku, 24, 24, false],
        [P.water.sku, 12, 11, true],
      ],
    );
    await store.admin.call("POST", `/api/v1/stocktakes/${sessionId}/approve`, {});
    await until(async () => (await onHand(P.water.sku)) === 11, 30_000, "the adjustment at the store");
    assert.equal(await onHand(P.cola.sku), 24);
    await waitText(a, "st-status", /已批准/);
    assert.deepEqual(pageErrors, []);
  });

  test("dated goods counted by lot: the scan asks for its lot, picked or typed or 无批次; approval moves each lot on both sides", async () => {
    const r = await store.admin.call<{ session: { id: string } }>("POST", "/api/v1/stocktakes", {
      storeId: "S005",
      kind: "cycle",
      skus: [P.noodles.sku],
      recountOver: 50,
    });
    sessionId = r.session.id;
    await join(a, CASHIER);
    // The plain barcode: the screen asks for the lot, in Chinese, naming the known lots only.
    await count(a, P.noodles.code, 9);
    const picker = a.getByTestId("st-pick-lot");
    await picker.waitFor();
    assert.match((await picker.textContent()) ?? "", /按批次盘点，请选择批次/);
    assert.deepEqual(
      await picker.getByTestId("st-lot").evaluateAll((els) => els.map((e) => e.textContent?.trim())),
      ["N-01 · 到期 2027-03-01", "N-02 · 到期 2027-06-01"],
    );
    assert.doesNotMatch((await picker.textContent()) ?? "", /\b(10|8|18)\b/); // blind
    await picker.locator('[data-testid="st-lot"][data-batch="N-01"]').click();
    await picker.waitFor({ state: "detached" });
    await waitText(a, "st-last", /N-01 ×9 → 9/);
    // N-02 typed with its expiry (zh-CN yyyy-mm-dd in a text field), and one undated pack found.
    await a.getByTestId("st-batch").fill("N-02");
    await a.getByTestId("st-expiry").fill("2027-06-01");
    await count(a, P.noodles.code, 8);
    await waitText(a, "st-last", /N-02 ×8 → 17/);
    await count(a, P.noodles.code, 1);
    await a.getByTestId("st-pick-lot").waitFor();
    await a.getByTestId("st-lot-undated").click();
    await waitText(a, "st-last", /无批次.*×1 → 18/);
    const line = a.locator(`[data-testid="st-line"][data-sku="${P.noodles.sku}"]`);
    assert.deepEqual(
      await line
        .getByTestId("st-line-lot")
        .evaluateAll((els) => els.map((e) => e.textContent?.replace(/\s+/g, " ").trim())),
      ["N-01 · 到期 2027-03-01: 9", "N-02 · 到期 2027-06-01: 8", "无批次（退货、盘盈等）: 1"],
    );
    await a.getByTestId("st-finish").click();
    await waitText(a, "st-status", /已提交/);
    await until(
      async () =>
        (await store.admin.call<{ status: string }>("GET", `/api/v1/stocktakes/${sessionId}`)).status ===
        "submitted",
      30_000,
      "the count at HQ",
    );
    await store.admin.call("POST", `/api/v1/stocktakes/${sessionId}/approve`, {});
    await waitText(a, "st-status", /已批准/);
    // N-01 one short, the undated pack found: each lot moved by its own difference.
    const want = [
      { batch: "", expiresOn: null, qty: 1 },
      { batch: "N-01", expiresOn: "2027-03-01", qty: 9 },
      { batch: "N-02", expiresOn: "2027-06-01", qty: 8 },
    ];
    const atStore = async () =>
      (
        await edge<{ lots: { batch: string; expiresOn: string | null; qty: number }[] }>(
          store.http,
          "GET",
          `/stock/${P.noodles.sku}/lots`,
        )
      ).lots;
    await until(
      async () => JSON.stringify(await atStore()) === JSON.stringify(want),
      30_000,
      "the lots at the store",
    );
    const atHq = await store.admin.call<{ lots: { batch: string; expiresOn: string | null; qty: number }[] }>(
      "GET",
      `/api/v1/stores/S005/lots/${P.noodles.sku}`,
    );
    assert.deepEqual(atHq.lots, want);
    assert.deepEqual(pageErrors, []);
  });
});
