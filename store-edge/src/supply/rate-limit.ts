// How often one lane may ask HQ something (the supply panel's forecast and open transfers,
// nearby stores' stock, a transfer request, a transfer's ship/receive): a token bucket per lane,
// pure, the clock passed in. A lane hammering these (a stuck key, a script on a till) is
// refused here, plainly, before anything goes up to HQ; the other lanes are not affected.
// Keys are the lane (routes under /lanes/:lane) or the terminal's LAN address (the look-ups
// outside a lane path); their number is bounded, the oldest idle one forgotten first.

export interface LaneLimit {
  /** Requests a lane may make at once (a burst). */
  burst: number;
  /** One more allowed every this many ms, up to `burst`. */
  refillMs: number;
}

/** A cashier looks a few items up in a row; 10 at once, then one every 3 s (20 a minute). */
export const HQ_LANE_LIMIT: LaneLimit = { burst: 10, refillMs: 3000 };
/** The most lanes and addresses remembered (a LAN has a few dozen terminals at most). */
const MAX_KEYS = 1024;

export type Take = { ok: true; left: number } | { ok: false; retryAfterMs: number };

export function createLaneLimiter(limit: LaneLimit, now: () => number) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    /** One request of `key`: allowed (a token taken) or refused with the wait. */
    take(key: string): Take {
      const t = now();
      let b = buckets.get(key);
      if (b)
        buckets.delete(key); // re-inserted below: the map's order is last use
      else b = { tokens: limit.burst, at: t };
      const elapsed = Math.max(0, t - b.at);
      const refill = Math.floor(elapsed / limit.refillMs);
      if (refill > 0) {
        b.tokens = Math.min(limit.burst, b.tokens + refill);
        b.at = b.tokens === limit.burst ? t : b.at + refill * limit.refillMs;
      }
      buckets.set(key, b);
      if (buckets.size > MAX_KEYS) buckets.delete(buckets.keys().next().value as string);
      if (b.tokens > 0) {
        b.tokens--;
        return { ok: true, left: b.tokens };
      }
      return { ok: false, retryAfterMs: Math.max(1, b.at + limit.refillMs - t) };
    },
    /** How many keys are remembered (tests). */
    size: () => buckets.size,
  };
}

export type LaneLimiter = ReturnType<typeof createLaneLimiter>;
