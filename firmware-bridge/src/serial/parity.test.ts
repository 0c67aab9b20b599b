import { expect, test } from "bun:test";
import { fromLine, hasEvenParity, toLine, withEvenParity } from "./parity.ts";

test("even parity sets bit 7 only when the 7 data bits have an odd number of ones", () => {
  expect(withEvenParity(0x57)).toBe(0xd7); // 'W' = 1010111: five ones -> parity 1
  expect(withEvenParity(0x30)).toBe(0x30); // '0' = 0110000: two ones -> parity 0
  expect(withEvenParity(0x02)).toBe(0x82); // STX
  for (let b = 0; b < 128; b++) expect(hasEvenParity(withEvenParity(b))).toBe(true);
});

test("7E1 round trip; a byte with a parity error becomes 0xff so the frame is dropped", () => {
  const line = toLine(new TextEncoder().encode("W\r"), "7E1");
  expect([...line]).toEqual([0xd7, 0x8d]);
  expect([...fromLine(line, "7E1")]).toEqual([0x57, 0x0d]);
  expect([...fromLine(Uint8Array.of(0x57), "7E1")]).toEqual([0xff]); // 'W' without its parity bit
  expect(toLine(Uint8Array.of(0xd7), "8N1")).toEqual(Uint8Array.of(0xd7));
});
