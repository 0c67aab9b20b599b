// METTLER TOLEDO Standard Interface Command Set (MT-SICS), level 0/1, as in the "MT-SICS
// Reference Manual" (commands SI, SIR, Z, T, TAC; response format <ID> <status> <value> <unit>
// terminated by CR LF). Default line 9600 baud 8N1.
//   SI   -> "S S      1.250 kg" (stable) | "S D      1.250 kg" (dynamic = in motion)
//           | "S +" (overload) | "S -" (underload) | "S I" (cannot execute now)
//   SIR  -> the SI answer repeated continuously (our "continuous" mode)
//   Z    -> "Z A" zeroed | "Z I" not executed (motion) | "Z +"/"Z -" outside the zero range
//   T    -> "T S   <tare> kg" | "T I" | "T +" | "T -";  TAC -> "TAC A" | "TAC I"
//   ES / ET / EL: syntax / transmission / logical error.
// MT-SICS has no "not zeroed" state of its own: such a scale answers "S I".
import {
  ascii,
  type CommandOutcome,
  decimalToGrams,
  displayed,
  gramsToKgText,
  type ScaleCodec,
  type ScaleCommand,
  type ScaleDecoder,
  type ScaleFrame,
  type SimCommand,
  type SimulatedScaleState,
  text,
} from "./weight.ts";

const LF = 0x0a;
const MAX_LINE = 64;
const REQUEST: Record<ScaleCommand, string> = { weight: "SI", zero: "Z", tare: "T", clear_tare: "TAC" };
const WEIGHT_RE = /^(S|SI|SIR) ([SD]) +(-?\d+(?:\.\d+)?) (\S{1,3})$/;

function refusal(code: string): string {
  return code === "I" ? "motion" : code === "+" || code === "-" ? "out_of_range" : `status ${code}`;
}

class MtSicsDecoder implements ScaleDecoder {
  #line: number[] = [];
  dropped = 0;
  constructor(readonly device: string) {}
  push(bytes: Uint8Array): ScaleFrame[] {
    const out: ScaleFrame[] = [];
    for (const b of bytes) {
      if (b !== LF) {
        this.#line.push(b);
        if (this.#line.length > MAX_LINE) {
          this.dropped++;
          this.#line = [];
        }
        continue;
      }
      const raw = this.#line;
      this.#line = [];
      if (raw.at(-1) !== 0x0d || raw.some((c) => c < 0x20 && c !== 0x0d) || raw.includes(0xff)) {
        if (raw.length) this.dropped++;
        continue;
      }
      const frame = this.#decode(text(Uint8Array.from(raw.slice(0, -1))));
      if (frame === null) continue; // a valid answer we do not use (e.g. I4 serial number)
      if (frame) out.push(frame);
      else this.dropped++;
    }
    return out;
  }
  #decode(line: string): ScaleFrame | undefined | null {
    const w = WEIGHT_RE.exec(line);
    if (w) {
      const grams = decimalToGrams(w[3]!, w[4]!, this.device);
      return {
        kind: "weight",
        reading: {
          grams,
          status: grams < 0 ? "under_zero" : w[2] === "D" ? "motion" : "stable",
          net: false,
          atZero: grams === 0,
        },
      };
    }
    const parts = line.split(/ +/);
    const [id, st] = parts;
    if ((id === "S" || id === "SI") && parts.length === 2) {
      if (st === "+")
        return { kind: "weight", reading: { grams: undefined, status: "over_capacity", net: false } };
      if (st === "-")
        return { kind: "weight", reading: { grams: undefined, status: "under_zero", net: false } };
      if (st === "I") return { kind: "rejected", reason: "scale busy or not zeroed (S I)" };
      return undefined;
    }
    if (id === "Z" || id === "ZI") {
      if (st === "A" || st === "D" || st === "S") return { kind: "ack", command: "zero", ok: true };
      if (st && "I+-".includes(st)) return { kind: "ack", command: "zero", ok: false, reason: refusal(st) };
      return undefined;
    }
    if (id === "T" || id === "TI") {
      if (st === "S" || st === "D") return { kind: "ack", command: "tare", ok: true };
      if (st && "I+-".includes(st)) return { kind: "ack", command: "tare", ok: false, reason: refusal(st) };
      return undefined;
    }
    if (id === "TAC") {
      if (st === "A") return { kind: "ack", command: "clear_tare", ok: true };
      if (st === "I" || st === "L")
        return { kind: "ack", command: "clear_tare", ok: false, reason: refusal(st) };
      return undefined;
    }
    if (id === "ES" || id === "ET" || id === "EL") return { kind: "rejected", reason: `${id} error` };
    if (id && /^[A-Z@][A-Z0-9]{0,3}$/.test(id)) return null;
    return undefined;
  }
}

export const mtsics: ScaleCodec = {
  protocol: "mtsics",
  document: "METTLER TOLEDO MT-SICS Reference Manual, level 0/1 (SI, SIR, Z, T, TAC)",
  framing: "8N1",
  defaultBaud: 9600,
  mode: "polled",
  commands: ["weight", "zero", "tare", "clear_tare"],
  request: (cmd) => ascii(`${REQUEST[cmd]}\r\n`),
  startStream: () => ascii("SIR\r\n"),
  decoder: (device = "mtsics") => new MtSicsDecoder(device),
  toAck(cmd, frame) {
    if (frame.kind === "ack" && frame.command === cmd) return { ok: frame.ok, reason: frame.reason };
    if (frame.kind === "rejected") return { ok: false, reason: frame.reason };
    return undefined;
  },
  commandDecoder() {
    let line = "";
    return {
      push(bytes) {
        const out: SimCommand[] = [];
        for (const b of bytes) {
          if (b !== LF) {
            line += String.fromCharCode(b);
            continue;
          }
          const c = line.replace(/\r$/, "");
          line = "";
          const found = (Object.keys(REQUEST) as ScaleCommand[]).find((k) => REQUEST[k] === c);
          out.push(found ?? (c === "S" ? "weight" : c === "SIR" ? "stream" : "?"));
        }
        return out;
      },
    };
  },
  respond(cmd: SimCommand, s: SimulatedScaleState, outcome?: CommandOutcome): Uint8Array {
    const code = (o?: CommandOutcome) => (o?.reason === "out_of_range" ? "+" : "I");
    switch (cmd) {
      case "?":
        return ascii("ES\r\n");
      case "zero":
        return ascii(outcome?.ok ? "Z A\r\n" : `Z ${code(outcome)}\r\n`);
      case "tare":
        return ascii(
          outcome?.ok ? `T S ${gramsToKgText(s.tareG).padStart(10)} kg\r\n` : `T ${code(outcome)}\r\n`,
        );
      case "clear_tare":
        return ascii(outcome?.ok === false ? "TAC I\r\n" : "TAC A\r\n");
      default: {
        if (s.overCapacity) return ascii("S +\r\n");
        if (s.notZeroed) return ascii("S I\r\n");
        const value = gramsToKgText(displayed(s)).padStart(10);
        return ascii(`S ${s.motion ? "D" : "S"} ${value} kg\r\n`);
      }
    }
  },
  streamFrame(s) {
    return this.respond("weight", s);
  },
};
