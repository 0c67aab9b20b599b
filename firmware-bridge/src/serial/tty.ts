// Serial transport over a tty device (RS-232 adapter, CDC-ACM, or a pseudo-terminal in tests)
// with node:fs and `stty`. `serialport` needs a native addon built for Node's ABI; we keep the
// dependency out and use what every Linux box has.
import { execFile } from "node:child_process";
import { closeSync, constants, openSync, writeSync } from "node:fs";
import { promisify } from "node:util";
import { DeviceError } from "../errors.ts";
import { ByteLink } from "../link.ts";
import { type FdReader, readFd } from "../reader.ts";

const run = promisify(execFile);

export interface TtyOptions {
  baud?: number;
}

export class TtyLink extends ByteLink {
  #fd: number | undefined;
  #wfd: number | undefined;
  #reader: FdReader | undefined;
  /** `fd` is read by a `cat` child (see reader.ts); `wfd` is a non-blocking descriptor for writes. */
  constructor(
    readonly name: string,
    fd: number,
    wfd: number,
  ) {
    super();
    this.#fd = fd;
    this.#wfd = wfd;
    // EIO is what a tty read returns once the device is unplugged (or the PTY's other side went).
    this.#reader = readFd(
      fd,
      (b) => this.emit("data", b),
      (reason) => this.#gone(reason),
    );
  }

  get isOpen(): boolean {
    return this.#fd !== undefined;
  }

  #gone(reason: string | undefined): void {
    if (this.#fd === undefined) return;
    const fd = this.#fd;
    this.#fd = undefined;
    this.#reader?.stop();
    this.#reader = undefined;
    // The reader child holds its own copy of the descriptor, so ours can go now.
    closeSync(fd);
    if (this.#wfd !== undefined) closeSync(this.#wfd);
    this.#wfd = undefined;
    this.emit("close", reason);
  }

  #writes: Promise<void> = Promise.resolve();

  /**
   * Writes in order. The write runs off the event loop (fs.write) because a full tty buffer
   * blocks, and in tests the reader of the other end lives in this same process.
   */
  write(bytes: Uint8Array): Promise<void> {
    const next = this.#writes.then(() => writeAll(this.name, () => this.#wfd, bytes));
    this.#writes = next.catch((e: Error) => this.#gone(e.message));
    return next;
  }

  async close(): Promise<void> {
    this.#gone(undefined);
  }
}

/**
 * Writes all of `bytes` to a non-blocking fd, waiting out EAGAIN on the event loop. A blocking
 * write (or fs.write on the thread pool, which blocked reads can fill) could stall forever when
 * the reader of the other end lives in this same process, as simulators do.
 */
export async function writeAll(name: string, fd: () => number | undefined, bytes: Uint8Array): Promise<void> {
  let off = 0;
  while (off < bytes.length) {
    const f = fd();
    if (f === undefined) throw new DeviceError(name, "connection", "closed");
    try {
      off += writeSync(f, bytes, off, bytes.length - off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EAGAIN")
        throw new DeviceError(name, "connection", (e as Error).message);
      await Bun.sleep(1);
    }
  }
}

/** Opens a tty raw 8N1 at `baud` (7E1 protocols add parity in the codec: see parity.ts). */
export async function openTty(path: string, opts: TtyOptions = {}): Promise<TtyLink> {
  const baud = String(opts.baud ?? 9600);
  try {
    await run("stty", [
      "-F",
      path,
      baud,
      "cs8",
      "-parenb",
      "-cstopb",
      "raw",
      "-echo",
      "-ixon",
      "-crtscts",
      "clocal",
    ]);
  } catch (e) {
    throw new DeviceError(path, "stty", (e as { stderr?: string }).stderr?.trim() || (e as Error).message);
  }
  let fd: number;
  let wfd: number;
  try {
    fd = openSync(path, constants.O_RDWR | constants.O_NOCTTY);
    wfd = openSync(path, constants.O_WRONLY | constants.O_NOCTTY | constants.O_NONBLOCK);
  } catch (e) {
    throw new DeviceError(path, "connection", (e as Error).message);
  }
  return new TtyLink(path, fd, wfd);
}
