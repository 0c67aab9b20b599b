// The appliance artefact end to end (issue 20 item 1): `npm run build:appliance` builds one
// executable; it answers --version, its checksum file verifies, and, started from a folder
// with nothing beside it, it serves the embedded terminal UI, enrolls against a real hub
// process with a one-time code, takes its catalog, and sells a sale that HQ commits and acks.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { withCheckDigit } from "@retail/protocol";
import { type Proc, ROOT, startCommand, startHubProc, stop, tempDir, until } from "@retail/test-support";
import { spawn } from "bun";

// A compile (~10 s), a hub and an edge on a shared CI machine: generous, never a timed assert.
setDefaultTimeout(180_000);

const ADMIN = "appliance-test-admin-token-0123";
const work = tempDir("appliance-");
const dist = join(work, "dist");
// The edge runs from a folder holding the executable only (no checkout, no node_modules beside it).
const box = join(work, "box");
const data = join(box, "data");
const exe = join(box, "store-edge");
let hub: Proc | undefined;
let edge: Proc | undefined;
const gtin = withCheckDigit("690000000001");

async function run(cmd: string[], cwd = box) {
  const p = spawn(cmd, {
    cwd,
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, STORE_EDGE_ASSETS_DIR: join(work, "assets") },
  });
  const [out, err] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text()]);
  return { code: await p.exited, out, err };
}

