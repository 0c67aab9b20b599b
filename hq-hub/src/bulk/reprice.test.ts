import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import type { PriceSchedule } from "../catalog/rules.ts";
import { ValidationError } from "../errors.ts";
import { applyPercent, reprice as repriceAt } from "./reprice.ts";

const NOW = Date.parse("2026-12-07T12:00:00+08:00");
const reprice = (...a: Parameters<typeof repriceAt> extends [...infer H, number] ? H : never) =>
  repriceAt(...(a as [never, never, never, never, never]), NOW);

const chain = (sku: string, price: number, dated?: number): PriceSchedule => ({
  sku,
  scope: "chain",
  scopeKey: "",
  // Windows never overlap (the hub refuses it): today's price until the 20th, then a special.
  windows: dated
    ? [
        { price, endsAt: "2026-12-20T00:00:00+08:00" },
        { price: dated, startsAt: "2026-12-20T00:00:00+08:00", endsAt: "2026-12-27T00:00:00+08:00" },
      ]
    : [{ price }],
});

describe("reprice", () => {
  test("by a percentage: half up to the fen, only the shelf window moves", () => {
    const r = reprice(["A", "B"], "chain", "", { percentBp: -1000 }, (sku) => ({
      own: sku === "A" ? chain("A", 1299, 999) : chain("B", 5),
      chain: null,
    }));
    // 1299 * 0.9 = 1169.1 -> 1169; 5 * 0.9 = 4.5 -> 5 (half up).
    expect(r.lines).toEqual([
      { sku: "A", fromFen: 1299, toFen: 1169 },
      { sku: "B", fromFen: 5, toFen: 5 },
    ]);
    expect(r.schedules[0]!.windows).toEqual([
      { price: 1169, endsAt: "2026-12-20T00:00:00+08:00" },
      chain("A", 0, 999).windows[1]!,
    ]);
  });
  test("a region override starts from the chain's price; to one price needs no old one", () => {
    const r = reprice(["A"], "region", "east", { percentBp: 500 }, () => ({
      own: null,
      chain: chain("A", 1000),
    }));
    expect(r.schedules).toEqual([
      { sku: "A", scope: "region", scopeKey: "east", windows: [{ price: 1050 }] },
    ]);
    const to = reprice(["N"], "chain", "", { priceFen: 990 }, () => ({ own: null, chain: null }));
    expect(to.lines).toEqual([{ sku: "N", fromFen: null, toFen: 990 }]);
  });
  test("no price to change, or a price under 1 fen, refuses naming the SKU", () => {
    const none = () =>
      reprice(["A", "N"], "chain", "", { percentBp: 100 }, (s) => ({
        own: s === "A" ? chain("A", 100) : null,
        chain: null,
      }));
    expect(none).toThrow(ValidationError);
    expect(none).toThrow("SKU N");
    expect(() =>
      reprice(["A"], "chain", "", { percentBp: -10_000 }, () => ({ own: chain("A", 100), chain: null })),
    ).toThrow("at least 1 fen");
  });
  test("applyPercent is the exact half-up rounding of fen * (1 + bp/10000)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.integer({ min: -9_999, max: 100_000 }),
        (fen, bp) => {
          const exact = (BigInt(fen) * BigInt(10_000 + bp) * 2n + 10_000n) / 20_000n;
          expect(applyPercent(fen, bp)).toBe(Number(exact));
        },
      ),
    );
  });
});
