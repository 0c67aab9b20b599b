// Mettler Toledo 8217 ECR protocol, as documented in "8217 Mettler Toledo Host Communications"
// (the same command set the Magellan/DIVA scanner-scales implement; METTLER TOLEDO DIVA Service
// Manual section 6.1.4, "Command Descriptions" and "Status Byte Format"):
//   7 data bits, even parity, 1 stop bit (7E1); 9600 baud here (1200-19200 configurable).
//   Host sends one uppercase character: W (weight), Z (zero), T (tare), C (clear tare).
//   Scale answers <STX>WW.WWW<CR> (kg, 'N' appended for net) when the weight is valid, else
//   <STX>?<status><CR>. Status byte: bit0 motion, bit1 over capacity, bit2 under zero,
//   bit3 outside zero capture range (not zeroed), bit4 centre of zero, bit5 net, bit6 always 1,
//   bit7 parity.
import {
  ascii,
  type CommandOutcome,
  decimalToGrams,
  displayed,
  type ScaleCodec,
  type ScaleCommand,
  type ScaleDecoder,
  type ScaleFrame,
  type SimCommand,
  type SimulatedScaleState,
  statusOf,
  text,
} from "./weight.ts";

const STX = 0x02;
const CR = 0x0d;
const MAX_FRAME = 16;
const COMMAND_CHAR: Record<ScaleCommand, string> = { weight: "W", zero: "Z", tare: "T", clear_tare: "C" };

function decodeStatus(b: number): ScaleFrame {
  return {
    kind: "weight",
    reading: {
      grams: undefined,
      status: statusOf({
        motion: !!(b & 1),
        overCapacity: !!(b & 2),
        underZero: !!(b & 4),
        notZeroed: !!(b & 8),
      }),
      atZero: !!(b & 0x10),
      net: !!(b & 0x20),
    },
  };
}

class Toledo8217Decoder implements ScaleDecoder {
  #buf: number[] = [];
  dropped = 0;
  constructor(readonly device: string) {}
  push(bytes: Uint8Array): ScaleFrame[] {
    const out: ScaleFrame[] = [];
    for (const b of bytes) {
      if (b === STX) {
        if (this.#buf.length) this.dropped++; // torn frame: a new STX before the CR
        this.#buf = [STX];
        continue;
      }
      if (this.#buf.length === 0) continue; // noise between frames
      if (b !== CR) {
        this.#buf.push(b);
        if (this.#buf.length > MAX_FRAME) {
          this.dropped++;
          this.#buf = [];
        }
        continue;
      }
      const body = this.#buf.slice(1);
      this.#buf = [];
      const frame = this.#decode(body);
      if (frame) out.push(frame);
      else this.dropped++;
    }
    return out;
  }
  #decode(body: number[]): ScaleFrame | undefined {
    if (body.includes(0xff)) return undefined; // parity error inside
    if (body[0] === 0x3f /* ? */) {
      // The status byte has bit 6 always set; anything else is line noise.
      if (body.length !== 2 || !(body[1]! & 0x40)) return undefined;
      return decodeStatus(body[1]!);
    }
    const t = text(Uint8Array.from(body));
    const m = /^(\d{1,3}\.\d{2,3})(N?)$/.exec(t);
    if (!m) return undefined;
    return {
      kind: "weight",
      reading: { grams: decimalToGrams(m[1]!, "kg", this.device), status: "stable", net: m[2] === "N" },
    };
  }
}

export const toledo8217: ScaleCodec = {
  protocol: "toledo8217",
  document: "Mettler Toledo 8217 Host Communications (ECR 'W' protocol); DIVA Service Manual 6.1.4",
  framing: "7E1",
  defaultBaud: 9600,
  mode: "polled",
  commands: ["weight", "zero", "tare", "clear_tare"],
  request: (cmd) => ascii(COMMAND_CHAR[cmd]),
  decoder: (device = "toledo8217") => new Toledo8217Decoder(device),
  toAck(cmd, frame) {
    if (frame.kind === "rejected") return { ok: false, reason: frame.reason };
    if (frame.kind !== "weight") return undefined;
    const r = frame.reading;
    if (r.status === "motion") return { ok: false, reason: "motion" };
    if (cmd === "zero") return r.atZero ? { ok: true } : { ok: false, reason: "out_of_range" };
    if (cmd === "tare") return r.net ? { ok: true } : { ok: false, reason: "not_taken" };
    if (cmd === "clear_tare") return r.net ? { ok: false, reason: "not_cleared" } : { ok: true };
    return undefined;
  },
  commandDecoder() {
    return {
      push: (bytes) =>
        [...bytes].flatMap((b): SimCommand[] => {
          const c = String.fromCharCode(b);
          const cmd = (Object.keys(COMMAND_CHAR) as ScaleCommand[]).find((k) => COMMAND_CHAR[k] === c);
          if (cmd) return [cmd];
          return b === CR || b === 0x0a ? [] : ["?"];
        }),
    };
  },
  respond(cmd: SimCommand, s: SimulatedScaleState, _outcome?: CommandOutcome): Uint8Array {
    const shown = displayed(s);
    const net = s.tareG !== 0;
    let status = 0x40;
    if (s.motion) status |= 1;
    if (s.overCapacity) status |= 2;
    if (shown < 0) status |= 4;
    if (s.notZeroed) status |= 8;
    if (s.grams === 0 && !s.motion) status |= 0x10;
    if (net) status |= 0x20;
    const statusFrame = Uint8Array.of(STX, 0x3f, status, CR);
    if (cmd !== "weight" || status & 0x0f) return statusFrame;
    const kg = `${Math.trunc(shown / 1000)}`.padStart(2, "0") + `.${String(shown % 1000).padStart(3, "0")}`;
    return ascii(`\x02${kg}${net ? "N" : ""}\r`);
  },
};
