import { describe, expect, test } from "bun:test";
import { parseDay } from "./day.ts";

describe("a day typed at the till", () => {
  test("yyyy-mm-dd and the other ways a Chinese label prints it", () => {
    for (const typed of [
      "2027-03-01",
      "2027-3-1",
      "2027/3/1",
      "2027.03.01",
      "2027年3月1日",
      "20270301",
      " 2027 - 3 - 1 ",
    ])
      expect(parseDay(typed)).toEqual({ ok: true, day: "2027-03-01" });
    expect(parseDay("2028-02-29")).toEqual({ ok: true, day: "2028-02-29" });
  });

  test("the US order is not guessed: 03/01/2027 is refused, not read as 1 March or 3 January", () => {
    expect(parseDay("03/01/2027")).toEqual({ ok: false, problem: "format" });
    expect(parseDay("3/1/27")).toEqual({ ok: false, problem: "format" });
  });

  test("days that do not exist are named as such", () => {
    for (const typed of ["2027-02-29", "2027-02-30", "2027-13-01", "2027-00-10", "2027-04-31", "2027-01-00"])
      expect(parseDay(typed)).toEqual({ ok: false, problem: "date" });
  });

  test("garbage, empty and huge input is refused", () => {
    for (const typed of [
      "",
      "  ",
      "abc",
      "2027-03",
      "2027-03-01T00:00",
      "2027--03-01",
      "２０２７-03-01",
      "1e3",
      "9".repeat(10_000),
    ])
      expect(parseDay(typed)).toEqual({ ok: false, problem: "format" });
  });

  test("a year no label carries is a typo", () => {
    expect(parseDay("1999-12-31")).toEqual({ ok: false, problem: "range" });
    expect(parseDay("2100-01-01")).toEqual({ ok: false, problem: "range" });
    expect(parseDay("0000-01-01")).toEqual({ ok: false, problem: "range" });
  });
});
