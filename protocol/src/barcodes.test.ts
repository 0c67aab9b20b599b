import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import {
  BarcodeError,
  DEFAULT_SCALE_LAYOUTS,
  decodeScaleLabel,
  encodeScaleLabel,
  formatReceiptNo,
  gs1CheckDigit,
  gs1Lot,
  normalizeGtin,
  parseGs1ElementString,
  parseReceiptNo,
  parseScan,
  priceCheckDigit,
  validateScaleLayout,
  withCheckDigit,
} from "./barcodes.ts";

describe("GS1 check digits", () => {
  test("worked examples", () => {
    // 6 9 0 1 2 3 4 5 6 7 8 9 -> odd positions from the right weigh 3:
    // 3*(9+7+5+3+1+9) + (8+6+4+2+0+6) = 102 + 26 = 128 -> 2
    expect(gs1CheckDigit("690123456789")).toBe(2);
    expect(withCheckDigit("400638133393")).toBe("4006381333931"); // EAN-13 from GS1's own example
    expect(withCheckDigit("9638507")).toBe("96385074"); // EAN-8
    expect(withCheckDigit("03600029145")).toBe("036000291452"); // UPC-A
  });
  test("rejects non-digits", () => {
    expect(() => gs1CheckDigit("12a4")).toThrow(BarcodeError);
  });
  test("normalizeGtin per symbology", () => {
    expect(normalizeGtin("4006381333931")).toEqual({ gtin: "4006381333931", symbology: "ean13" });
    expect(normalizeGtin("036000291452")).toEqual({ gtin: "0036000291452", symbology: "upca" });
    expect(normalizeGtin("96385074")).toEqual({ gtin: "96385074", symbology: "ean8" });
    expect(normalizeGtin("04006381333931")).toEqual({ gtin: "4006381333931", symbology: "gtin14" });
    expect(normalizeGtin("14006381333938").gtin).toBe("14006381333938");
  });
  test("bad check digit names expected and got", () => {
    expect(() => normalizeGtin("4006381333932")).toThrow("expected 1, got 2");
    expect(() => normalizeGtin("123")).toThrow("8, 12, 13 or 14 digits");
  });
  test("property: any body with its check digit verifies, any other last digit fails", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{12}$/), fc.integer({ min: 1, max: 9 }), (body, delta) => {
        const good = withCheckDigit(body);
        expect(normalizeGtin(good).gtin).toBe(good);
        const bad = body + String((Number(good.at(-1)) + delta) % 10);
        expect(() => normalizeGtin(bad)).toThrow(BarcodeError);
      }),
    );
  });
});

