// First boot in Chromium (issue 20 item 2): an unenrolled edge serves the zh-CN setup page at
// /setup; staff type HQ's address and the code (a wrong code is refused in words), the edge
// enrolls, restarts into its store (exit 75, started again as systemd would), and the page shows
// the HQ link and the catalog download until the lanes can sell; then a cashier signs in on lane 1.
// Enrolled, the page cannot enroll again (409).
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import {
  CHROMIUM,
  CHROMIUM_ARGS,
  EDGE_CLI,
  freePort,
  type Proc,
  startHubProc,
  stop,
  tempDir,
} from "@retail/test-support";
import { type Browser, chromium } from "playwright-core";
import { Supervised } from "./supervisor.ts";

setDefaultTimeout(180_000);
const ADMIN = "appliance-setup-admin-token-012";
const work = tempDir("appliance-setup-");
let hub: Proc | undefined;
let edge: Supervised | undefined;
let browser: Browser | undefined;
let port = 0;

async function hq<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${hub!.ready.http!}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

beforeAll(async () => {
  // The hub serves mqtts: the setup page enrolls with a certificate request, as the CLI does.
  hub = await startHubProc({
    dataDir: join(work, "hub"),
    env: { HQ_ADMIN_TOKEN: ADMIN, HQ_MQTTS_PORT: "0" },
  });
  const cs = await hq<{ id: number }>("POST", "/api/v1/changesets", { target: { kind: "all" } });
  await hq("POST", `/api/v1/catalog/cashier?changeset=${cs.id}`, {
    id: "1001",
    name: "王芳",
    role: "cashier",
    pin: "1234",
    status: "active",
  });
  await hq("POST", `/api/v1/changesets/${cs.id}/release`, { stage: "all" });
  await hq("POST", "/api/v1/stores", { id: "S001", name: "人民路店", region: "SH" });
  port = await freePort();
  edge = new Supervised(
    [
      process.execPath,
      EDGE_CLI,
      "serve",
      "--port",
      String(port),
      "--host",
      "127.0.0.1",
      "--data",
      join(work, "data"),
    ],
    { STORE_EDGE_BACKOFF_BASE_MS: "100", STORE_EDGE_BACKOFF_CAP_MS: "1000" },
  );
  await edge.start();
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
  await edge?.stop();
  await stop(hub);
  rmSync(work, { recursive: true, force: true });
});

test("the setup page enrolls the edge with a code, shows progress, and the lanes come up", async () => {
  const { code } = await hq<{ code: string }>("POST", "/api/v1/stores/S001/enrollment-code");
  const page = await browser!.newPage({ locale: "zh-CN" });
  await page.goto(`http://127.0.0.1:${port}/setup`);
  await page.locator('form[data-loaded="true"]').waitFor();
  expect(await page.locator("h1").textContent()).toBe("门店服务器初始设置");
  await page.locator("#hq").fill(hub!.ready.http!);
  // A wrong code: refused in words, the form stays.
  await page.locator("#code").fill("WRNG-CODE");
  await page.locator("#code").press("Enter");
  await page.locator("#error").filter({ hasText: "注册码无效" }).waitFor();
  // The right one, as a scanner types it (Enter at the end).
  await page.locator("#code").fill(code);
  await page.locator("#code").press("Enter");
  await page.locator("#progress").waitFor();
  await page.locator('#step-enrolled[data-state="done"]').waitFor();
  await page.locator("#go").waitFor({ state: "visible", timeout: 90_000 });
  expect(await page.locator("#hint").textContent()).toBe("设置完成。");
  expect(await page.locator("#store").textContent()).toContain("S001");
  for (const step of ["restart", "link", "catalog", "lanes"])
    expect(await page.locator(`#step-${step}`).getAttribute("data-state")).toBe("done");
  expect(edge!.exits).toEqual([75]);

  // The lanes come up: the cashier from HQ's catalog signs in on lane 1.
  const base = `http://127.0.0.1:${port}`;
  const login = await fetch(`${base}/api/v1/lanes/1/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ cashierId: "1001", pin: "1234" }),
  });
  expect(login.status).toBe(200);
  // Over mutual TLS: the page sent a certificate request, the edge keeps its key and certificate
  // and was told the broker's mqtts address (the catalog above came over it).
  const enrolled = JSON.parse(readFileSync(join(work, "data", "store-edge.json"), "utf8")).enrollment;
  expect(enrolled.mqtt.url).toBe(hub!.ready.mqtts!);
  expect(enrolled.tls.serial).toMatch(/^[0-9a-f]+$/);
  expect(existsSync(join(work, "data", "tls", "edge.key.pem"))).toBe(true);
  // Enrolled now: the LAN cannot enroll it again.
  const again = await fetch(`${base}/api/v1/setup/enroll`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ hq: hub!.ready.http!, code }),
  });
  expect(again.status).toBe(409);
  await page.close();
});
