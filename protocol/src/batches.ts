// Batches (lots) and expiry dates of fresh and dated goods (issue 17 item 5), pure: one rule set
// for the store's own stock and HQ's mirror of it.
//
// A SKU's stock at a store is a set of lots, each a batch code with its expiry date, plus one
// undated lot (batch "") for what came in without a date: stock from before batches were kept,
// restocked returns and count gains. The lots always sum to the SKU's on-hand.
//
// Stock leaves first-expiring first (FEFO): the undated lot first while it holds units (its age
// is unknown, so it is not left to rot behind dated goods), then dated lots by expiry, then by
// batch code. What the store cannot cover (selling stock it has not booked) is drawn from the
// undated lot, which goes negative like on-hand does.
//
// Every movement is a list of signed lot deltas decided where the goods are (the store draws
// FEFO at the sale and sends its draws in the event); applying deltas is a sum, so HQ's mirror is
// the same whatever order events reach it in. `lotView` nets a negative lot against the others
// FEFO, so a list never shows more than is there.

/** The undated lot's batch code. */
export const UNDATED = "";

export interface Lot {
  batch: string;
  /** YYYY-MM-DD (China day), or null for the undated lot. */
  expiresOn: string | null;
  qty: number;
}

/** A signed change of one lot (units, or grams for weighed goods). */
export interface LotDelta {
  batch: string;
  expiresOn?: string | undefined;
  qty: number;
}

export function lotKey(batch: string, expiresOn: string | null | undefined): string {
  return batch === UNDATED ? UNDATED : `${batch}|${expiresOn ?? ""}`;
}

/** FEFO order: the undated lot, then earliest expiry, then batch code. */
export function fefoCompare(a: Lot, b: Lot): number {
  if (a.batch === UNDATED || b.batch === UNDATED)
    return a.batch === UNDATED ? (b.batch === UNDATED ? 0 : -1) : 1;
  const e = (a.expiresOn ?? "").localeCompare(b.expiresOn ?? "");
  return e !== 0 ? e : a.batch < b.batch ? -1 : a.batch > b.batch ? 1 : 0;
}

/** The deltas that take `qty` (> 0) out of `lots`, first-expiring first. */
export function drawFefo(lots: readonly Lot[], qty: number): LotDelta[] {
  if (!Number.isSafeInteger(qty) || qty < 0) throw new RangeError(`qty ${qty}: a whole number >= 0`);
  const out: LotDelta[] = [];
  let left = qty;
  for (const lot of [...lots].sort(fefoCompare)) {
    if (left === 0) break;
    if (lot.qty <= 0) continue;
    const take = Math.min(lot.qty, left);
    out.push(delta(lot.batch, lot.expiresOn, -take));
    left -= take;
  }
  if (left > 0) {
    const u = out.find((d) => d.batch === UNDATED);
    if (u) u.qty -= left;
    else out.push({ batch: UNDATED, qty: -left });
  }
  return out;
}

function delta(batch: string, expiresOn: string | null, qty: number): LotDelta {
  return batch === UNDATED || expiresOn === null ? { batch, qty } : { batch, expiresOn, qty };
}

/** Lots after the deltas (a new array; lots left at zero are dropped, the undated one too). */
export function applyLotDeltas(lots: readonly Lot[], deltas: readonly LotDelta[]): Lot[] {
  const m = new Map<string, Lot>();
  for (const l of lots) m.set(lotKey(l.batch, l.expiresOn), { ...l });
  for (const d of deltas) {
    const k = lotKey(d.batch, d.expiresOn);
    const l = m.get(k);
    if (l) l.qty += d.qty;
    else
      m.set(k, { batch: d.batch, expiresOn: d.batch === UNDATED ? null : (d.expiresOn ?? null), qty: d.qty });
  }
  return [...m.values()].filter((l) => l.qty !== 0).sort(fefoCompare);
}

/**
 * The deltas of a movement of `total` units whose declared lot deltas may not add up (an old
 * store, a forged event): what they leave over goes to the undated lot, so the lots still sum to
 * on-hand.
 */
export function balancedDeltas(declared: readonly LotDelta[] | undefined, total: number): LotDelta[] {
  const ds = (declared ?? []).filter((d) => d.qty !== 0);
  const rest = total - ds.reduce((s, d) => s + d.qty, 0);
  return rest === 0 ? ds : [...ds, { batch: UNDATED, qty: rest }];
}

