// Keeping report sums exact, pure. SQL sums each store's groups with TOTAL() (a float that never
// raises "integer overflow", unlike SUM past 2^63) and the figures are exact integers exactly
// when they stay within 2^53: every summed column is a non-negative integer, so the partial
// sums only grow, and a result <= 2^53 means no partial sum ever lost a unit. A store whose
// figures leave that range (data from before the protocol's money caps, or a rogue store) is
// left out of the report and named with the reason; every other store's figures are exact.
import { ValidationError } from "../errors.ts";

export interface ExcludedStore {
  storeId: string;
  reason: string;
}

/**
 * The groups of stores whose `fields` are exact integers, also summed over all of that store's
 * groups; the other stores are added to `excluded` (first reason kept) and their groups dropped.
 */
export function keepExact<G extends { storeId: string }>(
  groups: readonly G[],
  fields: readonly (keyof G & string)[],
  what: string,
  excluded: Map<string, string>,
): G[] {
  const sums = new Map<string, Record<string, number>>();
  for (const g of groups) {
    if (excluded.has(g.storeId)) continue;
    let s = sums.get(g.storeId);
    if (!s) {
      s = {};
      sums.set(g.storeId, s);
    }
    for (const f of fields) {
      const v = g[f] as unknown as number | null;
      const n = v ?? 0;
      const total = (s[f] ?? 0) + n;
      if (!Number.isSafeInteger(n) || !Number.isSafeInteger(total)) {
        excluded.set(
          g.storeId,
          `${what}: ${f} ${Number.isSafeInteger(n) ? "summed over the range" : "of one group"} is ${total.toExponential(3)} fen, beyond exact integers (2^53); the store's data exceeds the protocol's money caps`,
        );
        break;
      }
      s[f] = total;
    }
  }
  return groups.filter((g) => !excluded.has(g.storeId));
}

export const excludedList = (excluded: Map<string, string>): ExcludedStore[] =>
  [...excluded]
    .map(([storeId, reason]) => ({ storeId, reason }))
    .sort((a, b) => (a.storeId < b.storeId ? -1 : 1));

/** a + b for report totals across stores; a sum past 2^53 asks for a narrower query. */
export function addExact(a: number, b: number, field: string): number {
  const s = a + b;
  if (!Number.isSafeInteger(s))
    throw new ValidationError(
      "query.from",
      `${field} over this range exceeds exact integers: narrow the range or the scope`,
    );
  return s;
}
