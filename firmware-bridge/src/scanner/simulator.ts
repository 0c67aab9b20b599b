// Scanners for tests and the demo, on the real wires: a keyboard wedge writes input_event structs
// into a FIFO (what /dev/input/eventN delivers), a serial scanner writes bytes into a PTY, a HID
// POS scanner writes 64-byte Scanned Data Reports into a PTY.
import { execFileSync } from "node:child_process";
import { closeSync, constants, existsSync, mkdtempSync, openSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DeviceError } from "../errors.ts";
import { openPtyPair, type PtyPair } from "../serial/pty.ts";
import { writeAll } from "../serial/tty.ts";
import { type KeyboardLayout, textToInputEvents } from "./evdev.ts";
import { encodeHidPosReports } from "./hidpos.ts";
import type { ScannerWire } from "./scanner.ts";

export interface ScannerSimulatorOptions {
  layout?: KeyboardLayout;
  suffix?: string;
  /** Prefix codes with this AIM id (serial/keyboard) or put it in the report (HID POS). */
  aim?: string;
  /** Stable path for the host side. */
  link?: string;
}

export class ScannerSimulator {
  #pair: PtyPair | undefined;
  #fifo: string | undefined;
  #fd: number | undefined;
  private constructor(
    readonly wire: ScannerWire,
    readonly opts: ScannerSimulatorOptions,
  ) {}

  static async start(wire: ScannerWire, opts: ScannerSimulatorOptions = {}): Promise<ScannerSimulator> {
    const sim = new ScannerSimulator(wire, opts);
    await sim.plug();
    return sim;
  }

  get path(): string {
    const p = this.#fifo ?? this.#pair?.host;
    if (!p) throw new DeviceError(`sim:scanner-${this.wire}`, "connection", "unplugged");
    return p;
  }

  async plug(): Promise<void> {
    if (this.#fd !== undefined) return;
    if (this.wire === "keyboard") {
      this.#fifo = this.opts.link ?? join(mkdtempSync(join(tmpdir(), "evdev-")), "scanner-event-kbd");
      execFileSync("mkfifo", [this.#fifo]);
      // O_RDWR never blocks on a FIFO and keeps it open for readers that come and go.
      this.#fd = openSync(this.#fifo, constants.O_RDWR | constants.O_NONBLOCK);
      return;
    }
    this.#pair = await openPtyPair(this.opts.link);
    this.#fd = openSync(this.#pair.device, constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK);
  }

  /** The bytes one scan puts on the wire. */
  bytesFor(code: string): Uint8Array {
    const aim = this.opts.aim ?? "";
    if (this.wire === "hidpos") {
      const reports = encodeHidPosReports(code, this.opts.aim ?? "\0\0\0");
      const out = new Uint8Array(reports.length * 64);
      reports.forEach((r, i) => {
        out.set(r, i * 64);
      });
      return out;
    }
    const text = aim + code + (this.opts.suffix ?? "\r");
    if (this.wire === "keyboard") return textToInputEvents(text, this.opts.layout ?? "us");
    return Uint8Array.from(text, (c) => c.charCodeAt(0));
  }

  #writes: Promise<void> = Promise.resolve();

  scan(code: string): Promise<void> {
    return this.write(this.bytesFor(code));
  }

  /** Raw bytes on the wire (garbage, torn scans), in order. */
  write(bytes: Uint8Array): Promise<void> {
    if (this.#fd === undefined) throw new DeviceError(`sim:scanner-${this.wire}`, "connection", "unplugged");
    const next = this.#writes.then(() => writeAll(`sim:scanner-${this.wire}`, () => this.#fd, bytes));
    this.#writes = next.catch(() => {});
    return next;
  }

  async unplug(): Promise<void> {
    await this.#writes;
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
    if (this.#fifo && existsSync(this.#fifo)) rmSync(this.#fifo);
    if (!this.opts.link) this.#fifo = undefined;
    await this.#pair?.close();
    this.#pair = undefined;
  }

  async close(): Promise<void> {
    await this.unplug();
  }
}
