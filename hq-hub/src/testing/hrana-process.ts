// The Hrana server (hrana-server.ts) as its own process for tests: the `libsql` client blocks
// its thread while it waits for an answer, so the server cannot live in the test's process.
import { join } from "node:path";
import { type Subprocess, spawn } from "bun";

export interface HranaProcess {
  url: string;
  proc: Subprocess<"ignore", "pipe", "inherit">;
  stop(): Promise<void>;
}

/** Serves the SQLite file `file` over Hrana 3 / HTTP on a free loopback port. */
export async function spawnHranaServer(file: string): Promise<HranaProcess> {
  const proc = spawn([process.execPath, join(import.meta.dir, "hrana-server.ts"), file], {
    stdin: "ignore",
    stdout: "pipe",
    stderr: "inherit",
  });
  const reader = proc.stdout.getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`hrana server exited before ready: ${text}`);
    text += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  const url = (JSON.parse(text.slice(text.indexOf("{"), text.indexOf("\n"))) as { url: string }).url;
  return {
    url,
    proc,
    async stop() {
      proc.kill();
      await proc.exited;
    },
  };
}
