// ESC/POS command bytes, per the Epson "ESC/POS Command Reference" (TM-T88/TM-T20 series), the
// dialect Chinese printers (Xprinter, GPrinter, SPRT) implement with GBK in Chinese mode (FS &).
// We build the bytes ourselves; docs/devices.md records how node-thermal-printer's bytes compare.
import { displayWidth, fitLength, gbkMaxBytes, writeGbk } from "./text.ts";

export const ESC = 0x1b;
export const GS = 0x1d;
export const FS = 0x1c;
export const DLE = 0x10;
export const LF = 0x0a;
export const EOT = 0x04;
export const ENQ = 0x05;

/** A 1-bit image, rows of `width` pixels (1 = black), for GS v 0 raster logos. */
export interface Bitmap {
  width: number;
  height: number;
  /** Row-major, one byte per pixel (0 or 1). */
  pixels: Uint8Array;
}

export type Align = "left" | "center" | "right";

export class EscPos {
  // One growable byte buffer, written in place: text goes in as GBK through a per-character
  // cache, commands byte by byte; the only other allocation is the copy bytes() returns.
  #buf: Uint8Array;
  #len = 0;

  /**
   * `capacity`: the bytes expected (the buffer doubles when it is not enough), or a scratch
   * buffer to write into (reused by a caller that builds one job after another; `scratch`
   * gives back the buffer in use, grown or not, once bytes() has copied the job out).
   */
  constructor(capacity: number | Uint8Array = 8192) {
    this.#buf = typeof capacity === "number" ? new Uint8Array(Math.max(64, capacity)) : capacity;
  }

  get scratch(): Uint8Array {
    return this.#buf;
  }

  #room(n: number): void {
    if (this.#len + n <= this.#buf.length) return;
    const next = new Uint8Array(Math.max(this.#buf.length * 2, this.#len + n));
    next.set(this.#buf.subarray(0, this.#len));
    this.#buf = next;
  }

  #b1(a: number): this {
    this.#room(1);
    this.#buf[this.#len++] = a;
    return this;
  }

  #b3(a: number, b: number, c: number): this {
    this.#room(3);
    const buf = this.#buf;
    let i = this.#len;
    buf[i++] = a;
    buf[i++] = b;
    buf[i++] = c & 0xff;
    this.#len = i;
    return this;
  }

  #push(...bytes: number[]): this {
    this.#room(bytes.length);
    for (const b of bytes) this.#buf[this.#len++] = b & 0xff;
    return this;
  }

