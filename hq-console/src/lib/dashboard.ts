// The dashboard's figures on screen, pure: change against the period before in basis points
// (integer arithmetic, rounded half away from zero), the margin rate, the periods the picker
// offers. Amounts stay integer fen; the charts get fen and format their labels with formatFen.
import { daysBefore, isoDay } from "./days.ts";

/** (cur - prev) / prev in basis points; null when there is nothing to compare with. */
export function changeBp(cur: number, prev: number): number | null {
  if (prev <= 0) return null;
  const num = (cur - prev) * 10_000;
  const q = Math.trunc(num / prev);
  const r = num - q * prev;
  return 2 * Math.abs(r) >= prev ? q + Math.sign(num) : q;
}

/** 1234 bp -> "+12.3%", -5 -> "-0.1%" (basis points to one decimal, by integer math). */
export function formatBp(bp: number, signed = true): string {
  const tenths = Math.trunc((Math.abs(bp) + 5) / 10);
  const sign = bp > 0 && signed ? "+" : bp < 0 && tenths > 0 ? "-" : "";
  return `${sign}${Math.trunc(tenths / 10)}.${tenths % 10}%`;
}

export type PeriodKind = "today" | "7d" | "mtd" | "30d" | "custom";

/** The from..to of a period kind ending on `today` (the browser's business day). */
export function periodOf(kind: Exclude<PeriodKind, "custom">, today: Date): { from: string; to: string } {
  const to = isoDay(today);
  switch (kind) {
    case "today":
      return { from: to, to };
    case "7d":
      return { from: daysBefore(today, 6), to };
    case "30d":
      return { from: daysBefore(today, 29), to };
    case "mtd":
      return { from: `${to.slice(0, 8)}01`, to };
  }
}
