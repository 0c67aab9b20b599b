// A stocktake end to end in a real browser against a real store edge and HQ hub: goods received
// at the store, HQ opens a cycle count, two counters join on two devices (/stocktake) and scan at
// once, the line far from the book is recounted, the count goes up to HQ, HQ approves, and the
// store's stock and the screen follow; a wrong PIN and a SKU outside the count are refused in
// Chinese words.
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
});
