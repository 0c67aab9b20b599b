import { describe, expect, test } from "bun:test";
import { mergeWindow, PriceFormError, windowFromForm } from "./price-edit.ts";

describe("the price editor's window", () => {
  test("yuan typed -> integer fen; times in the chain's zone; garbage refused naming the field", () => {
    expect(windowFromForm({ yuan: "3.5", startsAt: "", endsAt: "" })).toEqual({ price: 350 });
    expect(windowFromForm({ yuan: "¥12.34", startsAt: "2026-12-10T08:00", endsAt: "" })).toEqual({
      price: 1234,
      startsAt: "2026-12-10T08:00:00+08:00",
    });
    for (const bad of ["", "abc", "1.234", "-1", "1e3", "99999999999"]) {
      expect(() => windowFromForm({ yuan: bad, startsAt: "", endsAt: "" })).toThrow(PriceFormError);
    }
  });

  test("a new open price replaces the open one; a dated price keeps the windows it does not overlap", () => {
    expect(mergeWindow([{ price: 300 }], { price: 350 })).toEqual([{ price: 350 }]);
    const today = { price: 300, endsAt: "2026-12-10T00:00:00+08:00" };
    const later = { price: 280, startsAt: "2026-12-10T00:00:00+08:00" };
    expect(mergeWindow([today], later)).toEqual([today, later]);
    const promo = { price: 250, startsAt: "2026-12-12T00:00:00+08:00", endsAt: "2026-12-13T00:00:00+08:00" };
    // A two-day offer inside the open price: the price before, the offer, the price again after.
    expect(mergeWindow([today, later], promo)).toEqual([
      today,
      { price: 280, startsAt: later.startsAt, endsAt: promo.startsAt },
      promo,
      { price: 280, startsAt: promo.endsAt },
    ]);
    expect(mergeWindow([{ price: 300 }], promo)).toEqual([
      { price: 300, endsAt: promo.startsAt },
      promo,
      { price: 300, startsAt: promo.endsAt },
    ]);
  });
});