/**
 * What is on the shelf: negative lots (sold or lost before they were booked) netted against the
 * others FEFO; only lots with units left, FEFO order. The sum is max(0, on-hand).
 */
export function lotView(lots: readonly Lot[]): Lot[] {
  let owed = 0;
  const pos: Lot[] = [];
  for (const l of lots) {
    if (l.qty < 0) owed -= l.qty;
    else if (l.qty > 0) pos.push({ ...l });
  }
  pos.sort(fefoCompare);
  for (const l of pos) {
    if (owed === 0) break;
    const take = Math.min(l.qty, owed);
    l.qty -= take;
    owed -= take;
  }
  return pos.filter((l) => l.qty > 0);
}

const DAY_MS = 86_400_000;

/** Whole days from `today` to `expiresOn` (both YYYY-MM-DD): 0 on the last day, < 0 after it. */
export function daysToExpiry(expiresOn: string, today: string): number {
  return Math.round((Date.parse(`${expiresOn}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / DAY_MS);
}

/** A real calendar date YYYY-MM-DD (2000-2199), or false. */
export function isExpiryDate(s: string): boolean {
  if (!/^2[01]\d\d-\d\d-\d\d$/.test(s)) return false;
  const t = Date.parse(`${s}T00:00:00Z`);
  return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === s;
}

/** One lot of a stocktake line: its snapshot (book) and what was counted of it. */
export interface CountedLot {
  batch: string;
  expiresOn?: string | undefined;
  expected: number;
  counted: number;
}

/**
 * A stocktake line counted by lot: the snapshot's lots (the undated rest included, maybe
 * negative) beside the counts per lot, one entry per lot in either (a lot not counted is counted
 * 0; a lot found that the book did not know is expected 0). FEFO order.
 */
export function countedLots(
  snapshot: readonly Lot[],
  counted: readonly { batch: string; expiresOn: string | null; qty: number }[],
): CountedLot[] {
  const m = new Map<string, CountedLot & { order: Lot }>();
  const at = (batch: string, expiresOn: string | null) => {
    const undated = batch === UNDATED;
    const k = lotKey(batch, undated ? null : expiresOn);
    let e = m.get(k);
    if (!e) {
      e = {
        batch,
        ...(undated || expiresOn === null ? {} : { expiresOn }),
        expected: 0,
        counted: 0,
        order: { batch, expiresOn: undated ? null : expiresOn, qty: 0 },
      };
      m.set(k, e);
    }
    return e;
  };
  for (const l of snapshot) at(l.batch, l.expiresOn).expected += l.qty;
  for (const c of counted) at(c.batch, c.expiresOn).counted += c.qty;
  return [...m.values()]
    .sort((a, b) => fefoCompare(a.order, b.order))
    .map(({ order: _o, ...l }) => l)
    .filter((l) => l.expected !== 0 || l.counted !== 0);
}

/**
 * What approving a line counted by lot moves: each lot by its own count less its snapshot (the
 * undated rest too), so after approval the lots are what was counted, not a loss left on the
 * undated rest. Undefined when the lots do not add up to the line's expected and counted (an old
 * or forged count): the caller then falls back to a FEFO draw.
 */
export function countLotDeltas(line: {
  expected: number;
  counted: number;
  lots?: readonly CountedLot[] | undefined;
}): LotDelta[] | undefined {
  const lots = line.lots;
  if (!lots || lots.length === 0) return undefined;
  const keys = new Set<string>();
  let expected = 0;
  let counted = 0;
  for (const l of lots) {
    const dated = l.batch !== UNDATED;
    if (dated !== (l.expiresOn !== undefined)) return undefined;
    const k = lotKey(l.batch, l.expiresOn);
    if (keys.has(k) || l.counted < 0) return undefined;
    keys.add(k);
    expected += l.expected;
    counted += l.counted;
  }
  if (expected !== line.expected || counted !== line.counted) return undefined;
  return lots
    .filter((l) => l.counted !== l.expected)
    .map((l) => delta(l.batch, l.expiresOn ?? null, l.counted - l.expected));
}