async function api<T = unknown>(
  method: string,
  path: string,
  body?: unknown,
  token = ADMIN,
  base = hub!.ready.http!,
): Promise<T> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 400)}`);
  return JSON.parse(text) as T;
}

beforeAll(async () => {
  const built = await run([process.execPath, join(ROOT, "scripts/appliance/build.ts"), "--out", dist], ROOT);
  if (built.code !== 0) throw new Error(`build:appliance failed\n${built.out}\n${built.err}`);
  Bun.spawnSync(["mkdir", "-p", box]);
  copyFileSync(join(dist, "store-edge"), exe);
  Bun.spawnSync(["chmod", "755", exe]);
  hub = await startHubProc({ dataDir: join(work, "hub"), env: { HQ_ADMIN_TOKEN: ADMIN } });
});

afterAll(async () => {
  await stop(edge);
  await stop(hub);
  rmSync(work, { recursive: true, force: true });
});

test("the artefact: --version, its sha256 file verifies", async () => {
  const version = readFileSync(join(dist, "store-edge.version"), "utf8").trim();
  expect(version).toMatch(/^\d+\.\d+\.\d+(\+g[0-9a-f]+(-dirty)?)?$/);
  const v = await run([exe, "--version"]);
  expect(v.code).toBe(0);
  expect(v.out.trim()).toBe(`store-edge ${version}`);
  const [sum, name] = readFileSync(join(dist, "store-edge.sha256"), "utf8").trim().split(/\s+/);
  expect(name).toBe("store-edge");
  expect(createHash("sha256").update(readFileSync(exe)).digest("hex")).toBe(sum!);
  const check = await run(["sha256sum", "-c", "store-edge.sha256"], dist);
  expect(check.out).toContain("store-edge: OK");
});

test("enrolled with a code against a running hub, it serves the terminal UI and sells a sale HQ commits", async () => {
  // HQ: one product with a barcode and a price, one cashier, released to every store; a store.
  const cs = await api<{ id: number }>("POST", "/api/v1/changesets", { target: { kind: "all" } });
  await api("POST", `/api/v1/catalog/product?changeset=${cs.id}`, {
    sku: "SKU000001",
    name: "矿泉水 550ml",
    category: ["10", "1001"],
    unit: "EA",
    taxRate: 13,
    weighed: false,
    status: "active",
  });
  await api("POST", `/api/v1/catalog/barcode?changeset=${cs.id}`, { code: gtin, sku: "SKU000001" });
  await api("POST", `/api/v1/catalog/price?changeset=${cs.id}`, {
    sku: "SKU000001",
    scope: "chain",
    windows: [{ price: 250 }],
  });
  await api("POST", `/api/v1/catalog/cashier?changeset=${cs.id}`, {
    id: "1001",
    name: "王芳",
    role: "cashier",
    pin: "1234",
    status: "active",
  });
  await api("POST", `/api/v1/changesets/${cs.id}/release`, { stage: "all" });
  await api("POST", "/api/v1/stores", { id: "A001", name: "一体机店", region: "SH" });
  const { code } = await api<{ code: string }>("POST", "/api/v1/stores/A001/enrollment-code");

  const enrolled = await run([exe, "enroll", "--hq", hub!.ready.http!, "--code", code, "--data", data]);
  expect(enrolled.err).toBe("");
  expect(enrolled.out).toContain("enrolled as store A001");
  const wrong = await run([
    exe,
    "enroll",
    "--hq",
    hub!.ready.http!,
    "--code",
    "NOT-A-CODE",
    "--data",
    join(box, "other"),
  ]);
  expect(wrong.code).toBe(2);
  expect(wrong.err).toContain("HQ refused the code");

  edge = await startCommand(
    [exe, "serve", "--port", "0", "--host", "127.0.0.1", "--data", data],
    "EDGE_READY",
    {
      STORE_EDGE_ASSETS_DIR: join(work, "assets"),
      STORE_EDGE_BACKOFF_BASE_MS: "100",
      STORE_EDGE_BACKOFF_CAP_MS: "1000",
    },
  );
  const http = edge.ready.http!;
  // The terminal UI came out of the executable (no terminal-ui/build next to it).
  const page = await fetch(`${http}/`);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('<html lang="zh-CN">');

  const status = () =>
    api<{ catalog: { applied: number }; outbox: { lastSeq: number; ackedUpTo: number } }>(
      "GET",
      "/api/v1/status",
      undefined,
      "",
      http,
    );
  await until(async () => (await status()).catalog.applied >= 1, 30_000, "catalog from HQ");
  const login = await api<{ session: { token: string } }>(
    "POST",
    "/api/v1/lanes/1/login",
    { cashierId: "1001", pin: "1234" },
    "",
    http,
  );
  const lane = (method: string, path: string, body?: unknown) =>
    api<Record<string, unknown>>(method, `/api/v1/lanes/1${path}`, body, login.session.token, http);
  await lane("POST", "/shift/open", { float: 20_000 });
  await lane("POST", "/scan", { code: gtin });
  const paid = (await lane("POST", "/tenders", { kind: "cash", received: 1_000 })) as {
    sale: { receiptNo: string };
  };
  await until(
    async () => {
      const s = await status();
      return s.outbox.lastSeq > 0 && s.outbox.ackedUpTo === s.outbox.lastSeq;
    },
    30_000,
    "the sale acked by HQ",
  );
  const sales = await api<{ receipt_no: string }[]>("GET", "/api/v1/stores/A001/sales");
  expect(sales.map((s) => s.receipt_no)).toEqual([paid.sale.receiptNo]);
  edge.proc.kill("SIGTERM");
  expect(await edge.proc.exited).toBe(0);
});

test("install.sh under a temp prefix: checksum enforced, a user unit systemd-analyze accepts; uninstall keeps the data", async () => {
  const prefix = join(work, "prefix");
  const install = (binary: string) =>
    run(
      ["sh", join(ROOT, "packaging/install.sh"), "--binary", binary, "--prefix", prefix, "--user-unit"],
      work,
    );
  // A binary that does not match its checksum is refused before anything is written.
  const bad = join(work, "bad");
  Bun.spawnSync(["mkdir", "-p", bad]);
  copyFileSync(join(dist, "store-edge.sha256"), join(bad, "store-edge.sha256"));
  await Bun.write(join(bad, "store-edge"), "#!/bin/sh\necho tampered\n");
  const refused = await install(join(bad, "store-edge"));
  expect(refused.code).toBe(3);
  expect(refused.err).toContain("does not match its checksum");
  expect(existsSync(join(prefix, "opt/retail-edge/store-edge"))).toBe(false);

  const ok = await install(join(dist, "store-edge"));
  expect(ok.err).toBe("");
  expect(ok.code).toBe(0);
  const unit = join(prefix, ".config/systemd/user/retail-edge.service");
  const text = readFileSync(unit, "utf8");
  expect(text).toContain("Type=notify");
  expect(text).toContain("WatchdogSec=30");
  expect(text).toContain("Restart=on-failure");
  expect(text).toContain(
    `ExecStart=${join(prefix, "opt/retail-edge/store-edge-boot")} ${join(prefix, "opt/retail-edge/store-edge")} ${join(prefix, "var/lib/retail-edge")}`,
  );
  const runtime = join(work, "xdg-runtime");
  Bun.spawnSync(["mkdir", "-p", runtime]);
  const verify = Bun.spawnSync(["systemd-analyze", "verify", "--user", unit], {
    env: { ...process.env, XDG_RUNTIME_DIR: runtime },
  });
  expect(verify.stderr.toString()).toBe("");
  expect(verify.exitCode).toBe(0);
  const installed = await run([join(prefix, "opt/retail-edge/store-edge"), "--version"]);
  expect(installed.out).toContain(readFileSync(join(dist, "store-edge.version"), "utf8").trim());

  await Bun.write(join(prefix, "var/lib/retail-edge/edge.db"), "the store's sales");
  const removed = await run(
    ["sh", join(ROOT, "packaging/uninstall.sh"), "--prefix", prefix, "--user-unit"],
    work,
  );
  expect(removed.code).toBe(0);
  expect(existsSync(unit)).toBe(false);
  expect(existsSync(join(prefix, "opt/retail-edge/store-edge"))).toBe(false);
  expect(existsSync(join(prefix, "opt/retail-edge/store-edge-boot"))).toBe(false);
  expect(readFileSync(join(prefix, "var/lib/retail-edge/edge.db"), "utf8")).toBe("the store's sales");
});
