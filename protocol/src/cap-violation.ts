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
