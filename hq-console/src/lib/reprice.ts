// A percentage as typed for a bulk reprice ("-10", "+12.5", "7.25%") -> basis points, exactly
// (no float: "-12.5" is -1250). Anything else is undefined (the form names the field).
export function percentToBp(text: string): number | undefined {
  const m = /^\s*([+-]?)(\d{1,5})(?:\.(\d{1,2}))?\s*%?\s*$/.exec(text);
  if (!m) return undefined;
  const bp = Number(m[2]) * 100 + Number((m[3] ?? "").padEnd(2, "0") || "0");
  return m[1] === "-" ? -bp : bp;
}
