// Starting the product's processes from scripts (npm start, the chain benchmark): spawn, wait
// for the process's READY line on stdout, forward its output with a prefix, stop them all.
import { type Subprocess, spawn } from "bun";

export interface Ready<T> {
  proc: Subprocess<"ignore", "pipe", "pipe">;
  info: T;
  stop(): Promise<void>;
}

export async function spawnReady<T>(
  label: string,
  cmd: string[],
  readyPrefix: string,
  opts: { env?: Record<string, string>; cwd?: string; timeoutMs?: number; echo?: boolean } = {},
): Promise<Ready<T>> {
  const proc = spawn(cmd, {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const echo = opts.echo ?? true;
  const pump = async (stream: ReadableStream<Uint8Array>, onLine: (line: string) => void) => {
    const decoder = new TextDecoder();
    let buf = "";
    for await (const chunk of stream) {
      buf += decoder.decode(chunk, { stream: true });
      let nl = buf.indexOf("\n");
      while (nl >= 0) {
        onLine(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
        nl = buf.indexOf("\n");
      }
    }
  };
  const info = await new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${label}: no ${readyPrefix} line within ${opts.timeoutMs ?? 30000} ms`)),
      opts.timeoutMs ?? 30000,
    );
    let ready = false;
    void pump(proc.stdout, (line) => {
      if (!ready && line.startsWith(`${readyPrefix} `)) {
        ready = true;
        clearTimeout(timer);
        resolve(JSON.parse(line.slice(readyPrefix.length + 1)) as T);
      } else if (echo) console.log(`[${label}] ${line}`);
    });
    void pump(proc.stderr, (line) => {
      if (echo) console.error(`[${label}] ${line}`);
    });
    void proc.exited.then((code) => {
      if (!ready) {
        clearTimeout(timer);
        reject(new Error(`${label}: exited with ${code} before ${readyPrefix}`));
      }
    });
  });
  return {
    proc,
    info,
    async stop() {
      if (proc.exitCode !== null) return;
      proc.kill("SIGTERM");
      const t = setTimeout(() => proc.kill("SIGKILL"), 5000);
      await proc.exited;
      clearTimeout(t);
    },
  };
}
