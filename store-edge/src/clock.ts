import { readFileSync } from "node:fs";

// Time is passed in, never read from a global, so tests and the catalog's future effective
// times can run on a clock they control.
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

/**
 * Test hook (the fault suite, tests/faults): STORE_EDGE_CLOCK_SKEW_FILE names a file holding a
 * signed offset in milliseconds that this process's clock adds to the system time, re-read at
 * most every 100 ms, so a running edge's clock can jump forward or back without root (faketime
 * would need an LD_PRELOAD of the whole runtime). Unset (production): the system clock as is.
 */
function skewedClock(file: string): Clock {
  let offset = 0;
  let readAt = 0;
  return {
    now() {
      const t = Date.now();
      if (t - readAt > 100) {
        readAt = t;
        try {
          offset = Number(readFileSync(file, "utf8").trim()) || 0;
        } catch {
          offset = 0;
        }
      }
      return t + offset;
    },
  };
}

const skewFile = typeof process !== "undefined" ? process.env.STORE_EDGE_CLOCK_SKEW_FILE : undefined;
export const systemClock: Clock = skewFile ? skewedClock(skewFile) : { now: () => Date.now() };

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
