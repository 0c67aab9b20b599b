// Sending the outbox to HQ: gapless and in order, several events per MQTT message while a
// backlog drains, a window of events in flight, everything above HQ's ack sent again after a
// reconnect, an ack timeout or HQ reporting a gap. Only HQ's events.ack moves the outbox's
// cursor (outbox.acknowledge); the broker's PUBACK proves nothing.
import { type EventsAck, MAX_MQTT_PAYLOAD_BYTES } from "@retail/protocol";
import type { MqttClient } from "mqtt";
import type { EdgeConfig } from "../config.ts";
import { batchEnvelopes, type Outbox } from "../outbox/outbox.ts";

// A batch leaves room under the payload limit for the array brackets and MQTT headers.
const BATCH_BYTES = MAX_MQTT_PAYLOAD_BYTES - 4096;

export interface OutboxSenderOptions {
  outbox: Outbox;
  config: EdgeConfig["link"];
  /** The up topic events go to. */
  topic: () => string;
  /** The client to send on: connected, online and not waiting for HQ's welcome; else none. */
  channel: () => MqttClient | undefined;
  onError: (message: string) => void;
  log: (msg: string) => void;
}

export class OutboxSender {
  /** The highest seq sent on this connection (everything above is sent next). */
  sentUpTo = 0;
  /** The highest seq ever handed to the broker by this process (acks are capped at it). */
  private attemptedUpTo: number;
  private lastAckProgressAt = 0;
  private pumping = false;
  private pumpAgain = false;

  constructor(private readonly o: OutboxSenderOptions) {
    this.attemptedUpTo = o.outbox.ackedUpTo;
  }

  /** A new connection, or HQ's welcome: everything above HQ's ack is sent again. */
  restart(): void {
    this.sentUpTo = this.o.outbox.ackedUpTo;
    this.lastAckProgressAt = performance.now();
  }

  pump(): void {
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    void this.drain().finally(() => {
      this.pumping = false;
      if (this.pumpAgain) {
        this.pumpAgain = false;
        this.pump();
      }
    });
  }

  private async drain(): Promise<void> {
    const { outbox, config } = this.o;
    for (let client = this.o.channel(); client; client = this.o.channel()) {
      const acked = outbox.ackedUpTo;
      if (this.sentUpTo < acked) this.sentUpTo = acked;
      const room = config.windowEvents - (this.sentUpTo - acked);
      if (room <= 0) return;
      const rows = outbox.pending(this.sentUpTo + 1, Math.min(room, 2000));
      if (rows.length === 0) return;
      this.attemptedUpTo = Math.max(this.attemptedUpTo, rows[rows.length - 1]!.seq);
      for (const batch of batchEnvelopes(
        rows.map((r) => r.envelope),
        BATCH_BYTES,
      )) {
        try {
          await client.publishAsync(this.o.topic(), batch, { qos: 1 });
        } catch (e) {
          this.o.onError(`publish: ${(e as Error).message}`);
          return; // the close handler reconnects; unacked events are resent then
        }
        if (this.o.channel() !== client) return;
      }
      if (this.sentUpTo === this.o.outbox.ackedUpTo) this.lastAckProgressAt = performance.now();
      this.sentUpTo = rows[rows.length - 1]!.seq;
    }
  }

  /**
   * HQ asked for events again from `from`, including ones it acked before (it may have been
   * restored from a backup): the outbox keeps every event, and HQ ignores the duplicates.
   */
  resend(from: number): void {
    void this.replay(from);
    this.sentUpTo = Math.max(this.o.outbox.ackedUpTo, Math.min(this.sentUpTo, from - 1));
    this.pump();
  }

  /**
   * HQ asks for events from..to again to confirm the ones it committed ahead of a gap
   * (hq-hub conflicts/ahead.ts): sent in one run, starting at `from`; the cursor is untouched.
   */
  replayRange(from: number, to: number): void {
    const client = this.o.channel();
    if (!client) return; // HQ asks again on a later ack
    const rows = this.o.outbox.range(from, Math.min(to, this.attemptedUpTo), 2001);
    if (rows.length === 0) return;
    for (const batch of batchEnvelopes(
      rows.map((r) => r.envelope),
      BATCH_BYTES,
    ))
      void client.publishAsync(this.o.topic(), batch, { qos: 1 }).catch(() => {});
  }

  private async replay(from: number): Promise<void> {
    const upTo = this.o.outbox.ackedUpTo;
    for (let seq = from, client = this.o.channel(); seq <= upTo && client; client = this.o.channel()) {
      const rows = this.o.outbox.range(seq, upTo, 2000);
      if (rows.length === 0) return;
      for (const batch of batchEnvelopes(
        rows.map((r) => r.envelope),
        BATCH_BYTES,
      )) {
        await client.publishAsync(this.o.topic(), batch, { qos: 1 }).catch(() => {});
      }
      seq = rows[rows.length - 1]!.seq + 1;
    }
  }

  /** Sends again from the ack when HQ has acked nothing new for ackTimeoutMs (timer tick). */
  checkAckTimeout(): void {
    if (!this.o.channel()) return;
    const acked = this.o.outbox.ackedUpTo;
    if (this.sentUpTo > acked && performance.now() - this.lastAckProgressAt > this.o.config.ackTimeoutMs) {
      this.o.log(`no ack above ${acked} for ${this.o.config.ackTimeoutMs} ms: resending`);
      this.sentUpTo = acked;
      this.lastAckProgressAt = performance.now();
      this.pump();
    }
  }

  /**
   * HQ's events.ack. Only what this link has handed to the broker can be ours: HQ's upToSeq
   * may count a seq it got from another sender with our credentials (a forged event) before
   * ours. Held seqs (conflicts at HQ) stay undelivered and are not resent: pending() starts
   * above the cursor, so they wait for the ack that no longer lists them.
   */
  acked(ack: EventsAck): void {
    const out = this.o.outbox.acknowledge(ack, this.attemptedUpTo);
    if (out.changed) this.lastAckProgressAt = performance.now();
    if (out.resendFrom !== undefined) {
      this.o.log(`HQ committed another event at seq ${out.resendFrom}: sending ours again`);
      this.sentUpTo = Math.min(this.sentUpTo, out.resendFrom - 1);
    }
    const gap = ack.missing[0];
    if (gap && gap.from - 1 < this.sentUpTo) this.sentUpTo = Math.max(this.o.outbox.ackedUpTo, gap.from - 1);
    this.pump();
  }
}
