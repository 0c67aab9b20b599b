// One scanner on a lane: bytes from its transport -> whole codes -> AIM stripped -> de-duplicated
// -> protocol-parsed scans. The same class serves keyboard wedges (evdev), serial scanners and
// HID POS scanners; only the byte decoding differs.
import { EventEmitter } from "node:events";
import { type ParsedScan, parseScan, type ScanConfig } from "@retail/protocol";
import type { HealthState } from "../events.ts";
import type { ByteLink } from "../link.ts";
import { stripAim } from "./aim.ts";
import { Deduplicator, ScanAssembler } from "./assembler.ts";
import { InputEventDecoder, type KeyboardLayout, KeyboardState } from "./evdev.ts";
import { HID_POS_REPORT_SIZE, HidPosDecoder } from "./hidpos.ts";

export type ScannerWire = "keyboard" | "serial" | "hidpos";

export interface ScannerOptions {
  id: string;
  wire: ScannerWire;
  /** Keyboard wedges: the layout the scanner emulates. */
  layout?: KeyboardLayout;
  /** Serial and keyboard scanners: the configured suffix ("\r" Enter, "\t" Tab, "" none). */
  suffix?: string;
  interKeyTimeoutMs?: number;
  /** The same code again within this window is the same scan. */
  dedupWindowMs?: number;
  scan?: ScanConfig;
}

export interface ScanEvent {
  device: string;
  scan: ParsedScan;
  aim?: string;
  at: number;
}

export class Scanner extends EventEmitter<{ scan: [ScanEvent]; health: [HealthState] }> {
  readonly id: string;
  #link: ByteLink | undefined;
  #assembler: ScanAssembler;
  #dedup: Deduplicator;
  #bytes: (b: Uint8Array) => void;
  #health: HealthState = { state: "error", reason: "not connected" };
  /** Reads the dedup window dropped (for tests and the lane's diagnostics). */
  duplicates = 0;

  constructor(readonly opts: ScannerOptions) {
    super();
    this.id = opts.id;
    this.#dedup = new Deduplicator(opts.dedupWindowMs ?? 300);
    this.#assembler = new ScanAssembler(
      { suffix: opts.suffix ?? "\r", interKeyTimeoutMs: opts.interKeyTimeoutMs ?? 60 },
      (raw) => this.feedCode(raw),
    );
    this.#bytes = this.#decoderFor(opts.wire);
  }

  get health(): HealthState {
    return this.#health;
  }

  #setHealth(h: HealthState) {
    this.#health = h;
    this.emit("health", h);
  }

  #decoderFor(wire: ScannerWire): (b: Uint8Array) => void {
    if (wire === "keyboard") {
      const events = new InputEventDecoder();
      const keys = new KeyboardState(this.opts.layout ?? "us");
      return (b) => {
        let text = "";
        for (const e of events.push(b)) text += keys.apply(e);
        if (text) this.#assembler.push(text);
      };
    }
    if (wire === "hidpos") {
      // Reports are fixed-size; a byte stream (PTY in tests) is re-cut into reports.
      const hid = new HidPosDecoder();
      let pending = new Uint8Array(0);
      return (b) => {
        const all = new Uint8Array(pending.length + b.length);
        all.set(pending);
        all.set(b, pending.length);
        let off = 0;
        for (; off + HID_POS_REPORT_SIZE <= all.length; off += HID_POS_REPORT_SIZE) {
          const scan = hid.push(all.subarray(off, off + HID_POS_REPORT_SIZE));
          if (scan) this.feedCode(scan.code, scan.aim);
        }
        pending = all.slice(off);
      };
    }
    const latin1 = new TextDecoder("latin1");
    return (b) => this.#assembler.push(latin1.decode(b));
  }

  attach(link: ByteLink): void {
    this.detach();
    this.#link = link;
    this.#bytes = this.#decoderFor(this.opts.wire);
    link.on("data", this.#onData);
    link.once("close", (reason) => {
      if (this.#link === link) this.detach(reason ? `disconnected: ${reason}` : "disconnected");
    });
    // A scanner says nothing until it scans: an open transport is as ready as it gets.
    this.#setHealth({ state: "ready" });
  }

  detach(reason = "not connected"): void {
    if (!this.#link) return;
    this.#assembler.flush();
    this.#link.off("data", this.#onData);
    this.#link = undefined;
    this.#setHealth({ state: "error", reason });
  }

  async close(): Promise<void> {
    const link = this.#link;
    this.detach("closed");
    this.#assembler.close();
    await link?.close();
  }

  #onData = (b: Uint8Array): void => this.#bytes(b);

  /** One whole code from any transport (with its AIM id, or the id still in front of it). */
  feedCode(raw: string, aimFromTransport?: string): void {
    const at = performance.now();
    const stripped = aimFromTransport ? { code: raw, aim: aimFromTransport } : stripAim(raw);
    if (!this.#dedup.accept(stripped.code, at)) {
      this.duplicates++;
      return;
    }
    const scan = parseScan(stripped.code, this.opts.scan ?? {}, stripped.aim);
    const ev: ScanEvent = { device: this.id, scan, at };
    if (stripped.aim) ev.aim = stripped.aim;
    this.emit("scan", ev);
  }
}
