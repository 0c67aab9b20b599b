// NCI / Avery Weigh-Tronix general serial protocol, Weigh-Tronix document 8408-14788-01
// (SCP-01, "NCI Standard"; also the NCI section of the Avery Weigh-Tronix 7821 and NCI 7800
// user manuals). Mandatory commands only: W<CR> weight, S<CR> status, Z<CR> zero; the standard
// has no tare. Default line: 9600 baud, 7 data bits, even parity, 1 stop (7E1).
//   W -> <LF>xxxx.xxuu<CR><LF>hh<CR><ETX>   (uu = kg/lb; status-only <LF>hh<CR><ETX> when the
//        weight is negative, in motion, over capacity or not zeroed)
//   S, Z -> <LF>hh<CR><ETX> (S: status only, whatever the weight);  unknown -> <LF>?<CR><ETX>
// Status byte 1: bit0 motion, bit1 at zero, bit2 RAM error, bit3 EEPROM error, bits 4-5 always 1.
// Status byte 2: bit0 under capacity, bit1 over capacity, bit2 ROM error, bit3 faulty
// calibration, bit6 another byte follows. Status byte 3 (optional): bit2 net, bit3 initial zero
// error. SCP-02 prefixes the status with 'S'; the decoder accepts both.
import {
  ascii,
  decimalToGrams,
  displayed,
  gramsToKgText,
  type ScaleCodec,
  type ScaleDecoder,
  type ScaleFrame,
  type SimCommand,
  type SimulatedScaleState,
  statusOf,
  text,
} from "./weight.ts";

const LF = 0x0a;
const CR = 0x0d;
const ETX = 0x03;
const MAX_FRAME = 40;

function statusFlags(bytes: number[]) {
  const [s1 = 0x30, s2 = 0x30, s3 = 0x30] = bytes;
  return {
    motion: !!(s1 & 1),
    atZero: !!(s1 & 2),
    underZero: !!(s2 & 1),
    overCapacity: !!(s2 & 2),
    net: bytes.length > 2 && !!(s3 & 4),
    notZeroed: bytes.length > 2 && !!(s3 & 8),
    hardwareError: !!(s1 & 0x0c) || !!(s2 & 0x0c),
  };
}

class NciDecoder implements ScaleDecoder {
  #buf: number[] = [];
  #inFrame = false;
  dropped = 0;
  constructor(readonly device: string) {}
  push(bytes: Uint8Array): ScaleFrame[] {
    const out: ScaleFrame[] = [];
    for (const b of bytes) {
      if (!this.#inFrame) {
        // A frame starts at an LF; bytes before it are noise.
        if (b === LF) {
          this.#inFrame = true;
          this.#buf = [];
        }
        continue;
      }
      if (b !== ETX) {
        this.#buf.push(b);
        if (this.#buf.length > MAX_FRAME) {
          this.dropped++;
          this.#inFrame = false;
        }
        continue;
      }
      this.#inFrame = false;
      const frame = this.#decode(this.#buf);
      if (frame) out.push(frame);
      else this.dropped++;
    }
    return out;
  }
  #decode(body: number[]): ScaleFrame | undefined {
    if (body.includes(0xff)) return undefined;
    // body: "xxxx.xxkg\r\nhh\r" or "hh\r" or "?\r"; a torn frame glued to the next has an extra LF.
    const lines = text(Uint8Array.from(body)).split("\r\n");
    if (lines.length > 2 || !lines.at(-1)!.endsWith("\r")) return undefined;
    const statusLine = lines.at(-1)!.slice(0, -1);
    if (statusLine === "?") return { kind: "rejected", reason: "unrecognized command" };
    const st = [...(statusLine.startsWith("S") ? statusLine.slice(1) : statusLine)].map((c) =>
      c.charCodeAt(0),
    );
    // Status bytes carry 0b0011xxxx in their high nibble (bits 4-5 always 1, bit 6 only as
    // "byte follows" in bytes 2+): reject line noise that happens to sit between LF and ETX.
    if (st.length < 2 || st.length > 4 || st.some((b) => (b & 0x30) !== 0x30)) return undefined;
    const f = statusFlags(st);
    let grams: number | undefined;
    if (lines.length === 2) {
      const m = /^\s*(-?\s*\d*\.?\d+)\s*([a-zA-Z]{1,2})$/.exec(lines[0]!);
      if (!m) return undefined;
      grams = decimalToGrams(m[1]!.replace(/\s/g, ""), m[2]!, this.device);
    }
    return {
      kind: "weight",
      reading: {
        grams,
        status: statusOf({ ...f, underZero: f.underZero || (grams ?? 0) < 0 }),
        net: f.net,
        atZero: f.atZero,
      },
    };
  }
}

export const nci: ScaleCodec = {
  protocol: "nci",
  document: "Weigh-Tronix NCI General Serial Communications Protocol SCP-01, 8408-14788-01",
  framing: "7E1",
  defaultBaud: 9600,
  mode: "polled",
  commands: ["weight", "zero"],
  request(cmd) {
    if (cmd === "weight") return ascii("W\r");
    if (cmd === "zero") return ascii("Z\r");
    return undefined;
  },
  statusRequest: () => ascii("S\r"),
  decoder: (device = "nci") => new NciDecoder(device),
  toAck(cmd, frame) {
    if (frame.kind === "rejected") return { ok: false, reason: frame.reason };
    if (frame.kind !== "weight" || cmd !== "zero") return undefined;
    if (frame.reading.status === "motion") return { ok: false, reason: "motion" };
    return frame.reading.atZero ? { ok: true } : { ok: false, reason: "out_of_range" };
  },
  commandDecoder() {
    let line = "";
    return {
      push(bytes) {
        const out: SimCommand[] = [];
        for (const b of bytes) {
          if (b !== CR) {
            line += String.fromCharCode(b);
            continue;
          }
          const c = line.trim();
          line = "";
          out.push(c === "W" ? "weight" : c === "Z" ? "zero" : c === "S" ? "status" : "?");
        }
        return out;
      },
    };
  },
  respond(cmd, s: SimulatedScaleState) {
    if (cmd === "?") return ascii("\n?\r\x03");
    const shown = displayed(s);
    const s1 = 0x30 | (s.motion ? 1 : 0) | (s.grams === 0 && !s.motion ? 2 : 0);
    const s2 = 0x30 | 0x40 | (shown < 0 ? 1 : 0) | (s.overCapacity ? 2 : 0);
    const s3 = 0x30 | (s.tareG ? 4 : 0) | (s.notZeroed ? 8 : 0);
    const status = String.fromCharCode(s1, s2, s3);
    const valid = !(s.motion || s.overCapacity || shown < 0 || s.notZeroed);
    // S and Z are answered with the status bytes only, as is W when there is no valid weight.
    if (cmd !== "weight" || !valid) return ascii(`\n${status}\r\x03`);
    // xxxx.xx kg: 10 g divisions, rounded half up like the scale's display.
    return ascii(`\n${gramsToKgText(shown, 2).padStart(7, "0")}kg\r\n${status}\r\x03`);
  },
};
