// The hub as one executable (issue 20 item 1, docs/appliance.md "The hub as one executable"):
// `npm run build:hub` builds it; it answers --version and its checksum verifies; install-hub.sh
// puts it under a temp prefix with a user-level unit that systemd-analyze accepts (a tampered
// binary refused); run from there, with no checkout beside it, it migrates a fresh database,
// answers /api/v1, serves the HQ console and the API reference it carries, makes the chain CA
// and serves mqtts, commits a sale a store sends over MQTT through its ingest Worker (an entry
// point inside the executable), and says READY=1 and WATCHDOG=1 on a notify socket as the unit
// expects; uninstall-hub.sh keeps the data.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { connectStore, enrollStore, saleEvent } from "@retail/hq-hub/test-kit";
import { type Proc, ROOT, startCommand, stop, tempDir, until } from "@retail/test-support";
import { spawn } from "bun";

// A compile (and the console build when stale) and a hub process on a shared CI machine.
setDefaultTimeout(300_000);

// The admin token test-kit's helpers send.
const ADMIN = "test-admin-token-0123456789";
const work = tempDir("hub-artefact-");
const dist = join(work, "dist");
const prefix = join(work, "prefix");
const installed = join(prefix, "opt/retail-hq/hq-hub");
const data = join(prefix, "var/lib/retail-hq");
let hub: Proc | undefined;
let socat: ReturnType<typeof spawn> | undefined;

async function run(cmd: string[], cwd = work) {
  const p = spawn(cmd, { cwd, stdout: "pipe", stderr: "pipe", env: process.env });
  const [out, err] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text()]);
  return { code: await p.exited, out, err };
}

const install = (binary: string) =>
  run(["sh", join(ROOT, "packaging/install-hub.sh"), "--binary", binary, "--prefix", prefix, "--user-unit"]);

beforeAll(async () => {
  const built = await run(
    [process.execPath, join(ROOT, "scripts/appliance/build-hub.ts"), "--out", dist],
    ROOT,
  );
  if (built.code !== 0) throw new Error(`build:hub failed\n${built.out}\n${built.err}`);
});

afterAll(async () => {
  socat?.kill();
  await stop(hub);
  rmSync(work, { recursive: true, force: true });
});

test("the hub artefact: --version, its sha256 file verifies", async () => {
  const version = readFileSync(join(dist, "hq-hub.version"), "utf8").trim();
  expect(version).toMatch(/^\d+\.\d+\.\d+(\+g[0-9a-f]+(-dirty)?)?$/);
  const v = await run([join(dist, "hq-hub"), "--version"]);
  expect(v.code).toBe(0);
  expect(v.out.trim()).toBe(`hq-hub ${version}`);
  const [sum, name] = readFileSync(join(dist, "hq-hub.sha256"), "utf8").trim().split(/\s+/);
  expect(name).toBe("hq-hub");
  expect(
    createHash("sha256")
      .update(readFileSync(join(dist, "hq-hub")))
      .digest("hex"),
  ).toBe(sum!);
  expect((await run(["sha256sum", "-c", "hq-hub.sha256"], dist)).out).toContain("hq-hub: OK");
});

test("install-hub.sh under a temp prefix: a tampered binary refused; the user unit passes systemd-analyze verify", async () => {
  const bad = join(work, "bad");
  mkdirSync(bad, { recursive: true });
  copyFileSync(join(dist, "hq-hub.sha256"), join(bad, "hq-hub.sha256"));
  await Bun.write(join(bad, "hq-hub"), "#!/bin/sh\necho tampered\n");
  const refused = await install(join(bad, "hq-hub"));
  expect(refused.code).toBe(3);
  expect(refused.err).toContain("does not match its checksum");
  expect(existsSync(installed)).toBe(false);

  const ok = await install(join(dist, "hq-hub"));
  expect(ok.err).toBe("");
  expect(ok.code).toBe(0);
  const unit = join(prefix, ".config/systemd/user/retail-hq.service");
  const text = readFileSync(unit, "utf8");
  for (const line of ["Type=notify", "WatchdogSec=30", "Restart=on-failure", "RuntimeDirectory=retail-hq"])
    expect(text).toContain(line);
  expect(text).toContain(`ExecStart=${installed} serve --data ${data}`);
  // The env file: made once, 0600, with a random admin token a reinstall keeps.
  const envFile = join(prefix, "etc/retail-hq/hq-hub.env");
  expect(statSync(envFile).mode & 0o777).toBe(0o600);
  const token = /^HQ_ADMIN_TOKEN=([0-9a-f]{48})$/m.exec(readFileSync(envFile, "utf8"))?.[1];
  expect(token).toBeDefined();
  expect((await install(join(dist, "hq-hub"))).code).toBe(0);
  expect(readFileSync(envFile, "utf8")).toContain(`HQ_ADMIN_TOKEN=${token}`);

  const runtime = join(work, "xdg-runtime");
  mkdirSync(runtime, { recursive: true });
  const verify = Bun.spawnSync(["systemd-analyze", "verify", "--user", unit], {
    env: { ...process.env, XDG_RUNTIME_DIR: runtime },
  });
  expect(verify.stderr.toString()).toBe("");
  expect(verify.exitCode).toBe(0);
});

