// A scale on a pseudo-terminal speaking one protocol byte for byte (parity included), with
// scripted weights, motion, overload, silence (stops answering), garbage and torn frames, and
// unplug/replug (the PTY pair goes away and comes back under the same stable path).
import { DeviceError } from "../errors.ts";
import { fromLine, toLine } from "../serial/parity.ts";
import { openPtyPair, type PtyPair } from "../serial/pty.ts";
import { openTty, type TtyLink } from "../serial/tty.ts";
import { SCALE_CODECS, type ScaleProtocol } from "./codecs.ts";
import type { CommandOutcome, ScaleCodec, SimCommand, SimulatedScaleState } from "./weight.ts";

export interface ScaleSimulatorOptions {
  /** Stable path for the host side (a symlink, like /dev/serial/by-path/...). */
  link?: string;
  /** Continuous protocols: period of the stream. */
  streamMs?: number;
  /** Zero is accepted within +- this many grams of zero. */
  zeroRangeG?: number;
}

export class ScaleSimulator {
  readonly codec: ScaleCodec;
  state: SimulatedScaleState = { grams: 0, motion: false, overCapacity: false, notZeroed: false, tareG: 0 };
  /** When true the scale reads commands but never answers (a hung or powered-off scale). */
  silent = false;
  /** Commands received, in order (for tests). */
  readonly received: SimCommand[] = [];
  #pair: PtyPair | undefined;
  #tty: TtyLink | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  #streaming = false;
  #garbage: Uint8Array[] = [];
  #tearNext = false;

  private constructor(
    readonly protocol: ScaleProtocol,
    readonly opts: ScaleSimulatorOptions,
  ) {
    this.codec = SCALE_CODECS[protocol];
  }

  static async start(protocol: ScaleProtocol, opts: ScaleSimulatorOptions = {}): Promise<ScaleSimulator> {
    const sim = new ScaleSimulator(protocol, opts);
    await sim.plug();
    return sim;
  }

  /** The path the driver opens. */
  get path(): string {
    if (!this.#pair) throw new DeviceError(`sim:${this.protocol}`, "connection", "unplugged");
    return this.#pair.host;
  }

  set(s: Partial<SimulatedScaleState>): void {
    Object.assign(this.state, s);
  }

  /** Bytes sent before the next answer, as line noise (already on the wire: no parity added). */
  injectGarbage(bytes: Uint8Array): void {
    this.#garbage.push(bytes);
  }

  /** The next answer is cut in half (the rest never comes). */
  tearNextFrame(): void {
    this.#tearNext = true;
  }

  async plug(): Promise<void> {
    if (this.#pair) return;
    this.#pair = await openPtyPair(this.opts.link);
    const tty = await openTty(this.#pair.device, { baud: this.codec.defaultBaud });
    this.#tty = tty;
    const commands = this.codec.commandDecoder();
    tty.on("data", (b) => {
      for (const cmd of commands.push(fromLine(b, this.codec.framing))) this.#onCommand(cmd);
    });
    this.#streaming = this.codec.mode === "continuous";
    this.#timer = setInterval(() => {
      if (this.#streaming && !this.silent && this.codec.streamFrame)
        this.#send(this.codec.streamFrame(this.state));
    }, this.opts.streamMs ?? 50);
  }

  async unplug(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#tty?.close();
    this.#tty = undefined;
    await this.#pair?.close();
    this.#pair = undefined;
  }

  async close(): Promise<void> {
    await this.unplug();
  }

  #onCommand(cmd: SimCommand): void {
    this.received.push(cmd);
    if (this.silent) return;
    if (cmd === "stream") {
      this.#streaming = true;
      return;
    }
    let outcome: CommandOutcome | undefined;
    const s = this.state;
    if (cmd === "zero") {
      if (s.motion) outcome = { ok: false, reason: "motion" };
      else if (Math.abs(s.grams) > (this.opts.zeroRangeG ?? 500))
        outcome = { ok: false, reason: "out_of_range" };
      else {
        outcome = { ok: true };
        this.set({ grams: 0, notZeroed: false, tareG: 0 });
      }
    } else if (cmd === "tare") {
      if (s.motion) outcome = { ok: false, reason: "motion" };
      else if (s.grams <= 0) outcome = { ok: false, reason: "out_of_range" };
      else {
        outcome = { ok: true };
        this.set({ tareG: s.grams });
      }
    } else if (cmd === "clear_tare") {
      outcome = s.motion ? { ok: false, reason: "motion" } : { ok: true };
      if (outcome.ok) this.set({ tareG: 0 });
    }
    this.#send(this.codec.respond(cmd, this.state, outcome));
  }

  #send(frame: Uint8Array): void {
    const tty = this.#tty;
    if (!tty?.isOpen || frame.length === 0) return;
    for (const g of this.#garbage.splice(0)) void tty.write(g);
    let bytes = toLine(frame, this.codec.framing);
    if (this.#tearNext) {
      this.#tearNext = false;
      bytes = bytes.slice(0, Math.max(1, bytes.length >> 1));
    }
    void tty.write(bytes);
  }
}
