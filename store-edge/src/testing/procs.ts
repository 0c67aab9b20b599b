// Real processes over loopback for end-to-end tests and benches: the HQ hub (spawned from its
// CLI, never imported: store-edge may not import hq-hub's code) and store edges (this
// package's CLI), each found through its READY line (@retail/test-support starts them).

import type { ChangeItem } from "@retail/protocol";
import { EDGE_CLI, HUB_CLI, runCli, startProc } from "@retail/test-support";
import type { Subprocess } from "bun";

export { EDGE_CLI, HUB_CLI };
export const ADMIN_TOKEN = "test-admin-token-0123456789";

export interface Proc {
  proc: Subprocess<"ignore", "pipe", "pipe">;
  ready: Record<string, string>;
  stderr: () => string;
}

/** Started through the shared test support; `stderr` is what the process wrote so far. */
async function start(args: string[], marker: string, env: Record<string, string>): Promise<Proc> {
  const p = await startProc(args, marker, env, 30_000);
  return { proc: p.proc, ready: p.ready, stderr: p.log };
}

export function startHub(dataDir: string, mqttPort = 0, env: Record<string, string> = {}): Promise<Proc> {
  return start(
    [HUB_CLI, "serve", "--port", "0", "--mqtt-port", String(mqttPort), "--data", dataDir],
    "HQ_READY",
    { HQ_ADMIN_TOKEN: ADMIN_TOKEN, ...env },
  );
}

export function startEdge(dataDir: string, env: Record<string, string> = {}): Promise<Proc> {
  return start([EDGE_CLI, "serve", "--port", "0", "--host", "127.0.0.1", "--data", dataDir], "EDGE_READY", {
    STORE_EDGE_BACKOFF_BASE_MS: "100",
    STORE_EDGE_BACKOFF_CAP_MS: "1000",
    STORE_EDGE_STATUS_INTERVAL_MS: "200",
    ...env,
  });
}

export async function stop(p: Proc | undefined, signal: "SIGTERM" | "SIGKILL" = "SIGTERM"): Promise<void> {
  if (!p || p.proc.exitCode !== null) return;
  p.proc.kill(signal);
  await p.proc.exited;
}

export function runEdgeCli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  return runCli(EDGE_CLI, args);
}

/** The hub's admin REST API (docs/hq-hub.md), bearer token. */
export class HubAdmin {
  constructor(readonly http: string) {}

  async call<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.http}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 500)}`);
    return JSON.parse(text) as T;
  }

  async addStore(id: string, name = "测试店", region = "SH"): Promise<string> {
    await this.call("POST", "/api/v1/stores", { id, name, region });
    const { code } = await this.call<{ code: string }>("POST", `/api/v1/stores/${id}/enrollment-code`);
    return code;
  }

  /** Puts the items into one draft change set for every store and releases it. */
  async release(items: ChangeItem[]): Promise<number> {
    const cs = await this.call<{ id: number }>("POST", "/api/v1/changesets", { target: { kind: "all" } });
    for (const item of items) {
      if (item.op !== "upsert") throw new Error("HubAdmin.release: upserts only");
      // HQ keeps price schedules per scope (chain/region/store) and resolves them per store.
      const data =
        item.entity === "price"
          ? {
              sku: item.data.sku,
              scope: "chain",
              windows: item.data.windows.map(({ source: _s, ...w }) => w),
            }
          : item.data;
      await this.call("POST", `/api/v1/catalog/${item.entity}?changeset=${cs.id}`, data);
    }
    const r = await this.call<{ version: number }>("POST", `/api/v1/changesets/${cs.id}/release`, {
      stage: "all",
    });
    return r.version;
  }
}

/** JSON over HTTP against an edge, returning status and body. */
export async function edgeCall<T = Record<string, unknown>>(
  http: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${http}/api/v1${path}`, {
    method,
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as T };
}
