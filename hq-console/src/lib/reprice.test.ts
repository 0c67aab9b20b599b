import { expect, test } from "bun:test";
import { percentToBp } from "./reprice.ts";

test("percentages to basis points, exactly; garbage is undefined", () => {
  expect(percentToBp("-10")).toBe(-1000);
  expect(percentToBp("+12.5")).toBe(1250);
  expect(percentToBp("7.25%")).toBe(725);
  expect(percentToBp("0.01")).toBe(1);
  expect(percentToBp("0")).toBe(0);
  for (const bad of ["", "abc", "1.234", "1e3", "--5", "5-", "１０", "NaN", "Infinity", "1,5"])
    expect(percentToBp(bad)).toBeUndefined();
});
