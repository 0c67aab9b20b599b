// The audit's findings read as amounts where they are amounts, text where they are not; garbage
// and huge numbers are not read as money.
import { describe, expect, test } from "bun:test";
import { findingValues } from "./findings.ts";

describe("price audit findings", () => {
  test("a line's unit price and the sale's totals are amounts with the difference the till made", () => {
    expect(findingValues({ field: "unitPrice", expected: "350", actual: "300" })).toEqual({
      kind: "money",
      expectedFen: 350,
      actualFen: 300,
      diffFen: -50,
    });
    expect(findingValues({ field: "totals.net", expected: "900", actual: "1050" }).diffFen).toBe(150);
    // A chain cap's finding: the cap in words, the line's amount as an amount.
    expect(
      findingValues({
        field: "lines.0.gross",
        expected: "at most 5000 fen: the chain's cap",
        actual: "6000",
      }),
    ).toEqual({ kind: "money", expectedFen: null, actualFen: 6000, diffFen: null });
  });

  test("a reason in place of an amount, garbage or a number past exact integers gives no amount", () => {
    expect(
      findingValues({ field: "unitPrice", expected: "a price at this version", actual: "300" }),
    ).toMatchObject({ kind: "money", expectedFen: null, actualFen: 300, diffFen: null });
    expect(findingValues({ field: "net", expected: "1e3", actual: "9".repeat(40) })).toMatchObject({
      expectedFen: null,
      actualFen: null,
    });
  });

  test("promotions, the catalog version and the engine's reasons stay text", () => {
    expect(findingValues({ field: "applied", expected: '["P1"]', actual: "[]" }).kind).toBe("promotions");
    expect(findingValues({ field: "catalogVersion", expected: "a version released", actual: "9" }).kind).toBe(
      "version",
    );
    expect(findingValues({ field: "pricing", expected: "x", actual: "y" }).kind).toBe("text");
  });
});
