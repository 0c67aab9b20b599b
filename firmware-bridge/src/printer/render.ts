// What the customer got: a decoded receipt as plain text (for tests and logs) and as a PNG of
// the paper (for the UI and for people), Chinese glyphs included through a CJK font.
import { existsSync } from "node:fs";
import { createCanvas, GlobalFonts } from "@napi-rs/canvas";
import QRCode from "qrcode";
import { DeviceError } from "../errors.ts";
import type { PrintBlock } from "./decoder.ts";
import { columnsFor, type PaperWidth } from "./receipt.ts";
import { displayWidth } from "./text.ts";

export function renderText(blocks: PrintBlock[], paper: PaperWidth = 80): string {
  const cols = columnsFor(paper);
  const out: string[] = [];
  const place = (s: string, align: string, w = displayWidth(s)) => {
    const room = Math.max(0, cols - w);
    return align === "center" ? " ".repeat(room >> 1) + s : align === "right" ? " ".repeat(room) + s : s;
  };
  for (const b of blocks) {
    if (b.type === "text") {
      // Double width is shown by spacing the characters out, so columns stay true.
      const t = b.width > 1 ? [...b.text].join(" ") : b.text;
      out.push(place(t, b.align, displayWidth(b.text) * b.width).trimEnd());
    } else if (b.type === "barcode") out.push(place(`[${b.symbology} ${b.data}]`, "center"));
    else if (b.type === "qr") out.push(place(`[QR ${b.data}]`, "center"));
    else if (b.type === "raster") out.push(place(`[IMAGE ${b.bitmap.width}x${b.bitmap.height}]`, "center"));
    else if (b.type === "cut") out.push(`${"- ".repeat(cols / 4)}8< ${b.partial ? "partial cut" : "cut"}`);
    else if (b.type === "drawer") out.push(`[DRAWER KICK pin ${b.pin} ${b.onMs}/${b.offMs} ms]`);
  }
  return out.join("\n");
}

const FONT_CANDIDATES = [
  "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
  "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
  "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
];
let fontFamily: string | undefined;

function cjkFont(): string {
  if (fontFamily) return fontFamily;
  const path = FONT_CANDIDATES.find((p) => existsSync(p));
  if (!path) {
    throw new DeviceError(
      "printer-sim",
      "font",
      "no CJK font found: run scripts/install-system-deps.sh (fonts-wqy-zenhei)",
    );
  }
  GlobalFonts.registerFromPath(path, "ReceiptCJK");
  fontFamily = "ReceiptCJK";
  return fontFamily;
}

/** 203 dpi thermal head: 576 dots across 80 mm paper (72 mm printable), 384 across 58 mm. */
export async function renderPng(blocks: PrintBlock[], paper: PaperWidth = 80): Promise<Buffer> {
  const width = paper === 58 ? 384 : 576;
  const cell = 12; // half-width character cell: 12 x 24 dots (Font A)
  const family = cjkFont();
  // First pass: heights.
  const qrs = new Map<PrintBlock, { size: number; modules: Uint8Array }>();
  let height = 16;
  for (const b of blocks) {
    if (b.type === "text") height += 26 * b.height;
    else if (b.type === "barcode") height += 90;
    else if (b.type === "qr") {
      const qr = QRCode.create(b.data, { errorCorrectionLevel: "M" });
      qrs.set(b, { size: qr.modules.size, modules: qr.modules.data });
      height += qr.modules.size * 6 + 12;
    } else if (b.type === "raster") height += b.bitmap.height + 4;
    else height += 24;
  }
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = "#000";
  ctx.textBaseline = "top";
  let y = 8;
  const xFor = (w: number, align: string) =>
    align === "center" ? (width - w) / 2 : align === "right" ? width - w : 0;
  for (const b of blocks) {
    if (b.type === "text") {
      const px = 24 * b.height;
      ctx.font = `${b.bold ? "bold " : ""}${px}px ${family}`;
      const w = displayWidth(b.text) * cell * b.width;
      ctx.save();
      ctx.translate(xFor(w, b.align), y);
      ctx.scale(b.width / b.height, 1);
      // Each character in its own cell, as a thermal printer's fixed-pitch fonts do.
      let x = 0;
      for (const ch of b.text) {
        ctx.fillText(ch, x, 0);
        x += displayWidth(ch) * cell * b.height;
      }
      ctx.restore();
      y += 26 * b.height;
    } else if (b.type === "barcode") {
      // Bars drawn from the data's bits (a picture of "a barcode is here"), with the text under it.
      const bits = [...b.data].flatMap((c) => [...c.charCodeAt(0).toString(2).padStart(8, "0")].map(Number));
      const w = bits.length * 2;
      const x0 = (width - w) / 2;
      bits.forEach((bit, k) => {
        if (bit) ctx.fillRect(x0 + k * 2, y, 2, 60);
      });
      ctx.font = `20px ${family}`;
      ctx.fillText(b.data, (width - displayWidth(b.data) * 10) / 2, y + 64);
      y += 90;
    } else if (b.type === "qr") {
      const { size, modules } = qrs.get(b)!;
      const x0 = (width - size * 6) / 2;
      for (let r = 0; r < size; r++)
        for (let c = 0; c < size; c++) if (modules[r * size + c]) ctx.fillRect(x0 + c * 6, y + r * 6, 6, 6);
      y += size * 6 + 12;
    } else if (b.type === "raster") {
      const x0 = (width - b.bitmap.width) / 2;
      for (let r = 0; r < b.bitmap.height; r++)
        for (let c = 0; c < b.bitmap.width; c++)
          if (b.bitmap.pixels[r * b.bitmap.width + c]) ctx.fillRect(x0 + c, y + r, 1, 1);
      y += b.bitmap.height + 4;
    } else if (b.type === "cut") {
      ctx.fillRect(0, y + 10, width, 1);
      y += 24;
    } else y += 24;
  }
  return canvas.toBuffer("image/png");
}
