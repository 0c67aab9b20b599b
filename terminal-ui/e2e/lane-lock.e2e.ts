// A lane locked from HQ shows a lock screen at the till (issue 20 item 4), in a real browser
// against a real store edge and HQ hub (zh-CN, 1024x768): HQ sends lock_lane with a reason while
// a sale is under way: the sale is finished (a banner says the lane stops after it), then the
// whole screen says the lane is locked and why, also after a reload and in English mode; HQ
// unlocks it and the till is back. Screenshots go to test-results/screenshots/ (lock-...).
import assert from "node:assert/strict";
import { P } from "./lib/fixtures.ts";
import { until } from "./lib/procs.ts";
import { tillStory } from "./lib/story.ts";
import { test } from "./lib/test.ts";
import { tillPage } from "./lib/till-page.ts";

test.describe("terminal-ui e2e: a lane locked from HQ", () => {
  test.describe.configure({ mode: "serial" });
  const story = tillStory("S001");
  const { shot, byId, expectText, visible, hidden, key, scan } = tillPage(() => story.page);

  /** Sends a remote command from HQ's API and waits for the store's answer. */
  const command = async (body: Record<string, unknown>) => {
    const sent = await story.store.admin.call<{ id: string }>("POST", "/api/v1/stores/S001/commands", body);
    let state = "";
    await until(
      async () => {
        state = (await story.store.admin.call<{ state: string }>("GET", `/api/v1/commands/${sent.id}`)).state;
        return state !== "sent";
      },
      30_000,
      `command ${body.name} answered`,
    );
    assert.equal(state, "done", `${body.name} answered ${state}`);
  };

  test("sign in, open the shift, a sale under way", async () => {
    await story.signInWithShift();
    await scan(P.cola.code);
    await expectText("total-due", "¥3.00");
  });

  test("HQ locks the lane mid-sale: the sale is finished first, then the lock screen with HQ's reason", async () => {
    await command({ name: "lock_lane", lane: "1", reason: "盘点" });
    await visible("lane-lock-pending", 15_000);
    assert.equal(await byId("lane-lock").count(), 0, "no lock screen while a sale is under way");
    await shot("lock-01-pending");
    await key("F10");
    await visible("pay-dialog");
    await key("F5");
    await visible("lane-lock", 15_000);
    await expectText("lane-lock-title", "收银台 1 已锁定");
    await expectText("lane-lock-reason", "原因：盘点");
    await shot("lock-02-locked");
  });

  test("after a reload the lock screen is still there; English mode says it in English", async () => {
    await story.page.reload();
    await visible("lane-lock", 15_000);
    await expectText("lane-lock-reason", "原因：盘点");
    await key("Control+l");
    await expectText("lane-lock-title", "Lane 1 is locked");
    await expectText("lane-lock-reason", /^Reason.*盘点$/);
    await key("Control+l");
    await expectText("lane-lock-title", "收银台 1 已锁定");
  });

  test("HQ unlocks it: the lock screen goes and the till sells again", async () => {
    await command({ name: "unlock_lane", lane: "1" });
    await hidden("lane-lock", 15_000);
    await visible("scan-input");
    await scan(P.water.code);
    await expectText("total-due", "¥2.00");
    await key("F10");
    await visible("pay-dialog");
    await key("F5");
    await visible("sale-done");
  });
});
