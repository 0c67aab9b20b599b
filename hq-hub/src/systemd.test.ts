import { expect, test } from "bun:test";
import { notifySystemdReady } from "./systemd.ts";

const recorder = () => {
  const calls: { args: string[]; socket: string }[] = [];
  return { calls, notify: async (args: string[], socket: string) => (calls.push({ args, socket }), 0) };
};

async function until(ok: () => boolean) {
  for (let i = 0; i < 300 && !ok(); i++) await Bun.sleep(100);
}

test("outside systemd (no NOTIFY_SOCKET) nothing is sent", async () => {
  const r = recorder();
  notifySystemdReady({ WATCHDOG_USEC: "1000000" }, () => {}, r.notify)();
  await Bun.sleep(50);
  expect(r.calls).toEqual([]);
});

test("READY=1 once, then WATCHDOG=1 pings on the unit's socket until stopped", async () => {
  const r = recorder();
  const stop = notifySystemdReady(
    { NOTIFY_SOCKET: "/run/x.sock", WATCHDOG_USEC: "1000000", WATCHDOG_PID: String(process.pid) },
    () => {},
    r.notify,
  );
  await until(() => r.calls.filter((c) => c.args[0] === "WATCHDOG=1").length >= 2);
  stop();
  expect(r.calls[0]).toEqual({ args: ["--ready", "--status=serving"], socket: "/run/x.sock" });
  expect(r.calls.slice(1).every((c) => c.args[0] === "WATCHDOG=1")).toBe(true);
  expect(r.calls.length).toBeGreaterThanOrEqual(3);
});

test("a watchdog meant for another process: READY only; a failing systemd-notify is logged, not thrown", async () => {
  const r = recorder();
  const lines: string[] = [];
  notifySystemdReady(
    { NOTIFY_SOCKET: "/run/x.sock", WATCHDOG_USEC: "1000000", WATCHDOG_PID: "1" },
    (l) => lines.push(l),
    async (args, socket) => (r.calls.push({ args, socket }), 1),
  );
  await until(() => lines.length > 0);
  await Bun.sleep(1200);
  expect(r.calls.map((c) => c.args[0])).toEqual(["--ready"]);
  expect(lines[0]).toContain("exited 1");
});
