// A TCP proxy between one store edge and the hub's MQTT port: the edge is configured with the
// proxy's port (STORE_EDGE_MQTT_URL), so the runner can cut the link (every connection dropped
// and new ones refused), add latency in both directions, make it half-open (the sockets stay open
// but nothing passes, as when a NAT or a 4G router silently loses state), lose messages or
// reorder them.
//
// The proxy splits each direction into whole MQTT packets (fixed header + remaining length), so
// loss and reordering act on messages, never on bytes inside one: TCP itself never loses or
// reorders bytes, what a store's link loses is what sits between TCP connections (a broker that
// acked a QoS 1 PUBLISH and then dropped it, as Mosquitto does past max_queued_messages; a
// message delayed behind others on another path). So:
// - loss: a PUBLISH is dropped with probability p in either direction; for QoS 1 the proxy acks it
//   to the sender itself (PUBACK), so the sender believes it delivered: only the application's own
//   ack (HQ's ack after its commit) can tell;
// - reorder: a PUBLISH is held back 0..maxMs with probability 1/2 while later packets pass, so
//   messages arrive out of order within a connection (and a held one is lost if its connection
//   ends first).
import { connect, createServer, type Server, type Socket } from "node:net";

export type LinkMode =
  | { kind: "ok" }
  | { kind: "cut" }
  | { kind: "latency"; ms: number }
  | { kind: "halfopen" }
  | { kind: "loss"; p: number }
  | { kind: "reorder"; maxMs: number };

/** What the link did to messages since the proxy started. */
export interface LinkCounters {
  dropped: number;
  reordered: number;
}

const PUBLISH = 3;

/** Splits a byte stream into whole MQTT control packets. */
class PacketSplitter {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const out: Buffer[] = [];
    for (;;) {
      // Remaining length: 1-4 bytes, 7 bits each.
      let len = 0;
      let mul = 1;
      let i = 1;
      let complete = false;
      for (; i < 5 && i < this.buf.length; i++) {
        const b = this.buf[i]!;
        len += (b & 0x7f) * mul;
        mul *= 128;
        if (!(b & 0x80)) {
          complete = true;
          break;
        }
      }
      if (!complete) break;
      const total = i + 1 + len;
      if (this.buf.length < total) break;
      out.push(this.buf.subarray(0, total));
      this.buf = this.buf.subarray(total);
    }
    return out;
  }
}

/** The QoS and packet id of a PUBLISH (packet id only for QoS > 0). */
function publishInfo(p: Buffer): { qos: number; packetId?: number } {
  const qos = (p[0]! >> 1) & 3;
  if (!qos) return { qos };
  let i = 1;
  while (p[i]! & 0x80) i++;
  i++;
  const topicLen = p.readUInt16BE(i);
  return { qos, packetId: p.readUInt16BE(i + 2 + topicLen) };
}

export class LinkProxy {
  private server?: Server;
  private pairs = new Set<[Socket, Socket]>();
  mode: LinkMode = { kind: "ok" };
  port = 0;
  readonly counters: LinkCounters = { dropped: 0, reordered: 0 };

  constructor(
    private readonly targetPort: number,
    private readonly rand: () => number = Math.random,
  ) {}

  async listen(): Promise<number> {
    this.server = createServer((client) => this.accept(client));
    await new Promise<void>((res) => this.server!.listen(0, "127.0.0.1", () => res()));
    this.port = (this.server!.address() as { port: number }).port;
    return this.port;
  }

  private accept(client: Socket) {
    if (this.mode.kind === "cut") {
      client.destroy();
      return;
    }
    const upstream = connect(this.targetPort, "127.0.0.1");
    const pair: [Socket, Socket] = [client, upstream];
    this.pairs.add(pair);
    const send = (to: Socket, p: Buffer) => {
      if (!to.destroyed) to.write(p);
    };
    const forward = (from: Socket, to: Socket) => {
      const split = new PacketSplitter();
      from.on("data", (chunk: Buffer) => {
        for (const p of split.push(chunk)) {
          const m = this.mode;
          if (m.kind === "halfopen" || m.kind === "cut") continue; // swallowed: nothing passes
          const isPublish = p[0]! >> 4 === PUBLISH;
          if (m.kind === "latency") setTimeout(() => send(to, p), m.ms);
          else if (m.kind === "loss" && isPublish && this.rand() < m.p) {
            this.counters.dropped++;
            const { qos, packetId } = publishInfo(p);
            // QoS 1: acked to its sender as a broker that took it and lost it would.
            if (qos === 1 && packetId !== undefined)
              send(from, Buffer.from([0x40, 0x02, packetId >> 8, packetId & 0xff]));
            else if (qos === 2) send(to, p); // QoS 2's handshake is not modelled: passed on
          } else if (m.kind === "reorder" && isPublish && this.rand() < 0.5) {
            this.counters.reordered++;
            setTimeout(() => send(to, p), this.rand() * m.maxMs);
          } else send(to, p);
        }
      });
    };
    forward(client, upstream);
    forward(upstream, client);
    const close = () => {
      client.destroy();
      upstream.destroy();
      this.pairs.delete(pair);
    };
    client.on("close", close).on("error", close);
    upstream.on("close", close).on("error", close);
  }

  set(mode: LinkMode) {
    this.mode = mode;
    if (mode.kind === "cut") this.dropAll();
  }

  /** Back to a clean link; a half-open connection is dropped so that both ends notice. */
  heal() {
    const was = this.mode.kind;
    this.mode = { kind: "ok" };
    if (was === "halfopen") this.dropAll();
  }

  private dropAll() {
    for (const [a, b] of this.pairs) {
      a.destroy();
      b.destroy();
    }
  }

  close() {
    this.dropAll();
    this.server?.close();
  }
}
