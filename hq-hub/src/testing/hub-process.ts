// A real hub process for tests that attack it from outside: spawned from the CLI and found
// through its HQ_READY line by the shared test support (@retail/test-support), which also
// gives its memory (/proc) and raw HTTP requests, re-exported here for the hub's tests.
import { startHubProc } from "@retail/test-support";
import type { Subprocess } from "bun";
import { ADMIN_TOKEN } from "../test-kit.ts";

export interface HubProcess {
  proc: Subprocess<"ignore", "pipe", "pipe">;
  http: string;
  mqtt: string;
  stderr: () => string;
  stop(): Promise<void>;
}

export async function spawnHub(dataDir: string, env: Record<string, string> = {}): Promise<HubProcess> {
  const p = await startHubProc({
    dataDir,
    env: { HQ_ADMIN_TOKEN: ADMIN_TOKEN, HQ_MEMBER_SYNC_MS: "0", ...env },
    timeoutMs: 60_000,
  });
  const { proc } = p;
  return {
    proc,
    http: p.ready.http!,
    mqtt: p.ready.mqtt!,
    stderr: p.log,
    async stop() {
      if (proc.exitCode === null) proc.kill("SIGTERM");
      await proc.exited;
    },
  };
}

export { procMemory, type RawAnswer, rawRequest } from "@retail/test-support";
