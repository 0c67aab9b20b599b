import { describe, expect, test } from "bun:test";
import { ProductV1 } from "./catalog.ts";
import { PINYIN_MAX, pinyinInitials } from "./pinyin.ts";

describe("pinyinInitials", () => {
  test("one initial per Han character", () => {
    expect(pinyinInitials("可口可乐")).toBe("kkkl");
    expect(pinyinInitials("康师傅红烧牛肉面")).toBe("ksfhsnrm");
  });

  test("polyphonic characters follow the word they are in", () => {
    expect(pinyinInitials("银行卡")).toBe("yhk");
    expect(pinyinInitials("重庆小面")).toBe("cqxm");
  });

  test("ASCII letters and digits kept, full-width folded, punctuation and spaces dropped", () => {
    expect(pinyinInitials("可口可乐 500ml")).toBe("kkkl500ml");
    expect(pinyinInitials("可口可乐（５００ＭＬ）")).toBe("kkkl500ml");
    expect(pinyinInitials("Coca-Cola Zero")).toBe("cocacolazero");
  });

  test("always fits the product schema's pinyin field", () => {
    const long = "可".repeat(80) + "abc".repeat(30);
    const initials = pinyinInitials(long);
    expect(initials.length).toBe(PINYIN_MAX);
    const product = {
      sku: "S1",
      name: "可口可乐",
      category: ["10"],
      unit: "EA",
      taxRate: 13,
      weighed: false,
      status: "active",
    };
    expect(ProductV1.safeParse({ ...product, pinyin: initials }).success).toBe(true);
    expect(ProductV1.safeParse({ ...product, pinyin: pinyinInitials("！？—") }).success).toBe(true);
    expect(pinyinInitials("！？—")).toBe("");
  });
});
