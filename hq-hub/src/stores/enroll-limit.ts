// Enrollment is the hub's only write open without a login, so its attempts are rationed: a
// token bucket per source address and one for the whole hub (each holds `max` attempts and
// refills over `windowMs`). Every attempt spends a token whatever its outcome, wrong codes are
// counted per address, and a refused attempt says when to come back (Retry-After). Pure: the
// clock is passed in, the state is plain maps.

export interface EnrollLimits {
  /** Attempts one source address may make per window. */
  perAddress: number;
  /** Attempts all addresses together may make per window. */
  global: number;
  windowMs: number;
  /** Addresses remembered at once; the oldest buckets are dropped past it (the global bucket still holds). */
  maxAddresses?: number;
}

interface Bucket {
  tokens: number;
  at: number;
  wrongCodes: number;
  /** Attempts refused since this address last got one through. */
  refusedInRow: number;
}

export type EnrollVerdict =
  | { ok: true }
  | {
      ok: false;
      scope: "address" | "global";
      retryAfterSec: number;
      wrongCodes: number;
      /** 1 for the first refusal after an attempt got through: the moment to tell someone. */
      refusedInRow: number;
    };

export function createEnrollLimiter(limits: EnrollLimits, now: () => number) {
  const buckets = new Map<string, Bucket>();
  const global: Bucket = { tokens: limits.global, at: now(), wrongCodes: 0, refusedInRow: 0 };
  const maxAddresses = limits.maxAddresses ?? 10_000;
  const totals = { attempts: 0, wrongCodes: 0, refused: 0 };

  function refill(b: Bucket, max: number, t: number) {
    b.tokens = Math.min(max, b.tokens + ((t - b.at) * max) / limits.windowMs);
    b.at = t;
  }
  const waitSec = (b: Bucket, max: number) =>
    Math.max(1, Math.ceil(((1 - b.tokens) * limits.windowMs) / max / 1000 - 1e-6));

  function bucketOf(address: string, t: number): Bucket {
    let b = buckets.get(address);
    if (!b) {
      if (buckets.size >= maxAddresses) {
        // Full buckets carry no information: drop those first, then the oldest.
        for (const [k, v] of buckets) {
          refill(v, limits.perAddress, t);
          if (v.tokens >= limits.perAddress) buckets.delete(k);
        }
        while (buckets.size >= maxAddresses) buckets.delete(buckets.keys().next().value!);
      }
      b = { tokens: limits.perAddress, at: t, wrongCodes: 0, refusedInRow: 0 };
      buckets.set(address, b);
    }
    return b;
  }

  /** Spends one attempt of `address`, or says why not and for how long. */
  function take(address: string): EnrollVerdict {
    const t = now();
    totals.attempts++;
    const b = bucketOf(address, t);
    refill(b, limits.perAddress, t);
    refill(global, limits.global, t);
    if (b.tokens < 1) {
      totals.refused++;
      return {
        ok: false,
        scope: "address",
        retryAfterSec: waitSec(b, limits.perAddress),
        wrongCodes: b.wrongCodes,
        refusedInRow: ++b.refusedInRow,
      };
    }
    if (global.tokens < 1) {
      totals.refused++;
      return {
        ok: false,
        scope: "global",
        retryAfterSec: waitSec(global, limits.global),
        wrongCodes: b.wrongCodes,
        refusedInRow: ++b.refusedInRow,
      };
    }
    b.refusedInRow = 0;
    b.tokens -= 1;
    global.tokens -= 1;
    return { ok: true };
  }

  /** An attempt from `address` named a code that does not exist, is spent or expired. */
  function wrongCode(address: string) {
    totals.wrongCodes++;
    bucketOf(address, now()).wrongCodes++;
  }

  return { take, wrongCode, stats: () => ({ ...totals, addresses: buckets.size }) };
}

export type EnrollLimiter = ReturnType<typeof createEnrollLimiter>;
