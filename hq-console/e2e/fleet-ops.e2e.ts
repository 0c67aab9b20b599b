// The fleet screen's remote commands and rule alerts against a real hub (issue 20 items 4-5): a
// store on MQTT that answers HQ's commands as an edge does (the real edge's side:
// store-edge/src/downlink/commands.test.ts); its device error shows as an alert in zh-CN words;
// an operator locks a lane and collects a diagnostics bundle from the screen, sees the store's
// answers, and downloads the bundle; the certificate renewal button says why it is refused.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { gunzipSync, gzipSync } from "node:zlib";
import type { Page } from "playwright-core";
import { type Bed, startBed } from "./lib/bed.ts";
import { eventEnvelope, type StoreWire } from "./lib/store.ts";
import { test } from "./lib/test.ts";

const STORE = "S050";

function assert(cond: unknown, what: string): asserts cond {
  if (!cond) throw new Error(`expected: ${what}`);
}

test.describe("hq-console fleet commands and alerts e2e", () => {
  test.describe.configure({ mode: "serial" });
  let bed: Bed | undefined;
  let wire: StoreWire | undefined;
  let page: Page;
  const api = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
    bed!.api<T>(method, path, body);
  const envelope = (type: string, payload: unknown) => eventEnvelope(STORE, 0, type, payload);

  test.beforeAll(async ({ browser }) => {
    test.setTimeout(120_000);
    bed = await startBed("fleetops");
    wire = await bed.connect({ id: STORE, name: "苏州园区店", region: "east" });
    // The store answers every command as the edge does: done, with a bundle for diagnostics.
    await wire.client.subscribeAsync(`retail/v1/s/${STORE}/down/command`, { qos: 1 });
    wire.client.on("message", (_topic, payload) => {
      const env = JSON.parse(payload.toString()) as {
        type: string;
        payload: { commandId: string; name: string; args: Record<string, string> };
      };
      if (env.type !== "command") return;
      const cmd = env.payload;
      const json = JSON.stringify({ integrityCheck: ["ok"], logs: ["edge started"] });
      const gz = gzipSync(Buffer.from(json));
      void wire!.publish(
        "query",
        envelope("command.result", {
          commandId: cmd.commandId,
          name: cmd.name,
          outcome: "done",
          detail: cmd.name === "lock_lane" ? `lane ${cmd.args.lane} locked` : "ok",
          ...(cmd.name === "collect_diagnostics"
            ? {
                bundle: {
                  gzipBase64: gz.toString("base64"),
                  bytes: json.length,
                  sha256: createHash("sha256").update(gz).digest("hex"),
                },
              }
            : {}),
          at: new Date().toISOString(),
        }),
      );
    });
    // A printer out of paper on lane 1.
    await wire.publish(
      "status",
      envelope("store.status", {
        state: "online",
        appVersion: "1.0.0",
        catalogVersion: 0,
        outboxBacklog: 0,
        lastSeq: 0,
        devices: [
          { laneId: "1", kind: "printer", device: "tcp://10.0.0.9:9100", state: "error", reason: "缺纸" },
        ],
        at: new Date().toISOString(),
      }),
      true,
    );
    ({ page } = await bed.signIn(browser, { timeout: 10_000 }));
    await page.getByRole("link", { name: "门店", exact: true }).click();
    await page.locator('[data-testid="fleet-filter"][data-loaded="true"]').waitFor();
  });

  test.afterAll(async () => {
    await bed?.close();
  });

  test("a device error raised by the rules shows in the fleet alerts in zh-CN", async () => {
    // The rules run on a timer; run them now rather than wait for it.
    let raised = 0;
    for (let i = 0; i < 50 && raised === 0; i++) {
      raised = (await api<{ raised: number }>("POST", "/api/v1/fleet/alerts/sweep")).raised;
      if (!raised) await new Promise((r) => setTimeout(r, 200));
    }
    const row = page.locator(
      `[data-testid="fleet-rule-alerts"] tr[data-kind="device_error"][data-store="${STORE}"]`,
    );
    await row.waitFor({ timeout: 20_000 });
    const text = await row.innerText();
    assert(text.includes("设备故障"), `the alert in words: ${text}`);
    assert(text.includes("缺纸") && text.includes("1/printer"), `what and where: ${text}`);
  });

  test("lock a lane and collect diagnostics from the screen; the store's answers and the bundle", async () => {
    await page.locator(`tr[data-store="${STORE}"]`).getByTestId("open-commands").click();
    const panel = page.locator(`[data-testid="store-commands"][data-store="${STORE}"][data-loaded="true"]`);
    await panel.waitFor();
    await panel.locator('input[name="lane"]').fill("2");
    await panel.locator('input[name="reason"]').fill("盘点");
    await panel.locator('button[data-cmd="lock_lane"]').click();
    const lock = panel.locator('tr[data-name="lock_lane"][data-state="done"]');
    await lock.waitFor({ timeout: 20_000 });
    assert((await lock.getByTestId("state").innerText()).includes("已完成"), "done in words");
    assert((await lock.getByTestId("detail").innerText()).includes("lane 2 locked"), "the store's answer");

    await panel.locator('button[data-cmd="collect_diagnostics"]').click();
    const diag = panel.locator('tr[data-name="collect_diagnostics"][data-state="done"]');
    await diag.waitFor({ timeout: 20_000 });
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      diag.getByRole("button", { name: "下载诊断包" }).click(),
    ]);
    assert(download.suggestedFilename().startsWith(`diagnostics-${STORE}-`), download.suggestedFilename());
    const file = await download.path();
    const bundle = JSON.parse(gunzipSync(readFileSync(file)).toString("utf8"));
    assert(bundle.integrityCheck?.[0] === "ok", "the bundle as the store sent it");

    // HQ holds both, and the audit log has who sent them.
    const cmds = await api<{ name: string; state: string; requestedBy: string }[]>(
      "GET",
      `/api/v1/stores/${STORE}/commands`,
    );
    assert(
      cmds.length === 2 && cmds.every((c) => c.state === "done" && c.requestedBy.includes("hq_admin")),
      JSON.stringify(cmds),
    );
  });

  test("renew the store's certificate from the screen: refused, in words, for a store without one", async () => {
    // This hub serves no mqtts, so the store holds no certificate from the chain CA: the button
    // is there in zh-CN and the hub's refusal is shown (the renewal itself: store-edge
    // src/link/renewal.test.ts with a real hub and edge).
    const panel = page.locator(`[data-testid="store-commands"][data-store="${STORE}"][data-loaded="true"]`);
    await panel.waitFor();
    const renew = panel.locator('button[data-cmd="renew_certificate"]');
    assert((await renew.innerText()).includes("更新门店证书"), "the button in zh-CN");
    await renew.click();
    const error = panel.getByTestId("error");
    await error.waitFor();
    assert((await error.innerText()).includes("no certificate from the chain CA"), await error.innerText());
    const cmds = await api<{ name: string }[]>("GET", `/api/v1/stores/${STORE}/commands`);
    assert(!cmds.some((c) => c.name === "renew_certificate"), "nothing sent to the store");
  });
});
