// Turns a stream of characters (keyboard wedge, serial) into whole scans: a scan ends at the
// configured suffix, or when no character arrived for `interKeyTimeoutMs` (scanners configured
// without a suffix). Also drops the same code read again within `dedupWindowMs`, which is what
// a scanner in presentation mode does when an item lingers in front of it.
import { stripAim } from "./aim.ts";

export interface AssemblerOptions {
  /** "\r" (Enter), "\t" (Tab), "\n", "\r\n", or "" for none (timeout only). */
  suffix: string;
  interKeyTimeoutMs: number;
}

export class ScanAssembler {
  #buf = "";
  #timer: ReturnType<typeof setTimeout> | undefined;
  constructor(
    readonly opts: AssemblerOptions,
    readonly onCode: (raw: string) => void,
  ) {}

  push(chars: string): void {
    for (const ch of chars) {
      this.#buf += ch;
      if (this.opts.suffix && this.#buf.endsWith(this.opts.suffix)) {
        const raw = this.#buf.slice(0, -this.opts.suffix.length);
        this.#buf = "";
        if (raw.length) this.onCode(raw);
      }
      // Stray CR/LF/TAB that are not the configured suffix never belong to a code.
      if (/^[\r\n\t]+$/.test(this.#buf)) this.#buf = "";
    }
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = this.#buf ? setTimeout(() => this.flush(), this.opts.interKeyTimeoutMs) : undefined;
  }

  /** Ends the current scan now (timeout, or the device went away). */
  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    const raw = this.#buf.replace(/[\r\n\t]+$/, "");
    this.#buf = "";
    if (raw.length) this.onCode(raw);
  }

  close(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

/** Same code within the window = one scan. */
export class Deduplicator {
  #last: { code: string; at: number } | undefined;
  constructor(readonly windowMs: number) {}
  accept(code: string, at: number): boolean {
    const dup = this.#last !== undefined && this.#last.code === code && at - this.#last.at < this.windowMs;
    if (!dup) this.#last = { code, at };
    return !dup;
  }
}

export { stripAim };