  #append(bytes: Uint8Array): this {
    this.#room(bytes.length);
    this.#buf.set(bytes, this.#len);
    this.#len += bytes.length;
    return this;
  }

  /** ESC @ initialise, then FS & Chinese character mode (GBK double-byte text). */
  init(): this {
    return this.#push(ESC, 0x40, FS, 0x26);
  }

  align(a: Align): this {
    return this.#b3(ESC, 0x61, a === "left" ? 0 : a === "center" ? 1 : 2);
  }

  /** ESC E n. */
  bold(on: boolean): this {
    return this.#b3(ESC, 0x45, on ? 1 : 0);
  }

  /** GS ! n: width and height multipliers 1..8. Also FS ! for the Chinese (double-byte) font. */
  size(width: number, height: number): this {
    const n =
      (((Math.min(8, Math.max(1, width)) - 1) & 7) << 4) | ((Math.min(8, Math.max(1, height)) - 1) & 7);
    // FS ! bit 2 = double width, bit 3 = double height for Kanji/GBK characters.
    const fs = (width > 1 ? 0x04 : 0) | (height > 1 ? 0x08 : 0);
    return this.#b3(GS, 0x21, n).#b3(FS, 0x21, fs);
  }

  text(s: string): this {
    this.#room(gbkMaxBytes(s.length));
    this.#len = writeGbk(s, this.#buf, this.#len);
    return this;
  }

  line(s = ""): this {
    return this.text(s).#b1(LF);
  }

  /**
   * `left` and `right` on one line of `cols` columns, then LF: the bytes of
   * `line(leftRight(left, padStartToWidth(right, rightCols), cols))`, written without building
   * those strings. `left` is cut (never inside a double-width character) to leave one space.
   */
  lineLR(left: string, right: string, cols: number, rightCols = 0): this {
    const rw = Math.max(displayWidth(right), rightCols);
    const n = fitLength(left, Math.max(0, cols - rw - 1));
    const lw = displayWidth(left, 0, n);
    this.#room(gbkMaxBytes(n + right.length) + cols + rw + 1);
    const buf = this.#buf;
    let at = writeGbk(left, buf, this.#len, 0, n);
    for (let pad = Math.max(0, cols - rw - lw) + (rw - displayWidth(right)); pad > 0; pad--) buf[at++] = 0x20;
    at = writeGbk(right, buf, at);
    buf[at++] = LF;
    this.#len = at;
    return this;
  }

  /** `text` wrapped at `cols` columns, one line each (the lines of wrapToWidth), no arrays. */
  lineWrapped(text: string, cols: number): this {
    let from = 0;
    for (;;) {
      const n = fitLength(text, cols, from);
      const last = from + n >= text.length || n === 0;
      const to = last ? text.length : from + n;
      this.#room(gbkMaxBytes(to - from) + 1);
      this.#len = writeGbk(text, this.#buf, this.#len, from, to);
      this.#buf[this.#len++] = LF;
      if (last) return this;
      from = to;
    }
  }

  /** ESC d n: print and feed n lines. */
  feed(n: number): this {
    return this.#b3(ESC, 0x64, n);
  }

  /**
   * CODE128 with GS k m=73: data starts with "{B" (code set B); HRI below (GS H 2), module width
   * GS w, height GS h.
   */
  code128(data: string, opts: { height?: number; moduleWidth?: number } = {}): this {
    // One byte per character, as [...data] gave: a character outside the BMP is one character.
    const chars: number[] = [];
    for (const c of data) chars.push(c.charCodeAt(0) & 0x7f);
    this.#b3(GS, 0x48, 2)
      .#b3(GS, 0x68, opts.height ?? 60)
      .#b3(GS, 0x77, opts.moduleWidth ?? 2);
    this.#b3(GS, 0x6b, 73)
      .#b1((chars.length + 2) & 0xff)
      .#b1(0x7b)
      .#b1(0x42);
    for (const c of chars) this.#b1(c);
    return this.#b1(LF);
  }

  /** QR code through GS ( k: model 2, module size, error correction M, store, print. */
  qr(data: string, opts: { moduleSize?: number } = {}): this {
    const bytes = new TextEncoder().encode(data);
    const storeLen = bytes.length + 3;
    return this.#push(GS, 0x28, 0x6b, 4, 0, 0x31, 0x41, 0x32, 0x00) // fn 165: model 2
      .#push(GS, 0x28, 0x6b, 3, 0, 0x31, 0x43, opts.moduleSize ?? 6) // fn 167: module size
      .#push(GS, 0x28, 0x6b, 3, 0, 0x31, 0x45, 0x31) // fn 169: error correction M
      .#push(GS, 0x28, 0x6b, storeLen & 0xff, storeLen >> 8, 0x31, 0x50, 0x30) // fn 180: store
      .#append(bytes)
      .#push(GS, 0x28, 0x6b, 3, 0, 0x31, 0x51, 0x30); // fn 181: print
  }

  /** GS v 0 m=0 raster bit image: rows of ceil(width/8) bytes, MSB = leftmost pixel. */
  raster(img: Bitmap): this {
    const bytesPerRow = Math.ceil(img.width / 8);
    this.#push(GS, 0x76, 0x30, 0, bytesPerRow & 0xff, bytesPerRow >> 8, img.height & 0xff, img.height >> 8);
    this.#room(bytesPerRow * img.height);
    const data = this.#buf.subarray(this.#len, this.#len + bytesPerRow * img.height);
    data.fill(0);
    for (let y = 0; y < img.height; y++) {
      for (let bx = 0; bx < bytesPerRow; bx++) {
        let b = 0;
        for (let bit = 0; bit < 8; bit++) {
          const x = bx * 8 + bit;
          if (x < img.width && img.pixels[y * img.width + x]) b |= 0x80 >> bit;
        }
        data[y * bytesPerRow + bx] = b;
      }
    }
    this.#len += data.length;
    return this;
  }

  /** GS V 66 n: feed to the cutter (n lines) and cut, leaving one point uncut (partial cut). */
  cut(feedLines = 3): this {
    return this.#b3(GS, 0x56, 66).#b1(feedLines & 0xff);
  }

  /**
   * ESC p m t1 t2: drawer kick on connector pin 2 (m=0) or pin 5 (m=1); on t1 x 2 ms, off t2 x 2 ms.
   * Drawers want 100-200 ms of pulse; Epson's own example is t1=25 (50 ms) t2=250.
   */
  drawerKick(pin: 2 | 5 = 2, onMs = 100, offMs = 500): this {
    const t1 = Math.min(255, Math.max(1, Math.round(onMs / 2)));
    const t2 = Math.min(255, Math.max(t1, Math.round(offMs / 2)));
    return this.#push(ESC, 0x70, pin === 2 ? 0 : 1, t1, t2);
  }

  raw(bytes: Iterable<number>): this {
    return this.#append(Uint8Array.from(bytes));
  }

  bytes(): Uint8Array {
    return this.#buf.slice(0, this.#len);
  }
}

/** DLE EOT n real-time status request (n = 1 printer, 2 offline cause, 3 error cause, 4 paper). */
export const dleEot = (n: 1 | 2 | 3 | 4): Uint8Array => Uint8Array.of(DLE, EOT, n);
/** GS r 1: transmit paper sensor status (processed in order, after the data before it). */
export const gsR1 = (): Uint8Array => Uint8Array.of(GS, 0x72, 1);
/** DLE ENQ 2: recover from an error after clearing the receive and print buffers. */
export const dleEnq2 = (): Uint8Array => Uint8Array.of(DLE, ENQ, 2);
