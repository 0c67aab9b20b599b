// Per-store sequence tracking, pure: which seqs are in, the highest contiguous one, the gaps.

export interface SeqState {
  /** Highest seq such that every seq in 1..upTo is committed or dead-lettered. */
  upTo: number;
  /** Seqs received above upTo (out of order, waiting for the gap below them to fill). */
  above: Set<number>;
}

export interface SeqRange {
  from: number;
  to: number;
}

/** Records received seqs and advances upTo as far as they are contiguous. Mutates and returns state. */
export function receive(state: SeqState, seqs: Iterable<number>): SeqState {
  for (const s of seqs) if (s > state.upTo) state.above.add(s);
  while (state.above.has(state.upTo + 1)) {
    state.upTo++;
    state.above.delete(state.upTo);
  }
  return state;
}

/** The gaps between upTo and the highest seq received, at most `limit` ranges (lowest first). */
export function missing(state: SeqState, limit = 100): SeqRange[] {
  if (state.above.size === 0) return [];
  const sorted = [...state.above].sort((a, b) => a - b);
  const out: SeqRange[] = [];
  let next = state.upTo + 1;
  for (const s of sorted) {
    if (s > next) {
      out.push({ from: next, to: s - 1 });
      if (out.length >= limit) break;
    }
    next = s + 1;
  }
  return out;
}
