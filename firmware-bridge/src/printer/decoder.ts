// ESC/POS bytes -> what a printer would do: printed lines with their style, barcodes, QR codes,
// raster images, cuts, drawer kicks, and the real-time requests the host expects answers to.
// The printer simulator runs on this, and so do the tests that check a receipt's content.
import type { Align, Bitmap } from "./escpos.ts";
import { decodeGbk } from "./text.ts";

export type PrintBlock =
  | { type: "text"; text: string; bold: boolean; width: number; height: number; align: Align }
  | { type: "barcode"; symbology: "CODE128" | "OTHER"; data: string }
  | { type: "qr"; data: string }
  | { type: "raster"; bitmap: Bitmap }
  | { type: "cut"; partial: boolean }
  | { type: "drawer"; pin: 2 | 5; onMs: number; offMs: number };

export type PrinterRequest =
  | { type: "dle-eot"; n: number }
  | { type: "gs-r"; n: number }
  | { type: "dle-enq"; n: number }
  | { type: "init" };

export type DecodedItem = { kind: "block"; block: PrintBlock } | { kind: "request"; request: PrinterRequest };

const ALIGNS: Align[] = ["left", "center", "right"];

export class EscPosDecoder {
  #buf: number[] = [];
  #line: number[] = [];
  #bold = false;
  #width = 1;
  #height = 1;
  #align: Align = "left";
  #qrStore = "";
  /** Commands we skipped without understanding (kept for tests and diagnostics). */
  unknown = 0;

