// Time is passed in, never read from a global, so tests and the catalog's future effective
// times can run on a clock they control.
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock tests can move by hand. */
export function manualClock(start: number): Clock & { set(ms: number): void; advance(ms: number): void } {
  let t = start;
  return {
    now: () => t,
    set: (ms) => {
      t = ms;
    },
    advance: (ms) => {
      t += ms;
    },
  };
}

/** Business day (store-local, China Standard Time, UTC+8, no DST) of an instant. */
export function businessDay(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);
}

/** An ISO 8601 instant with the +08:00 offset the receipts show. */
export function isoAt(ms: number): string {
  return new Date(ms).toISOString();
}
