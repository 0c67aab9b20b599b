// A count session's lines, pure: what each SKU was counted at from every counter's entries
// (entries add up: counters count different shelves of the same SKU), which lines need a recount
// (more than `recountOver` from the snapshot after the first round), and the recount replacing
// the first round for those lines. A full count lists every SKU of the snapshot (uncounted = 0)
// and every SKU counted; a cycle count lists its SKUs. Dated goods are counted by lot: each
// line also says what its entries counted of each lot.
export interface CountEntry {
  sku: string;
  qty: number;
  counter: string;
  /** 1: the first count; 2: the recount of a line over the threshold. */
  round: 1 | 2;
  /** Dated goods: the lot counted ("" the undated rest); null or absent when not counted by lot. */
  batch?: string | null;
  expiresOn?: string | null;
}

/** What a line's entries counted of one lot (batch "" the undated rest, and entries without a lot). */
export interface TallyLot {
  batch: string;
  expiresOn: string | null;
  qty: number;
}

export interface TallyLine {
  sku: string;
  expected: number;
  counted: number;
  /** The line was over the threshold after the first round (its recount replaces that round). */
  recount: boolean;
  /** A recount line has at least one recount entry. */
  recounted: boolean;
  counters: string[];
  /** The counted units by lot (the entries in use: the recount's when there is one). */
  lots: TallyLot[];
  /** Some entry of the line named a lot. */
  byLot: boolean;
}

function lotsOf(used: readonly CountEntry[]): TallyLot[] {
  const m = new Map<string, TallyLot>();
  for (const e of used) {
    const batch = e.batch ?? "";
    const expiresOn = batch === "" ? null : (e.expiresOn ?? null);
    const k = `${batch}|${expiresOn ?? ""}`;
    const l = m.get(k);
    if (l) l.qty += e.qty;
    else m.set(k, { batch, expiresOn, qty: e.qty });
  }
  return [...m.values()];
}

export function tally(
  snapshot: ReadonlyMap<string, number>,
  entries: readonly CountEntry[],
  recountOver: number,
  /** The SKUs recount was asked for (fixed when the first round finished); undefined before that. */
  recountSet?: ReadonlySet<string>,
): TallyLine[] {
  const skus = new Set(snapshot.keys());
  for (const e of entries) skus.add(e.sku);
  return [...skus].sort().map((sku) => {
    const mine = entries.filter((e) => e.sku === sku);
    const first = mine.filter((e) => e.round === 1);
    const second = mine.filter((e) => e.round === 2);
    const recount = recountSet?.has(sku) ?? false;
    const used = recount && second.length > 0 ? second : first;
    return {
      sku,
      expected: snapshot.get(sku) ?? 0,
      counted: used.reduce((a, e) => a + e.qty, 0),
      recount,
      recounted: recount && second.length > 0,
      counters: [...new Set(mine.map((e) => e.counter))].sort(),
      lots: lotsOf(used),
      byLot: mine.some((e) => e.batch !== null && e.batch !== undefined),
    };
  });
}

/** After the first round: the SKUs counted more than `recountOver` away from the snapshot. */
export function overThreshold(lines: readonly TallyLine[], recountOver: number): string[] {
  return lines.filter((l) => Math.abs(l.counted - l.expected) > recountOver).map((l) => l.sku);
}
