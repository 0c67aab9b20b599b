// Real processes for the browser tests and the bench: the HQ hub and the store edge, each
// spawned from its own CLI (never imported: terminal-ui may import only protocol types) and
// found through its READY line. Output is kept for the failure report.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type Subprocess, spawn } from "bun";

const ROOT = resolve(import.meta.dir, "../../..");
const BUN = process.execPath;
export const HUB_CLI = join(ROOT, "hq-hub/src/cli.ts");
export const EDGE_CLI = join(ROOT, "store-edge/src/cli.ts");
export const ADMIN_TOKEN = "terminal-e2e-admin-token-0123456789";

export interface Proc {
  proc: Subprocess<"ignore", "pipe", "pipe">;
  ready: Record<string, string>;
  output: () => string;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `terminal-ui-${prefix}`));
}

async function start(
  args: string[],
  marker: string,
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<Proc> {
  const proc = spawn([BUN, ...args], {
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, ...env },
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
  while (true) {
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
        return { proc, ready: JSON.parse(line.slice(marker.length + 1)), output: () => out };
      }
      continue;
    }
    if (Date.now() > deadline) {
      proc.kill(9);
      throw new Error(`${args.join(" ")}: no ${marker} within ${timeoutMs} ms\n${out}`);
    }
    const { value, done } = await reader.read();
    if (done) throw new Error(`${args.join(" ")} exited (${await proc.exited}) before ${marker}\n${out}`);
    buf += dec.decode(value);
  }
}

export function startHub(dataDir: string, mqttPort = 0): Promise<Proc> {
  return start(
    [HUB_CLI, "serve", "--port", "0", "--mqtt-port", String(mqttPort), "--data", dataDir],
    "HQ_READY",
    {
      HQ_ADMIN_TOKEN: ADMIN_TOKEN,
    },
  );
}

export function startEdge(dataDir: string, env: Record<string, string> = {}): Promise<Proc> {
  return start([EDGE_CLI, "serve", "--port", "0", "--host", "127.0.0.1", "--data", dataDir], "EDGE_READY", {
    STORE_EDGE_BACKOFF_BASE_MS: "100",
    STORE_EDGE_BACKOFF_CAP_MS: "1000",
    STORE_EDGE_STATUS_INTERVAL_MS: "200",
    STORE_EDGE_PAYMENT_TIMEOUT_MS: "1500",
    STORE_EDGE_PAYMENT_QUERY_MS: "300",
    ...env,
  });
}

export async function stop(p: Proc | undefined, signal: "SIGTERM" | "SIGKILL" = "SIGTERM"): Promise<void> {
  if (!p || p.proc.exitCode !== null) return;
  p.proc.kill(signal);
  const t = setTimeout(() => p.proc.kill("SIGKILL"), 5000);
  await p.proc.exited;
  clearTimeout(t);
}

export async function runEdgeCli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const proc = spawn([BUN, EDGE_CLI, ...args], { stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  return { code: await proc.exited, out, err };
}

/** The hub's admin REST API with the bearer token. */
export class HubAdmin {
  constructor(readonly http: string) {}

  async call<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.http}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`HQ ${method} ${path}: ${res.status} ${text.slice(0, 500)}`);
    return JSON.parse(text) as T;
  }

  async addStore(id: string, name: string, region: string): Promise<string> {
    await this.call("POST", "/api/v1/stores", { id, name, region });
    const { code } = await this.call<{ code: string }>("POST", `/api/v1/stores/${id}/enrollment-code`);
    return code;
  }

  /** One change set with every record, released to all stores. */
  async release(items: { entity: string; data: unknown }[]): Promise<number> {
    const cs = await this.call<{ id: number }>("POST", "/api/v1/changesets", { target: { kind: "all" } });
    for (const item of items)
      await this.call("POST", `/api/v1/catalog/${item.entity}?changeset=${cs.id}`, item.data);
    const r = await this.call<{ version: number }>("POST", `/api/v1/changesets/${cs.id}/release`, {
      stage: "all",
    });
    return r.version;
  }
}

/**
 * JSON call to the edge's API (test set-up and simulated devices). A lane's routes need its
 * cashier session: `token` from the sign-in (or from the terminal's localStorage).
 */
export async function edge<T = Record<string, unknown>>(
  http: string,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<T> {
  const res = await fetch(`${http}/api/v1${path}`, {
    method,
    headers: {
      "content-type": "application/json",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`edge ${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
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
