// Every till screen at 1024x768, the thin client's screen, in zh-CN: sign-in, open shift, the sale
// with its lines and every F-key dialog, pay, the finished sale, a return, stock with the supply
// panel, receiving (list and a delivery), the shift menu and each of its tabs, a supervisor's
// dialog, the lock screen, stocktake, near expiry and the customer display. At each one
// lib/layout.ts names what does not fit (sideways scrolling, words wider than their button,
// controls cut off, covered or on top of each other) and what shows a raw code instead of words.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { CASHIER, P, SUPERVISOR } from "./lib/fixtures.ts";
import { layoutFindings, rawCodesOn } from "./lib/layout.ts";
import { edge, until } from "./lib/procs.ts";
import { receive } from "./lib/store.ts";
import { tillStory } from "./lib/story.ts";
import { test } from "./lib/test.ts";
import { tillPage } from "./lib/till-page.ts";

const STORE = "S001";

test.describe("terminal-ui e2e: the layout check itself (lib/layout.ts)", () => {
  const CSS =
    "<style>html,body{margin:0;height:100%;overflow:hidden;font:18px sans-serif}*{box-sizing:border-box}</style>";

  test("a screen that fits has no findings; a raw code and a snake_case token are named", async ({
    page,
  }) => {
    await page.setContent(
      `${CSS}<main><div style="display:flex;gap:8px"><input style="flex:1;min-width:0"><button>查找</button></div><p>已下单</p></main>`,
    );
    assert.deepEqual(await layoutFindings(page), []);
    assert.deepEqual(await rawCodesOn(page), []);
    await page.setContent(
      `${CSS}<main><p>补货状态 in_transit</p><p>会员 gold</p><p>refund_failed</p></main>`,
    );
    assert.deepEqual((await rawCodesOn(page)).sort(), ["gold", "in_transit", "refund_failed"]);
  });

  test("squeezed words, sideways scrolling, a control below the screen, overlaps and covers are each named", async ({
    page,
  }) => {
    await page.setContent(
      `${CSS}<div style="display:flex;width:300px"><input style="width:100%"><button style="white-space:nowrap;min-width:48px">收货/调拨</button></div>` +
        `<div style="overflow:auto;width:200px"><table><tr><td style="white-space:nowrap">${"很长的商品名".repeat(10)}</td></tr></table></div>` +
        `<div style="position:relative;height:60px"><button style="position:absolute;left:0;width:120px">确认</button><button style="position:absolute;left:60px;width:120px">返回</button></div>` +
        `<div style="height:700px"></div><button>在屏幕下面</button>`,
    );
    const found = (await layoutFindings(page)).join("\n");
    assert.match(found, /button "收货\/调拨": its words are wider than the button/);
    assert.match(found, /div "很长的商品名.*" scrolls sideways/);
    assert.match(found, /button "在屏幕下面" is outside the 1024x768 screen/);
    assert.match(found, /button "返回" overlaps button "确认"/);
    assert.match(found, /button "确认" is covered by button "返回"/);
  });
});