test("run from the prefix alone: answers /api/v1, serves the console and reference it carries, ingests a sale in its Worker", async () => {
  // Started as the unit starts it (serve --data), with the ingest Worker on: nothing of the
  // checkout is reachable from there. socat stands in for systemd's notify socket (when present).
  const notify = existsSync("/usr/bin/socat") && existsSync("/usr/bin/systemd-notify");
  const sock = join(work, "notify.sock");
  const notified = join(work, "notified");
  socat = notify
    ? spawn(["socat", "-u", `UNIX-RECV:${sock},unlink-early`, `OPEN:${notified},creat,append`])
    : undefined;
  if (socat) await until(() => existsSync(sock), 20_000, "the notify socket");
  hub = await startCommand(
    [installed, "serve", "--port", "0", "--mqtt-port", "0", "--mqtts-port", "0", "--data", data],
    "HQ_READY",
    {
      ...(notify ? { NOTIFY_SOCKET: sock, WATCHDOG_USEC: "2000000" } : {}),
      HQ_ADMIN_TOKEN: ADMIN,
      HQ_ASSETS_DIR: join(work, "assets"),
      HQ_INGEST_WORKER: "1",
      HQ_CONSOLE_DIR: "", // blank: an inherited one would hide the console the executable carries
    },
    60_000,
  );
  const http = hub.ready.http as string;
  // The chain CA made and the mutual-TLS listener up: the x509 stack works inside the executable.
  expect(String(hub.ready.mqtts)).toMatch(/^mqtts:\/\/127\.0\.0\.1:\d+$/);
  expect(statSync(join(data, "pki/ca.key.pem")).mode & 0o777).toBe(0o600);
  const index = await fetch(`${http}/api/v1`);
  expect(index.status).toBe(200);
  expect(((await index.json()) as { name: string }).name).toBe("HQ hub API");
  const page = await fetch(`${http}/`);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('<html lang="zh-CN">');
  const css = await fetch(`${http}/api/v1/reference/swagger-ui.css`);
  expect(css.status).toBe(200);
  expect((await css.arrayBuffer()).byteLength).toBeGreaterThan(10_000);
  expect(existsSync(join(data, "hq.db"))).toBe(true);

  const creds = await enrollStore({ http: { url: http } }, "H001");
  const store = await connectStore(creds);
  try {
    const sale = saleEvent("H001", 1, { lines: 2 });
    await store.publishEvents([sale]);
    const ack = await store.next("events.ack", () => true, 30_000);
    expect(ack.payload).toEqual({ upToSeq: 1, missing: [] });
    const listed = await fetch(`${http}/api/v1/stores/H001/sales`, {
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    const rows = (await listed.json()) as { receipt_no: string }[];
    expect(rows.map((r) => r.receipt_no)).toEqual([sale.payload.receiptNo]);
  } finally {
    await store.close();
  }
  if (socat) {
    // The unit's Type=notify and WatchdogSec: READY=1 once it serves, then the heartbeat.
    await until(
      () => existsSync(notified) && readFileSync(notified, "utf8").includes("WATCHDOG=1"),
      30_000,
      "READY=1 and WATCHDOG=1 on the notify socket",
    );
    expect(readFileSync(notified, "utf8")).toContain("READY=1");
    socat.kill();
  }
  expect(hub.log()).not.toContain("worker error");
  expect(hub.log()).not.toContain("worker exited");
  hub.proc.kill("SIGTERM");
  expect(await hub.proc.exited).toBe(0);
});

test("uninstall-hub.sh removes the executable and the unit, keeps the data and the env file", async () => {
  const removed = await run([
    "sh",
    join(ROOT, "packaging/uninstall-hub.sh"),
    "--prefix",
    prefix,
    "--user-unit",
  ]);
  expect(removed.code).toBe(0);
  expect(existsSync(join(prefix, ".config/systemd/user/retail-hq.service"))).toBe(false);
  expect(existsSync(installed)).toBe(false);
  expect(existsSync(join(data, "hq.db"))).toBe(true);
  expect(existsSync(join(prefix, "etc/retail-hq/hq-hub.env"))).toBe(true);
});
