// The real hub for the browser tests, started through the shared test support (hq-console may
// import only protocol types in production code): serving the built console (HQ_CONSOLE_DIR) on
// 127.0.0.1 with ports the OS picks.
import { jsonCall, type Proc, startHubProc } from "@retail/test-support";

export { type Proc, stop, tempDir, until } from "@retail/test-support";
export const ADMIN_TOKEN = "console-e2e-admin-token-0123456789";

export function startHub(
  dataDir: string,
  consoleDir: string,
  env: Record<string, string> = {},
): Promise<Proc> {
  return startHubProc({
    dataDir,
    env: { HQ_ADMIN_TOKEN: ADMIN_TOKEN, HQ_CONSOLE_DIR: consoleDir, HQ_HOST: "127.0.0.1", ...env },
  });
}

/** The hub's admin REST API (test set-up): JSON, or CSV when the body is a string. */
export function hubApi<T = Record<string, unknown>>(
  http: string,
  method: string,
  path: string,
  body?: unknown,
  token = ADMIN_TOKEN,
): Promise<T> {
  return jsonCall<T>(http, method, path, { body, token, who: "HQ" });
}
