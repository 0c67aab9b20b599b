// Reads a device fd without blocking anything of ours: a `cat` child reads the descriptor
// (blocking, in its own process) and we read its stdout pipe, which Bun polls with epoll.
// Under Bun, tty.ReadStream reads with blocking calls that can starve each other: an idle
// customer display (which never sends) stopped the scale's reads on the same lane.
import type { Subprocess } from "bun";

export interface FdReader {
  stop(): void;
}

export function readFd(
  fd: number,
  onData: (b: Uint8Array) => void,
  onEnd: (reason: string) => void,
): FdReader {
  const proc: Subprocess<number, "pipe", "pipe"> = Bun.spawn({
    cmd: ["cat"],
    stdin: fd,
    stdout: "pipe",
    stderr: "pipe",
  });
  let stopped = false;
  void (async () => {
    try {
      for await (const chunk of proc.stdout) onData(chunk);
    } catch {
      // The pipe broke: same as the end.
    }
    const err = (await new Response(proc.stderr).text().catch(() => "")).trim();
    // cat reports EIO in words; name it the same way whichever libc wrote the message.
    const why = err.replace(/^cat: -: /, "");
    if (!stopped)
      onEnd(
        /Input\/output error/i.test(why) ? `EIO: device gone (${why})` : why || "device gone (end of data)",
      );
  })();
  return {
    stop() {
      stopped = true;
      proc.kill();
    },
  };
}
