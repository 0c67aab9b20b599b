// The connect handshake: after every connect the edge says edge.hello and holds its events
// until HQ's edge.welcome, because a restored or fresh database must learn first which of its
// seqs HQ already holds (outbox/resync.ts moves them). A hub that does not answer (older than
// the handshake) gets the events after helloTimeoutMs, as before; one that speaks it is asked
// again instead, since sending could reuse seqs it holds.
import {
  type EdgeHello,
  type Envelope,
  encodeEnvelope,
  makeEnvelope,
  type Payload,
  upTopic,
} from "@retail/protocol";
import type { MqttClient } from "mqtt";
import type { EdgeResync, ResyncRecord } from "../outbox/resync.ts";

export interface HandshakeOptions {
  /** Without it events are sent at once, as before the handshake. */
  resync?: EdgeResync;
  helloTimeoutMs: number;
  storeId: () => string;
  /** Whether `client` is still the link's connection, online. */
  current: (client: MqttClient) => boolean;
  /** Events may go: HQ welcomed this hello (`welcomed`), or an older HQ never will. */
  open: (welcomed: boolean) => void;
  onResync?: (record: ResyncRecord) => void;
  log: (msg: string) => void;
}

export class Handshake {
  /** The hello of this connection while HQ's welcome is awaited: no event is sent meanwhile. */
  private hello: EdgeHello | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly o: HandshakeOptions) {}

  get awaiting(): boolean {
    return this.hello !== undefined;
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  say(client: MqttClient): void {
    const resync = this.o.resync;
    clearTimeout(this.timer);
    this.hello = undefined;
    if (!resync) return;
    const hello = resync.hello();
    this.hello = hello;
    const storeId = this.o.storeId();
    const env = makeEnvelope("edge.hello", hello, { storeId });
    client.publish(upTopic(storeId, "query"), encodeEnvelope(env as Envelope), { qos: 1 });
    const ms = this.o.helloTimeoutMs;
    this.timer = setTimeout(() => {
      if (this.hello !== hello) return;
      if (resync.hqSpeaksHello) {
        // A lost hello or welcome, or HQ restarting: sending now could reuse seqs HQ holds.
        this.o.log(`HQ did not answer the hello in ${ms} ms: saying it again`);
        if (this.o.current(client)) this.say(client);
        return;
      }
      this.o.log(`HQ did not answer the hello in ${ms} ms: sending events without it`);
      this.hello = undefined;
      this.o.open(false);
    }, ms);
  }

  /** HQ's welcome: seqs moved if HQ holds them, then the events go. `end` drops the connection. */
  welcome(payload: Payload<"edge.welcome">, end: () => void): void {
    const hello = this.hello;
    const resync = this.o.resync;
    if (!hello || !resync || payload.helloId !== hello.helloId) {
      this.o.log("welcome for an earlier hello ignored");
      return;
    }
    let result: ReturnType<EdgeResync["welcome"]>;
    try {
      result = resync.welcome(hello, payload);
    } catch (e) {
      // Events stay held; the next connection says hello again.
      this.o.log(`welcome not applied: ${(e as Error).message}`);
      end();
      return;
    }
    clearTimeout(this.timer);
    this.hello = undefined;
    const { plan, record } = result;
    if (record) {
      this.o.log(
        `HQ holds seqs up to ${payload.maxSeq} for this store (${record.kind}): ${record.moved} event(s) from seq ${plan.newFrom} moved up by ${plan.shift}`,
      );
      this.o.onResync?.(record);
    }
    this.o.open(true);
  }
}
