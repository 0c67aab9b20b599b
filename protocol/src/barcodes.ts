// Barcode parsing for the checkout: what a scan means before anything is looked up.
// GTINs (EAN-13, EAN-8, UPC-A, GTIN-14) have their check digits verified; in-store scale labels
// (GS1 prefixes 20-29) decode by a layout the chain configures; WeChat Pay / Alipay payment
// codes are recognised so that they never reach the product look-up.

export class BarcodeError extends Error {
  override readonly name = "BarcodeError";
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/** GS1 mod-10 check digit of a digit string that excludes the check digit. */
export function gs1CheckDigit(body: string): number {
  if (!/^\d+$/.test(body)) throw new BarcodeError("code", `not all digits: ${JSON.stringify(body)}`);
  let sum = 0;
  // Weights alternate 3,1 starting from the rightmost digit of the body.
  for (let i = body.length - 1, w = 3; i >= 0; i--, w = w === 3 ? 1 : 3) sum += (body.charCodeAt(i) - 48) * w;
  return (10 - (sum % 10)) % 10;
}

export function hasValidCheckDigit(code: string): boolean {
  return /^\d{8,18}$/.test(code) && gs1CheckDigit(code.slice(0, -1)) === Number(code.at(-1));
}

/** Appends the GS1 check digit: `withCheckDigit("690123456789")` -> "6901234567892". */
export function withCheckDigit(body: string): string {
  return body + String(gs1CheckDigit(body));
}

export type GtinSymbology = "ean13" | "ean8" | "upca" | "gtin14";

/**
 * Normalises a GTIN to the key the catalog stores: EAN-13 as is, UPC-A as EAN-13 with a leading
 * 0, GTIN-14 with indicator 0 as its EAN-13; EAN-8 stays 8 digits (its own number space).
 * Throws when the length is wrong or the check digit does not verify.
 */
export function normalizeGtin(code: string): { gtin: string; symbology: GtinSymbology } {
  if (!/^\d+$/.test(code)) throw new BarcodeError("code", `not all digits: ${JSON.stringify(code)}`);
  const symbology: GtinSymbology | undefined = (
    { 8: "ean8", 12: "upca", 13: "ean13", 14: "gtin14" } as const
  )[code.length as 8 | 12 | 13 | 14];
  if (!symbology) throw new BarcodeError("code", `a GTIN has 8, 12, 13 or 14 digits, got ${code.length}`);
  const expected = gs1CheckDigit(code.slice(0, -1));
  if (expected !== Number(code.at(-1))) {
    throw new BarcodeError("code", `bad check digit in ${code}: expected ${expected}, got ${code.at(-1)}`);
  }
  if (symbology === "upca") return { gtin: `0${code}`, symbology };
  if (symbology === "gtin14" && code.startsWith("0")) return { gtin: code.slice(1), symbology };
  return { gtin: code, symbology };
}

// ---------------------------------------------------------------------------------------------
// Variable-measure labels printed by in-store scales.

/**
 * A scale label layout, as the chain configures it. `pattern` has 13 positions (spaces ignored):
 * digits must match literally, `F` is any flag digit, `P` the PLU, `V` the value, `X` the
 * GS1 price/weight check digit over the V field (4 or 5 digits), `C` the EAN-13 check digit.
 * Example: `{ pattern: "2 2 PPPPP VVVVV C", value: "weight_g" }`.
 */
export interface ScaleLabelLayout {
  name?: string;
  pattern: string;
  value: "price_fen" | "weight_g";
}

export const DEFAULT_SCALE_LAYOUTS: readonly ScaleLabelLayout[] = [
  { name: "price", pattern: "2 0 PPPPP VVVVV C", value: "price_fen" },
  { name: "price", pattern: "2 1 PPPPP VVVVV C", value: "price_fen" },
  { name: "weight", pattern: "2 2 PPPPP VVVVV C", value: "weight_g" },
  { name: "price with check", pattern: "2 3 PPPP X VVVVV C", value: "price_fen" },
];

export function validateScaleLayout(layout: ScaleLabelLayout): string {
  const p = layout.pattern.replace(/\s+/g, "");
  if (p.length !== 13) throw new BarcodeError("pattern", `a scale layout has 13 positions, got ${p.length}`);
  if (!/^[0-9FPVXC]+$/.test(p)) throw new BarcodeError("pattern", `only digits and F P V X C allowed: ${p}`);
  if (!p.startsWith("2")) throw new BarcodeError("pattern", "scale labels use GS1 prefixes 20-29");
  if (!p.endsWith("C") || p.indexOf("C") !== 12)
    throw new BarcodeError("pattern", "C (EAN check) is the last position only");
  const run = (ch: string) => (p.match(new RegExp(`${ch}+`, "g")) ?? []) as string[];
  if (run("P").length !== 1) throw new BarcodeError("pattern", "the PLU (P) must be one run of digits");
  if (run("V").length !== 1) throw new BarcodeError("pattern", "the value (V) must be one run of digits");
  const v = run("V")[0]!.length;
  if (p.includes("X") && v !== 4 && v !== 5)
    throw new BarcodeError("pattern", "a price check digit (X) covers a 4 or 5 digit value");
  if (run("X").join("").length > 1) throw new BarcodeError("pattern", "at most one X");
  if (layout.value !== "price_fen" && layout.value !== "weight_g") {
    throw new BarcodeError("value", `value is price_fen or weight_g, got ${String(layout.value)}`);
  }
  return p;
}

// GS1 General Specifications, price/weight check digit: each digit is transformed by a
// weighting factor (2-, 3, 5+, 5-) through these tables.
const W2MINUS = [0, 2, 4, 6, 8, 9, 1, 3, 5, 7];
const W3 = [0, 3, 6, 9, 2, 5, 8, 1, 4, 7];
const W5PLUS = [0, 5, 1, 6, 2, 7, 3, 8, 4, 9];
const W5MINUS = [0, 5, 9, 4, 8, 3, 7, 2, 6, 1];

/** The GS1 check digit over a 4- or 5-digit price/weight field. */
export function priceCheckDigit(value: string): number {
  const d = [...value].map(Number);
  if (!/^\d{4,5}$/.test(value)) throw new BarcodeError("value", "price check digit needs 4 or 5 digits");
  if (d.length === 4) {
    const sum = W2MINUS[d[0]!]! + W2MINUS[d[1]!]! + W3[d[2]!]! + W5MINUS[d[3]!]!;
    return (sum * 3) % 10;
  }
  const sum = W5PLUS[d[0]!]! + W2MINUS[d[1]!]! + W5MINUS[d[2]!]! + W5PLUS[d[3]!]! + W2MINUS[d[4]!]!;
  const target = (10 - (sum % 10)) % 10;
  return W5MINUS.indexOf(target);
}

export interface ScaleLabel {
  plu: string;
  priceFen?: number;
  weightG?: number;
  layout: string;
}

/** Decodes a 13-digit label by one layout; undefined when the layout does not match it. */
export function decodeScaleLabel(code: string, layout: ScaleLabelLayout): ScaleLabel | undefined {
  const p = validateScaleLayout(layout);
  if (!/^\d{13}$/.test(code)) return undefined;
  let plu = "";
  let value = "";
  let x = "";
  for (let i = 0; i < 13; i++) {
    const ch = p[i]!;
    const c = code[i]!;
    if (ch >= "0" && ch <= "9" && ch !== c) return undefined;
    if (ch === "P") plu += c;
    else if (ch === "V") value += c;
    else if (ch === "X") x = c;
  }
  if (!hasValidCheckDigit(code)) {
    throw new BarcodeError(
      "code",
      `bad check digit in scale label ${code}: expected ${gs1CheckDigit(code.slice(0, 12))}`,
    );
  }
  if (x && priceCheckDigit(value) !== Number(x)) {
    throw new BarcodeError(
      "code",
      `bad price check digit in scale label ${code}: expected ${priceCheckDigit(value)}`,
    );
  }
  const n = Number(value);
  const label: ScaleLabel = { plu: plu.replace(/^0+(?=\d)/, ""), layout: layout.name ?? p };
  if (layout.value === "price_fen") label.priceFen = n;
  else label.weightG = n;
  return label;
}

/** Builds the label a scale would print (for simulators, tests and the demo). */
export function encodeScaleLabel(layout: ScaleLabelLayout, plu: string | number, value: number): string {
  const p = validateScaleLayout(layout);
  const pLen = p.split("P").length - 1;
  const vLen = p.split("V").length - 1;
  const pluDigits = String(plu).padStart(pLen, "0");
  const valDigits = String(value).padStart(vLen, "0");
  if (!Number.isSafeInteger(value) || value < 0 || valDigits.length !== vLen) {
    throw new BarcodeError("value", `value ${value} does not fit ${vLen} digits`);
  }
  if (!/^\d+$/.test(pluDigits) || pluDigits.length !== pLen)
    throw new BarcodeError("plu", `PLU ${plu} does not fit ${pLen} digits`);
  let out = "";
  let pi = 0;
  let vi = 0;
  for (const ch of p.slice(0, 12)) {
    if (ch === "P") out += pluDigits[pi++];
    else if (ch === "V") out += valDigits[vi++];
    else if (ch === "X") out += "?";
    else if (ch === "F") out += "0";
    else out += ch;
  }
  out = out.replace("?", String(p.includes("X") ? priceCheckDigit(valDigits) : ""));
  return withCheckDigit(out);
}

// ---------------------------------------------------------------------------------------------
// Payment codes and receipt numbers.

export type PaymentProvider = "wechat" | "alipay";

/**
 * WeChat Pay: 18 digits, prefix 10-15. Alipay: 16-24 digits, prefix 25-30 (18 in practice).
 * Neither is a valid product code, so they are checked before any GTIN rule.
 */
export function paymentProviderOf(code: string): PaymentProvider | undefined {
  if (!/^\d+$/.test(code)) return undefined;
  const prefix = Number(code.slice(0, 2));
  if (code.length === 18 && prefix >= 10 && prefix <= 15) return "wechat";
  if (code.length >= 16 && code.length <= 24 && prefix >= 25 && prefix <= 30) return "alipay";
  return undefined;
}

/** Receipt numbers, printed as CODE128: `RC-<store>-<lane 2>-<yyyymmdd>-<number 4..6>`. */
export interface ReceiptNo {
  storeId: string;
  lane: number;
  day: string;
  number: number;
}

const RECEIPT_RE = /^RC-([A-Z0-9]{1,16})-(\d{2})-(\d{8})-(\d{4,6})$/;

export function formatReceiptNo(r: ReceiptNo): string {
  if (!/^[A-Z0-9]{1,16}$/.test(r.storeId))
    throw new BarcodeError("storeId", `receipt store id must be A-Z0-9: ${r.storeId}`);
  if (!Number.isInteger(r.lane) || r.lane < 0 || r.lane > 99)
    throw new BarcodeError("lane", `lane 0-99, got ${r.lane}`);
  if (!/^\d{8}$/.test(r.day)) throw new BarcodeError("day", `day is yyyymmdd, got ${r.day}`);
  if (!Number.isInteger(r.number) || r.number < 0 || r.number > 999999)
    throw new BarcodeError("number", `number 0-999999, got ${r.number}`);
  return `RC-${r.storeId}-${String(r.lane).padStart(2, "0")}-${r.day}-${String(r.number).padStart(4, "0")}`;
}

export function parseReceiptNo(text: string): ReceiptNo | undefined {
  const m = RECEIPT_RE.exec(text);
  if (!m) return undefined;
  return { storeId: m[1]!, lane: Number(m[2]), day: m[3]!, number: Number(m[4]) };
}

// ---------------------------------------------------------------------------------------------
// GS1-128 element strings (passthrough with the GTIN and the common AIs pulled out).

const FNC1 = "\x1d";
// Fixed-length AIs we need at the till; anything else ends the parse (kept raw).
const FIXED_AI: Record<string, number> = { "00": 18, "01": 14, "02": 14, "11": 6, "13": 6, "15": 6, "17": 6 };
const VAR_AI: Record<string, number> = { "10": 20, "21": 20 };

export function parseGs1ElementString(raw: string): Record<string, string> | undefined {
  // Human-readable form "(01)0690...(17)261231" or the scanned form with FNC1 separators.
  const text = raw.startsWith("(") ? raw.replace(/\((\d{2,4})\)/g, `${FNC1}$1`).slice(1) : raw;
  const out: Record<string, string> = {};
  let i = 0;
  while (i < text.length) {
    if (text[i] === FNC1) {
      i++;
      continue;
    }
    const ai2 = text.slice(i, i + 2);
    const ai4 = text.slice(i, i + 4);
    if (FIXED_AI[ai2] !== undefined) {
      const v = text.slice(i + 2, i + 2 + FIXED_AI[ai2]!);
      if (v.length !== FIXED_AI[ai2] || !/^\d+$/.test(v)) return undefined;
      out[ai2] = v;
      i += 2 + v.length;
    } else if (/^31[0-6]\d$/.test(ai4)) {
      const v = text.slice(i + 4, i + 10);
      if (!/^\d{6}$/.test(v)) return undefined;
      out[ai4] = v;
      i += 10;
    } else if (VAR_AI[ai2] !== undefined) {
      const end = text.indexOf(FNC1, i + 2);
      const v = text.slice(i + 2, end < 0 ? undefined : end);
      if (v.length === 0 || v.length > VAR_AI[ai2]!) return undefined;
      out[ai2] = v;
      i = end < 0 ? text.length : end;
    } else return undefined;
  }
  return Object.keys(out).length ? out : undefined;
}

// ---------------------------------------------------------------------------------------------
// What a scan means.

export type ParsedScan =
  | {
      kind: "product";
      code: string;
      gtin?: string;
      symbology: GtinSymbology | "code128" | "gs1-128";
      ais?: Record<string, string>;
    }
  | { kind: "scale_label"; code: string; label: ScaleLabel }
  | { kind: "payment"; code: string; provider: PaymentProvider }
  | { kind: "receipt"; code: string; receipt: ReceiptNo }
  | { kind: "unknown"; code: string; reason: string };

export interface ScanConfig {
  scaleLayouts?: readonly ScaleLabelLayout[];
}

/** Printable ASCII for CODE128 passthrough codes (internal item numbers, shelf tags). */
const CODE128_RE = /^[\x20-\x7e]{1,48}$/;

/**
 * Classifies one scan. The result's `kind` says where it goes: product look-up, scale label
 * (PLU + price or weight), payment, the return flow, or an error shown to the cashier.
 * `aim` is the AIM symbology identifier when the scanner sent one (e.g. "]E0", "]C1").
 */
export function parseScan(input: string, config: ScanConfig = {}, aim?: string): ParsedScan {
  const code = input.replace(/[\r\n\t]+$/g, "").replace(/^[\r\n\t]+/g, "");
  if (code.length === 0) return { kind: "unknown", code, reason: "empty scan" };
  if (code.length > 128)
    return { kind: "unknown", code: code.slice(0, 128), reason: `too long (${code.length} characters)` };

  const provider = paymentProviderOf(code);
  if (provider) return { kind: "payment", code, provider };

  const receipt = parseReceiptNo(code);
  if (receipt) return { kind: "receipt", code, receipt };

  if (aim === "]C1" || code.startsWith("(01)") || code.startsWith(FNC1)) {
    const ais = parseGs1ElementString(code.startsWith(FNC1) ? code.slice(1) : code);
    if (!ais) return { kind: "unknown", code, reason: "malformed GS1-128 element string" };
    if (ais["01"]) {
      try {
        const { gtin } = normalizeGtin(ais["01"]);
        return { kind: "product", code, gtin, symbology: "gs1-128", ais };
      } catch (e) {
        return { kind: "unknown", code, reason: (e as Error).message };
      }
    }
    return { kind: "product", code, symbology: "gs1-128", ais };
  }

  if (/^\d+$/.test(code) && [8, 12, 13, 14].includes(code.length)) {
    if (code.length === 13 && code[0] === "2") {
      for (const layout of config.scaleLayouts ?? DEFAULT_SCALE_LAYOUTS) {
        try {
          const label = decodeScaleLabel(code, layout);
          if (label) return { kind: "scale_label", code, label };
        } catch (e) {
          return { kind: "unknown", code, reason: (e as Error).message };
        }
      }
    }
    try {
      const { gtin, symbology } = normalizeGtin(code);
      return { kind: "product", code, gtin, symbology };
    } catch (e) {
      return { kind: "unknown", code, reason: (e as Error).message };
    }
  }
  if (/^\d+$/.test(code) && code.length > 6) {
    return { kind: "unknown", code, reason: `${code.length} digits is neither a GTIN nor a payment code` };
  }
  if (CODE128_RE.test(code)) return { kind: "product", code, symbology: "code128" };
  return { kind: "unknown", code, reason: "contains characters no supported symbology carries" };
}

/**
 * A dated lot's GS1-128 label read for counting: the GTIN (AI 01), batch (AI 10) and expiry
 * (AI 17, YYMMDD read as 20YY; day 00 is the month's last day, as GS1 says). Undefined when the
 * text is not a GS1 element string with a GTIN; an expiry that is no real date is refused.
 */
export function gs1Lot(
  raw: string,
): { gtin: string; batch?: string; expiresOn?: string } | { error: string } | undefined {
  const text = raw.trim();
  if (!text.startsWith("(01)") && !text.startsWith(FNC1) && !/^01\d{14}/.test(text)) return undefined;
  const ais = parseGs1ElementString(text.startsWith(FNC1) ? text.slice(1) : text);
  if (!ais?.["01"]) return undefined;
  let gtin: string;
  try {
    gtin = normalizeGtin(ais["01"]).gtin;
  } catch (e) {
    return { error: (e as Error).message };
  }
  const out: { gtin: string; batch?: string; expiresOn?: string } = { gtin };
  if (ais["10"]) out.batch = ais["10"];
  const e = ais["17"];
  if (e) {
    const y = 2000 + Number(e.slice(0, 2));
    const m = Number(e.slice(2, 4));
    let d = Number(e.slice(4, 6));
    if (m < 1 || m > 12) return { error: `expiry ${e}: no month ${m}` };
    if (d === 0) d = new Date(Date.UTC(y, m, 0)).getUTCDate();
    const iso = `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
    const t = Date.parse(`${iso}T00:00:00Z`);
    if (d > 31 || !Number.isFinite(t) || new Date(t).toISOString().slice(0, 10) !== iso)
      return { error: `expiry ${e}: no such day` };
    out.expiresOn = iso;
  }
  return out;
}
