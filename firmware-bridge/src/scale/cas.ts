// CAS 22-byte continuous format, as in the CAS CI-600D / NT-200 series manuals ("Serial Data
// Information: CAS 22 Bytes Format"). The indicator streams, the host only listens:
//   "ST,GS," <device id> <lamp byte> "," <8-byte weight with decimal point> " " <unit 2> CR LF
// Header: ST stable, US unstable, OL overload; GS gross, NT net. Lamp byte: bit7 1, bit6 stable,
// bit2 gross, bit1 tare, bit0 zero point. Default 9600 8N1. The stream format has no commands,
// so zero and tare are done on the scale's own keys.
import {
  ascii,
  decimalToGrams,
  displayed,
  gramsToKgText,
  type ScaleCodec,
  type ScaleDecoder,
  type ScaleFrame,
  type SimulatedScaleState,
  statusOf,
  text,
} from "./weight.ts";

const LF = 0x0a;

class CasDecoder implements ScaleDecoder {
  #line: number[] = [];
  dropped = 0;
  constructor(readonly device: string) {}
  push(bytes: Uint8Array): ScaleFrame[] {
    const out: ScaleFrame[] = [];
    for (const b of bytes) {
      if (b !== LF) {
        this.#line.push(b);
        if (this.#line.length > 40) {
          this.dropped++;
          this.#line = [];
        }
        continue;
      }
      const raw = this.#line;
      this.#line = [];
      const f = this.#decode(raw);
      if (f) out.push(f);
      else if (raw.length) this.dropped++;
    }
    return out;
  }
  #decode(raw: number[]): ScaleFrame | undefined {
    if (raw.length !== 21 || raw[20] !== 0x0d || raw.includes(0xff)) return undefined;
    const head = text(Uint8Array.from(raw.slice(0, 6)));
    const m = /^(ST|US|OL),(GS|NT),$/.exec(head);
    if (!m || raw[8] !== 0x2c || raw[17] !== 0x20) return undefined;
    const lamp = raw[7]!;
    if (!(lamp & 0x80)) return undefined;
    const unit = text(Uint8Array.from(raw.slice(18, 20))).trim();
    if (m[1] === "OL")
      return { kind: "weight", reading: { grams: undefined, status: "over_capacity", net: m[2] === "NT" } };
    const data = text(Uint8Array.from(raw.slice(9, 17)));
    if (!/^[ +-]?[0-9 ]*\.?[0-9]+$/.test(data)) return undefined;
    const grams = decimalToGrams(data.replace(/ /g, ""), unit, this.device);
    return {
      kind: "weight",
      reading: {
        grams,
        status: statusOf({ underZero: grams < 0, motion: m[1] === "US" }),
        net: m[2] === "NT",
        atZero: !!(lamp & 1),
      },
    };
  }
}

export const cas: ScaleCodec = {
  protocol: "cas",
  document: "CAS 22-byte continuous format (CAS CI-600D / NT-200 manuals, 'CAS 22Bytes Format')",
  framing: "8N1",
  defaultBaud: 9600,
  mode: "continuous",
  commands: [],
  request: () => undefined,
  decoder: (device = "cas") => new CasDecoder(device),
  toAck: () => undefined,
  commandDecoder: () => ({ push: () => [] }),
  respond: () => new Uint8Array(0),
  streamFrame(s: SimulatedScaleState) {
    const shown = displayed(s);
    const head = s.overCapacity ? "OL" : s.motion ? "US" : "ST";
    const lamp = 0x80 | (s.motion ? 0 : 0x40) | (s.tareG ? 2 : 4) | (shown === 0 ? 1 : 0);
    const value = gramsToKgText(shown);
    const data = shown < 0 ? `-${value.slice(1).padStart(7, "0")}` : value.padStart(8, "0");
    return ascii(`${head},${s.tareG ? "NT" : "GS"},1${String.fromCharCode(lamp)},${data} kg\r\n`);
  },
};
