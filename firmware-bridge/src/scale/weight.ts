// Weights are integer grams, parsed from the scale's decimal text with string arithmetic so that
// "1.250 kg" is exactly 1250 g (never 1249.9999 through a float).
import { FrameError } from "../errors.ts";
import type { Framing } from "../serial/parity.ts";

export type ScaleStatus = "stable" | "motion" | "over_capacity" | "under_zero" | "not_zeroed";

export interface WeightReading {
  /** Net weight when `net`, else gross; undefined when the scale sends status only. */
  grams: number | undefined;
  status: ScaleStatus;
  net: boolean;
  /** The scale says it is at the centre of zero. */
  atZero?: boolean;
}

/** A weighed item may be sold only at a stable, positive weight. */
export function isSellableWeight(r: WeightReading | undefined): r is WeightReading & { grams: number } {
  return r !== undefined && r.status === "stable" && r.grams !== undefined && r.grams > 0;
}

const UNIT_SCALE: Record<string, { num: bigint; den: bigint }> = {
  kg: { num: 1000n, den: 1n },
  g: { num: 1n, den: 1n },
  // The international avoirdupois pound is exactly 453.59237 g.
  lb: { num: 45359237n, den: 100000n },
  oz: { num: 45359237n, den: 1600000n },
};

/**
 * "1.250" kg -> 1250; "-0.020" kg -> -20; "12.5" g -> 13 (half up, away from zero).
 * Leading/trailing spaces and a leading + are allowed; anything else is a FrameError.
 */
export function decimalToGrams(text: string, unit: string, device = "scale"): number {
  const t = text.trim();
  const m = /^([+-])?\s*(\d*)(?:\.(\d*))?$/.exec(t);
  if (!m || (m[2] === "" && (m[3] ?? "") === ""))
    throw new FrameError(device, "weight", `not a number: ${JSON.stringify(text)}`);
  const u = UNIT_SCALE[unit.trim().toLowerCase()];
  if (!u) throw new FrameError(device, "unit", `unknown unit ${JSON.stringify(unit)}`);
  const frac = m[3] ?? "";
  const scaled = BigInt((m[2] || "0") + frac); // value * 10^frac.length
  const den = u.den * 10n ** BigInt(frac.length);
  const num = scaled * u.num;
  const grams = (num * 2n + den) / (2n * den); // round half up
  const n = Number(grams);
  return m[1] === "-" ? -n : n;
}

/** Grams -> fixed decimal kg text with `decimals` places, for simulators: 1250 -> "1.250". */
export function gramsToKgText(grams: number, decimals = 3): string {
  const neg = grams < 0;
  const g = Math.abs(grams);
  if (decimals === 3) {
    const s = `${Math.trunc(g / 1000)}.${String(g % 1000).padStart(3, "0")}`;
    return neg ? `-${s}` : s;
  }
  // Two decimals (10 g divisions): round half up to the division.
  const tens = Math.trunc((g + 5) / 10);
  const s = `${Math.trunc(tens / 100)}.${String(tens % 100).padStart(2, "0")}`;
  return neg ? `-${s}` : s;
}

export type ScaleCommand = "weight" | "zero" | "tare" | "clear_tare";

export type ScaleFrame =
  | { kind: "weight"; reading: WeightReading }
  | { kind: "ack"; command: ScaleCommand; ok: boolean; reason?: string }
  | { kind: "rejected"; reason: string };

/** Pure decoder: bytes in (parity already removed), frames out; garbage is skipped, never thrown. */
export interface ScaleDecoder {
  push(bytes: Uint8Array): ScaleFrame[];
  /** Frames dropped because they were torn or malformed (for health and tests). */
  readonly dropped: number;
}

/** The scale's side of the wire, for simulators. */
export interface SimulatedScaleState {
  grams: number;
  motion: boolean;
  overCapacity: boolean;
  notZeroed: boolean;
  tareG: number;
}

/**
 * A command as the simulated scale understood it: "stream" starts continuous output, "status"
 * asks for the status bytes only (NCI S).
 */
export type SimCommand = ScaleCommand | "?" | "stream" | "status";

/** What a simulated scale did with a zero/tare command (decided by the simulator, encoded by the codec). */
export interface CommandOutcome {
  ok: boolean;
  /** Why not: "motion", "out_of_range". */
  reason?: string;
}

export interface ScaleCodec {
  readonly protocol: string;
  /** The document this codec follows (listed in docs/devices.md). */
  readonly document: string;
  readonly framing: Framing;
  readonly defaultBaud: number;
  /** Polled protocols answer requests; continuous ones stream frames by themselves. */
  readonly mode: "polled" | "continuous";
  readonly commands: readonly ScaleCommand[];
  /** Bytes of a host request (without parity); undefined when the protocol has no such command. */
  request(cmd: ScaleCommand): Uint8Array | undefined;
  decoder(device?: string): ScaleDecoder;
  /**
   * For protocols that answer zero/tare with a plain status frame: turns that frame into an ack.
   * Protocols with explicit acks (MT-SICS) return the decoder's ack unchanged.
   */
  toAck(cmd: ScaleCommand, frame: ScaleFrame): { ok: boolean; reason?: string } | undefined;
  // --- simulator side ---
  /** Splits host bytes into commands the scale understands ("?" for unknown ones). */
  commandDecoder(): { push(bytes: Uint8Array): SimCommand[] };
  /** The scale's answer to a command in the given state (without parity). */
  respond(cmd: SimCommand, state: SimulatedScaleState, outcome?: CommandOutcome): Uint8Array;
  /**
   * Host request for the scale's status alone, when the protocol has one (NCI `S<CR>`): answered
   * with a status frame (a reading with no grams) the decoder reads like any other.
   */
  statusRequest?(): Uint8Array;
  /** Host request that switches a polled protocol to streaming (MT-SICS SIR). */
  startStream?(): Uint8Array;
  /** A frame of the continuous stream, for continuous protocols. */
  streamFrame?(state: SimulatedScaleState): Uint8Array;
}

export const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
export const text = (b: Uint8Array): string => String.fromCharCode(...b);

/** The one status a reading reports, by precedence. */
export function statusOf(s: {
  overCapacity?: boolean;
  underZero?: boolean;
  notZeroed?: boolean;
  motion?: boolean;
}): ScaleStatus {
  if (s.overCapacity) return "over_capacity";
  if (s.underZero) return "under_zero";
  if (s.notZeroed) return "not_zeroed";
  if (s.motion) return "motion";
  return "stable";
}

/** Simulator state -> what the scale displays (net of tare). */
export function displayed(state: SimulatedScaleState): number {
  return state.grams - state.tareG;
}
