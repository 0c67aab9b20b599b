// AIM symbology identifiers (ISO/IEC 15424): "]" + symbology letter + modifier, e.g. "]E0"
// EAN-13/UPC, "]C1" GS1-128, "]Q1" QR. Scanners configured to send them prefix every code.

const AIM_RE = /^\][A-Za-z][0-9A-Za-z]/;

export function stripAim(raw: string): { code: string; aim?: string } {
  const m = AIM_RE.exec(raw);
  if (!m) return { code: raw };
  return { code: raw.slice(3), aim: m[0] };
}
