// The product's processes, started from their CLIs as in production (never imported): the HQ
// hub on fixed ports (so a restarted hub is where the edges and the proxies expect it) and store
// edges, each found through its READY line. kill -9 is a real SIGKILL of the process.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { join, resolve } from "node:path";
import { type Subprocess, spawn } from "bun";

const ROOT = resolve(import.meta.dir, "../..");
const BUN = process.execPath;
export const HUB_CLI = join(ROOT, "hq-hub/src/cli.ts");
export const EDGE_CLI = join(ROOT, "store-edge/src/cli.ts");

export interface Proc {
  proc: Subprocess<"ignore", "pipe", "pipe">;
  ready: Record<string, string>;
  log: () => string;
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once("error", rej);
    srv.listen(0, "127.0.0.1", () => {
      const p = (srv.address() as { port: number }).port;
      srv.close(() => res(p));
    });
  });
}

export async function startProc(
  args: string[],
  marker: string,
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<Proc> {
  const proc = spawn([BUN, ...args], {
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, ...env },
  });
  let log = "";
  const keep = (s: string) => {
    log += s;
    if (log.length > 200_000) log = log.slice(-100_000);
  };
  void (async () => {
    const dec = new TextDecoder();
    for await (const chunk of proc.stderr) keep(dec.decode(chunk));
  })();
  const reader = proc.stdout.getReader();
  const dec = new TextDecoder();
  let buf = "";
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const nl = buf.indexOf("\n");
    if (nl >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (line.startsWith(`${marker} `)) {
        reader.releaseLock();
        // Keep draining stdout so the child never blocks on a full pipe.
        void (async () => {
          for await (const chunk of proc.stdout) keep(dec.decode(chunk));
        })();
        return { proc, ready: JSON.parse(line.slice(marker.length + 1)), log: () => log };
      }
      keep(`${line}\n`);
      continue;
    }
    if (Date.now() > deadline) {
      proc.kill(9);
      throw new Error(`${args.join(" ")}: no ${marker} within ${timeoutMs} ms\n${log.slice(-3000)}`);
    }
    const { value, done } = await reader.read();
    if (done)
      throw new Error(
        `${args.join(" ")} exited (${await proc.exited}) before ${marker}\n${log.slice(-3000)}`,
      );
    buf += dec.decode(value);
  }
}

export function startHub(dir: string, port: number, mqttPort: number, env: Record<string, string>) {
  return startProc(
    [HUB_CLI, "serve", "--port", String(port), "--mqtt-port", String(mqttPort), "--data", dir],
    "HQ_READY",
    env,
  );
}

export function startEdge(dir: string, env: Record<string, string>) {
  return startProc([EDGE_CLI, "serve", "--port", "0", "--host", "127.0.0.1", "--data", dir], "EDGE_READY", {
    STORE_EDGE_BACKOFF_BASE_MS: "100",
    STORE_EDGE_BACKOFF_CAP_MS: "1000",
    STORE_EDGE_STATUS_INTERVAL_MS: "500",
    ...env,
  });
}

export async function enrollEdge(hq: string, code: string, dir: string): Promise<void> {
  const proc = spawn([BUN, EDGE_CLI, "enroll", "--hq", hq, "--code", code, "--data", dir], {
    stdout: "pipe",
    stderr: "pipe",
    stdin: "ignore",
  });
  const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  if ((await proc.exited) !== 0) throw new Error(`enroll ${dir}: ${err || out}`);
}

/** SIGKILL: no cleanup, no flush, the way power or the OOM killer ends a process. */
export async function kill9(
  p: { proc: Subprocess<"ignore", "pipe" | "ignore", "pipe" | "ignore"> } | undefined,
): Promise<void> {
  if (!p || p.proc.exitCode !== null || p.proc.signalCode) return;
  p.proc.kill("SIGKILL");
  await p.proc.exited;
}

export async function stopGently(p: Proc | undefined): Promise<void> {
  if (!p || p.proc.exitCode !== null || p.proc.signalCode) return;
  p.proc.kill("SIGTERM");
  const t = setTimeout(() => p.proc.kill("SIGKILL"), 5000);
  await p.proc.exited;
  clearTimeout(t);
}

export const MOSQUITTO = ["/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto", "/usr/bin/mosquitto"].find(
  (p) => existsSync(p),
);

export interface Broker {
  proc: Subprocess<"ignore", "ignore", "ignore">;
  port: number;
}

/**
 * An external Mosquitto 2 as a chain would run it: no anonymous clients, the password and ACL
 * files the hub exports (`mosquitto.passwd`, `mosquitto.acl` in `dir`, SIGHUP re-reads them),
 * persistence on disk with a short autosave, so a kill -9 loses what was not saved yet.
 */
export async function startMosquitto(dir: string, port: number, persistence = true): Promise<Broker> {
  if (!MOSQUITTO) throw new Error("mosquitto is not installed (apt-get install mosquitto)");
  mkdirSync(dir, { recursive: true });
  const conf = join(dir, "mosquitto.conf");
  writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      "allow_anonymous false",
      `password_file ${join(dir, "mosquitto.passwd")}`,
      `acl_file ${join(dir, "mosquitto.acl")}`,
      `persistence ${persistence}`,
      `persistence_location ${dir}/`,
      "autosave_interval 5",
      "log_dest none",
      // Run as root, Mosquitto would drop to user "mosquitto" and lose access to this temp dir.
      ...(process.getuid?.() === 0 ? ["user root"] : []),
      "",
    ].join("\n"),
  );
  const proc = spawn([MOSQUITTO, "-c", conf], { stdin: "ignore", stdout: "ignore", stderr: "ignore" });
  const deadline = Date.now() + 20_000;
  for (;;) {
    const up = await new Promise<boolean>((res) => {
      const c = connect(port, "127.0.0.1");
      c.once("connect", () => {
        c.destroy();
        res(true);
      });
      c.once("error", () => res(false));
    });
    if (up) return { proc, port };
    if (proc.exitCode !== null || Date.now() > deadline) {
      proc.kill(9);
      throw new Error(`mosquitto on ${port}: not listening (exit ${proc.exitCode})`);
    }
    await Bun.sleep(100);
  }
}
