// The appliance's systemd unit (packaging/retail-edge.service) is Type=notify with WatchdogSec:
// the edge says READY=1 once it serves, then WATCHDOG=1 every half watchdog period from a timer
// on its event loop, so a wedged loop (or a hung process) stops the pings and systemd restarts
// it (Restart=on-failure covers the watchdog). Bun cannot send on a unix datagram socket, so the
// messages go through `systemd-notify` (the unit sets NotifyAccess=all; systemd-notify waits
// until the manager took each message, so a short-lived sender is attributed correctly).
// Outside systemd (no NOTIFY_SOCKET) nothing runs.

export type NotifyRunner = (args: string[], socket: string) => Promise<number>;

export interface SystemdNotifier {
  /** The unit's watchdog period in ms, when it has one. */
  readonly watchdogMs: number | undefined;
  ready(): Promise<void>;
  stop(): void;
}

const runSystemdNotify: NotifyRunner = async (args, socket) => {
  const p = Bun.spawn(["systemd-notify", ...args], {
    env: { ...process.env, NOTIFY_SOCKET: socket },
    stdin: "ignore",
    stdout: "ignore",
    stderr: "inherit",
  });
  return p.exited;
};

export function systemdNotifier(
  env: Record<string, string | undefined> = process.env,
  log: (m: string) => void = () => {},
  run: NotifyRunner = runSystemdNotify,
): SystemdNotifier | undefined {
  const socket = env.NOTIFY_SOCKET;
  if (!socket) return undefined;
  const usec = Number(env.WATCHDOG_USEC);
  // WATCHDOG_PID names the process the watchdog is meant for; another one (a child) keeps quiet.
  const forMe = !env.WATCHDOG_PID || Number(env.WATCHDOG_PID) === process.pid;
  const watchdogMs =
    Number.isInteger(usec) && usec > 0 && forMe ? Math.max(1, Math.floor(usec / 1000)) : undefined;
  let timer: ReturnType<typeof setInterval> | undefined;
  let inFlight = false;
  let failed = false;
  const send = async (args: string[]) => {
    try {
      const code = await run(args, socket);
      if (code !== 0 && !failed) log(`systemd-notify ${args.join(" ")} exited ${code}`);
      failed = code !== 0;
    } catch (e) {
      if (!failed) log(`systemd-notify: ${(e as Error).message}`);
      failed = true;
    }
  };
  return {
    watchdogMs,
    async ready() {
      await send(["--ready", "--status=serving"]);
      if (watchdogMs === undefined || timer) return;
      timer = setInterval(
        () => {
          // One ping at a time: a slow systemd-notify must not pile up processes.
          if (inFlight) return;
          inFlight = true;
          void send(["WATCHDOG=1"]).finally(() => {
            inFlight = false;
          });
        },
        Math.max(500, Math.floor(watchdogMs / 2)),
      );
      timer.unref?.();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
