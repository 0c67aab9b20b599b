// Under packaging/retail-hq.service (Type=notify, WatchdogSec): the hub says READY=1 once it
// serves, then WATCHDOG=1 every half period from a timer on its event loop, so a wedged loop
// stops the pings and systemd kills and restarts it. Bun cannot write to a unix datagram
// socket: the messages go through `systemd-notify` (NotifyAccess=all in the unit), as the
// edge's do (store-edge/src/health/systemd.ts; the two packages may not import each other).
// Outside systemd (no NOTIFY_SOCKET) it does nothing.

export type Notify = (args: string[], socket: string) => Promise<number>;

const viaSystemdNotify: Notify = (args, socket) =>
  Bun.spawn(["systemd-notify", ...args], {
    env: { ...process.env, NOTIFY_SOCKET: socket },
    stdio: ["ignore", "ignore", "inherit"],
  }).exited;

/** Sends READY=1 and starts the heartbeat; returns the function that stops it. */
export function notifySystemdReady(
  env: Record<string, string | undefined>,
  log: (line: string) => void,
  notify: Notify = viaSystemdNotify,
): () => void {
  const socket = env.NOTIFY_SOCKET;
  if (!socket) return () => {};
  const say = (args: string[]) =>
    notify(args, socket).then(
      (code) => code === 0 || log(`hq-hub: systemd-notify ${args.join(" ")} exited ${code}`),
      (e: Error) => log(`hq-hub: systemd-notify: ${e.message}`),
    );
  void say(["--ready", "--status=serving"]);
  const usec = Number(env.WATCHDOG_USEC);
  // WATCHDOG_PID names the process the watchdog watches; any other keeps quiet.
  if (!(usec > 0) || (env.WATCHDOG_PID && Number(env.WATCHDOG_PID) !== process.pid)) return () => {};
  let busy = false;
  const timer = setInterval(
    () => {
      if (busy) return; // one systemd-notify at a time: a slow one must not pile up processes
      busy = true;
      void say(["WATCHDOG=1"]).finally(() => {
        busy = false;
      });
    },
    Math.max(500, Math.floor(usec / 2000)),
  );
  timer.unref?.();
  return () => clearInterval(timer);
}
