// Serial transport over a tty device (RS-232 adapter, CDC-ACM, or a pseudo-terminal in tests)
// with node:fs and `stty`. `serialport` needs a native addon built for Node's ABI; we keep the
// dependency out and use what every Linux box has. The fd is opened blocking: Bun's
// tty.ReadStream reads it off the event loop, and a non-blocking fd makes it fail with EAGAIN.
import { execFile } from "node:child_process";
import { closeSync, constants, openSync, writeSync } from "node:fs";
import { ReadStream } from "node:tty";
import { promisify } from "node:util";
import { DeviceError } from "../errors.ts";
import { ByteLink } from "../link.ts";

const run = promisify(execFile);

export interface TtyOptions {
  baud?: number;
}

export class TtyLink extends ByteLink {
  #fd: number | undefined;
  #stream: ReadStream | undefined;
  constructor(
    readonly name: string,
    fd: number,
  ) {
    super();
    this.#fd = fd;
    const stream = new ReadStream(fd);
    this.#stream = stream;
    stream.on("data", (chunk: Buffer) =>
      this.emit("data", new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length)),
    );
    // EIO is what a tty read returns once the device is unplugged (or the PTY's other side went).
    stream.on("error", (e: Error) => this.#gone(e.message));
    stream.on("close", () => this.#gone("closed by the device"));
  }

  get isOpen(): boolean {
    return this.#fd !== undefined;
  }

  #gone(reason: string | undefined): void {
    if (this.#fd === undefined) return;
    const fd = this.#fd;
    this.#fd = undefined;
    this.#stream?.destroy();
    this.#stream = undefined;
    try {
      closeSync(fd);
    } catch {
      // Already closed by the stream.
    }
    this.emit("close", reason);
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (this.#fd === undefined) throw new DeviceError(this.name, "connection", "tty is closed");
    try {
      // Serial writes are a few bytes to a few KB; a blocking write to a tty returns at once
      // (the kernel buffers it) and keeps the bytes in order with no queue of our own.
      let off = 0;
      while (off < bytes.length) off += writeSync(this.#fd, bytes, off, bytes.length - off);
    } catch (e) {
      this.#gone((e as Error).message);
      throw new DeviceError(this.name, "connection", (e as Error).message);
    }
  }

  async close(): Promise<void> {
    this.#gone(undefined);
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
  try {
    fd = openSync(path, constants.O_RDWR | constants.O_NOCTTY);
  } catch (e) {
    throw new DeviceError(path, "connection", (e as Error).message);
  }
  return new TtyLink(path, fd);
}
