// The embedded broker: aedes on a TCP port, MQTT 3.1.1. Every store authenticates with its
// own credentials (client id must equal its username), may publish only on its own up-topics
// and subscribe only to its own down-topics and the broadcasts (the protocol's ACL), and a
// packet above MAX_MQTT_PACKET_BYTES closes the connection before its body is buffered. The hub
// itself is an in-process subscriber and publisher (no socket, no credentials).
import { createServer, type Server, type Socket } from "node:net";
import {
  downTopic,
  hubSubscriptions,
  MAX_MQTT_PACKET_BYTES,
  mayStorePublish,
  mayStoreSubscribe,
} from "@retail/protocol";
import { Aedes, type AuthenticateError, type Client } from "aedes";
import type { Bus, MessageHandler, PublishOptions } from "./bus.ts";

export interface EmbeddedOptions {
  host: string;
  port: number;
  /**
   * Resolves to the store id when the credentials are right (with `via: "pending"` when they
   * are the new password of a rotation still pending, stores/rotation.ts).
   */
  verify: (
    username: string,
    password: string,
  ) => Promise<string | { storeId: string; via: "current" | "pending" } | undefined>;
  /**
   * A client authenticated with a store's credentials while that store's session was up: the
   * broker drops the older session. Both remote addresses (host:port).
   */
  onTakeover?: (t: {
    storeId: string;
    newAddress: string;
    oldAddress: string;
    oldConnectedAt: string;
  }) => void;
  /**
   * The same store back from the same host while its old session was silent (no packet for
   * more than half its keepalive): a network cut the broker had not noticed yet (half-open
   * TCP), not a second holder of the credentials. The older session is dropped all the same.
   */
  onReconnect?: (t: { storeId: string; newAddress: string; oldAddress: string; silentMs: number }) => void;
  /** A store authenticated (before its CONNACK); `via` says which of its passwords it used. */
  onAuthenticated?: (storeId: string, via: "current" | "pending", address: string) => void;
  /** A store subscribed to its own down-topics: commands reach it from now on. */
  onSubscribed?: (storeId: string, via: "current" | "pending") => void;
  onMessage: MessageHandler;
  /** For tests and metrics: a refused publish, subscribe, connect or oversize packet. */
  onRefused?: (what: {
    kind: "connect" | "publish" | "subscribe" | "oversize";
    clientId: string;
    detail: string;
  }) => void;
  /** Advertised URL; defaults to mqtt://host:port. */
  publicUrl?: string;
  maxPacketBytes?: number;
  /**
   * Messages in flight through the broker at once (default 500): also what the hub can group
   * per commit, and the bound on what it holds uncommitted.
   */
  concurrency?: number;
}

export interface EmbeddedBus extends Bus {
  readonly port: number;
  readonly broker: Aedes;
}

function authError(code: 4 | 5, message: string): AuthenticateError {
  return Object.assign(new Error(message), { returnCode: code }) as AuthenticateError;
}

const storeOf = new WeakMap<Client, string>();
/** How each client authenticated, where from (host:port) and when. */
const sessionOf = new WeakMap<Client, { via: "current" | "pending"; address: string; at: string }>();
const addressOf = new WeakMap<object, string>();
/** When the broker last received bytes from each client (ms since epoch). */
const lastHeardOf = new WeakMap<object, number>();

/** Keepalive aedes armed for a client from its CONNECT (ms; 0 when none). */
function keepaliveMs(client: Client): number {
  const interval = (client as unknown as { _keepaliveInterval?: number })._keepaliveInterval ?? -1;
  // aedes arms its timer at keepalive * 1.5 + 1 ms.
  return interval > 0 ? (interval - 1) / 1.5 : 0;
}

/**
 * Whether a new connection of the store is plausibly the store itself coming back over a
 * half-open old session: same remote host, and the old one silent for longer than half its
 * keepalive (a live client sends at least a PINGREQ every keepalive; without keepalive, 30 s).
 * A client that keeps talking, or one from another host, is a takeover.
 */
