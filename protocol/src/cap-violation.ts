// Which field of a sale or return is above a chain's money caps (money-caps.ts says why they
// exist). Apart from money-caps.ts because it reads envelopes, whose schemas (messages/) are
// bounded by the caps: one module each way, no import cycle.
import type { AnyEnvelope } from "./messages/registry.ts";
import type { MoneyCaps } from "./money-caps.ts";

export interface CapViolation {
  /** Dotted path of the field, as schema errors name it ("payload.lines.2.net"). */
  field: string;
  message: string;
  /** Which of the chain's caps it is above, the cap, and the reported value. */
  cap: keyof MoneyCaps;
  limit: number;
  value: number;
}

const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;

/**
 * The first field of a sale or return above `caps` (a chain's caps, at most MONEY_CAPS), or
 * undefined. Other types are bounded by their schemas only.
 */
export function capViolation(env: AnyEnvelope, caps: MoneyCaps): CapViolation | undefined {
  // Every sale is checked and almost none is over: compare first, name the field only then.
  if (!anyOver(env, caps)) return undefined;
  const over = (field: string, value: number | undefined, key: keyof MoneyCaps): CapViolation | undefined => {
    const cap = caps[key];
    return value !== undefined && value > cap
      ? {
          field: `payload.${field}`,
          message: `${value} exceeds the chain's cap of ${cap}${key === "qty" ? "" : ` fen (${yuan(cap)})`}`,
          cap: key,
          limit: cap,
          value,
        }
      : undefined;
  };
  const tenders = (list: { amount: number; received?: number; change?: number }[]) => {
    for (const [i, t] of list.entries())
      for (const k of ["amount", "received", "change"] as const) {
        const v = over(`tenders.${i}.${k}`, t[k], "saleFen");
        if (v) return v;
      }
    return undefined;
  };
  if (env.type === "sale.completed") {
    const p = env.payload;
    for (const [i, l] of p.lines.entries()) {
      const v =
        over(`lines.${i}.qty`, l.qty, "qty") ??
        over(`lines.${i}.unitPrice`, l.unitPrice, "unitPriceFen") ??
        over(`lines.${i}.override.catalogPrice`, l.override?.catalogPrice, "unitPriceFen") ??
        over(`lines.${i}.gross`, l.gross, "lineFen") ??
        over(`lines.${i}.net`, l.net, "lineFen") ??
        over(`lines.${i}.tax`, l.tax, "lineFen") ??
        l.discounts
          .map((d, j) => over(`lines.${i}.discounts.${j}.amount`, d.amount, "lineFen"))
          .find(Boolean);
      if (v) return v;
    }
    for (const k of ["gross", "discount", "net", "tax"] as const) {
      const v = over(`totals.${k}`, p.totals[k], "saleFen");
      if (v) return v;
    }
    return tenders(p.tenders);
  }
  if (env.type === "sale.returned") {
    const p = env.payload;
    for (const [i, l] of p.lines.entries()) {
      const v =
        over(`lines.${i}.qty`, l.qty, "qty") ??
        over(`lines.${i}.refund`, l.refund, "lineFen") ??
        over(`lines.${i}.tax`, l.tax, "lineFen");
      if (v) return v;
    }
    const v =
      over("totals.refund", p.totals.refund, "saleFen") ?? over("totals.tax", p.totals.tax, "saleFen");
    return v ?? tenders(p.tenders);
  }
  return undefined;
}

/** Whether any capped field of a sale or return is above `caps` (no strings built). */
function anyOver(env: AnyEnvelope, caps: MoneyCaps): boolean {
  const { qty, unitPriceFen, lineFen, saleFen } = caps;
  const over = (v: number | undefined, cap: number) => v !== undefined && v > cap;
  const tenders = (list: readonly { amount: number; received?: number; change?: number }[]) => {
    for (const t of list)
      if (over(t.amount, saleFen) || over(t.received, saleFen) || over(t.change, saleFen)) return true;
    return false;
  };
  if (env.type === "sale.completed") {
    const p = env.payload;
    for (const l of p.lines) {
      if (
        over(l.qty, qty) ||
        over(l.unitPrice, unitPriceFen) ||
        over(l.override?.catalogPrice, unitPriceFen) ||
        over(l.gross, lineFen) ||
        over(l.net, lineFen) ||
        over(l.tax, lineFen)
      )
        return true;
      for (const d of l.discounts) if (over(d.amount, lineFen)) return true;
    }
    const t = p.totals;
    return (
      over(t.gross, saleFen) ||
      over(t.discount, saleFen) ||
      over(t.net, saleFen) ||
      over(t.tax, saleFen) ||
      tenders(p.tenders)
    );
  }
  if (env.type === "sale.returned") {
    const p = env.payload;
    for (const l of p.lines)
      if (over(l.qty, qty) || over(l.refund, lineFen) || over(l.tax, lineFen)) return true;
    return over(p.totals.refund, saleFen) || over(p.totals.tax, saleFen) || tenders(p.tenders);
  }
  return false;
}
