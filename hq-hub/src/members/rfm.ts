// RFM scores, pure: quintiles by value. From a histogram of a measure (bucket key ascending,
// members per bucket), the four cut points where the running count reaches 1/5, 2/5, 3/5 and 4/5
// of the members; a member's score is 1 + the number of cut points its bucket is above. Members
// in one bucket share a score (two members with 3 visits are never told apart by their ids).

/** The keys at which the running count first reaches k/5 of the total, k = 1..4. */
export function quintileCuts<K>(histogram: readonly { key: K; n: number }[]): K[] {
  const total = histogram.reduce((s, b) => s + b.n, 0);
  const cuts: K[] = [];
  let running = 0;
  let k = 1;
  for (const b of histogram) {
    running += b.n;
    while (k <= 4 && running * 5 >= k * total) {
      cuts.push(b.key);
      k++;
    }
  }
  return cuts;
}

/** 1-5: one more than the number of cuts below the key. */
export function scoreOf<K>(key: K, cuts: readonly K[]): number {
  let s = 1;
  for (const c of cuts) if (key > c) s++;
  return s;
}
