// Repricing many SKUs at once (issue 19 item 2, bulk actions): by a percentage or to one price,
// at the chain, a region or a store. Pure: the schedules in, the new schedules and the lines an
// admin previews out. Only the window in effect at `at` (the shelf price today) moves; windows
// before or after it (next week's special) are kept as they are. Money is integer fen; a percentage is in basis
// points (-12.5% = -1250) and the result is rounded half up to the fen.

import type { PriceSchedule, PriceScope } from "../catalog/rules.ts";
import { ValidationError } from "../errors.ts";

export type RepriceBy = { percentBp: number } | { priceFen: number };

export interface RepriceLine {
  sku: string;
  /** The shelf price changed from (the scope's own, or the chain's for a new override); null: none. */
  fromFen: number | null;
  toFen: number;
}

/** `fen * (1 + bp/10000)`, half up, in integers only. */
export function applyPercent(fen: number, bp: number): number {
  return Math.floor((fen * (10_000 + bp) * 2 + 10_000) / 20_000);
}

/** The window in effect at `at` (windows do not overlap: the hub refuses a schedule where they do). */
const baseOf = (s: PriceSchedule | null | undefined, at: number) =>
  s?.windows.find(
    (w) => (!w.startsAt || Date.parse(w.startsAt) <= at) && (!w.endsAt || at < Date.parse(w.endsAt)),
  );

/**
 * The new schedule of each SKU at the scope (`at`: now, HQ's clock). `own`: the scope's schedule (null when it has
 * none); `chain`: the chain's (what a new region/store override starts from). A SKU with no
 * price to change by a percentage, or a result under 1 fen, refuses the whole action naming it.
 */
export function reprice(
  skus: readonly string[],
  scope: PriceScope,
  scopeKey: string,
  by: RepriceBy,
  schedules: (sku: string) => { own: PriceSchedule | null; chain: PriceSchedule | null },
  at: number,
): { schedules: PriceSchedule[]; lines: RepriceLine[] } {
  const out: PriceSchedule[] = [];
  const lines: RepriceLine[] = [];
  for (const [i, sku] of skus.entries()) {
    const { own, chain } = schedules(sku);
    const base = baseOf(own, at);
    const fromFen = base?.price ?? (scope === "chain" ? null : (baseOf(chain, at)?.price ?? null));
    let toFen: number;
    if ("priceFen" in by) toFen = by.priceFen;
    else {
      if (fromFen === null)
        throw new ValidationError(`skus.${i}`, `SKU ${sku} has no shelf price to change by a percentage`);
      toFen = applyPercent(fromFen, by.percentBp);
    }
    if (toFen < 1)
      throw new ValidationError(`skus.${i}`, `SKU ${sku} would cost ${toFen} fen: a price is at least 1 fen`);
    const windows = base
      ? own!.windows.map((w) => (w === base ? { ...w, price: toFen } : w))
      : [...(own?.windows ?? []), { price: toFen }];
    out.push({ sku, scope, scopeKey, windows });
    lines.push({ sku, fromFen, toFen });
  }
  return { schedules: out, lines };
}
