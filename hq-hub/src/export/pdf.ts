// The hub's one PDF writer setup: a pdfkit document with a CJK font embedded as a subset (only
// the glyphs used), so Chinese names print on any reader. The font is a system file: the first
// of HQ_PDF_FONT (path, or "path#PostScriptName" for a collection) and the Debian CJK fonts
// that exists. pdfkit's built-in Helvetica is never loaded (it reads .afm files beside the
// package, which a compiled hub does not have).
import { existsSync, readFileSync } from "node:fs";
import PDFDocument from "pdfkit";
import { StateError } from "../errors.ts";

/** Font files tried in order: [path, the face inside a .ttc collection]. */
const CANDIDATES: [string, string | undefined][] = [
  ["/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", "WenQuanYiZenHei"],
  ["/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "WenQuanYiMicroHei"],
  ["/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "NotoSansCJKsc-Regular"],
  ["/usr/share/fonts/truetype/arphic/uming.ttc", "AR PL UMing CN"],
];

export function cjkFont(env: Record<string, string | undefined> = process.env): {
  path: string;
  face?: string;
} {
  const set = env.HQ_PDF_FONT?.trim();
  if (set) {
    const [path, face] = set.split("#") as [string, string | undefined];
    if (!existsSync(path)) throw new StateError("pdf-font", `HQ_PDF_FONT ${path} does not exist`);
    return face ? { path, face } : { path };
  }
  for (const [path, face] of CANDIDATES) if (existsSync(path)) return face ? { path, face } : { path };
  throw new StateError(
    "pdf-font",
    `no CJK font for PDF files (looked for ${CANDIDATES.map(([p]) => p).join(", ")}); install fonts-wqy-zenhei or set HQ_PDF_FONT`,
  );
}

export type Pdf = PDFKit.PDFDocument;

// The font file is read once per process (about 17 MB for WenQuanYi Zen Hei), not per file.
const fontBytes = new Map<string, Buffer>();
function bytesOf(path: string): Buffer {
  let b = fontBytes.get(path);
  if (!b) {
    b = readFileSync(path);
    fontBytes.set(path, b);
  }
  return b;
}

/** Draws with `draw` on an A4 document in the CJK font and returns the file's bytes. */
export async function pdfFile(
  info: { title: string; createdAt: Date },
  draw: (doc: Pdf) => void,
  opts: { layout?: "portrait" | "landscape" } = {},
): Promise<Uint8Array> {
  const font = cjkFont();
  const doc = new PDFDocument({
    // null: skip the default Helvetica (its metrics are files a compiled hub does not ship).
    font: null as unknown as string,
    size: "A4",
    layout: opts.layout ?? "portrait",
    margin: 36,
    bufferPages: true,
    info: { Title: info.title, Creator: "retail hq-hub", CreationDate: info.createdAt },
  });
  const chunks: Uint8Array[] = [];
  doc.on("data", (c: Uint8Array) => chunks.push(c));
  const ended = new Promise<void>((resolve, reject) => {
    doc.on("end", () => resolve());
    doc.on("error", reject);
  });
  doc.registerFont("cjk", bytesOf(font.path), font.face);
  doc.font("cjk");
  draw(doc);
  doc.end();
  await ended;
  return new Uint8Array(Buffer.concat(chunks));
}
