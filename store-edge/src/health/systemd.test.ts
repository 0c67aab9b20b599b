// The systemd notify/watchdog heartbeat of the appliance unit: nothing outside systemd, READY=1
// once, WATCHDOG=1 repeatedly while the loop turns, none for another process's watchdog; and
// the real systemd-notify reaching a real unix datagram socket (socat standing in for systemd).
import { expect, test } from "bun:test";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tempDir, until } from "../testing/fixtures.ts";
import { systemdNotifier } from "./systemd.ts";

test("no NOTIFY_SOCKET: no notifier", () => {
  expect(systemdNotifier({ WATCHDOG_USEC: "1000000" })).toBeUndefined();
});

test("READY=1 once, then WATCHDOG=1 pings; another process's watchdog gets none", async () => {
  const sent: string[][] = [];
  const n = systemdNotifier(
    { NOTIFY_SOCKET: "/x", WATCHDOG_USEC: "1000000" },
    () => {},
    async (a) => {
      sent.push(a);
      return 0;
    },
  );
  expect(n?.watchdogMs).toBe(1000);
  await n!.ready();
  expect(sent[0]).toEqual(["--ready", "--status=serving"]);
  await until(() => sent.filter((a) => a[0] === "WATCHDOG=1").length >= 3, 20_000);
  n!.stop();
  const after = sent.length;
  await Bun.sleep(1200);
  expect(sent.length).toBe(after);

  const other = systemdNotifier(
    { NOTIFY_SOCKET: "/x", WATCHDOG_USEC: "1000000", WATCHDOG_PID: String(process.pid + 1) },
    () => {},
    async () => 0,
  );
  expect(other?.watchdogMs).toBeUndefined();
});

test("a failing systemd-notify is logged once and the pings go on", async () => {
  const logs: string[] = [];
  let calls = 0;
  const n = systemdNotifier(
    { NOTIFY_SOCKET: "/x", WATCHDOG_USEC: "1000000" },
    (m) => logs.push(m),
    async () => {
      calls++;
      return 1;
    },
  );
  await n!.ready();
  await until(() => calls >= 3, 20_000);
  n!.stop();
  expect(logs.length).toBe(1);
});

test.if(existsSync("/usr/bin/socat") && existsSync("/usr/bin/systemd-notify"))(
  "the real systemd-notify delivers READY=1 and WATCHDOG=1 to the notify socket",
  async () => {
    const dir = tempDir("notify-");
    const sock = join(dir, "notify.sock");
    const out = join(dir, "out");
    const socat = Bun.spawn(["socat", "-u", `UNIX-RECV:${sock},unlink-early`, `OPEN:${out},creat,append`]);
    try {
      await until(() => existsSync(sock), 20_000);
      const n = systemdNotifier({ NOTIFY_SOCKET: sock, WATCHDOG_USEC: "1000000" });
      await n!.ready(); // socat answers no barrier: systemd-notify gives up on it after 5 s
      await until(() => existsSync(out) && readFileSync(out, "utf8").includes("WATCHDOG=1"), 30_000);
      n!.stop();
      expect(readFileSync(out, "utf8")).toContain("READY=1");
    } finally {
      socat.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  },
  60_000,
);