export function isStaleSameHost(
  newAddress: string,
  oldAddress: string,
  silentMs: number,
  oldKeepaliveMs: number,
): boolean {
  const host = (a: string) => a.slice(0, a.lastIndexOf(":"));
  const newHost = host(newAddress);
  if (!newAddress.includes(":") || newHost === "?" || newHost !== host(oldAddress)) return false;
  return silentMs > (oldKeepaliveMs > 0 ? oldKeepaliveMs / 2 : 30_000);
}

export async function startEmbeddedBroker(opts: EmbeddedOptions): Promise<EmbeddedBus> {
  const maxPacket = opts.maxPacketBytes ?? MAX_MQTT_PACKET_BYTES;
  const refused = opts.onRefused ?? (() => {});
  const broker = await Aedes.createBroker({
    // Messages in flight through the broker at once: also what the hub can group per commit.
    concurrency: opts.concurrency ?? 500,
    authenticate(client, username, password, done) {
      const user = username ?? "";
      if (client.id !== user) {
        refused({ kind: "connect", clientId: client.id, detail: "client id does not match username" });
        return done(authError(5, "client id must equal the username"), false);
      }
      opts
        .verify(user, password ? password.toString("utf8") : "")
        .then((verdict) => {
          if (!verdict) {
            refused({ kind: "connect", clientId: client.id, detail: "bad username or password" });
            return done(authError(4, "bad username or password"), false);
          }
          const { storeId, via } =
            typeof verdict === "string" ? { storeId: verdict, via: "current" as const } : verdict;
          const address = addressOf.get(client) ?? "unknown";
          storeOf.set(client, storeId);
          sessionOf.set(client, { via, address, at: new Date().toISOString() });
          // aedes drops a live client with the same id once this one is registered: a second
          // holder of the store's credentials (or a half-open old session of the store itself).
          const prev = (broker as unknown as { clients: Record<string, Client | undefined> }).clients[
            client.id
          ];
          if (prev && prev !== client && !prev.closed && storeOf.get(prev) === storeId) {
            const old = sessionOf.get(prev);
            const oldAddress = old?.address ?? addressOf.get(prev) ?? "unknown";
            const silentMs = Date.now() - (lastHeardOf.get(prev) ?? Date.now());
            try {
              if (isStaleSameHost(address, oldAddress, silentMs, keepaliveMs(prev)))
                opts.onReconnect?.({ storeId, newAddress: address, oldAddress, silentMs });
              else
                opts.onTakeover?.({
                  storeId,
                  newAddress: address,
                  oldAddress,
                  oldConnectedAt: old?.at ?? "",
                });
            } catch {
              // an alert that cannot be written must not refuse the store
            }
          }
          try {
            opts.onAuthenticated?.(storeId, via, address);
          } catch {
            // the same
          }
          done(null, true);
        })
        .catch((e) => done(authError(4, (e as Error).message), false));
    },
    authorizePublish(client, packet, callback) {
      if (!client) return callback(null); // the hub's own in-process publish
      const storeId = storeOf.get(client);
      if (storeId && mayStorePublish(storeId, packet.topic)) return callback(null);
      refused({ kind: "publish", clientId: client.id, detail: packet.topic });
      callback(new Error(`store may not publish on ${packet.topic}`));
    },
    authorizeSubscribe(client, sub, callback) {
      const storeId = storeOf.get(client);
      if (storeId && mayStoreSubscribe(storeId, sub.topic)) return callback(null, sub);
      refused({ kind: "subscribe", clientId: client.id, detail: sub.topic });
      // A null subscription makes aedes answer SUBACK 0x80 (failure) for this filter.
      callback(null, null);
    },
  });

  broker.on("subscribe", (subs, client) => {
    const storeId = client ? storeOf.get(client) : undefined;
    if (!storeId || !opts.onSubscribed) return;
    // Its own down-topics, by name or by `+`/`#` (mayStoreSubscribe allows no other filter).
    const down = downTopic(storeId, "command").replace(/command$/, "");
    if (subs.some((s) => s.topic.startsWith(down)))
      opts.onSubscribed(storeId, sessionOf.get(client)?.via ?? "current");
  });

  // The hub's own subscriptions, in process. Delivery waits for the handler (which commits
  // before it returns), so the broker never runs ahead of the database by more than its queue.
  for (const filter of hubSubscriptions()) {
    await new Promise<void>((resolve) =>
      broker.subscribe(
        filter,
        (packet, cb) => {
          let done = false;
          const finish = () => {
            if (!done) {
              done = true;
              cb();
            }
          };
          try {
            const r = opts.onMessage(packet.topic, packet.payload as Buffer);
            if (r && typeof (r as Promise<void>).then === "function")
              (r as Promise<void>).then(finish, finish);
            else finish();
          } catch {
            finish();
          }
        },
        resolve,
      ),
    );
  }

  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    writeLargeChunksDirectly(socket);
    const client = broker.handle(socket) as Client & { _parser: SizeGuardedParser };
    addressOf.set(client, `${socket.remoteAddress ?? "?"}:${socket.remotePort ?? "?"}`);
    lastHeardOf.set(client, Date.now());
    socket.on("data", () => lastHeardOf.set(client, Date.now()));
    guardPacketSize(client, maxPacket, () =>
      refused({ kind: "oversize", clientId: client.id ?? "", detail: `packet above ${maxPacket} bytes` }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : opts.port;
  const url = opts.publicUrl ?? `mqtt://${opts.host}:${port}`;

  return {
    url,
    port,
    broker,
    publish(topic: string, payload: string | Buffer, p: PublishOptions = {}) {
      return new Promise((resolve, reject) =>
        broker.publish(
          {
            cmd: "publish",
            topic,
            payload: typeof payload === "string" ? Buffer.from(payload) : payload,
            qos: p.qos ?? 1,
            retain: p.retain ?? false,
            dup: false,
          },
          (err) => (err ? reject(err) : resolve()),
        ),
      );
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => broker.close(() => resolve()));
    },
  };
}

interface SizeGuardedParser {
  packet: { length: number };
  _parseLength: () => boolean;
  _emitError: (e: Error) => void;
}

/**
 * aedes has no packet-size limit. Its mqtt-packet parser reads the fixed header's remaining
 * length before the body, so checking it there refuses an oversize packet before buffering it:
 * the parser errors and aedes closes the connection.
 */
function guardPacketSize(client: { _parser: SizeGuardedParser }, max: number, onOversize: () => void) {
  const parser = client._parser;
  const parseLength = parser._parseLength.bind(parser);
  parser._parseLength = () => {
    const ok = parseLength();
    if (ok && parser.packet.length > max) {
      onOversize();
      parser._emitError(new Error(`packet of ${parser.packet.length} bytes exceeds ${max}`));
      return false;
    }
    return ok;
  };
}

/**
 * mqtt-packet corks the socket around every packet it writes (header pieces, topic, payload)
 * and uncorks on the next tick, so the socket's writev concatenates them into one new buffer:
 * for a 500 KB catalog page to 1,000 stores that copy was 30% of the hub's CPU in the fan-out.
 * Here a corked socket still gathers the small pieces into one write, but a large chunk (a
 * payload) goes out on its own right after them, without being copied, and its write's real
 * result is returned so aedes still waits for 'drain' when the socket is full. Order is kept:
 * pending pieces are always written before the chunk that follows them.
 */
function writeLargeChunksDirectly(socket: Socket, large = 16 * 1024) {
  let corks = 0;
  let pending: Buffer[] = [];
  const socketWrite = socket.write;
  const write = (...a: unknown[]) => (socketWrite as (...a: unknown[]) => boolean).apply(socket, a);
  const flush = () => {
    if (pending.length === 0) return true;
    const out = pending.length === 1 ? pending[0]! : Buffer.concat(pending);
    pending = [];
    return write(out);
  };
  socket.cork = () => {
    corks++;
  };
  socket.uncork = () => {
    if (corks > 0 && --corks === 0) flush();
  };
  socket.write = ((chunk: Buffer | string, encoding?: unknown, cb?: unknown) => {
    if (corks === 0 || typeof encoding === "function" || typeof cb === "function") {
      flush();
      return write(chunk, encoding, cb);
    }
    const buf =
      typeof chunk === "string" ? Buffer.from(chunk, (encoding as BufferEncoding) ?? "utf8") : chunk;
    if (buf.length < large) {
      pending.push(buf);
      return true;
    }
    flush();
    return write(buf);
  }) as typeof socket.write;
}
