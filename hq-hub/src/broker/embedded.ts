// The embedded broker: aedes on a TCP port, MQTT 3.1.1. Every store authenticates with its
// own credentials (client id must equal its username), may publish only on its own up-topics
// and subscribe only to its own down-topics and the broadcasts (the protocol's ACL), and a
// packet above MAX_MQTT_PACKET_BYTES closes the connection before its body is buffered. The hub
// itself is an in-process subscriber and publisher (no socket, no credentials).
import { createServer, type Server, type Socket } from "node:net";
import { createServer as createTlsServer, type TLSSocket } from "node:tls";
import {
  downTopic,
  hubSubscriptions,
  MAX_MQTT_PACKET_BYTES,
  mayStorePublish,
  mayStoreSubscribe,
} from "@retail/protocol";
import { commonNameOf, storeCommonName } from "@retail/protocol/pki";
import { Aedes, type AuthenticateError, type Client } from "aedes";
import type { Bus, MessageHandler, PublishOptions } from "./bus.ts";
import { guardPacketSize, type SizeGuardedParser, writeLargeChunksDirectly } from "./packets.ts";

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
  /**
   * Also serve MQTT over TLS (mqtts) on this port, with the chain CA: a store presents its own
   * certificate (CN store:<id>) besides its password, and the broker presents its server
   * certificate (CN retail-hq-broker). A certificate naming another store, or one HQ no longer
   * accepts (superseded), refuses the connect.
   */
  tls?: {
    port: number;
    keyPem: string;
    certPem: string;
    caPem: string;
    publicUrl?: string;
    /**
     * Whether the certificate with this serial is one HQ issued to this store and still accepts
     * (`presented`: its dates and names, for one HQ has no record of: pki.ts, a restored hub).
     */
    accepts?: (storeId: string, serial: string, presented: PresentedCertificate) => boolean;
    /** A store HQ issued a certificate to connects over TLS only: its password alone on the plain port is refused. */
    tlsOnly?: (storeId: string) => boolean;
  };
}

export interface EmbeddedBus extends Bus {
  readonly port: number;
  readonly broker: Aedes;
  /** The mqtts listener, when started with `tls`. */
  readonly tls?: { port: number; url: string };
}

/** What a store's TLS client certificate says besides its serial (verified against the chain CA). */
export interface PresentedCertificate {
  /** The certificate's CN (store:<id> for a store's). */
  cn?: string | undefined;
  serial: string;
  notBefore: string;
  notAfter: string;
  /** subjectAltName as Node reports it ("DNS:localhost, IP Address:127.0.0.1"). */
  names: string;
}

const isoOf = (d: string | undefined) => {
  const t = d ? Date.parse(d) : Number.NaN;
  return Number.isNaN(t) ? "" : new Date(t).toISOString();
};

function authError(code: 4 | 5, message: string): AuthenticateError {
  return Object.assign(new Error(message), { returnCode: code }) as AuthenticateError;
}

const storeOf = new WeakMap<Client, string>();
/** How each client authenticated, where from (host:port) and when. */
const sessionOf = new WeakMap<Client, { via: "current" | "pending"; address: string; at: string }>();
const addressOf = new WeakMap<object, string>();
/** The certificate a client presented on the TLS listener (common name, serial in lower-case hex). */
const peerOf = new WeakMap<object, PresentedCertificate>();
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
          const peer = peerOf.get(client);
          if (!peer && opts.tls?.tlsOnly?.(storeId)) {
            refused({ kind: "connect", clientId: client.id, detail: "this store connects over TLS only" });
            return done(authError(5, "this store connects over TLS only"), false);
          }
          if (peer) {
            // Over TLS the certificate must be this store's own: a password alone (or another
            // store's certificate with it) does not get in.
            if (peer.cn !== storeCommonName(storeId)) {
              refused({
                kind: "connect",
                clientId: client.id,
                detail: `certificate ${peer.cn ?? "(no CN)"} is not ${storeCommonName(storeId)}`,
              });
              return done(authError(5, "the certificate belongs to another store"), false);
            }
            if (opts.tls?.accepts && !opts.tls.accepts(storeId, peer.serial, peer)) {
              refused({
                kind: "connect",
                clientId: client.id,
                detail: `certificate ${peer.serial} superseded or unknown`,
              });
              return done(authError(5, "certificate superseded or unknown"), false);
            }
          }
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
  const onSocket = (socket: Socket) => {
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
    return client;
  };
  const server: Server = createServer(onSocket);
  const listen = (srv: Server, port: number) =>
    new Promise<number>((resolve, reject) => {
      srv.once("error", reject);
      srv.listen(port, opts.host, () => {
        const a = srv.address();
        resolve(typeof a === "object" && a ? a.port : port);
      });
    });
  const port = await listen(server, opts.port);
  const url = opts.publicUrl ?? `mqtt://${opts.host}:${port}`;
  let tlsServer: Server | undefined;
  let tlsInfo: { port: number; url: string } | undefined;
  if (opts.tls) {
    const t = opts.tls;
    tlsServer = createTlsServer(
      {
        key: t.keyPem,
        cert: t.certPem,
        ca: t.caPem,
        requestCert: true,
        rejectUnauthorized: true,
        minVersion: "TLSv1.2",
      },
      (socket: TLSSocket) => {
        const cert = socket.getPeerCertificate();
        const client = onSocket(socket);
        // rejectUnauthorized: only a certificate the chain CA signed gets here.
        peerOf.set(client, {
          cn: commonNameOf(cert?.subject),
          serial: (cert?.serialNumber ?? "").toLowerCase(),
          notBefore: isoOf(cert?.valid_from),
          notAfter: isoOf(cert?.valid_to),
          names: cert?.subjectaltname ?? "",
        });
      },
    );
    const tlsPort = await listen(tlsServer, t.port);
    tlsInfo = { port: tlsPort, url: t.publicUrl ?? `mqtts://${opts.host}:${tlsPort}` };
  }

  return {
    url,
    port,
    broker,
    ...(tlsInfo ? { tls: tlsInfo } : {}),
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
      if (tlsServer) await new Promise<void>((resolve) => tlsServer.close(() => resolve()));
      await new Promise<void>((resolve) => broker.close(() => resolve()));
    },
  };
}