  push(bytes: Uint8Array): DecodedItem[] {
    for (const b of bytes) this.#buf.push(b);
    const out: DecodedItem[] = [];
    let i = 0;
    const buf = this.#buf;
    const need = (n: number) => i + n <= buf.length;
    while (i < buf.length) {
      const b = buf[i]!;
      const start = i;
      let consumed = 0;
      if (b === 0x0a) {
        out.push(this.#flush());
        consumed = 1;
      } else if (b === 0x0d) consumed = 1;
      else if (b === 0x10) {
        if (!need(3)) break;
        const c = buf[i + 1]!;
        const n = buf[i + 2]!;
        if (c === 0x04) out.push({ kind: "request", request: { type: "dle-eot", n } });
        else if (c === 0x05) out.push({ kind: "request", request: { type: "dle-enq", n } });
        else this.unknown++;
        consumed = c === 0x14 ? 5 : 3; // DLE DC4 fn m t
        if (!need(consumed)) break;
      } else if (b === 0x1b) {
        if (!need(2)) break;
        const c = buf[i + 1]!;
        if (c === 0x40) {
          this.#reset();
          out.push({ kind: "request", request: { type: "init" } });
          consumed = 2;
        } else if (c === 0x70) {
          if (!need(5)) break;
          out.push({
            kind: "block",
            block: {
              type: "drawer",
              pin: buf[i + 2]! & 1 ? 5 : 2,
              onMs: buf[i + 3]! * 2,
              offMs: buf[i + 4]! * 2,
            },
          });
          consumed = 5;
        } else if (c === 0x32 || c === 0x3c) consumed = 2;
        else {
          if (!need(3)) break;
          const n = buf[i + 2]!;
          if (c === 0x61) this.#align = ALIGNS[n % 48] ?? "left";
          else if (c === 0x45) this.#bold = (n & 1) === 1;
          else if (c === 0x64) for (let k = 0; k < n; k++) out.push(this.#flush());
          else if (c === 0x21) {
            this.#bold = !!(n & 0x08);
            this.#height = n & 0x10 ? 2 : 1;
            this.#width = n & 0x20 ? 2 : 1;
          } else if (![0x2d, 0x4a, 0x74, 0x33, 0x4d, 0x52, 0x47, 0x20, 0x56].includes(c)) this.unknown++;
          consumed = 3;
        }
      } else if (b === 0x1c) {
        if (!need(2)) break;
        const c = buf[i + 1]!;
        if (c === 0x26 || c === 0x2e) consumed = 2;
        else {
          if (!need(3)) break;
          consumed = 3; // FS ! n, FS C n, FS - n: the GS ! multipliers decide our rendering
        }
      } else if (b === 0x1d) {
        if (!need(2)) break;
        const c = buf[i + 1]!;
        if (c === 0x6b) {
          if (!need(4)) break;
          const m = buf[i + 2]!;
          if (m >= 65) {
            const n = buf[i + 3]!;
            if (!need(4 + n)) break;
            let data = String.fromCharCode(...buf.slice(i + 4, i + 4 + n));
            if (m === 73 && /^\{[ABC]/.test(data)) data = data.slice(2);
            out.push({
              kind: "block",
              block: { type: "barcode", symbology: m === 73 ? "CODE128" : "OTHER", data },
            });
            consumed = 4 + n;
          } else {
            const end = buf.indexOf(0, i + 3);
            if (end < 0) break;
            out.push({
              kind: "block",
              block: {
                type: "barcode",
                symbology: "OTHER",
                data: String.fromCharCode(...buf.slice(i + 3, end)),
              },
            });
            consumed = end + 1 - i;
          }
        } else if (c === 0x28) {
          if (!need(5)) break;
          const len = buf[i + 3]! | (buf[i + 4]! << 8);
          if (!need(5 + len)) break;
          const body = buf.slice(i + 5, i + 5 + len);
          if (buf[i + 2] === 0x6b && body[0] === 0x31) {
            if (body[1] === 0x50) this.#qrStore = new TextDecoder().decode(Uint8Array.from(body.slice(3)));
            else if (body[1] === 0x51)
              out.push({ kind: "block", block: { type: "qr", data: this.#qrStore } });
          }
          consumed = 5 + len;
        } else if (c === 0x76) {
          if (!need(8)) break;
          const bytesPerRow = buf[i + 4]! | (buf[i + 5]! << 8);
          const height = buf[i + 6]! | (buf[i + 7]! << 8);
          const size = bytesPerRow * height;
          if (!need(8 + size)) break;
          const width = bytesPerRow * 8;
          const pixels = new Uint8Array(width * height);
          for (let y = 0; y < height; y++)
            for (let x = 0; x < width; x++)
              pixels[y * width + x] = (buf[i + 8 + y * bytesPerRow + (x >> 3)]! >> (7 - (x & 7))) & 1;
          out.push({ kind: "block", block: { type: "raster", bitmap: { width, height, pixels } } });
          consumed = 8 + size;
        } else if (c === 0x56) {
          if (!need(3)) break;
          const m = buf[i + 2]!;
          consumed = m >= 65 ? 4 : 3;
          if (!need(consumed)) break;
          if (this.#line.length) out.push(this.#flush());
          out.push({
            kind: "block",
            block: { type: "cut", partial: m === 1 || m === 49 || m === 66 || m === 98 },
          });
        } else if (c === 0x72) {
          if (!need(3)) break;
          out.push({ kind: "request", request: { type: "gs-r", n: buf[i + 2]! } });
          consumed = 3;
        } else if (c === 0x21) {
          if (!need(3)) break;
          const n = buf[i + 2]!;
          this.#width = ((n >> 4) & 7) + 1;
          this.#height = (n & 7) + 1;
          consumed = 3;
        } else if (c === 0x4c || c === 0x57) consumed = 4;
        else consumed = 3; // GS H, GS h, GS w, GS f, GS a, GS B: one parameter byte
        if (!need(consumed)) break;
      } else if (b >= 0x20) {
        // Text, GBK lead and trail bytes included; decoded when the line is printed.
        this.#line.push(b);
        consumed = 1;
      } else {
        this.unknown++;
        consumed = 1;
      }
      i = start + consumed;
    }
    this.#buf = buf.slice(i);
    return out;
  }

  #flush(): DecodedItem {
    const text = decodeGbk(Uint8Array.from(this.#line));
    this.#line = [];
    return {
      kind: "block",
      block: {
        type: "text",
        text,
        bold: this.#bold,
        width: this.#width,
        height: this.#height,
        align: this.#align,
      },
    };
  }

  #reset(): void {
    this.#bold = false;
    this.#width = 1;
    this.#height = 1;
    this.#align = "left";
  }

  /** Drops anything half-received (DLE ENQ 2 clears the receive buffer). */
  clear(): void {
    this.#buf = [];
    this.#line = [];
  }
}
