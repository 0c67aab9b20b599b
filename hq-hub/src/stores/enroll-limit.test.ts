// The enrollment limiter over a hand-driven clock: per address, global, refill, Retry-After,
// wrong codes, and a bounded memory of addresses.
import { expect, test } from "bun:test";
import { createEnrollLimiter } from "./enroll-limit.ts";

const WINDOW = 10 * 60_000;

test("an address gets `perAddress` attempts, then 429 with the wait until one comes back", () => {
  let t = 0;
  const l = createEnrollLimiter({ perAddress: 3, global: 100, windowMs: WINDOW }, () => t);
  for (let i = 0; i < 3; i++) expect(l.take("10.0.0.1")).toEqual({ ok: true });
  l.wrongCode("10.0.0.1");
  l.wrongCode("10.0.0.1");
  const refused = l.take("10.0.0.1");
  // One attempt comes back every window / perAddress = 200 s.
  expect(refused).toEqual({
    ok: false,
    scope: "address",
    retryAfterSec: 200,
    wrongCodes: 2,
    refusedInRow: 1,
  });
  // Another address is not affected.
  expect(l.take("10.0.0.2")).toEqual({ ok: true });
  t += 199_000;
  expect(l.take("10.0.0.1")).toMatchObject({ ok: false, retryAfterSec: 1, refusedInRow: 2 });
  t += 1_000;
  expect(l.take("10.0.0.1")).toEqual({ ok: true });
  expect(l.stats()).toMatchObject({ wrongCodes: 2, refused: 2 });
});

test("the global bucket holds across addresses (many addresses cannot brute-force together)", () => {
  let t = 0;
  const l = createEnrollLimiter({ perAddress: 5, global: 4, windowMs: WINDOW }, () => t);
  for (let i = 0; i < 4; i++) expect(l.take(`10.0.1.${i}`).ok).toBe(true);
  expect(l.take("10.0.1.99")).toEqual({
    ok: false,
    scope: "global",
    retryAfterSec: 150,
    wrongCodes: 0,
    refusedInRow: 1,
  });
  t += WINDOW;
  expect(l.take("10.0.1.99").ok).toBe(true);
});

test("memory of addresses is bounded; the global bucket still holds when they are dropped", () => {
  const t = 0;
  const l = createEnrollLimiter(
    { perAddress: 1, global: 1_000_000, windowMs: WINDOW, maxAddresses: 100 },
    () => t,
  );
  for (let i = 0; i < 1000; i++) l.take(`10.1.${i >> 8}.${i & 255}`);
  expect(l.stats().addresses).toBeLessThanOrEqual(100);
  expect(l.stats().attempts).toBe(1000);
});
