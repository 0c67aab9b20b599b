// Real processes for the browser tests and the bench: the HQ hub and the store edge, spawned
// from their CLIs through the shared test support (terminal-ui may import only protocol types in
// production code), plus the two HTTP APIs the tests set up and check through.
import { EDGE_CLI, jsonCall, type Proc, runCli, startEdgeProc, startHubProc } from "@retail/test-support";

export { type Proc, stop, tempDir, until } from "@retail/test-support";
export const ADMIN_TOKEN = "terminal-e2e-admin-token-0123456789";

export function startHub(dataDir: string, mqttPort = 0): Promise<Proc> {
  return startHubProc({ dataDir, mqttPort, env: { HQ_ADMIN_TOKEN: ADMIN_TOKEN } });
}

export function startEdge(dataDir: string, env: Record<string, string> = {}): Promise<Proc> {
  return startEdgeProc(dataDir, {
    STORE_EDGE_STATUS_INTERVAL_MS: "200",
    STORE_EDGE_PAYMENT_TIMEOUT_MS: "1500",
    STORE_EDGE_PAYMENT_QUERY_MS: "300",
    ...env,
  });
}

export function runEdgeCli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  return runCli(EDGE_CLI, args);
}

/** The hub's admin REST API with the bearer token. */
export class HubAdmin {
  constructor(readonly http: string) {}

  call<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    return jsonCall<T>(this.http, method, path, { body, token: ADMIN_TOKEN, who: "HQ" });
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
export function edge<T = Record<string, unknown>>(
  http: string,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<T> {
  return jsonCall<T>(http, method, `/api/v1${path}`, { body, token, who: "edge" });
}
