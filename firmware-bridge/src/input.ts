// Transport for Linux input devices (/dev/input/by-id/...-event-kbd) and, in tests, FIFOs that
// carry the same input_event structs. The device is grabbed (EVIOCGRAB) so that scans never reach
// the kiosk browser as keystrokes.
import { closeSync, constants, fstatSync, openSync } from "node:fs";
import { DeviceError } from "./errors.ts";
import { ByteLink } from "./link.ts";
import { type FdReader, readFd } from "./reader.ts";

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
  #reader: FdReader | undefined;
  constructor(
    readonly name: string,
    fd: number,
    readonly grabbed: boolean,
  ) {
    super();
    this.#fd = fd;
    // The reader child reads this very open file description, so the grab applies to it.
    // ENODEV ends it when the device is unplugged; EOF when a FIFO's writer goes.
    this.#reader = readFd(
      fd,
      (b) => this.emit("data", b),
      (reason) => this.#gone(reason),
    );
  }
  get isOpen(): boolean {
    return this.#fd !== undefined;
  }
  #gone(reason: string | undefined) {
    if (this.#fd === undefined) return;
    const fd = this.#fd;
    this.#fd = undefined;
    this.#reader?.stop();
    closeSync(fd);
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