describe("scale labels", () => {
  const weight = { pattern: "2 2 PPPPP VVVVV C", value: "weight_g" } as const;
  const price = { pattern: "2 0 PPPPP VVVVV C", value: "price_fen" } as const;
  const priceChecked = { pattern: "2 3 PPPP X VVVVV C", value: "price_fen" } as const;

  test("weight label: PLU 00123, 1.250 kg", () => {
    const code = withCheckDigit("220012301250");
    expect(decodeScaleLabel(code, weight)).toEqual({ plu: "123", weightG: 1250, layout: "22PPPPPVVVVVC" });
  });
  test("price label: PLU 4567, ¥12.34", () => {
    const code = withCheckDigit("200456701234");
    expect(decodeScaleLabel(code, price)).toMatchObject({ plu: "4567", priceFen: 1234 });
    expect(decodeScaleLabel(code, weight)).toBeUndefined(); // prefix 20 is not this layout's 22
  });
  test("GS1 price check digit: 4-digit example 2875 -> 9", () => {
    // weights 2-,2-,3,5-: 2->4, 8->5, 7->1, 5->3; sum 13; 13*3 = 39 -> 9
    expect(priceCheckDigit("2875")).toBe(9);
  });
  test("5-digit price check digit round-trips through the 5- table", () => {
    // 5+,2-,5-,5+,2- over 14685: 1->5, 4->8, 6->7, 8->4, 5->9 = 33; 10-3 = 7, and 5-(6) = 7 -> c = 6
    expect(priceCheckDigit("14685")).toBe(6);
  });
  test("price label with price check digit: valid and tampered", () => {
    const code = encodeScaleLabel(priceChecked, 42, 14685);
    expect(code.slice(0, 7)).toBe("2300426");
    expect(decodeScaleLabel(code, priceChecked)).toMatchObject({ plu: "42", priceFen: 14685 });
    const tampered = withCheckDigit(`${code.slice(0, 6)}1${code.slice(7, 12)}`);
    expect(() => decodeScaleLabel(tampered, priceChecked)).toThrow("bad price check digit");
  });
  test("encode/decode round trip for every default layout", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 99999 }), (plu, value) => {
        for (const layout of DEFAULT_SCALE_LAYOUTS) {
          const code = encodeScaleLabel(layout, plu, value);
          const label = decodeScaleLabel(code, layout)!;
          expect(label.plu).toBe(String(plu));
          expect(label.priceFen ?? label.weightG).toBe(value);
        }
      }),
    );
  });
  test("bad layouts are refused with the field", () => {
    expect(() => validateScaleLayout({ pattern: "2 2 PPPPP VVVV C", value: "weight_g" })).toThrow(
      "13 positions",
    );
    expect(() => validateScaleLayout({ pattern: "1 2 PPPPP VVVVV C", value: "weight_g" })).toThrow("20-29");
    expect(() => validateScaleLayout({ pattern: "2 2 PPPPP VVVVV Z", value: "weight_g" })).toThrow(
      "only digits",
    );
    expect(() => validateScaleLayout({ pattern: "2 2 PP V PP VVVVV C", value: "weight_g" })).toThrow(
      "one run",
    );
    expect(() => validateScaleLayout({ pattern: "2 2 PPPPP VVVVV C", value: "kg" as never })).toThrow(
      expect.objectContaining({ field: "value" }),
    );
    expect(() => encodeScaleLabel(weight, 1, 123456)).toThrow("does not fit");
  });
});

describe("receipt numbers", () => {
  test("format and parse", () => {
    const r = { storeId: "S001", lane: 2, day: "20261125", number: 42 };
    expect(formatReceiptNo(r)).toBe("RC-S001-02-20261125-0042");
    expect(parseReceiptNo("RC-S001-02-20261125-0042")).toEqual(r);
    expect(parseReceiptNo("RC-s001-02-20261125-0042")).toBeUndefined();
    expect(() => formatReceiptNo({ ...r, lane: 100 })).toThrow("lane");
    expect(() => formatReceiptNo({ ...r, storeId: "s-1" })).toThrow("storeId");
  });
});

describe("GS1-128", () => {
  test("human-readable and FNC1 forms", () => {
    expect(parseGs1ElementString("(01)04006381333931(17)261231(10)LOT7")).toEqual({
      "01": "04006381333931",
      "17": "261231",
      "10": "LOT7",
    });
    expect(parseGs1ElementString("0104006381333931" + "3103001250" + "10AB\x1d17261231")).toEqual({
      "01": "04006381333931",
      "3103": "001250",
      "10": "AB",
      "17": "261231",
    });
    expect(parseGs1ElementString("99XYZ")).toBeUndefined();
  });
});