test.describe("terminal-ui e2e: every screen fits 1024x768 in zh-CN", () => {
  test.describe.configure({ mode: "serial" });
  const story = tillStory(STORE);
  const { shot, byId, visible, hidden, key, scan, text } = tillPage(() => story.page);
  const page = () => story.page;

  /** What does not fit or shows a code on this screen, named with the screen. */
  const check = async (screen: string, p: Page = page()) => {
    await p.evaluate(() => document.fonts.ready);
    const problems = [
      ...(await layoutFindings(p)).map((f) => `${screen}: ${f}`),
      ...(await rawCodesOn(p)).map((c) => `${screen}: raw code "${c}" on screen`),
    ];
    if (p === page()) await shot(`layout-${screen}`);
    return problems;
  };
  const clean = (problems: string[]) => assert.deepEqual(problems, [], problems.join("\n"));
  const dialogOpen = () => page().locator('[role="dialog"]').first().waitFor({ state: "visible" });
  const dialogsClosed = () => page().locator('[role="dialog"]').first().waitFor({ state: "hidden" });

  test("sign-in and open-shift screens", async () => {
    const problems: string[] = [];
    await page().goto(`${story.store.http}/`);
    await visible("login-form");
    problems.push(...(await check("sign-in")));
    await byId("login-id").fill(CASHIER.id);
    await byId("login-pin").fill(CASHIER.pin);
    await byId("login-pin").press("Enter");
    await visible("open-form");
    problems.push(...(await check("open-shift")));
    await byId("open-float").fill("500");
    await byId("open-float").press("Enter");
    await visible("scan-input");
    problems.push(...(await check("sale-empty")));
    clean(problems);
  });

  test("the sale with lines, a promotion, every F-key dialog, pay and the finished sale", async () => {
    const problems: string[] = [];
    for (const code of [P.cola.code, P.cola.code, P.cola.code, P.water.code, P.noodles.code, P.oil.code])
      await scan(code);
    await until(async () => (await byId("cart-line").count()) === 4, 15_000, "four lines");
    await until(async () => (await byId("line-promo").count()) > 0, 15_000, "the multi-buy shown");
    problems.push(...(await check("sale-lines")));
    const dialogs: [string, string][] = [
      ["F1", "help"],
      ["F2", "qty"],
      ["F3", "void-line"],
      ["F4", "override"],
      ["F5", "member"],
      ["F6", "coupon"],
      ["F7", "suspend"],
      ["F8", "return"],
      ["F11", "void-sale"],
      ["Insert", "order-adjust"],
    ];
    for (const [k, name] of dialogs) {
      await key(k);
      await dialogOpen();
      problems.push(...(await check(`dialog-${name}`)));
      await key("Escape");
      await dialogsClosed();
    }
    await key("F10");
    await visible("pay-dialog");
    problems.push(...(await check("pay")));
    await key("F5");
    await visible("sale-done");
    problems.push(...(await check("sale-done")));
    clean(problems);
  });

  test("a return of the sale just made", async () => {
    const problems: string[] = [];
    const receipt = await text("done-receipt");
    await key("F8");
    await byId("return-receipt-input").fill(receipt);
    await byId("return-receipt-input").press("Enter");
    await visible("return-panel");
    await until(async () => (await byId("return-line").count()) === 4, 15_000, "four return lines");
    await byId("return-plus").first().click();
    await until(async () => (await text("return-refund")) !== "", 15_000, "the refund previewed");
    problems.push(...(await check("return")));
    await byId("return-cancel").click();
    await hidden("return-panel");
    clean(problems);
  });

  test("stock: the item's card with its supply panel; receiving: the list and a delivery", async () => {
    const problems: string[] = [];
    const { admin } = story.store;
    await admin.call("POST", "/api/v1/suppliers", {
      id: "SUP-COKE",
      name: "可口可乐华东",
      leadTimeDays: 2,
      minOrderQty: 24,
      packSize: 24,
    });
    await admin.call("PUT", "/api/v1/suppliers/SUP-COKE/skus", { skus: [P.cola.sku, P.water.sku] });
    const order = await admin.call<{ id: string }>("POST", "/api/v1/purchase-orders", {
      storeId: STORE,
      supplierId: "SUP-COKE",
      lines: [
        { sku: P.cola.sku, qty: 24 },
        { sku: P.water.sku, qty: 48 },
      ],
    });
    await admin.call("POST", `/api/v1/purchase-orders/${order.id}/send`);
    await until(
      async () =>
        (
          await edge<{ deliveries: { purchaseOrderId: string }[] }>(
            story.store.http,
            "GET",
            "/stock/deliveries",
          )
        ).deliveries.some((d) => d.purchaseOrderId === order.id),
      20_000,
      "the order at the till",
    );
    await key("F9");
    await visible("stock-dialog");
    await byId("stock-query").fill(P.cola.code);
    await byId("stock-query").press("Enter");
    await visible("stock-card");
    await page().locator('[data-testid="supply-panel"][data-loaded="true"]').waitFor({ timeout: 20_000 });
    problems.push(...(await check("stock-card")));
    await byId("stock-receiving").click();
    await page().locator('[data-testid="receiving"][data-loaded="true"]').waitFor({ timeout: 20_000 });
    problems.push(...(await check("receiving-list")));
    await page().locator(`[data-testid="rv-delivery"][data-id="${order.id}"]`).click();
    await visible("rv-lines");
    await byId("rv-batch").first().fill("KL-2612-A");
    await byId("rv-expires").first().fill("2027-03-01");
    problems.push(...(await check("receiving-delivery")));
    await key("Escape");
    await dialogsClosed();
    clean(problems);
  });

  test("the shift menu, each of its tabs, and a supervisor's dialog", async () => {
    const problems: string[] = [];
    await key("F12");
    await visible("shift-dialog");
    problems.push(...(await check("shift-menu")));
    for (const tab of ["cash", "x", "close", "training", "reprint", "devices"]) {
      await byId(`shift-${tab}`).click();
      await page()
        .waitForLoadState("networkidle")
        .catch(() => {});
      problems.push(...(await check(`shift-${tab}`)));
      await key("Escape");
      await dialogsClosed();
      await key("F12");
      await visible("shift-dialog");
    }
    await byId("shift-nosale").click();
    await visible("nosale-supervisor-dialog");
    problems.push(...(await check("supervisor-dialog")));
    await byId("nosale-supervisor-dialog").getByTestId("supervisor-id").fill(SUPERVISOR.id);
    await byId("nosale-supervisor-dialog").getByTestId("supervisor-pin").fill("0000");
    await byId("nosale-supervisor-dialog").getByTestId("supervisor-pin").press("Enter");
    await page().locator('[data-testid="nosale-supervisor-dialog"] [role="alert"]').first().waitFor();
    problems.push(...(await check("supervisor-refused")));
    await key("Escape");
    await dialogsClosed();
    clean(problems);
  });

  test("the lock screen HQ sends", async () => {
    const problems: string[] = [];
    const command = async (body: Record<string, unknown>) => {
      const sent = await story.store.admin.call<{ id: string }>(
        "POST",
        `/api/v1/stores/${STORE}/commands`,
        body,
      );
      await until(
        async () =>
          (await story.store.admin.call<{ state: string }>("GET", `/api/v1/commands/${sent.id}`)).state !==
          "sent",
        30_000,
        `command ${body.name} answered`,
      );
    };
    await command({ name: "lock_lane", lane: "1", reason: "盘点，请到 2 号收银台结账" });
    await visible("lane-lock", 20_000);
    problems.push(...(await check("lock")));
    await command({ name: "unlock_lane", lane: "1" });
    await hidden("lane-lock", 20_000);
    clean(problems);
  });

  test("stocktake: the sessions, joining and counting", async () => {
    const problems: string[] = [];
    await receive(story.store, [
      { sku: P.cola.sku, qty: 24 },
      { sku: P.water.sku, qty: 12 },
    ]);
    const r = await story.store.admin.call<{ session: { id: string } }>("POST", "/api/v1/stocktakes", {
      storeId: STORE,
      kind: "cycle",
      skus: [P.cola.sku, P.water.sku],
      recountOver: 2,
    });
    const p = page();
    await p.goto(`${story.store.http}/stocktake`);
    await p.locator('[data-testid="stocktake-page"][data-loaded="1"]').waitFor();
    const session = p.locator(`[data-testid="st-session"][data-id="${r.session.id}"]`);
    await session.waitFor({ timeout: 20_000 });
    problems.push(...(await check("stocktake-sessions")));
    await session.getByTestId("st-enter").click();
    await visible("st-counter");
    problems.push(...(await check("stocktake-join")));
    await byId("st-counter").fill(CASHIER.id);
    await byId("st-pin").fill(CASHIER.pin);
    await byId("st-join").click();
    await visible("st-code");
    await byId("st-qty").fill("20");
    await byId("st-code").fill(P.cola.code);
    await byId("st-code").press("Enter");
    await until(async () => /×20/.test(await text("st-last")), 20_000, "the count shown");
    problems.push(...(await check("stocktake-counting")));
    clean(problems);
  });

  test("near expiry", async () => {
    const problems: string[] = [];
    const day = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
    await receive(story.store, [
      {
        sku: P.noodles.sku,
        qty: 12,
        lots: [
          { batch: "OLD-01", expiresOn: day(-1), qty: 4 },
          { batch: "NEAR-02", expiresOn: day(2), qty: 8 },
        ],
      },
    ]);
    await page().goto(`${story.store.http}/expiry`);
    await page().locator('[data-testid="expiry-page"][data-loaded="1"]').waitFor();
    await page().locator('[data-testid="ex-lot"][data-batch="NEAR-02"]').waitFor({ timeout: 20_000 });
    problems.push(...(await check("expiry")));
    clean(problems);
  });

  test("the customer display at 1024x768", async () => {
    const problems: string[] = [];
    await page().goto(`${story.store.http}/`);
    await visible("scan-input");
    for (const code of [P.cola.code, P.cola.code, P.cola.code, P.oil.code]) await scan(code);
    await until(async () => (await byId("cart-line").count()) === 2, 15_000, "two lines");
    const display = await page().context().newPage();
    try {
      await display.goto(`${story.store.http}/display?lane=1`);
      await until(
        async () => (await display.getByTestId("cd-line").count()) === 2,
        15_000,
        "lines on the display",
      );
      problems.push(...(await check("customer-display", display)));
    } finally {
      await display.close();
    }
    clean(problems);
  });
  test("English mode (Ctrl+L): the sale, its F-keys and dialogs, pay and the shift menu fit too", async () => {
    // The words are longer in English; raw codes are not looked for here (English words are codes' words).
    const problems: string[] = [];
    const fits = async (screen: string) => {
      problems.push(...(await layoutFindings(page())).map((f) => `en ${screen}: ${f}`));
      await shot(`layout-en-${screen}`);
    };
    await key("Control+l");
    await until(async () => (await text("fkey-F1")).includes("Help"), 10_000, "English F-keys");
    await fits("sale-lines");
    for (const [k, name] of [
      ["F1", "help"],
      ["F4", "override"],
      ["F5", "member"],
      ["F7", "suspend"],
      ["F8", "return"],
      ["F11", "void-sale"],
      ["Insert", "order-adjust"],
    ] as const) {
      await key(k);
      await dialogOpen();
      await fits(`dialog-${name}`);
      await key("Escape");
      await dialogsClosed();
    }
    await key("F10");
    await visible("pay-dialog");
    await fits("pay");
    await key("Escape");
    await dialogsClosed();
    await key("F12");
    await visible("shift-dialog");
    await fits("shift-menu");
    await byId("shift-x").click();
    await fits("shift-x");
    await key("Escape");
    await dialogsClosed();
    await key("F9");
    await visible("stock-dialog");
    await byId("stock-receiving").click();
    await page().locator('[data-testid="receiving"][data-loaded="true"]').waitFor({ timeout: 20_000 });
    await fits("receiving-list");
    await key("Escape");
    await dialogsClosed();
    await key("Control+l");
    clean(problems);
  });
});
