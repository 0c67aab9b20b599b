// The fleet screen's security part (issue 13 item 6): a second MQTT client with a store's
// credentials shows as an alert with both addresses and a count; an admin closes it; the
// rotate button issues new credentials and the row shows the rotation pending until the store
// connects with them (the whole rotation with a real edge: store-edge/src/link/rotation.test.ts).
import type { Page } from "playwright-core";
import { hubApi, until } from "./lib/procs.ts";
import { connectStore, type Enrolled, type StoreWire, uuidv7 } from "./lib/store.ts";

function assert(cond: unknown, what: string): asserts cond {
  if (!cond) throw new Error(`expected: ${what}`);
}

export async function takeoverAlertAndRotation(ctx: {
  page: Page;
  http: string;
  enrolled: Enrolled;
  /** The suite's store connection: dropped by the takeover, connected again at the end. */
  rewire: () => Promise<void>;
  /** A store enrolled but never connected: its rotation stays pending. */
  rotateStore: string;
}) {
  const { page, http, enrolled } = ctx;
  await page.getByRole("link", { name: "门店", exact: true }).first().click();
  await page.getByTestId("fleet-alerts").getByText("无未处理的安全告警").waitFor();

  // A new connection from the store's own host while its session has been silent for over half
  // its keepalive (30 s with mqtt.js' default) is the store coming back, not a takeover
  // (broker/embedded.ts isStaleSameHost). Under load the suite's idle wire can be that silent by
  // now (two runs at load 30 saw no alert), so it connects afresh: the intruder meets a live one.
  await ctx.rewire();
  // Someone else connects with the store's own credentials: the broker drops the store.
  const intruder: StoreWire = await connectStore(enrolled);
  const alertRow = page.locator(
    `[data-testid="fleet-alerts"] tr[data-kind="session_takeover"][data-store="${enrolled.storeId}"]`,
  );
  await alertRow.waitFor({ timeout: 30_000 });
  const text = await alertRow.innerText();
  assert(text.includes("MQTT 会话被另一客户端接管"), `the alert says what happened: ${text}`);
  const addresses = await alertRow.getByTestId("addresses").innerText();
  assert((addresses.match(/127\.0\.0\.1:\d+/g) ?? []).length === 2, `both remote addresses: ${addresses}`);
  assert((await alertRow.getByTestId("count").innerText()).trim() === "1", "counted once");
  await page.locator(`tr[data-store="${enrolled.storeId}"]`).getByTestId("alerts").first().waitFor();

  // The store takes its session back (as an edge would) while the intruder holds it: the same
  // alert counts 2.
  await ctx.rewire();
  await intruder.close().catch(() => {});
  await until(
    async () => (await alertRow.getByTestId("count").innerText()).trim() !== "1",
    30_000,
    "the takeovers counted into the same alert",
  );

  // An admin closes it; who closed it is kept at HQ.
  await alertRow.getByRole("button", { name: "关闭告警" }).click();
  await page.getByTestId("fleet-alerts").getByText("无未处理的安全告警").waitFor();
  const all = await hubApi<{ kind: string; closedBy?: string }[]>(
    http,
    "GET",
    `/api/v1/fleet/alerts?store=${enrolled.storeId}`,
  );
  assert(all[0]?.closedBy?.includes("hq_admin"), `closed by the admin: ${JSON.stringify(all)}`);

  // Rotate a store's credentials: the row shows the rotation pending, HQ holds it.
  const row = page.locator(`tr[data-store="${ctx.rotateStore}"]`);
  await row.getByRole("button", { name: "轮换凭据" }).click();
  await page.getByTestId("rotated").waitFor();
  await row.getByTestId("rotation-pending").waitFor();
  assert(
    (await row.getByRole("button", { name: "轮换凭据" }).count()) === 0,
    "no second rotation while pending",
  );
  const rotations = await hubApi<{ state: string; requestedBy: string }[]>(
    http,
    "GET",
    `/api/v1/stores/${ctx.rotateStore}/credential-rotations`,
  );
  assert(
    rotations[0]?.state === "pending" && rotations[0].requestedBy.includes("hq_admin"),
    `a pending rotation by the admin: ${JSON.stringify(rotations)}`,
  );
}

/**
 * A till where wrong PINs locked a cashier code and got a LAN device throttled (the store
 * edge's audit events pin_locked / pin_source_throttled): one 安全告警 row for the store, in
 * Chinese, with the counts, the lane and the last detail.
 */
export async function tillPinAlert(ctx: { page: Page; http: string; storeId: string }) {
  const { page, http, storeId } = ctx;
  await hubApi(http, "POST", "/api/v1/stores", {
    id: storeId,
    name: "苏州观前店",
    region: "east",
    ring: "general",
  });
  const { code } = await hubApi<{ code: string }>(http, "POST", `/api/v1/stores/${storeId}/enrollment-code`);
  const enrolled = await hubApi<Enrolled>(http, "POST", "/api/v1/enroll", { code }, "");
  const wire = await connectStore(enrolled);
  const audit = (seq: number, action: string, detail: string) => ({
    v: 1,
    id: uuidv7(),
    type: "audit.recorded",
    storeId,
    seq,
    occurredAt: new Date().toISOString(),
    payload: {
      auditId: uuidv7(),
      action,
      laneId: "3",
      cashierId: "1002",
      detail,
      at: new Date().toISOString(),
    },
  });
  await wire.publish("events", [
    audit(1, "pin_locked", "code 1002 locked after wrong PINs (sign_in) from 192.168.1.66 on lane 3"),
    audit(2, "pin_source_throttled", "10 wrong PINs at 3 codes from 192.168.1.66 (last: code 1003)"),
  ]);
  await page.getByRole("link", { name: "门店", exact: true }).first().click();
  const row = page.locator(
    `[data-testid="fleet-alerts"] tr[data-kind="till_pin_abuse"][data-store="${storeId}"]`,
  );
  await row.waitFor({ timeout: 15_000 });
  const text = await row.innerText();
  assert(text.includes("收银台密码错误过多"), `the alert says what happened: ${text}`);
  assert(/锁定工号 1 · 限流设备 1 · 款台 3/.test(text), `counts and lane: ${text}`);
  assert(text.includes("192.168.1.66"), `the device's address: ${text}`);
  assert((await row.getByTestId("count").innerText()).trim() === "2", "both events in one alert");
  await wire.close();
}