describe("parseScan", () => {
  test("product codes of every GTIN symbology", () => {
    expect(parseScan("6901234567892")).toMatchObject({
      kind: "product",
      gtin: "6901234567892",
      symbology: "ean13",
    });
    expect(parseScan("96385074\r\n")).toMatchObject({ kind: "product", gtin: "96385074", symbology: "ean8" });
    expect(parseScan("036000291452")).toMatchObject({
      kind: "product",
      gtin: "0036000291452",
      symbology: "upca",
    });
  });
  test("GS1-128 with AIM ]C1 passes the GTIN through", () => {
    expect(parseScan("0104006381333931\x1d10LOT1", {}, "]C1")).toMatchObject({
      kind: "product",
      gtin: "4006381333931",
      symbology: "gs1-128",
    });
    expect(parseScan("(01)04006381333932")).toMatchObject({
      kind: "unknown",
      reason: expect.stringContaining("check digit"),
    });
  });
  test("CODE128 passthrough for internal codes", () => {
    expect(parseScan("SKU-000123")).toEqual({ kind: "product", code: "SKU-000123", symbology: "code128" });
  });
  test("payment codes never reach product look-up", () => {
    expect(parseScan("134567890123456789")).toEqual({
      kind: "payment",
      code: "134567890123456789",
      provider: "wechat",
    });
    expect(parseScan("284567890123456789")).toEqual({
      kind: "payment",
      code: "284567890123456789",
      provider: "alipay",
    });
    // 18 digits, prefix 16: neither provider, not a GTIN either.
    expect(parseScan("164567890123456789")).toMatchObject({ kind: "unknown" });
  });
  test("scale labels with the default and a configured layout", () => {
    const code = withCheckDigit("220012301250");
    expect(parseScan(code)).toMatchObject({ kind: "scale_label", label: { plu: "123", weightG: 1250 } });
    const custom = { scaleLayouts: [{ pattern: "2 7 PPPP VVVVVV C", value: "price_fen" as const }] };
    const c2 = withCheckDigit("270123000599");
    expect(parseScan(c2, custom)).toMatchObject({
      kind: "scale_label",
      label: { plu: "123", priceFen: 599 },
    });
    // Prefix 2x with no matching layout is looked up as a plain in-store code.
    expect(parseScan(withCheckDigit("290000000001"))).toMatchObject({ kind: "product" });
  });
  test("receipt barcodes go to the return flow", () => {
    expect(parseScan("RC-S001-01-20261125-0007")).toMatchObject({ kind: "receipt", receipt: { number: 7 } });
  });
  test("garbage gets a reason and never throws", () => {
    expect(parseScan("")).toMatchObject({ kind: "unknown", reason: "empty scan" });
    expect(parseScan("6901234567893")).toMatchObject({
      kind: "unknown",
      reason: expect.stringContaining("check digit"),
    });
    expect(parseScan("1234567890")).toMatchObject({
      kind: "unknown",
      reason: expect.stringContaining("neither"),
    });
    expect(parseScan("价格")).toMatchObject({ kind: "unknown" });
    expect(parseScan("x".repeat(500))).toMatchObject({
      kind: "unknown",
      reason: expect.stringContaining("too long"),
    });
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        expect(["product", "scale_label", "payment", "receipt", "unknown"]).toContain(parseScan(s).kind);
      }),
    );
  });
});

describe("a dated lot's GS1-128 label (counting by lot)", () => {
  const gtin = withCheckDigit("690123456789");
  test("GTIN, batch and expiry; day 00 is the month's last day; the FNC1 form too", () => {
    expect(gs1Lot(`(01)0${gtin}(17)261231(10)B-0101`)).toEqual({
      gtin,
      batch: "B-0101",
      expiresOn: "2026-12-31",
    });
    expect(gs1Lot(`(01)0${gtin}(17)270200(10)L2`)).toMatchObject({ expiresOn: "2027-02-28" });
    expect(gs1Lot(`\x1d010${gtin}17280200`)).toMatchObject({ expiresOn: "2028-02-29" });
  });
  test("garbage: not GS1 is undefined; a bad date or check digit is an error, never a date", () => {
    expect(gs1Lot(gtin)).toBeUndefined();
    expect(gs1Lot("(10)B1")).toBeUndefined();
    expect(gs1Lot(`(01)0${gtin}(17)261331`)).toEqual({ error: expect.stringContaining("no month 13") });
    expect(gs1Lot(`(01)0${gtin}(17)260230`)).toEqual({ error: expect.stringContaining("no such day") });
    expect(gs1Lot(`(01)0${gtin}(17)261232`)).toEqual({ error: expect.stringContaining("no such day") });
    expect(gs1Lot("(01)06901234567890(17)261231")).toHaveProperty("error");
  });
});
