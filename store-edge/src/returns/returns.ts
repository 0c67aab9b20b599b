// Refunds for returns, by protocol's PRICING.md rule (refundForReturn): partial and repeated
// returns of a line never add up to more than was paid for it. Pure: the lane passes the
// original sale's lines and what earlier returns already took back.
import {
  type PriorReturns,
  RefundError,
  refundForReturn,
  returnableUnits,
  type SaleLine,
} from "@retail/protocol";
import { invalid, notFound } from "../errors.ts";

export interface ReturnRequestLine {
  lineId: string;
  /** Units to return (a weighed line comes back whole: 1). */
  units: number;
  restock: boolean;
}

export interface PlannedReturnLine {
  lineId: string;
  sku: string;
  /** Units, or the line's grams when a weighed line comes back. */
  qty: number;
  units: number;
  weighed: boolean;
  refund: number;
  tax: number;
  restock: boolean;
}

export interface ReturnPlan {
  lines: PlannedReturnLine[];
  totals: { refund: number; tax: number };
}

export function planReturn(
  saleLines: readonly SaleLine[],
  prior: ReadonlyMap<string, PriorReturns>,
  requested: readonly ReturnRequestLine[],
): ReturnPlan {
  if (requested.length === 0) throw invalid("lines", "choose at least one line to return");
  const byId = new Map(saleLines.map((l) => [l.lineId, l]));
  const seen = new Set<string>();
  const lines = requested.map((r, i): PlannedReturnLine => {
    const line = byId.get(r.lineId);
    if (!line) throw notFound(`lines.${i}.lineId`, `the sale has no line ${r.lineId}`);
    if (seen.has(r.lineId)) throw invalid(`lines.${i}.lineId`, `line ${r.lineId} listed twice`);
    seen.add(r.lineId);
    let refund: { net: number; tax: number };
    try {
      refund = refundForReturn(line, prior.get(r.lineId) ?? { units: 0, net: 0, tax: 0 }, r.units);
    } catch (e) {
      if (e instanceof RefundError)
        throw invalid(`lines.${i}.${e.field === "k" ? "units" : e.field}`, e.message);
      throw e;
    }
    return {
      lineId: r.lineId,
      sku: line.sku,
      qty: line.weighed ? line.qty : r.units,
      units: r.units,
      weighed: line.weighed,
      refund: refund.net,
      tax: refund.tax,
      restock: r.restock,
    };
  });
  return {
    lines,
    totals: {
      refund: lines.reduce((s, l) => s + l.refund, 0),
      tax: lines.reduce((s, l) => s + l.tax, 0),
    },
  };
}

/**
 * A return without receipt refunds what the scanned items cost on the shelf today (priced
 * without promotions by the lane): one planned line per cart line, restocked.
 */
export function shelfRefund(
  lines: readonly { lineId: string; sku: string; qty: number; weighed: boolean }[],
  priced: { lines: readonly { net: number; tax: number }[]; totals: { net: number; tax: number } },
): ReturnPlan {
  return {
    lines: lines.map((l, i) => ({
      lineId: l.lineId,
      sku: l.sku,
      qty: l.qty,
      units: l.weighed ? 1 : l.qty,
      weighed: l.weighed,
      refund: priced.lines[i]!.net,
      tax: priced.lines[i]!.tax,
      restock: true,
    })),
    totals: { refund: priced.totals.net, tax: priced.totals.tax },
  };
}

/** Units of each line still returnable, for the return screen. */
export function returnable(saleLines: readonly SaleLine[], prior: ReadonlyMap<string, PriorReturns>) {
  return saleLines.map((l) => {
    const p = prior.get(l.lineId);
    const units = returnableUnits(l);
    return {
      lineId: l.lineId,
      sku: l.sku,
      name: l.name,
      units,
      returned: p?.units ?? 0,
      left: units - (p?.units ?? 0),
      net: l.net,
      refunded: p?.net ?? 0,
    };
  });
}
