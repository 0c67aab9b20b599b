// 新会员注册 and the member code at a real till (zh-CN) against a real store edge and HQ hub: a
// customer signs up with the membership consent shown in full (refused without it), is on the
// sale at once and pays; HQ creates the member with the wording and time shown; the member's QR
// code, scanned at the scan bar, makes them the sale's member; a phone already a member is
// refused in Chinese.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { openContext } from "./lib/browser.ts";
import { CASHIER, MEMBER, P } from "./lib/fixtures.ts";
import { until } from "./lib/procs.ts";
import { openStore, type Store } from "./lib/store.ts";
import { test } from "./lib/test.ts";
import { tillPage } from "./lib/till-page.ts";

test.describe("terminal-ui e2e: member sign-up and member code", () => {
  test.describe.configure({ mode: "serial" });
  let store: Store;
  let browser: Awaited<ReturnType<typeof openContext>>;
  let page: Page;
  const { shot, byId, expectText, visible, hidden, key, scan } = tillPage(() => page);
  let memberId = "";

  test.beforeAll(async ({ browser: pwBrowser }) => {
    test.setTimeout(120_000);
    store = await openStore("S002");
    browser = await openContext(pwBrowser);
    page = await browser.context.newPage();
  });
  test.afterAll(async () => {
    await browser?.close();
    await store?.close();
  });

  test("sign in and open a shift", async () => {
    await page.goto(`${store.http}/?lane=1`);
    await visible("login-form");
    await byId("login-id").fill(CASHIER.id);
    await byId("login-pin").fill(CASHIER.pin);
    await byId("login-pin").press("Enter");
    await visible("open-form");
    await byId("open-float").fill("500");
    await byId("open-float").press("Enter");
    await visible("scan-input");
  });

  test("新会员注册: consent required, shown in full; the new member is on the sale; HQ records the wording", async () => {
    await scan(P.cola.code);
    await key("F5");
    await visible("member-dialog");
    await byId("member-phone").fill("13655550001");
    await byId("member-submit").click();
    await expectText("dialog-error", /没有这个手机号的会员/);
    await byId("member-signup-open").click();
    await visible("member-signup");
    assert.equal(await byId("signup-phone").inputValue(), "13655550001", "the typed phone carried over");
    await byId("signup-name").fill("周洋");
    await byId("signup-submit").click();
    await expectText("dialog-error", /会员协议/);
    const wording = (await byId("membership-wording").textContent())!.trim();
    assert.match(wording, /会员服务协议/);
    await byId("signup-membership").check();
    await byId("signup-marketing").check();
    await shot("m01-member-signup");
    await byId("signup-submit").click();
    await hidden("member-dialog");
    await expectText("member", /周洋/);
    await expectText("member", /136\*\*\*\*0001/);
    await key("F10");
    await visible("pay-dialog");
    await key("F5");
    await visible("sale-done");
    // HQ: the member exists with the consents as shown, recorded by this store's cashier.
    await until(
      async () => {
        const r = await store.admin.call<{ members: { id: string; phone: string }[] }>(
          "GET",
          "/api/v1/members?q=13655550001",
        );
        memberId = r.members[0]?.id ?? "";
        return memberId !== "";
      },
      30_000,
      "the member at HQ",
    );
    const consents = await store.admin.call<{
      history: { purpose: string; granted: boolean; wording: string; recordedBy: string }[];
    }>("GET", `/api/v1/members/${memberId}/consents`);
    const membership = consents.history.find((c) => c.purpose === "membership")!;
    assert.equal(membership.wording, wording);
    assert.equal(membership.granted, true);
    assert.equal(membership.recordedBy, `store S002 cashier ${CASHIER.id}`);
    assert.equal(consents.history.find((c) => c.purpose === "marketing")?.granted, true);
    // The sale reached HQ under the new member: their points.
    await until(
      async () =>
        (await store.admin.call<{ visits: number }>("GET", `/api/v1/members/${memberId}`)).visits === 1,
      30_000,
      "the sale on the new member's profile",
    );
  });

  test("the member's QR code at the scan bar; a phone already a member cannot sign up again", async () => {
    await visible("scan-input");
    await scan(P.cola.code);
    await scan(`MEMBER:${memberId}`);
    await expectText("member", /周洋/);
    await key("F5");
    await visible("member-dialog");
    await byId("member-signup-open").click();
    await byId("signup-phone").fill(MEMBER.phone);
    await byId("signup-membership").check();
    await byId("signup-submit").click();
    await expectText("dialog-error", /已经是会员/);
    await key("Escape");
    await hidden("member-dialog");
  });
});
