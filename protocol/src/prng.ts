// A small deterministic PRNG (mulberry32): the same seed gives the same sequence, so the demo
// catalog, the bench baskets and test schedules are reproducible. Never for money, ids or secrets.

/** Mulberry32: numbers in [0, 1), deterministic for a seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
