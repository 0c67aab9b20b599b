import { describe, expect, test } from "bun:test";
import { prng } from "./prng.ts";

describe("prng", () => {
  test("the same seed gives the same sequence, another seed another one", () => {
    const a = prng(42);
    const b = prng(42);
    const c = prng(43);
    const xs = Array.from({ length: 100 }, () => a());
    expect(Array.from({ length: 100 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 100 }, () => c())).not.toEqual(xs);
  });

  test("numbers lie in [0, 1) and spread over it", () => {
    const r = prng(7);
    const xs = Array.from({ length: 10_000 }, () => r());
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(Math.min(...xs)).toBeLessThan(0.01);
    expect(Math.max(...xs)).toBeGreaterThan(0.99);
  });

  test("mulberry32's known first value for seed 1", () => {
    // Reference value of the published mulberry32 for seed 1.
    expect(prng(1)()).toBeCloseTo(0.6270739405881613, 15);
  });
});
