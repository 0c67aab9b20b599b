// The product's processes started from their CLIs as in production (never imported: the UIs may
// import only protocol, and a crash must be a real process dying), each found through its READY
// line. Output is kept (the last ~100 kB) for the failure report; stdout is drained so a child
// never blocks on a full pipe. kill9 is a real SIGKILL.
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type Subprocess, spawn } from "bun";

export const ROOT = resolve(import.meta.dir, "../..");
const BUN = process.execPath;
export const HUB_CLI = join(ROOT, "hq-hub/src/cli.ts");
export const EDGE_CLI = join(ROOT, "store-edge/src/cli.ts");

export interface Proc {
  proc: Subprocess<"ignore", "pipe", "pipe">;
  /** The JSON after the READY marker (http, mqtt ...). */
  ready: Record<string, string>;
  /** What the process wrote so far, stdout and stderr. */
  log: () => string;
}

/** A fresh directory under the OS temp dir; the caller removes it. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A TCP port free on 127.0.0.1 now (for a process that must come back on the same port). */
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

/** `bun <args>`, resolved once the process prints `<marker> {json}` on stdout. */
export function startProc(
  args: string[],
  marker: string,
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<Proc> {
  return startCommand([BUN, ...args], marker, env, timeoutMs);
}

/** Any command (e.g. a compiled appliance executable), resolved on `<marker> {json}` as above. */
export async function startCommand(
  args: string[],
  marker: string,
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<Proc> {
  const proc = spawn(args, {
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
      keep(`${line}\n`);
      if (line.startsWith(`${marker} `)) {
        reader.releaseLock();
        void (async () => {
          for await (const chunk of proc.stdout) keep(dec.decode(chunk));
        })();
        return { proc, ready: JSON.parse(line.slice(marker.length + 1)), log: () => log };
      }
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

/** The HQ hub (`hq-hub serve`); port 0 lets the OS pick, a fixed port survives a restart. */
export function startHubProc(o: {
  dataDir: string;
  port?: number;
  mqttPort?: number;
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Flags for bun itself, before the CLI (e.g. `--cpu-prof`). */
  bunArgs?: string[];
}): Promise<Proc> {
  return startProc(
    [
      ...(o.bunArgs ?? []),
      HUB_CLI,
      "serve",
      "--port",
      String(o.port ?? 0),
      "--mqtt-port",
      String(o.mqttPort ?? 0),
      "--data",
      o.dataDir,
    ],
    "HQ_READY",
    o.env ?? {},
    o.timeoutMs,
  );
}

/** A store edge (`store-edge serve` on 127.0.0.1) retrying HQ quickly. */
export function startEdgeProc(dataDir: string, env: Record<string, string> = {}, timeoutMs?: number) {
  return startProc(
    [EDGE_CLI, "serve", "--port", "0", "--host", "127.0.0.1", "--data", dataDir],
    "EDGE_READY",
    { STORE_EDGE_BACKOFF_BASE_MS: "100", STORE_EDGE_BACKOFF_CAP_MS: "1000", ...env },
    timeoutMs,
  );
}

/** `bun <cli> <args>` to its end (e.g. `store-edge enroll`). */
export async function runCli(
  cli: string,
  args: string[],
): Promise<{ code: number; out: string; err: string }> {
  const proc = spawn([BUN, cli, ...args], { stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  return { code: await proc.exited, out, err };
}

/** SIGTERM (or `signal`), SIGKILL after 5 s; nothing when it already ended. */
export async function stop(p: Proc | undefined, signal: "SIGTERM" | "SIGKILL" = "SIGTERM"): Promise<void> {
  if (!p || p.proc.exitCode !== null || p.proc.signalCode) return;
  p.proc.kill(signal);
  const t = setTimeout(() => p.proc.kill("SIGKILL"), 5000);
  await p.proc.exited;
  clearTimeout(t);
}

/** SIGKILL: no cleanup, no flush, the way power or the OOM killer ends a process. */
export async function kill9(
  p: { proc: Subprocess<"ignore", "pipe" | "ignore", "pipe" | "ignore"> } | undefined,
): Promise<void> {
  if (!p || p.proc.exitCode !== null || p.proc.signalCode) return;
  p.proc.kill("SIGKILL");
  await p.proc.exited;
}

/** Polls `fn` every 100 ms until it returns true (a throw counts as "not yet"). */
export async function until(fn: () => Promise<boolean> | boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      if (await fn()) return;
    } catch {
      // not yet
    }
    await Bun.sleep(100);
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}
