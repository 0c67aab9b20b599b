import { describe, expect, test } from "bun:test";
import { quintileCuts, scoreOf } from "./rfm.ts";

describe("RFM quintiles by value", () => {
  test("distinct values: fifths of the members score 1 to 5", () => {
    const h = Array.from({ length: 100 }, (_, i) => ({ key: i, n: 1 }));
    const cuts = quintileCuts(h);
    expect(cuts).toEqual([19, 39, 59, 79]);
    const scores = h.map((b) => scoreOf(b.key, cuts));
    for (let s = 1; s <= 5; s++) expect(scores.filter((x) => x === s).length).toBe(20);
  });

  test("ties share a score; a measure with few values uses fewer scores", () => {
    // Visits: 60% once, 20% twice, 20% more.
    const cuts = quintileCuts([
      { key: 1, n: 60 },
      { key: 2, n: 20 },
      { key: 5, n: 10 },
      { key: 9, n: 10 },
    ]);
    expect(cuts).toEqual([1, 1, 1, 2]);
    expect([1, 2, 5, 9].map((k) => scoreOf(k, cuts))).toEqual([1, 4, 5, 5]);
  });

  test("text keys (days) order as text; an empty histogram has no cuts", () => {
    const cuts = quintileCuts(
      ["2026-01-01", "2026-02-01", "2026-03-01", "2026-04-01", "2026-05-01"].map((key) => ({ key, n: 1 })),
    );
    expect(scoreOf("2026-05-01", cuts)).toBe(5);
    expect(scoreOf("2026-01-01", cuts)).toBe(1);
    expect(quintileCuts([])).toEqual([]);
  });
});
