import { describe, expect, test } from "bun:test";
import { cas } from "./cas.ts";
import { mtsics } from "./mtsics.ts";
import { nci } from "./nci.ts";
import { toledo8217 } from "./toledo8217.ts";
import { ascii, decimalToGrams, gramsToKgText } from "./weight.ts";

describe("decimal weights to integer grams (string arithmetic)", () => {
  test("kg, g, lb, signs and rounding", () => {
    expect(decimalToGrams("1.250", "kg")).toBe(1250);
    expect(decimalToGrams("  01.005", "KG")).toBe(1005);
    expect(decimalToGrams("-0.020", "kg")).toBe(-20);
    expect(decimalToGrams("0.1", "kg")).toBe(100);
    expect(decimalToGrams("12.5", "g")).toBe(13);
    expect(decimalToGrams("1.00", "lb")).toBe(454);
    expect(decimalToGrams("2.2046", "lb")).toBe(1000);
    expect(() => decimalToGrams("1.2.3", "kg")).toThrow(/weight/);
    expect(() => decimalToGrams("1", "st")).toThrow(/unit/);
    expect(gramsToKgText(1250)).toBe("1.250");
    expect(gramsToKgText(-20)).toBe("-0.020");
    expect(gramsToKgText(1255, 2)).toBe("1.26");
  });
});

describe("Mettler Toledo 8217 frames (7E1 removed)", () => {
  test("weight, net weight and status byte frames as the host manual shows them", () => {
    const d = toledo8217.decoder();
    expect(d.push(ascii("\x0201.250\r"))).toEqual([
      { kind: "weight", reading: { grams: 1250, status: "stable", net: false } },
    ]);
    expect(d.push(ascii("\x0200.500N\r"))[0]).toMatchObject({ reading: { grams: 500, net: true } });
    // '?' then status 0x41 = bit6 + motion
    expect(d.push(Uint8Array.of(2, 0x3f, 0x41, 13))[0]).toMatchObject({
      reading: { grams: undefined, status: "motion" },
    });
    expect(d.push(Uint8Array.of(2, 0x3f, 0x42, 13))[0]).toMatchObject({
      reading: { status: "over_capacity" },
    });
    expect(d.push(Uint8Array.of(2, 0x3f, 0x44, 13))[0]).toMatchObject({ reading: { status: "under_zero" } });
    expect(d.push(Uint8Array.of(2, 0x3f, 0x48, 13))[0]).toMatchObject({ reading: { status: "not_zeroed" } });
    expect(d.push(Uint8Array.of(2, 0x3f, 0x50, 13))[0]).toMatchObject({
      reading: { status: "stable", atZero: true },
    });
    expect(toledo8217.request("weight")).toEqual(ascii("W"));
  });
  test("a torn frame followed by a good one: the good one decodes, the torn one is counted", () => {
    const d = toledo8217.decoder();
    const frames = d.push(ascii("\x0201.2\x02\x0202.000\r\x00\x01garbage\r"));
    expect(frames).toHaveLength(1);
    expect(frames[0]).toMatchObject({ reading: { grams: 2000 } });
    expect(d.dropped).toBeGreaterThanOrEqual(1);
  });
});

describe("NCI SCP-01 frames", () => {
  test("weight + status, status only, unrecognized command", () => {
    const d = nci.decoder();
    const f = d.push(ascii("\n0001.25kg\r\n00\r\x03"));
    expect(f).toEqual([
      { kind: "weight", reading: { grams: 1250, status: "stable", net: false, atZero: false } },
    ]);
    expect(d.push(ascii("\n10\r\x03"))[0]).toMatchObject({ reading: { grams: undefined, status: "motion" } });
    expect(d.push(ascii("\n0\x72\r\x03"))[0]).toMatchObject({ reading: { status: "over_capacity" } }); // byte 2 0x72: follows+over
    expect(d.push(ascii("\nS20\r\x03"))[0]).toMatchObject({ reading: { atZero: true } }); // SCP-02 'S' prefix
    expect(d.push(ascii("\n?\r\x03"))).toEqual([{ kind: "rejected", reason: "unrecognized command" }]);
    expect(d.push(ascii("junk\n0001.2\n0002.00kg\r\n00\r\x03\n0003.00kg\r\n00\r\x03"))).toHaveLength(1);
  });
});

describe("MT-SICS lines", () => {
  test("SI stable/dynamic/overload, Z/T acks, errors", () => {
    const d = mtsics.decoder();
    expect(d.push(ascii("S S      1.250 kg\r\n"))[0]).toMatchObject({
      reading: { grams: 1250, status: "stable" },
    });
    expect(d.push(ascii("S D      0.730 kg\r\n"))[0]).toMatchObject({
      reading: { grams: 730, status: "motion" },
    });
    expect(d.push(ascii("S S     -0.020 kg\r\n"))[0]).toMatchObject({
      reading: { grams: -20, status: "under_zero" },
    });
    expect(d.push(ascii("S +\r\n"))[0]).toMatchObject({ reading: { status: "over_capacity" } });
    expect(d.push(ascii("Z A\r\nZ I\r\nT S      0.150 kg\r\nTAC A\r\nES\r\n"))).toEqual([
      { kind: "ack", command: "zero", ok: true },
      { kind: "ack", command: "zero", ok: false, reason: "motion" },
      { kind: "ack", command: "tare", ok: true },
      { kind: "ack", command: "clear_tare", ok: true },
      { kind: "rejected", reason: "ES error" },
    ]);
    expect(d.push(ascii('I4 A "0123456789"\r\n'))).toEqual([]);
    expect(d.push(ascii("S S    \x00 1.0 kg\r\nS S      1.000 kg\r\n"))).toHaveLength(1);
  });
});

describe("CAS 22-byte stream", () => {
  test("stable, unstable, overload, net; frames are exactly 22 bytes", () => {
    const frame = cas.streamFrame!({
      grams: 1250,
      motion: false,
      overCapacity: false,
      notZeroed: false,
      tareG: 0,
    });
    expect(frame.length).toBe(22);
    expect(String.fromCharCode(...frame)).toBe("ST,GS,1\xc4,0001.250 kg\r\n");
    const d = cas.decoder();
    expect(d.push(frame)[0]).toMatchObject({ reading: { grams: 1250, status: "stable", net: false } });
    expect(d.push(ascii("US,NT,1\x82,0013.500 kg\r\n"))[0]).toMatchObject({
      reading: { grams: 13500, status: "motion", net: true },
    });
    expect(d.push(ascii("OL,GS,1\x80,99999999 kg\r\n"))[0]).toMatchObject({
      reading: { status: "over_capacity" },
    });
    expect(d.push(ascii("ST,GS,1\xc4,000"))).toEqual([]);
    expect(d.push(ascii("ST,GS,1\xc4,0002.000 kg\r\n"))).toEqual([]); // glued to the torn half
    expect(d.push(ascii("ST,GS,1\xc4,0002.000 kg\r\n"))).toHaveLength(1);
  });
});
