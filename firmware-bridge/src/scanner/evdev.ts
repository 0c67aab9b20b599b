// Linux input events from a keyboard-wedge scanner (/dev/input/by-id/...-event-kbd).
// struct input_event on x86-64 is 24 bytes: struct timeval (tv_sec i64, tv_usec i64),
// type u16, code u16, value s32 (linux/input.h). Key codes are positions, not characters, so the
// layout the scanner emulates (US, German, French) decides the text.

export const INPUT_EVENT_SIZE = 24;
export const EV_SYN = 0;
export const EV_KEY = 1;
export const EV_MSC = 4;
const KEY_LEFTSHIFT = 42;
const KEY_RIGHTSHIFT = 54;
const KEY_RIGHTALT = 100; // AltGr
const KEY_CAPSLOCK = 58;

export interface InputEvent {
  sec: number;
  usec: number;
  type: number;
  code: number;
  value: number;
}

/** Decodes whole input_event structs; a partial struct at the end is kept for the next chunk. */
export class InputEventDecoder {
  #rest = new Uint8Array(0);
  push(chunk: Uint8Array): InputEvent[] {
    const data = this.#rest.length ? concat(this.#rest, chunk) : chunk;
    const n = Math.floor(data.length / INPUT_EVENT_SIZE);
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const out: InputEvent[] = [];
    for (let i = 0; i < n; i++) {
      const o = i * INPUT_EVENT_SIZE;
      out.push({
        sec: Number(view.getBigInt64(o, true)),
        usec: Number(view.getBigInt64(o + 8, true)),
        type: view.getUint16(o + 16, true),
        code: view.getUint16(o + 18, true),
        value: view.getInt32(o + 20, true),
      });
    }
    this.#rest = data.slice(n * INPUT_EVENT_SIZE);
    return out;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

export function encodeInputEvent(e: InputEvent): Uint8Array {
  const out = new Uint8Array(INPUT_EVENT_SIZE);
  const v = new DataView(out.buffer);
  v.setBigInt64(0, BigInt(e.sec), true);
  v.setBigInt64(8, BigInt(e.usec), true);
  v.setUint16(16, e.type, true);
  v.setUint16(18, e.code, true);
  v.setInt32(20, e.value, true);
  return out;
}

// --- Layouts ---------------------------------------------------------------------------------
// [normal, shift, altgr] per key code; built from the keyboard rows so each layout reads like
// the keyboard it describes.
type Keymap = Map<number, [string, string, string]>;
export type KeyboardLayout = "us" | "de" | "fr";

function rows(
  def: { codes: number[]; normal: string; shift: string; altgr?: Record<number, string> }[],
): Keymap {
  const map: Keymap = new Map();
  for (const row of def) {
    const normal = [...row.normal];
    const shift = [...row.shift];
    row.codes.forEach((code, i) => {
      map.set(code, [normal[i] ?? "", shift[i] ?? "", row.altgr?.[code] ?? ""]);
    });
  }
  // Layout-independent keys: space, Enter, Tab, keypad.
  map.set(57, [" ", " ", ""]);
  map.set(28, ["\r", "\r", ""]);
  map.set(96, ["\r", "\r", ""]);
  map.set(15, ["\t", "\t", ""]);
  const keypad: [number, string][] = [
    [71, "7"],
    [72, "8"],
    [73, "9"],
    [74, "-"],
    [75, "4"],
    [76, "5"],
    [77, "6"],
    [78, "+"],
    [79, "1"],
    [80, "2"],
    [81, "3"],
    [82, "0"],
    [83, "."],
    [55, "*"],
    [98, "/"],
  ];
  for (const [code, ch] of keypad) map.set(code, [ch, ch, ""]);
  return map;
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

export const KEYMAPS: Record<KeyboardLayout, Keymap> = {
  us: rows([
    { codes: range(2, 13), normal: "1234567890-=", shift: "!@#$%^&*()_+" },
    { codes: range(16, 27), normal: "qwertyuiop[]", shift: "QWERTYUIOP{}" },
    { codes: range(30, 41), normal: "asdfghjkl;'`", shift: 'ASDFGHJKL:"~' },
    { codes: [43], normal: "\\", shift: "|" },
    { codes: range(44, 53), normal: "zxcvbnm,./", shift: "ZXCVBNM<>?" },
  ]),
  de: rows([
    {
      codes: range(2, 13),
      normal: "1234567890ß´",
      shift: '!"§$%&/()=?`',
      altgr: { 3: "²", 4: "³", 8: "{", 9: "[", 10: "]", 11: "}", 12: "\\" },
    },
    {
      codes: range(16, 27),
      normal: "qwertzuiopü+",
      shift: "QWERTZUIOPÜ*",
      altgr: { 16: "@", 18: "€", 27: "~" },
    },
    { codes: range(30, 41), normal: "asdfghjklöä^", shift: "ASDFGHJKLÖÄ°" },
    { codes: [43], normal: "#", shift: "'" },
    { codes: range(44, 53), normal: "yxcvbnm,.-", shift: "YXCVBNM;:_" },
    { codes: [86], normal: "<", shift: ">", altgr: { 86: "|" } },
  ]),
  fr: rows([
    {
      codes: range(2, 13),
      normal: "&é\"'(-è_çà)=",
      shift: "1234567890°+",
      altgr: { 3: "~", 4: "#", 5: "{", 6: "[", 7: "|", 8: "`", 9: "\\", 10: "^", 11: "@", 12: "]", 13: "}" },
    },
    { codes: range(16, 27), normal: "azertyuiop^$", shift: "AZERTYUIOP¨£", altgr: { 18: "€", 27: "¤" } },
    { codes: range(30, 40), normal: "qsdfghjklmù", shift: "QSDFGHJKLM%" },
    { codes: [41], normal: "²", shift: "" },
    { codes: [43], normal: "*", shift: "µ" },
    { codes: range(44, 53), normal: "wxcvbn,;:!", shift: "WXCVBN?./§" },
    { codes: [86], normal: "<", shift: ">" },
  ]),
};

/** Key presses -> characters, tracking Shift, AltGr and Caps Lock. */
export class KeyboardState {
  #shift = new Set<number>();
  #altgr = false;
  #caps = false;
  constructor(readonly layout: KeyboardLayout) {}

  /** The character an event types, if any. Autorepeat (value 2) types again, as a terminal does. */
  apply(e: InputEvent): string {
    if (e.type !== EV_KEY) return "";
    if (e.code === KEY_LEFTSHIFT || e.code === KEY_RIGHTSHIFT) {
      if (e.value) this.#shift.add(e.code);
      else this.#shift.delete(e.code);
      return "";
    }
    if (e.code === KEY_RIGHTALT) {
      this.#altgr = e.value !== 0;
      return "";
    }
    if (e.value === 0) return "";
    if (e.code === KEY_CAPSLOCK) {
      if (e.value === 1) this.#caps = !this.#caps;
      return "";
    }
    const keys = KEYMAPS[this.layout].get(e.code);
    if (!keys) return "";
    if (this.#altgr) return keys[2];
    const ch = this.#shift.size ? keys[1] : keys[0];
    // Caps Lock flips the case of letters only.
    if (this.#caps && ch.toLowerCase() !== ch.toUpperCase()) {
      return ch === ch.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase();
    }
    return ch;
  }
}

/** Text -> key events as a scanner in `layout` emulation types it (for simulators and benches). */
export function textToInputEvents(
  text: string,
  layout: KeyboardLayout,
  startSec = 1_700_000_000,
): Uint8Array {
  const map = KEYMAPS[layout];
  const reverse = new Map<string, { code: number; mod: 0 | 1 | 2 }>();
  for (const [code, [n, s, a]] of map) {
    for (const [ch, mod] of [
      [n, 0],
      [s, 1],
      [a, 2],
    ] as const) {
      // Prefer the main block over the keypad, and unshifted over shifted.
      if (ch && !reverse.has(ch) && !(code >= 71 && code <= 98 && code !== 86))
        reverse.set(ch, { code, mod });
    }
  }
  const events: Uint8Array[] = [];
  let usec = 0;
  const ev = (type: number, code: number, value: number) => {
    events.push(encodeInputEvent({ sec: startSec, usec: usec++, type, code, value }));
  };
  for (const ch of text) {
    const k = reverse.get(ch);
    if (!k) throw new Error(`layout ${layout} cannot type ${JSON.stringify(ch)}`);
    const modKey = k.mod === 1 ? KEY_LEFTSHIFT : k.mod === 2 ? KEY_RIGHTALT : 0;
    if (modKey) ev(EV_KEY, modKey, 1);
    ev(EV_MSC, 4, k.code);
    ev(EV_KEY, k.code, 1);
    ev(EV_SYN, 0, 0);
    ev(EV_KEY, k.code, 0);
    if (modKey) ev(EV_KEY, modKey, 0);
    ev(EV_SYN, 0, 0);
  }
  const out = new Uint8Array(events.length * INPUT_EVENT_SIZE);
  events.forEach((e, i) => {
    out.set(e, i * INPUT_EVENT_SIZE);
  });
  return out;
}
