// The till's access control and refunds in a real browser against a real store edge and HQ hub
// (zh-CN): a cashier code locked by wrong PINs and unlocked by a supervisor at the sign-in; a
// WeChat Pay sale refunded to WeChat Pay by default, the return screen showing how it was paid;
// cash for it only with a supervisor; a ¥200 cash-out and a no-sale through the supervisor's
// dialog. Screenshots at 1024x768 go to test-results/screenshots/ (s01-...).
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { openContext } from "./lib/browser.ts";
import { CASHIER, P, SUPERVISOR } from "./lib/fixtures.ts";
import { edge, until } from "./lib/procs.ts";
import { openStore, type Store } from "./lib/store.ts";
import { test } from "./lib/test.ts";
import { tillPage } from "./lib/till-page.ts";

test.describe("terminal-ui e2e: supervisor approvals, unlock and refunds", () => {
  // A story: each case goes on from where the last one left the till.
  test.describe.configure({ mode: "serial" });
  let store: Store;
  let browser: Awaited<ReturnType<typeof openContext>>;
  let page: Page;

  const { shot, byId, text, expectText, visible, hidden, key, scan, approve } = tillPage(() => page);
  /** A bottle of water paid with a WeChat Pay code scanned at the till; its receipt number. */
  const wechatSale = async () => {
    await scan(P.water.code);
    await expectText("total-due", "¥2.00");
    await scan("134567890123451234");
    await visible("sale-done");
    return text("done-receipt");
  };
  const startReturn = async (receiptNo: string) => {
    await key("F8");
    await byId("return-receipt-input").fill(receiptNo);
    await byId("return-receipt-input").press("Enter");
    await visible("return-panel");
    await byId("return-plus").first().click();
    await until(async () => (await text("return-units")) === "1", 5000, "one unit chosen");
  };

  test.beforeAll(async ({ browser: pwBrowser }) => {
    test.setTimeout(120_000); // a hub and an edge start, the catalog is released
    store = await openStore("S002");
    browser = await openContext(pwBrowser);
    page = await browser.context.newPage();
  });
  test.afterAll(async () => {
    await browser?.close();
    await store?.close();
  });

  test("5 wrong PINs lock the cashier's code; a supervisor unlocks it at the sign-in", async () => {
    await page.goto(`${store.http}/?lane=1`);
    await visible("login-form");
    await byId("login-id").fill(CASHIER.id);
    for (let i = 0; i < 5; i++) {
      await byId("login-pin").fill(`000${i}`);
      await byId("login-pin").press("Enter");
      await expectText("login-error", /^密码错误/);
      await until(async () => !(await byId("login-submit").isDisabled()), 5000, "sign-in button back");
    }
    // The right PIN now: refused, the code is locked, and the till offers the supervisor's unlock.
    await byId("login-pin").fill(CASHIER.pin);
    await byId("login-pin").press("Enter");
    await expectText("login-error", /密码错误次数过多/);
    await visible("login-unlock");
    await shot("s01-code-locked");
    await byId("login-unlock").click();
    await visible("unlock-dialog");
    await expectText("supervisor-note", /锁定/);
    // A cashier's own code cannot unlock; a wrong supervisor PIN is said so.
    await approve("unlock-dialog", CASHIER.id, CASHIER.pin);
    await expectText("supervisor-error", /主管/);
    await approve("unlock-dialog", SUPERVISOR.id, "0000");
    await expectText("supervisor-error", /^密码错误/);
    await shot("s02-unlock-dialog");
    await approve("unlock-dialog", SUPERVISOR.id, SUPERVISOR.pin);
    await hidden("unlock-dialog");
    await expectText("login-notice", "工号已解锁，请重新输入密码");
    await byId("login-pin").fill(CASHIER.pin);
    await byId("login-pin").press("Enter");
    await visible("open-form");
    await byId("open-float").fill("500");
    await byId("open-float").press("Enter");
    await visible("scan-input");
  });

  test("a WeChat Pay sale is refunded to WeChat Pay by default; the return shows how it was paid", async () => {
    const receiptNo = await wechatSale();
    await startReturn(receiptNo);
    await expectText("return-paid-with", /原付款方式.*微信支付 ¥2\.00/);
    await expectText("refund-original", /原路退回.*微信支付/);
    assert.ok(
      await byId("refund-original").evaluate((b) => b.classList.contains("sel")),
      "原路退回 is the default",
    );
    await shot("s03-return-original-tender");
    await key("F10");
    await visible("sale-done");
    await expectText("done-refund", "¥2.00");
    await expectText("done-refunded-to", "退回到 微信支付 ¥2.00");
  });

  test("cash for a WeChat Pay sale asks for a supervisor; a cashier's code is refused", async () => {
    const receiptNo = await wechatSale();
    await startReturn(receiptNo);
    await byId("refund-cash").click();
    await byId("return-complete").click();
    await visible("refund-supervisor-dialog");
    await expectText("supervisor-note", /不是现金支付.*主管授权/);
    await shot("s04-refund-cash-supervisor");
    await approve("refund-supervisor-dialog", CASHIER.id, CASHIER.pin);
    await expectText("supervisor-error", /主管/);
    assert.equal(await byId("return-panel").isVisible(), true, "the return stays open");
    await approve("refund-supervisor-dialog", SUPERVISOR.id, SUPERVISOR.pin);
    await hidden("refund-supervisor-dialog");
    await visible("sale-done");
    await expectText("done-refunded-to", "退回到 现金 ¥2.00");
  });

  test("a WeChat Pay payment with no answer is reversed at the till, then paid in cash", async () => {
    await scan(P.water.code);
    await expectText("total-due", "¥2.00");
    await key("F10");
    await visible("pay-dialog");
    await key("F3");
    // ...7777: the simulated provider never answers, queries stay pending.
    await byId("pay-wallet-code").fill("134567890123457777");
    await byId("pay-wallet-code").press("Enter");
    await visible("pay-reverse", 30_000);
    await byId("pay-reverse").click();
    await expectText("pay-approved", /已撤销/);
    await shot("s05-payment-reversed");
    await key("F1");
    await key("F5");
    await visible("sale-done");
  });

  test("a ¥200 cash-out asks for the supervisor's approval", async () => {
    await key("F12");
    await visible("shift-dialog");
    await key("1");
    await byId("cash-out").click();
    await byId("cash-amount").fill("200");
    await byId("cash-reason").fill("交款");
    await byId("cash-amount").press("Enter");
    await visible("cash-supervisor-dialog");
    await expectText("supervisor-note", "大额取出现金需要主管授权");
    await shot("s06-cash-out-supervisor");
    await approve("cash-supervisor-dialog", SUPERVISOR.id, SUPERVISOR.pin);
    await hidden("cash-supervisor-dialog");
    await expectText("shift-notice", /取出现金 ¥200\.00/);
    await page.getByRole("button", { name: /返回/ }).click();
  });

  test("a no-sale opens the drawer only with a supervisor", async () => {
    await key("8");
    await visible("nosale-supervisor-dialog");
    await expectText("supervisor-note", /主管授权/);
    await shot("s07-no-sale");
    await approve("nosale-supervisor-dialog", SUPERVISOR.id, SUPERVISOR.pin);
    await hidden("nosale-supervisor-dialog");
    await expectText("shift-notice", "钱箱已打开");
    await key("Escape");
  });

  test("the receipt journal lists the lane's last receipts; 重印 prints one again titled 重印", async () => {
    const laneToken = async () =>
      (await page.evaluate((k) => localStorage.getItem(k), "retail.session.lane.1")) ?? "";
    const receiptNo = await wechatSale();
    await key("Escape");
    await key("F12");
    await visible("shift-dialog");
    await key("5");
    await visible("journal");
    const rows = byId("journal-row");
    await until(async () => (await rows.count()) >= 2, 10_000, "journal rows");
    // Newest first: the sale just made, its amount and how it was paid, in zh-CN.
    assert.equal(await rows.first().getAttribute("data-receipt"), receiptNo);
    assert.match(((await rows.first().textContent()) ?? "").replace(/\s+/g, " "), /¥2\.00.*微信支付.*重印/);
    assert.ok(await byId("journal").isVisible(), "the journal is on screen at 1024x768");
    await shot("s08-receipt-journal");
    await rows.first().getByTestId("journal-reprint").click();
    await expectText("shift-notice", new RegExp(`${receiptNo}`));
    let titles: string[] = [];
    await until(
      async () => {
        const r = await edge<{ printed: { title: string; receiptNo: string }[] }>(
          store.http,
          "GET",
          "/lanes/1/sim/printed",
          undefined,
          await laneToken(),
        );
        titles = r.printed.filter((p) => p.receiptNo === receiptNo).map((p) => p.title);
        return titles.some((t) => t.includes("重印"));
      },
      10_000,
      "the reprint on the lane's printer",
    );
    await key("Escape");
  });
});
