// Drives one scale over any ByteLink with one codec: polls (or listens to the stream), reports
// each reading, runs zero/tare, and reports a scale that stops answering within `timeoutMs`.
import { EventEmitter } from "node:events";
import { DeviceError } from "../errors.ts";
import type { HealthState } from "../events.ts";
import type { ByteLink } from "../link.ts";
import { fromLine, toLine } from "../serial/parity.ts";
import type { ScaleCodec, ScaleCommand, ScaleDecoder, ScaleFrame, WeightReading } from "./weight.ts";

export interface ScaleDriverOptions {
  id: string;
  codec: ScaleCodec;
  /** Poll period of polled protocols. */
  pollMs?: number;
  /** No answer for this long = error "not answering" (the spec allows 2 s; default 1 s). */
  timeoutMs?: number;
  /** Use the protocol's streaming mode (MT-SICS SIR) instead of polling. CAS always streams. */
  continuous?: boolean;
}

interface Pending {
  cmd: ScaleCommand;
  sentAt: number;
  resolve?: (r: { ok: boolean; reason?: string }) => void;
}

export class ScaleDriver extends EventEmitter<{ weight: [WeightReading]; health: [HealthState] }> {
  readonly id: string;
  readonly codec: ScaleCodec;
  #link: ByteLink | undefined;
  #decoder: ScaleDecoder;
  #timer: ReturnType<typeof setInterval> | undefined;
  #pending: Pending | undefined;
  #queue: Pending[] = [];
  #lastFrameAt = 0;
  #attachedAt = 0;
  #health: HealthState = { state: "error", reason: "not connected" };
  #last: WeightReading | undefined;
  readonly pollMs: number;
  readonly timeoutMs: number;
  readonly streaming: boolean;

  constructor(opts: ScaleDriverOptions) {
    super();
    this.id = opts.id;
    this.codec = opts.codec;
    this.pollMs = opts.pollMs ?? 150;
    this.timeoutMs = opts.timeoutMs ?? 1000;
    this.streaming = opts.codec.mode === "continuous" || (!!opts.continuous && !!opts.codec.startStream);
    this.#decoder = opts.codec.decoder(opts.id);
  }

  get health(): HealthState {
    return this.#health;
  }
  get last(): WeightReading | undefined {
    return this.#last;
  }
  get droppedFrames(): number {
    return this.#decoder.dropped;
  }

  #setHealth(h: HealthState): void {
    if (
      h.state === this.#health.state &&
      (h.state !== "error" || this.#health.state !== "error" || h.reason === this.#health.reason)
    )
      return;
    this.#health = h;
    this.emit("health", h);
  }

  attach(link: ByteLink): void {
    this.detach();
    this.#link = link;
    this.#decoder = this.codec.decoder(this.id);
    this.#attachedAt = performance.now();
    this.#lastFrameAt = 0;
    this.#setHealth({ state: "connected" });
    link.on("data", this.#onData);
    link.once("close", (reason) => {
      if (this.#link === link) this.detach(reason ? `disconnected: ${reason}` : "disconnected");
    });
    if (this.streaming && this.codec.startStream) void this.#send(this.codec.startStream());
    this.#timer = setInterval(() => this.#tick(), Math.min(this.pollMs, 100));
    this.#tick();
  }

  detach(reason = "not connected"): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#link?.off("data", this.#onData);
    this.#link = undefined;
    for (const p of [this.#pending, ...this.#queue]) p?.resolve?.({ ok: false, reason });
    this.#pending = undefined;
    this.#queue = [];
    this.#setHealth({ state: "error", reason });
  }

  async close(): Promise<void> {
    const link = this.#link;
    this.detach("closed");
    await link?.close();
  }

  /** Zero, tare or clear tare; resolves with the scale's answer (ok false + reason if refused). */
  command(cmd: Exclude<ScaleCommand, "weight">): Promise<{ ok: boolean; reason?: string }> {
    if (!this.codec.commands.includes(cmd) || !this.codec.request(cmd)) {
      return Promise.reject(
        new DeviceError(this.id, cmd, `protocol ${this.codec.protocol} has no ${cmd} command`),
      );
    }
    if (!this.#link)
      return Promise.resolve({
        ok: false,
        reason: this.#health.state === "error" ? this.#health.reason : "not connected",
      });
    return new Promise((resolve) => {
      this.#queue.push({ cmd, sentAt: 0, resolve });
      this.#tick();
    });
  }

  /** The next reading that arrives after this call. */
  nextReading(timeoutMs = this.timeoutMs * 2): Promise<WeightReading> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.off("weight", on);
        reject(new DeviceError(this.id, "weight", `no reading within ${timeoutMs} ms`));
      }, timeoutMs);
      const on = (r: WeightReading) => {
        clearTimeout(t);
        this.off("weight", on);
        resolve(r);
      };
      this.on("weight", on);
    });
  }

  #onData = (bytes: Uint8Array): void => {
    for (const frame of this.#decoder.push(fromLine(bytes, this.codec.framing))) this.#onFrame(frame);
  };

  #onFrame(frame: ScaleFrame): void {
    this.#lastFrameAt = performance.now();
    this.#setHealth({ state: "ready" });
    const p = this.#pending;
    if (p && p.cmd !== "weight") {
      const ack = this.codec.toAck(p.cmd, frame);
      if (ack) {
        this.#pending = undefined;
        p.resolve?.(ack);
        this.#tick();
        return;
      }
    }
    if (frame.kind === "weight") {
      if (p?.cmd === "weight") this.#pending = undefined;
      this.#last = frame.reading;
      this.emit("weight", frame.reading);
    } else if (frame.kind === "rejected" && p?.cmd === "weight") {
      this.#pending = undefined;
    }
  }

  #tick(): void {
    if (!this.#link) return;
    const now = performance.now();
    const heardFrom = this.#lastFrameAt || this.#attachedAt;
    if (now - heardFrom > this.timeoutMs) {
      this.#setHealth({ state: "error", reason: `not answering (no frame for ${this.timeoutMs} ms)` });
    }
    if (this.#pending) {
      if (now - this.#pending.sentAt <= this.timeoutMs) return;
      // No answer: give up on this request (a command resolves as failed) and go on polling.
      this.#pending.resolve?.({ ok: false, reason: "no answer" });
      this.#pending = undefined;
    }
    const next = this.#queue.shift();
    if (next) {
      next.sentAt = now;
      this.#pending = next;
      void this.#send(this.codec.request(next.cmd)!);
      return;
    }
    if (!this.streaming && now - (this.#lastPollAt ?? 0) >= this.pollMs) {
      this.#lastPollAt = now;
      this.#pending = { cmd: "weight", sentAt: now };
      void this.#send(this.codec.request("weight")!);
    }
  }
  #lastPollAt: number | undefined;

  async #send(bytes: Uint8Array): Promise<void> {
    try {
      await this.#link?.write(toLine(bytes, this.codec.framing));
    } catch {
      // The link's close event reports it.
    }
  }
}
