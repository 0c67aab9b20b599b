// Two-line, 20-column customer pole display with the ESC/POS display command set (Epson DM-D
// "ESC/POS commands for customer displays"; the set Chinese VFD/LCD pole displays copy):
//   ESC @ initialise, ESC = 2 select the display, CLR (0x0C) clear, US $ x y move the cursor
//   (1-based column x, row y), US MD1 (US 0x01) overwrite mode; text in GBK on Chinese models.

import { EventEmitter } from "node:events";
import { formatYuan } from "@retail/protocol";
import { DeviceError } from "../errors.ts";
import type { HealthState } from "../events.ts";
import type { ByteLink } from "../link.ts";
import { decodeGbk, encodeGbk, leftRight, padEndToWidth, truncateToWidth } from "../printer/text.ts";

export const DISPLAY_COLS = 20;
export const DISPLAY_ROWS = 2;
const ESC = 0x1b;
const US = 0x1f;
const CLR = 0x0c;

export function displayInit(): Uint8Array {
  return Uint8Array.of(ESC, 0x40, ESC, 0x3d, 0x02, US, 0x01, CLR);
}

/** Both lines, each written in full (padded) at its own cursor position: no stale characters. */
export function displayLines(line1: string, line2: string): Uint8Array {
  const row = (y: number, text: string) => [
    US,
    0x24,
    1,
    y,
    ...encodeGbk(padEndToWidth(truncateToWidth(text, DISPLAY_COLS), DISPLAY_COLS)),
  ];
  return Uint8Array.from([...row(1, line1), ...row(2, line2)]);
}

/** What the customer sees while the cashier scans: the last line and the amount due. */
export function itemAndTotal(item: { name: string; amountFen: number }, dueFen: number): [string, string] {
  return [
    leftRight(item.name, formatYuan(item.amountFen), DISPLAY_COLS),
    leftRight("合计 TOTAL", formatYuan(dueFen), DISPLAY_COLS),
  ];
}

/** Decodes display bytes onto a 2 x 20 screen (for the simulator and tests). */
export class DisplayScreen {
  rows: number[][] = [[], []];
  /** Called before each cursor move: one complete line write has just ended. */
  onCursorMove: (() => void) | undefined;
  #cx = 0;
  #cy = 0;
  #buf: number[] = [];

  push(bytes: Uint8Array): void {
    for (const b of bytes) this.#buf.push(b);
    const buf = this.#buf;
    let i = 0;
    while (i < buf.length) {
      const b = buf[i]!;
      if (b === ESC) {
        if (i + 1 >= buf.length) break;
        if (buf[i + 1] === 0x40) {
          this.#clear();
          i += 2;
        } else if (buf[i + 1] === 0x3d) {
          if (i + 2 >= buf.length) break;
          i += 3;
        } else i += 2;
      } else if (b === US) {
        if (i + 1 >= buf.length) break;
        if (buf[i + 1] === 0x24) {
          if (i + 3 >= buf.length) break;
          this.onCursorMove?.();
          this.#cx = Math.max(0, Math.min(DISPLAY_COLS - 1, buf[i + 2]! - 1));
          this.#cy = Math.max(0, Math.min(DISPLAY_ROWS - 1, buf[i + 3]! - 1));
          i += 4;
        } else i += 2;
      } else if (b === CLR) {
        this.#clear();
        i++;
      } else if (b === 0x0b) {
        this.#cx = 0;
        this.#cy = 0;
        i++;
      } else if (b === 0x0d) {
        this.#cx = 0;
        i++;
      } else if (b === 0x0a) {
        this.#cy = Math.min(DISPLAY_ROWS - 1, this.#cy + 1);
        i++;
      } else if (b >= 0x81 && b <= 0xfe) {
        // A GBK character: two bytes, two columns.
        if (i + 1 >= buf.length) break;
        this.#put([b, buf[i + 1]!]);
        i += 2;
      } else {
        if (b >= 0x20) this.#put([b]);
        i++;
      }
    }
    this.#buf = buf.slice(i);
  }

  #put(bytes: number[]): void {
    const row = this.rows[this.#cy]!;
    for (let k = 0; k < bytes.length; k++) row[this.#cx + k] = bytes[k]!;
    this.#cx = Math.min(DISPLAY_COLS, this.#cx + bytes.length);
  }

  #clear(): void {
    this.rows = [[], []];
    this.#cx = 0;
    this.#cy = 0;
  }

  /** The two lines as the customer reads them. */
  text(): [string, string] {
    const line = (r: number[]) =>
      decodeGbk(Uint8Array.from(Array.from({ length: DISPLAY_COLS }, (_, k) => r[k] ?? 0x20)));
    return [line(this.rows[0]!), line(this.rows[1]!)];
  }
}

export class CustomerDisplay extends EventEmitter<{ health: [HealthState] }> {
  #link: ByteLink | undefined;
  #health: HealthState = { state: "error", reason: "not connected" };
  #last: [string, string] | undefined;
  constructor(readonly id: string) {
    super();
  }
  get health(): HealthState {
    return this.#health;
  }
  #setHealth(h: HealthState) {
    this.#health = h;
    this.emit("health", h);
  }
  attach(link: ByteLink): void {
    this.#link = link;
    link.once("close", (reason) => {
      if (this.#link === link) this.detach(reason ? `disconnected: ${reason}` : "disconnected");
    });
    // A pole display never answers: an open line that takes our init is ready. What was shown
    // before an unplug is shown again.
    void link
      .write(displayInit())
      .then(() => (this.#last ? link.write(displayLines(...this.#last)) : undefined))
      .then(() => this.#setHealth({ state: "ready" }))
      .catch((e: Error) => this.#setHealth({ state: "error", reason: e.message }));
  }
  detach(reason = "not connected"): void {
    this.#link = undefined;
    this.#setHealth({ state: "error", reason });
  }
  async show(line1: string, line2: string): Promise<void> {
    this.#last = [line1, line2];
    if (!this.#link) throw new DeviceError(this.id, "connection", "not connected");
    await this.#link.write(displayLines(line1, line2));
  }
  async close(): Promise<void> {
    const l = this.#link;
    this.detach("closed");
    await l?.close();
  }
}
