// Pseudo-terminal pairs for simulators: `socat` links two PTYs, the simulator takes one end and
// the driver opens the other through a stable symlink (like /dev/serial/by-path/...). Killing
// socat is an unplug: the link disappears and the driver's reads fail with EIO.
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, constants, existsSync, openSync } from "node:fs";
import { DeviceError } from "../errors.ts";
import { waitFor } from "../link.ts";

export interface PtyPair {
  /** The simulator's end (a /dev/pts/N path). */
  device: string;
  /** The driver's end: the stable symlink if one was asked for, else the /dev/pts/N path. */
  host: string;
  /** Unplugs: socat exits, the symlink goes, the driver sees EIO. */
  close(): Promise<void>;
}

export async function openPtyPair(link?: string): Promise<PtyPair> {
  const hostSpec = link ? `pty,raw,echo=0,link=${link}` : "pty,raw,echo=0";
  const proc: ChildProcess = spawn("socat", ["-d", "-d", "pty,raw,echo=0", hostSpec], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let log = "";
  let exited = false;
  proc.on("exit", () => {
    exited = true;
  });
  const spawnError = new Promise<never>((_, reject) =>
    proc.on("error", (e) =>
      reject(new DeviceError("socat", "spawn", `${e.message} (apt-get install socat)`)),
    ),
  );
  proc.stderr!.on("data", (d: Buffer) => {
    log += d.toString();
  });
  const names = await Promise.race([
    (async () => {
      await waitFor(() => /starting data transfer/.test(log) || exited, "socat to start", 20_000);
      const m = [...log.matchAll(/PTY is (\S+)/g)].map((x) => x[1]!);
      if (m.length !== 2) throw new DeviceError("socat", "spawn", `no PTY pair: ${log.trim()}`);
      return m as [string, string];
    })(),
    spawnError,
  ]);
  const host = link ?? names[1];
  // socat exits when every opener of one slave has closed it. The driver closes and reopens its
  // end on reconnects, so we hold one extra descriptor on that end for the pair's lifetime.
  const keepAlive = openSync(names[1], constants.O_RDWR | constants.O_NOCTTY);
  return {
    device: names[0],
    host,
    async close() {
      if (!exited) proc.kill("SIGTERM");
      await waitFor(() => exited, "socat to exit", 3000);
      try {
        closeSync(keepAlive);
      } catch {
        // already gone
      }
      if (link) await waitFor(() => !existsSync(link), `${link} to disappear`, 3000);
    },
  };
}
