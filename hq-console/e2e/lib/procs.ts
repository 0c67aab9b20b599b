// The real hub for the browser tests: spawned from its CLI (never imported: hq-console may
// import only protocol types), found through its HQ_READY line, serving the built console
// (HQ_CONSOLE_DIR) on 127.0.0.1 with ports the OS picks. Output is kept for the failure report.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type Subprocess, spawn } from "bun";

const ROOT = resolve(import.meta.dir, "../../..");
const BUN = process.execPath;
export const HUB_CLI = join(ROOT, "hq-hub/src/cli.ts");
export const ADMIN_TOKEN = "console-e2e-admin-token-0123456789";

export interface Proc {
  proc: Subprocess<"ignore", "pipe", "pipe">;
  ready: { http: string; mqtt: string };
  output: () => string;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `hq-console-${prefix}`));
}

export async function startHub(dataDir: string, consoleDir: string, timeoutMs = 30_000): Promise<Proc> {
  const args = [HUB_CLI, "serve", "--port", "0", "--mqtt-port", "0", "--data", dataDir];
  const proc = spawn([BUN, ...args], {
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, HQ_ADMIN_TOKEN: ADMIN_TOKEN, HQ_CONSOLE_DIR: consoleDir, HQ_HOST: "127.0.0.1" },
  });
  let out = "";
  const keep = (s: string) => {
    out += s;
    if (out.length > 200_000) out = out.slice(-100_000);
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
      if (line.startsWith("HQ_READY ")) {
        reader.releaseLock();
        void (async () => {
          for await (const chunk of proc.stdout) keep(dec.decode(chunk));
        })();
        return { proc, ready: JSON.parse(line.slice("HQ_READY ".length)), output: () => out };
      }
      continue;
    }
    if (Date.now() > deadline) {
      proc.kill(9);
      throw new Error(`hub: no HQ_READY within ${timeoutMs} ms\n${out}`);
    }
    const { value, done } = await reader.read();
    if (done) throw new Error(`hub exited (${await proc.exited}) before HQ_READY\n${out}`);
    buf += dec.decode(value);
  }
}

export async function stop(p: Proc | undefined): Promise<void> {
  if (!p || p.proc.exitCode !== null) return;
  p.proc.kill("SIGTERM");
  const t = setTimeout(() => p.proc.kill("SIGKILL"), 5000);
  await p.proc.exited;
  clearTimeout(t);
}

/** The hub's admin REST API (test set-up): JSON, or CSV when `csv` is set. */
export async function hubApi<T = Record<string, unknown>>(
  http: string,
  method: string,
  path: string,
  body?: unknown,
  token = ADMIN_TOKEN,
): Promise<T> {
  const res = await fetch(`${http}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      "content-type": typeof body === "string" ? "text/csv" : "application/json",
    },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`HQ ${method} ${path}: ${res.status} ${text.slice(0, 400)}`);
  return (text ? JSON.parse(text) : {}) as T;
}

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
