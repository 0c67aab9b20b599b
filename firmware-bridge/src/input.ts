// Transport for Linux input devices (/dev/input/by-id/...-event-kbd) and, in tests, FIFOs that
// carry the same input_event structs. The device is grabbed (EVIOCGRAB) so that scans never reach
// the kiosk browser as keystrokes.
import { closeSync, constants, fstatSync, openSync } from "node:fs";
import { ReadStream } from "node:tty";
import { DeviceError } from "./errors.ts";
import { ByteLink } from "./link.ts";

// _IOW('E', 0x90, int): direction write (1) << 30 | size 4 << 16 | 'E' << 8 | 0x90.
export const EVIOCGRAB = 0x40044590;

let ioctl: ((fd: number, req: number, arg: number) => number) | undefined | null;

/** libc ioctl through bun:ffi; null when FFI or libc is not available here. */
async function loadIoctl() {
  if (ioctl !== undefined) return ioctl;
  try {
    const { dlopen, FFIType } = await import("bun:ffi");
    const lib = dlopen("libc.so.6", {
      ioctl: { args: [FFIType.i32, FFIType.u64, FFIType.i32], returns: FFIType.i32 },
    });
    ioctl = (fd, req, arg) => lib.symbols.ioctl(fd, req, arg) as number;
  } catch {
    ioctl = null;
  }
  return ioctl;
}

/** Exclusive grab of an evdev device: true when grabbed, false when the file is not an evdev device. */
export async function grabInputDevice(fd: number, grab = true): Promise<boolean> {
  const f = await loadIoctl();
  if (!f) return false;
  return f(fd, EVIOCGRAB, grab ? 1 : 0) === 0;
}

export class InputLink extends ByteLink {
  #fd: number | undefined;
  #stream: ReadStream | undefined;
  constructor(
    readonly name: string,
    fd: number,
    readonly grabbed: boolean,
  ) {
    super();
    this.#fd = fd;
    // tty.ReadStream reads any blocking fd off the event loop with sub-millisecond latency under
    // Bun (fs.createReadStream delays partial reads enough to split a scan at the key timeout).
    const s = new ReadStream(fd);
    this.#stream = s;
    s.on("data", (b) => {
      const buf = b as Buffer;
      this.emit("data", new Uint8Array(buf.buffer, buf.byteOffset, buf.length));
    });
    // ENODEV on an unplugged input device; EOF when a FIFO's writer goes.
    s.on("error", (e) => this.#gone(e.message));
    s.on("end", () => this.#gone("end of input"));
    s.on("close", () => this.#gone("end of input"));
  }
  get isOpen(): boolean {
    return this.#fd !== undefined;
  }
  #gone(reason: string | undefined) {
    if (this.#fd === undefined) return;
    this.#fd = undefined;
    this.#stream?.destroy();
    // The stream owns the fd: it closes it once its pending read returns. Closing it here too
    // could close a descriptor number that a reconnect has reused meanwhile.
    this.emit("close", reason);
  }
  async write(): Promise<void> {
    throw new DeviceError(this.name, "connection", "input devices are read-only");
  }
  async close(): Promise<void> {
    this.#gone(undefined);
  }
}

export async function openInputDevice(path: string, opts: { grab?: boolean } = {}): Promise<InputLink> {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY);
  } catch (e) {
    throw new DeviceError(path, "connection", (e as Error).message);
  }
  let grabbed = false;
  if (opts.grab !== false && fstatSync(fd).isCharacterDevice()) {
    grabbed = await grabInputDevice(fd);
    if (!grabbed) {
      closeSync(fd);
      // Another process (X, a second lane) holds it: its scans would leak as keystrokes.
      throw new DeviceError(path, "grab", "EVIOCGRAB failed: the device is grabbed by another process");
    }
  }
  return new InputLink(path, fd, grabbed);
}
