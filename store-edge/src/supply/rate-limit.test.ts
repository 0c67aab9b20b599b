// The per-lane limit on the till's questions to HQ (rate-limit.ts), pure, on a clock of the test.
import { expect, test } from "bun:test";
import { createLaneLimiter } from "./rate-limit.ts";

test("a burst, then one per refill interval; lanes independent; the wait named", () => {
  let t = 1_000;
  const lim = createLaneLimiter({ burst: 3, refillMs: 1000 }, () => t);
  expect([1, 2, 3].map(() => lim.take("lane 1").ok)).toEqual([true, true, true]);
  expect(lim.take("lane 1")).toEqual({ ok: false, retryAfterMs: 1000 });
  expect(lim.take("lane 2").ok).toBe(true); // another lane: its own bucket
  t += 400;
  expect(lim.take("lane 1")).toEqual({ ok: false, retryAfterMs: 600 });
  t += 600;
  expect(lim.take("lane 1")).toEqual({ ok: true, left: 0 });
  expect(lim.take("lane 1").ok).toBe(false);
  t += 60_000; // a long pause refills to the burst, never beyond
  expect([1, 2, 3, 4].map(() => lim.take("lane 1").ok)).toEqual([true, true, true, false]);
});

test("hammering: 10,000 requests in one second let through the burst and the refills only", () => {
  let t = 0;
  const lim = createLaneLimiter({ burst: 10, refillMs: 3000 }, () => t);
  let allowed = 0;
  for (let i = 0; i < 10_000; i++) {
    t = i / 10; // 10,000 requests over 1 s
    if (lim.take("lane 7").ok) allowed++;
  }
  expect(allowed).toBe(10);
  // A clock that steps back (NTP) refills nothing and refuses nothing extra.
  t = -5_000;
  expect(lim.take("lane 7").ok).toBe(false);
});

test("garbage keys (every address on the LAN) stay bounded", () => {
  const lim = createLaneLimiter({ burst: 1, refillMs: 1000 }, () => 0);
  for (let i = 0; i < 5000; i++) lim.take(`terminal 10.0.${i >> 8}.${i & 255}`);
  expect(lim.size()).toBeLessThanOrEqual(1024);
});
