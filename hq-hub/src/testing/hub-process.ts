// A real hub process for tests that attack it from outside: spawned from the CLI, found
// through its HQ_READY line. Its memory (/proc) and raw HTTP requests come from the shared
// test support (@retail/test-support), re-exported for the hub's tests.
import { join } from "node:path";
import { type Subprocess, spawn } from "bun";
import { ADMIN_TOKEN } from "../test-kit.ts";

const CLI = join(import.meta.dir, "../cli.ts");

export interface HubProcess {
  proc: Subprocess<"ignore", "pipe", "pipe">;
  http: string;
  mqtt: string;
  stderr: () => string;
  stop(): Promise<void>;
}

export async function spawnHub(dataDir: string, env: Record<string, string> = {}): Promise<HubProcess> {
  const proc = spawn([process.execPath, CLI, "serve", "--port", "0", "--mqtt-port", "0", "--data", dataDir], {
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, HQ_ADMIN_TOKEN: ADMIN_TOKEN, HQ_MEMBER_SYNC_MS: "0", ...env },
  });
  let err = "";
  void (async () => {
    const dec = new TextDecoder();
    for await (const chunk of proc.stderr) {
      err += dec.decode(chunk);
      if (err.length > 200_000) err = err.slice(-100_000);
    }
  })();
  const reader = proc.stdout.getReader();
  const dec = new TextDecoder();
  let buf = "";
  const deadline = Date.now() + 60_000;
  for (;;) {
    const nl = buf.indexOf("\n");
    if (nl >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (line.startsWith("HQ_READY ")) {
        reader.releaseLock();
        void (async () => {
          for await (const _ of proc.stdout) {
          }
        })();
        const ready = JSON.parse(line.slice("HQ_READY ".length)) as { http: string; mqtt: string };
        return {
          proc,
          ...ready,
          stderr: () => err,
          async stop() {
            if (proc.exitCode === null) proc.kill("SIGTERM");
            await proc.exited;
          },
        };
      }
      continue;
    }
    if (Date.now() > deadline) {
      proc.kill(9);
      throw new Error(`hub: no HQ_READY\n${err}`);
    }
    const { value, done } = await reader.read();
    if (done) throw new Error(`hub exited (${await proc.exited}) before HQ_READY\n${err}`);
    buf += dec.decode(value);
  }
}

export { procMemory, type RawAnswer, rawRequest } from "@retail/test-support";
