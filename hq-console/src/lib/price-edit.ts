// A price typed on the price editor -> the schedule the hub validates (POST /catalog/price):
// yuan typed, integer fen sent; the new window replaces the windows of that scope it overlaps
// and keeps the others (a price from next Monday leaves today's price alone). Times are the
// chain's local time (+08:00), as promotions' are.

import { parseYuan } from "./money.ts";
import { chainInstant } from "./promotion.ts";

export interface PriceWindow {
  price: number;
  startsAt?: string;
  endsAt?: string;
}

export class PriceFormError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

const ms = (t: string | undefined, open: number) => (t ? Date.parse(t) : open);

/**
 * The windows after setting `next`: a window it overlaps keeps only its parts before and after
 * `next` (a two-day offer inside an open price splits it: the price before, the offer, the price
 * again after), the rest are kept; sorted by start. The hub refuses overlapping windows.
 */
export function mergeWindow(current: readonly PriceWindow[], next: PriceWindow): PriceWindow[] {
  const lo = Number.NEGATIVE_INFINITY;
  const hi = Number.POSITIVE_INFINITY;
  const from = ms(next.startsAt, lo);
  const to = ms(next.endsAt, hi);
  const out: PriceWindow[] = [next];
  for (const w of current) {
    const a = ms(w.startsAt, lo);
    const b = ms(w.endsAt, hi);
    if (!(a < to && from < b)) {
      out.push(w);
      continue;
    }
    if (a < from)
      out.push({ price: w.price, ...(w.startsAt ? { startsAt: w.startsAt } : {}), endsAt: next.startsAt! });
    if (to < b)
      out.push({ price: w.price, startsAt: next.endsAt!, ...(w.endsAt ? { endsAt: w.endsAt } : {}) });
  }
  return out.sort((x, y) => ms(x.startsAt, lo) - ms(y.startsAt, lo));
}

/** The window typed: yuan -> fen (refused with the field named when it is not an amount). */
export function windowFromForm(f: { yuan: string; startsAt: string; endsAt: string }): PriceWindow {
  const price = parseYuan(f.yuan);
  if (price === undefined) throw new PriceFormError("price", `${f.yuan}: not an amount of yuan (12.34)`);
  return {
    price,
    ...(f.startsAt.trim() ? { startsAt: chainInstant(f.startsAt) } : {}),
    ...(f.endsAt.trim() ? { endsAt: chainInstant(f.endsAt) } : {}),
  };
}
