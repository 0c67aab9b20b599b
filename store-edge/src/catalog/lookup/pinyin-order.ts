// The pinyin index's order: pairs of initials and product slot, sorted by initials then slot,
// and merged in steps (a 100k merge at once is ~50 ms of a lane's time).
export function byPinyin(a: [string, number], b: [string, number]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1];
}

export function* mergePairs(
  a: [string, number][],
  b: [string, number][],
): Generator<void, [string, number][]> {
  const out: [string, number][] = new Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) {
    out[k++] = byPinyin(a[i]!, b[j]!) <= 0 ? a[i++]! : b[j++]!;
    if ((k & 8191) === 0) yield;
  }
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}
