import { describe, expect, test } from "bun:test";
import { PromotionV1, PROMOTION_KINDS as WIRE_KINDS } from "@retail/protocol";
import {
  chainInstant,
  emptyPromotionForm,
  PROMOTION_KINDS,
  PromotionFormError,
  promotionFromForm,
} from "./promotion.ts";

describe("promotionFromForm", () => {
  test("the form offers every kind the pricing engine knows", () => {
    expect([...PROMOTION_KINDS].sort()).toEqual([...WIRE_KINDS].sort());
  });

  test("a threshold promotion typed in yuan is integer fen, valid PromotionV1", () => {
    const body = promotionFromForm({
      ...emptyPromotionForm(),
      id: "P-MAN100",
      name: "满100减20",
      kind: "threshold",
      min: "100",
      off: "20.5",
      repeat: true,
      categories: "10, 20，30",
      startsAt: "2026-12-05T08:00",
      endsAt: "2026-12-07T22:00",
    });
    expect(body).toEqual({
      id: "P-MAN100",
      kind: "threshold",
      name: "满100减20",
      min: 10000,
      off: 2050,
      repeat: true,
      categories: ["10", "20", "30"],
      startsAt: "2026-12-05T08:00:00+08:00",
      endsAt: "2026-12-07T22:00:00+08:00",
    });
    expect(PromotionV1.safeParse(body).success).toBe(true);
  });

  test("only the kind's fields are sent; counts and percents are whole numbers", () => {
    const base = { ...emptyPromotionForm(), id: "X", skus: "P100 P200", price: "9.90", percent: "15" };
    expect(promotionFromForm({ ...base, kind: "multi_buy", count: "3" })).toEqual({
      id: "X",
      kind: "multi_buy",
      count: 3,
      price: 990,
      skus: ["P100", "P200"],
    });
    expect(promotionFromForm({ ...base, kind: "percent_off" })).toEqual({
      id: "X",
      kind: "percent_off",
      percent: 15,
      skus: ["P100", "P200"],
    });
    // buy 2 get 1 free: the optional percent is left out when empty.
    const b = promotionFromForm({ ...base, kind: "buy_x_get_y", buy: "2", get: "1", percent: "" });
    expect(b).toEqual({ id: "X", kind: "buy_x_get_y", buy: 2, get: 1, skus: ["P100", "P200"] });
    expect(PromotionV1.safeParse(b).success).toBe(true);
  });

  test("a bad yuan amount is refused naming the field; a bad count goes to the hub as typed", () => {
    const f = { ...emptyPromotionForm(), id: "X", kind: "special_price" as const, price: "12.345" };
    expect(() => promotionFromForm(f)).toThrow(PromotionFormError);
    try {
      promotionFromForm(f);
    } catch (e) {
      expect((e as PromotionFormError).field).toBe("price");
    }
    const odd = promotionFromForm({
      ...emptyPromotionForm(),
      id: "X",
      kind: "multi_buy",
      count: "two",
      price: "5",
    });
    expect(odd.count).toBe("two");
    const r = PromotionV1.safeParse(odd);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(["count"]);
  });

  test("chainInstant gives the chain's offset and leaves anything else as typed", () => {
    expect(chainInstant("2026-01-01T00:00")).toBe("2026-01-01T00:00:00+08:00");
    expect(chainInstant("2026-01-01T00:00:30")).toBe("2026-01-01T00:00:30+08:00");
    expect(chainInstant("tomorrow")).toBe("tomorrow");
  });
});
