// The releases screen (版本发布, issue 20 item 3) against a real hub that keeps the chain's
// release key OFFLINE (HQ_RELEASE_PUBLIC_KEY): an admin uploads an edge build from the screen,
// sees it unsigned (the release buttons disabled), pastes a wrong signature (refused, named) and
// then the one the signing machine made; releases it to the pilot ring (the pilot store is offered
// it), promotes it to the chain, and reads each store's update state as the stores report it: the
// pilot store healthy on the new version, the general store rolled back with its reason. Then
// withdraws it. The same screen in English at 1920x1080.
import { createHash, generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import type { BrowserContext, Page } from "playwright-core";
import { type Bed, startBed } from "./lib/bed.ts";
import { ADMIN_TOKEN, hubApi, until } from "./lib/procs.ts";
import { rawCodesOn } from "./lib/raw-codes.ts";
import { connectStore, type Enrolled, type StoreWire, uuidv7 } from "./lib/store.ts";
import { test } from "./lib/test.ts";

function assert(cond: unknown, what: string): asserts cond {
  if (!cond) throw new Error(`expected: ${what}`);
}

const chainKey = generateKeyPairSync("ed25519");
const otherKey = generateKeyPairSync("ed25519");
const publicKey = (chainKey.publicKey.export({ type: "spki", format: "der" }) as Buffer).toString("base64");
const artefact = Buffer.from("#!/bin/sh\necho store-edge 0.2.0\n".repeat(2000));
const VERSION = "0.2.0";
const REASON = "新版本未在 120 秒内连上总部";
const sha256 = createHash("sha256").update(artefact).digest("hex");

/** What `hq-hub release sign` signs (protocol releaseManifest; the console imports protocol types only). */
function signatureOf(key: KeyObject, releaseId: number): string {
  const manifest = `retail-edge-release/1\nid=${releaseId}\nversion=${VERSION}\nsha256=${sha256}\nsize=${artefact.length}\n`;
  return sign(null, Buffer.from(manifest), key).toString("base64");
}

test.describe("hq-console releases e2e", () => {
  test.describe.configure({ mode: "serial" });
  let bed: Bed | undefined;
  let http = "";
  const wires: Record<string, StoreWire> = {};
  const offers: Record<string, { releaseId: number; version: string; signature: string }[]> = {};
  let context: BrowserContext | undefined;
  let page: Page;
  const envelope = (storeId: string, type: string, payload: unknown) => ({
    v: 1,
    id: uuidv7(),
    type,
    storeId,
    seq: 0,
    occurredAt: new Date().toISOString(),
    payload,
  });
  const status = (storeId: string, appVersion: string) =>
    wires[storeId]!.publish(
      "status",
      envelope(storeId, "store.status", {
        state: "online",
        appVersion,
        catalogVersion: 0,
        outboxBacklog: 0,
        lastSeq: 0,
        devices: [],
        at: new Date().toISOString(),
      }),
      true,
    );
  const report = (
    storeId: string,
    releaseId: number,
    step: string,
    runningVersion: string,
    reason?: string,
  ) =>
    wires[storeId]!.publish(
      "status",
      envelope(storeId, "update.report", {
        releaseId,
        version: VERSION,
        step,
        runningVersion,
        ...(reason ? { reason } : {}),
        at: new Date().toISOString(),
      }),
    );
  const row = () => page.locator(`[data-testid="rl-release"][data-version="${VERSION}"]`);
  const refresh = async () => {
    await page.getByTestId("rl-refresh").click();
  };

  test.beforeAll(async ({ browser }) => {
    test.setTimeout(120_000);
    bed = await startBed("releases", { HQ_RELEASE_PUBLIC_KEY: publicKey });
    http = bed.http;
    for (const [id, name, ring] of [
      ["P001", "试点一店", "pilot"],
      ["G001", "普通一店", "general"],
    ] as const) {
      await hubApi(http, "POST", "/api/v1/stores", { id, name, region: "east", ring });
      const { code } = await hubApi<{ code: string }>(http, "POST", `/api/v1/stores/${id}/enrollment-code`);
      const enrolled = await hubApi<Enrolled & { releaseKey: string }>(
        http,
        "POST",
        "/api/v1/enroll",
        { code },
        "",
      );
      assert(enrolled.releaseKey === publicKey, `${id} enrolled with the offline public key`);
      const wire = await connectStore(enrolled);
      wires[id] = wire;
      offers[id] = [];
      await wire.client.subscribeAsync(`retail/v1/s/${id}/down/command`, { qos: 1 });
      wire.client.on("message", (_topic, payload) => {
        const env = JSON.parse(payload.toString()) as {
          type: string;
          payload: (typeof offers)[string][number];
        };
        if (env.type === "release.offer") offers[id]!.push(env.payload);
      });
      await status(id, "0.1.0");
    }
    await until(
      async () =>
        (await hubApi<{ appVersion?: string }[]>(http, "GET", "/api/v1/fleet/updates")).every(
          (s) => s.appVersion,
        ),
      20_000,
      "both stores' status at HQ",
    );
    ({ context, page } = await bed.signIn(browser, { timeout: 10_000, open: "版本发布" }));
    await page.locator('[data-testid="releases"][data-loaded="1"]').waitFor();
  });

  test.afterAll(async () => {
    for (const w of Object.values(wires)) await w.close().catch(() => {});
    await bed?.close();
  });

  test("upload from the screen: an unsigned draft under the offline key; a wrong signature refused, the right one accepted", async () => {
    await page.locator('[data-testid="rl-signing"][data-mode="offline"]', { hasText: "离线签名" }).waitFor();
    await page.getByTestId("rl-version").fill(VERSION);
    await page.getByTestId("rl-file").setInputFiles({
      name: "store-edge",
      mimeType: "application/octet-stream",
      buffer: artefact,
    });
    await page.getByTestId("rl-upload").click();
    await row().and(page.locator('[data-stage="draft"][data-signed="0"]')).waitFor();
    await row().getByTestId("rl-signed").filter({ hasText: "待签名" }).waitFor();
    assert(
      await row().getByTestId("rl-to-pilot").isDisabled(),
      "an unsigned release cannot go to the pilot ring",
    );
    const id = Number(await row().getAttribute("data-id"));
    assert(
      (await row().getByTestId("rl-sign-command").innerText()).includes(`--id ${id} --version ${VERSION}`),
      "the screen names the signing command for this release",
    );

    await row().getByTestId("rl-signature").fill(signatureOf(otherKey.privateKey, id));
    await row().getByTestId("rl-sign").click();
    await page.getByTestId("error").filter({ hasText: "signature" }).waitFor();
    assert((await row().getAttribute("data-signed")) === "0", "still unsigned after a wrong signature");

    await row().getByTestId("rl-signature").fill(signatureOf(chainKey.privateKey, id));
    await row().getByTestId("rl-sign").click();
    await row().and(page.locator('[data-signed="1"]')).waitFor();
    await row().getByTestId("rl-signed").filter({ hasText: "已签名" }).waitFor();
  });

  test("pilot first: offered to the pilot store only, which reports healthy on the new version", async () => {
    await row().getByTestId("rl-to-pilot").click();
    await row().and(page.locator('[data-stage="pilot"]')).waitFor();
    await row().getByTestId("rl-stage").filter({ hasText: "试点门店" }).waitFor();
    const id = Number(await row().getAttribute("data-id"));
    await until(
      () => offers.P001!.some((o) => o.releaseId === id),
      20_000,
      "the pilot store offered the release",
    );
    assert(
      offers.P001!.find((o) => o.releaseId === id)?.signature === signatureOf(chainKey.privateKey, id),
      "offer carries the signature",
    );
    assert(!offers.G001!.some((o) => o.releaseId === id), "the general store is not offered a pilot release");

    await report("P001", id, "downloading", "0.1.0");
    await report("P001", id, "healthy", VERSION);
    await status("P001", VERSION);
    const p = page.locator('[data-testid="rl-store"][data-store="P001"]');
    await until(
      async () => {
        await refresh();
        return (await p.getAttribute("data-step")) === "healthy";
      },
      20_000,
      "P001 healthy on the screen",
    );
    await p.getByTestId("rl-step").filter({ hasText: "已更新，运行正常" }).waitFor();
    await p.getByTestId("rl-running").filter({ hasText: VERSION }).waitFor();
  });

  test("promoted to the chain: the general store rolls back and the screen says so with its reason", async () => {
    await row().getByTestId("rl-promote").click();
    await row().and(page.locator('[data-stage="all"]')).waitFor();
    const id = Number(await row().getAttribute("data-id"));
    await until(
      () => offers.G001!.some((o) => o.releaseId === id),
      20_000,
      "the general store offered it after promotion",
    );
    await report("G001", id, "swapped", "0.1.0");
    await report("G001", id, "rolled_back", "0.1.0", REASON);
    const g = page.locator('[data-testid="rl-store"][data-store="G001"]');
    await until(
      async () => {
        await refresh();
        return (await g.getAttribute("data-step")) === "rolled_back";
      },
      20_000,
      "G001 rolled back on the screen",
    );
    await g.getByTestId("rl-step").filter({ hasText: "已自动回滚" }).waitFor();
    await g.getByTestId("rl-reason").filter({ hasText: REASON }).waitFor();
    await row().getByTestId("rl-steps").filter({ hasText: "已自动回滚: 1" }).waitFor();
    await row().getByTestId("rl-steps").filter({ hasText: "已更新，运行正常: 1" }).waitFor();
  });

  test("withdrawn: offered to nobody any more", async () => {
    page.once("dialog", (d) => void d.accept());
    await row().getByTestId("rl-withdraw").click();
    await row().and(page.locator('[data-stage="withdrawn"]')).waitFor();
    await row().getByTestId("rl-stage").filter({ hasText: "已撤回" }).waitFor();
    // Who uploaded it, with the role in words (issue 19 item 6); no stored code on the screen.
    await row().filter({ hasText: "admin (总部管理员)" }).waitFor();
    const found = await rawCodesOn(page);
    assert(found.length === 0, `no stored codes on 版本发布 in zh-CN, found: ${found.join(", ")}`);
  });

  test("1920x1080 in English: the same screen in English words", async ({ browser }) => {
    const wide = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: "zh-CN" });
    try {
      const p2 = await wide.newPage();
      p2.setDefaultTimeout(10_000);
      // The session token is per tab (sessionStorage): sign in again, then switch to English.
      await p2.goto(`${http}/`);
      await p2.locator('input[name="token"]').fill(ADMIN_TOKEN);
      await p2.getByRole("button", { name: "登录" }).click();
      await p2.getByTestId("lang").first().click();
      await p2.getByRole("link", { name: "Releases", exact: true }).click();
      await p2.locator('[data-testid="releases"][data-loaded="1"]').waitFor();
      await p2.getByRole("heading", { name: "Releases", exact: true }).waitFor();
      await p2.locator('[data-testid="rl-signing"]', { hasText: "Offline" }).waitFor();
      await p2
        .locator(`[data-testid="rl-release"][data-version="${VERSION}"]`)
        .getByTestId("rl-stage")
        .filter({ hasText: "Withdrawn" })
        .waitFor();
      await p2
        .locator('[data-testid="rl-store"][data-store="G001"]')
        .getByTestId("rl-step")
        .filter({ hasText: "Rolled back by itself" })
        .waitFor();
      const text = await p2.getByTestId("releases").innerText();
      for (const code of ["rolled_back", "withdrawn", "general"])
        assert(!new RegExp(`\\b${code}\\b`).test(text), `no raw code ${code} on the English screen`);
    } finally {
      await wide.close();
    }
  });
});
