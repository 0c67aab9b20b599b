// The imported days in front of the stock ledger's, pure. The ledger is the truth from a
// store's first movement of a SKU on (the store is live: its sales, deliveries and stock-outs are
// known); before that, the imported history speaks. A day missing from the import counts as
// nothing sold (old POS exports leave out the days a SKU did not sell), not as a stock-out.

export interface ImportedDay {
  /** Day number (days since 1970-01-01). */
  day: number;
  units: number;
  stockout: boolean;
}

/**
 * The imported days from the first one on or after `earliest` up to the day before `ledgerFrom`
 * (the ledger's first day, or today when the SKU never moved), gaps filled with zero sales;
 * null when the import has nothing in that range.
 */
export function importedBefore(
  days: readonly ImportedDay[],
  ledgerFrom: number,
  earliest: number,
): { from: number; units: number[]; stockout: boolean[] } | null {
  const inRange = days.filter((d) => d.day >= earliest && d.day < ledgerFrom);
  if (inRange.length === 0) return null;
  const from = Math.min(...inRange.map((d) => d.day));
  const units = new Array<number>(ledgerFrom - from).fill(0);
  const stockout = new Array<boolean>(ledgerFrom - from).fill(false);
  for (const d of inRange) {
    units[d.day - from] = d.units;
    stockout[d.day - from] = d.stockout;
  }
  return { from, units, stockout };
}
