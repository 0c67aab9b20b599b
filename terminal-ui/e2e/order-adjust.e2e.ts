// 整单折扣 and 抹零 in a real browser against a real store edge and HQ hub (zh-CN, 1024x768):
// a cashier's order discount asks for the supervisor's dialog (a cashier's own code is refused),
// the amount due falls to what the protocol engine says, the ESC/POS receipt from lane 2's
// printer simulator prints 整单折扣 and 抹零 as their own lines, and HQ's re-pricing audit of
// the sale finds nothing. Screenshots go to test-results/screenshots/ (o01-...).
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { openContext } from "./lib/browser.ts";
import { CASHIER, P, SUPERVISOR } from "./lib/fixtures.ts";
import { edge, until } from "./lib/procs.ts";
import { openStore, type Store } from "./lib/store.ts";
import { test } from "./lib/test.ts";
import { tillPage } from "./lib/till-page.ts";

test.describe("terminal-ui e2e: order discount and 抹零", () => {
  // A story: each case goes on from where the last one left the till.
  test.describe.configure({ mode: "serial" });
  let store: Store;
  let browser: Awaited<ReturnType<typeof openContext>>;
  let page: Page;

  const { shot, byId, text, expectText, visible, hidden, key, scan, approve } = tillPage(() => page);
  /** In the viewport, above the F-key bar, and not covered at its centre. */
  const seen = async (id: string) => {
    const ok = await page.evaluate((tid) => {
      const el = document.querySelector(`[data-testid="${tid}"]`);
      if (!el) return false;
      const r = el.getBoundingClientRect();
      const fk = document.querySelector('[data-testid="fkeys"]')?.getBoundingClientRect();
      const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
      return (
        r.width > 0 &&
        r.top >= 0 &&
        r.bottom <= window.innerHeight &&
        (!fk || r.bottom <= fk.top) &&
        !!hit &&
        (el === hit || el.contains(hit))
      );
    }, id);
    assert.ok(ok, `[data-testid=${id}] is seen at 1024x768`);
  };
  const payExact = async () => {
    await key("F10");
    await visible("pay-dialog");
    await key("F5");
    await visible("sale-done");
  };
  const lane2 = async <T = Record<string, unknown>>(method: string, path: string) =>
    edge<T>(
      store.http,
      method,
      `/lanes/2${path}`,
      undefined,
      (await page.evaluate((k) => localStorage.getItem(k), "retail.session.lane.2")) ?? "",
    );

  test.beforeAll(async ({ browser: pwBrowser }) => {
    test.setTimeout(120_000); // a hub and an edge start, the catalog is released
    store = await openStore("S003", { "2": { mode: "bridge-sim" } });
    browser = await openContext(pwBrowser);
    page = await browser.context.newPage();
  });
  test.afterAll(async () => {
    await browser?.close();
    await store?.close();
  });

  test("sign in as a cashier on lane 2 (ESC/POS printer simulator)", async () => {
    await page.goto(`${store.http}/?lane=2`);
    await visible("login-form");
    await byId("login-id").fill(CASHIER.id);
    await byId("login-pin").fill(CASHIER.pin);
    await byId("login-pin").press("Enter");
    await visible("open-form");
    await byId("open-float").fill("500");
    await byId("open-float").press("Enter");
    await visible("scan-input");
  });

  test("整单折扣 ¥0.35 + 抹零 to the yuan with a supervisor: due ¥9.00, receipt lines, HQ audit agrees", async () => {
    for (const p of [P.cola, P.noodles, P.water]) await scan(p.code);
    await expectText("total-due", "¥9.50");
    await byId("open-order-adjust").click();
    await visible("order-adjust-dialog");
    await byId("order-discount-amount").fill("0.35");
    await byId("round-yuan").click();
    await byId("order-adjust-apply").click();
    // A cashier may not: the supervisor's dialog; a cashier's own code is refused there.
    await visible("order-adjust-supervisor");
    await expectText("supervisor-note", /整单折扣、抹零需要主管授权/);
    await approve("order-adjust-supervisor", CASHIER.id, CASHIER.pin);
    await expectText("supervisor-error", /主管/);
    await expectText("total-due", "¥9.50");
    await shot("o01-order-adjust-supervisor");
    await approve("order-adjust-supervisor", SUPERVISOR.id, SUPERVISOR.pin);
    await hidden("order-adjust-supervisor");
    await hidden("order-adjust-dialog");
    // 950 - 35 = 915, 抹零 to the yuan: 900.
    await expectText("total-due", "¥9.00");
    await expectText("total-order-discount", /^整单折扣\s*-¥0\.35$/);
    await expectText("total-rounding", /^抹零\s*-¥0\.15$/);
    await seen("total-due");
    await seen("total-rounding");
    await shot("o02-order-adjusted");
    await payExact();
    const receiptNo = await text("done-receipt");
    // The receipt as the printer simulator decoded its ESC/POS bytes.
    await until(
      async () => {
        const printed = await lane2<{ printed: { receiptNo: string; text: string }[] }>(
          "GET",
          "/sim/printed",
        );
        const r = printed.printed.find((p) => p.receiptNo === receiptNo);
        return (
          !!r &&
          /整单折扣\s+-￥0\.35/.test(r.text) &&
          /抹零\s+-￥0\.15/.test(r.text) &&
          /合计 TOTAL\s+￥9\.00/.test(r.text)
        );
      },
      20_000,
      "整单折扣 and 抹零 on the printed receipt",
    );
    // HQ received the sale and re-priced it with the same engine: no finding.
    await until(
      async () => {
        const s = await store.status();
        return s.outbox.lastSeq > 0 && s.outbox.ackedUpTo === s.outbox.lastSeq;
      },
      30_000,
      "the sale acked by HQ",
    );
    const findings = await store.admin.call<unknown[]>("GET", "/api/v1/price-findings");
    assert.deepEqual(findings, [], "HQ's re-pricing audit agrees with the till");
  });

  test("Insert opens it; 9折 and 抹零 to the jiao; removing it restores the amount due", async () => {
    await scan(P.oil.code);
    await expectText("total-due", "¥69.90");
    await key("Insert");
    await visible("order-adjust-dialog");
    await byId("order-discount-zhe").fill("9");
    await byId("round-jiao").click();
    await byId("order-discount-zhe").press("Enter");
    await approve("order-adjust-supervisor", SUPERVISOR.id, SUPERVISOR.pin);
    await hidden("order-adjust-dialog");
    // 6990 - 699 = 6291, to the jiao: 6290.
    await expectText("total-due", "¥62.90");
    await expectText("total-order-discount", /-¥6\.99$/);
    await expectText("total-rounding", /-¥0\.01$/);
    // The customer display shows them once, above 请支付, and the same amount due.
    const cd = await browser.context.newPage();
    await cd.goto(`${store.http}/display?lane=2`);
    await cd.getByTestId("cd-due").waitFor({ state: "visible", timeout: 10_000 });
    await until(
      async () => ((await cd.getByTestId("cd-due").textContent()) ?? "").trim() === "¥62.90",
      10_000,
      "cd due",
    );
    assert.match((await cd.getByTestId("cd-order-discount").textContent()) ?? "", /整单折扣\s*-¥6\.99/);
    assert.match((await cd.getByTestId("cd-rounding").textContent()) ?? "", /抹零\s*-¥0\.01/);
    assert.equal(await cd.locator("tr.promo").count(), 0, "no per-line shares on the customer display");
    await cd.close();
    await key("Insert");
    await visible("order-adjust-clear");
    await byId("order-adjust-clear").click();
    await hidden("order-adjust-dialog");
    await expectText("total-due", "¥69.90");
    assert.equal(await byId("total-order-discount").count(), 0);
    await payExact();
  });
});
