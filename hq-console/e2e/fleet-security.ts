// The fleet screen's security part (issue 13 item 6): a second MQTT client with a store's
// credentials shows as an alert with both addresses and a count; an admin closes it; the
// rotate button issues new credentials and the row shows the rotation pending until the store
// connects with them (the whole rotation with a real edge: store-edge/src/link/rotation.test.ts).
import type { Page } from "playwright-core";
import { hubApi, until } from "./lib/procs.ts";
import { connectStore, type Enrolled, type StoreWire } from "./lib/store.ts";

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
  await page.getByRole("link", { name: "门店" }).first().click();
  await page.getByTestId("fleet-alerts").getByText("无未处理的安全告警").waitFor();

  // Someone else connects with the store's own credentials: the broker drops the store.
  const intruder: StoreWire = await connectStore(enrolled);
  const alertRow = page.locator(
    `[data-testid="fleet-alerts"] tr[data-kind="session_takeover"][data-store="${enrolled.storeId}"]`,
  );
  await alertRow.waitFor({ timeout: 15_000 });
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
    15_000,
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
