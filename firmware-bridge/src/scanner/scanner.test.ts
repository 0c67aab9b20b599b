import { describe, expect, test } from "bun:test";
import { closeSync, openSync } from "node:fs";
import { EVIOCGRAB, grabInputDevice } from "../input.ts";
import { stripAim } from "./aim.ts";
import { encodeInputEvent, InputEventDecoder, KeyboardState, textToInputEvents } from "./evdev.ts";
import { encodeHidPosReports, HidPosDecoder } from "./hidpos.ts";
import { scannerContract } from "./scanner.contract.ts";
import type { ScannerWire } from "./scanner.ts";

describe("codecs", () => {
  test("AIM ids", () => {
    expect(stripAim("]E06901234567892")).toEqual({ code: "6901234567892", aim: "]E0" });
    expect(stripAim("]C1\x1d0106901234567892")).toEqual({ code: "\x1d0106901234567892", aim: "]C1" });
    expect(stripAim("6901234567892")).toEqual({ code: "6901234567892" });
  });

  test("input_event is 24 bytes on x86-64; partial structs wait for the rest", () => {
    const bytes = encodeInputEvent({ sec: 1, usec: 2, type: 1, code: 30, value: 1 });
    expect([...bytes.subarray(16)]).toEqual([1, 0, 30, 0, 1, 0, 0, 0]);
    const d = new InputEventDecoder();
    expect(d.push(bytes.subarray(0, 10))).toEqual([]);
    expect(d.push(bytes.subarray(10))).toEqual([{ sec: 1, usec: 2, type: 1, code: 30, value: 1 }]);
  });

  test("layouts: the same key codes type different text; every layout round-trips", () => {
    const us = new KeyboardState("us");
    const de = new KeyboardState("de");
    const fr = new KeyboardState("fr");
    const key = (code: number) => ({ sec: 0, usec: 0, type: 1, code, value: 1 });
    expect([21, 44, 16, 2].map((c) => us.apply(key(c))).join("")).toBe("yzq1");
    expect([21, 44, 16, 2].map((c) => de.apply(key(c))).join("")).toBe("zyq1");
    expect([21, 44, 16, 2].map((c) => fr.apply(key(c))).join("")).toBe("ywa&");
    for (const layout of ["us", "de", "fr"] as const) {
      const text = "6901234567892 Ab-12/x.Z@";
      const kb = new KeyboardState(layout);
      const typed = new InputEventDecoder()
        .push(textToInputEvents(text, layout))
        .map((e) => kb.apply(e))
        .join("");
      expect(typed).toBe(text);
    }
  });

  test("HID POS scanned data reports, including a code spanning reports", () => {
    const long = "https://example.cn/m?".padEnd(120, "x");
    const reports = encodeHidPosReports(long, "]Q1");
    expect(reports).toHaveLength(3);
    const d = new HidPosDecoder();
    expect(d.push(reports[0]!)).toBeUndefined();
    expect(d.push(reports[1]!)).toBeUndefined();
    expect(d.push(reports[2]!)).toEqual({ code: long, aim: "]Q1" });
    expect(d.push(Uint8Array.of(0x01, 0, 0, 0, 0, 0))).toBeUndefined();
    expect(d.ignored).toBe(1);
  });

  test("EVIOCGRAB goes through libc ioctl (bun:ffi); a non-input device refuses it", async () => {
    expect(EVIOCGRAB).toBe(0x40044590);
    const fd = openSync("/dev/null", "r");
    try {
      expect(await grabInputDevice(fd)).toBe(false);
    } finally {
      closeSync(fd);
    }
  });
});

// Simulators: always.
scannerContract("keyboard wedge (evdev, US)", { wire: "keyboard", layout: "us" });
scannerContract("keyboard wedge (evdev, German, AIM ids)", { wire: "keyboard", layout: "de", aim: "]E0" });
scannerContract("keyboard wedge (evdev, French)", { wire: "keyboard", layout: "fr" });
scannerContract("serial scanner (AIM ids)", { wire: "serial", aim: "]E0" });
scannerContract("HID POS scanner", { wire: "hidpos", aim: "]E0" });

// Real hardware: SCANNER_DEVICE=/dev/input/by-id/...-event-kbd SCANNER_WIRE=keyboard [SCANNER_LAYOUT=de]
const device = process.env.SCANNER_DEVICE;
scannerContract(
  `hardware at ${device ?? "(set SCANNER_DEVICE to run)"}`,
  {
    wire: (process.env.SCANNER_WIRE ?? "keyboard") as ScannerWire,
    layout: (process.env.SCANNER_LAYOUT ?? "us") as "us",
    device: device ?? "/dev/null",
  },
  !!device,
);
