import { describe, expect, test } from "bun:test";
import { PromotionV1 } from "@retail/protocol";
import { PromotionFormError } from "./promotion.ts";
import {
  chainLocal,
  emptyEditForm,
  formFromPromotion,
  promotionFromEditForm,
  promotionWords,
  yuanText,
} from "./promotion-edit.ts";

describe("the promotion editor", () => {
  test("a held promotion read back into the form and saved again is the same promotion", () => {
    const held = {
      id: "P-MAN100",
      kind: "threshold",
      name: "满100减20",
      min: 10000,
      off: 2005,
      repeat: true,
      categories: ["10", "20"],
      stores: ["S001"],
      couponCode: "MAN100",
      priority: 5,
      startsAt: "2026-12-05T08:00:00+08:00",
      endsAt: "2026-12-07T22:00:00+08:00",
    };
    const form = formFromPromotion(held);
    expect(form.min).toBe("100.00");
    expect(form.off).toBe("20.05");
    expect(form.startsAt).toBe("2026-12-05T08:00");
    const again = promotionFromEditForm(form);
    expect(again).toEqual(held);
    expect(PromotionV1.safeParse(again).success).toBe(true);
  });

  test("member tiers only on a member price; a bad amount is refused naming the field", () => {
    const body = promotionFromEditForm({
      ...emptyEditForm(),
      id: "P-VIP",
      kind: "member_price",
      price: "9.9",
      skus: "100001",
      tiers: "gold, silver",
    });
    expect(body).toEqual({
      id: "P-VIP",
      kind: "member_price",
      price: 990,
      skus: ["100001"],
      tiers: ["gold", "silver"],
    });
    expect(() =>
      promotionFromEditForm({ ...emptyEditForm(), id: "X", kind: "special_price", price: "9.999" }),
    ).toThrow(PromotionFormError);
  });

  test("in words, in yuan; fen shown by integer math; instants in the chain's zone", () => {
    expect(promotionWords({ id: "a", kind: "threshold", min: 10000, off: 2000 }, "zh-CN")).toBe(
      "满 ¥100.00 减 ¥20.00",
    );
    expect(promotionWords({ id: "a", kind: "multi_buy", count: 3, price: 1000 }, "en")).toBe("3 for ¥10.00");
    expect(promotionWords({ id: "a", kind: "buy_x_get_y", buy: 2, get: 1 }, "zh-CN")).toBe("买 2 赠 1");
    expect(yuanText(5)).toBe("0.05");
    expect(yuanText(123456789)).toBe("1234567.89");
    expect(chainLocal("2026-12-05T00:30:00Z")).toBe("2026-12-05T08:30");
    expect(chainLocal("garbage")).toBe("");
  });
});
