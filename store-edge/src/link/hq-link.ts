// The store's one connection to HQ over MQTT: publishes the outbox (gapless, in order, several
// events per message while a backlog drains, resent after every reconnect until HQ acks),
// keeps the retained store.status with an offline last-will, follows the catalog pointer and
// fetches change-set pages, and hands the other down messages to the edge. Selling never waits
// for any of this: the link only reads what the sale transactions already committed.

import {
  type AnyEnvelope,
  type Envelope,
  encodeEnvelope,
  type MessageType,
  makeEnvelope,
  type Payload,
  type StoreStatus,
  storeSubscriptions,
  upTopic,
} from "@retail/protocol";
import mqtt, { type MqttClient } from "mqtt";
import type { CatalogReplica } from "../catalog/replica.ts";
import type { Clock } from "../clock.ts";
import type { EdgeConfig } from "../config.ts";
import type { Outbox } from "../outbox/outbox.ts";
import type { EdgeResync, ResyncRecord } from "../outbox/resync.ts";
import { backoffDelay } from "./backoff.ts";
import { CatalogFetch } from "./catalog-fetch.ts";
import { DeadLetters, readDown } from "./down-messages.ts";
import { Handshake } from "./handshake.ts";
import { OutboxSender } from "./outbox-sender.ts";
import { mqttTlsOptions, type StoreTls } from "./tls.ts";

export interface LinkCredentials {
  storeId: string;
  url: string;
  username: string;
  password: string;
  clientId: string;
  /** For an mqtts:// URL: the store's key and certificate, and the chain CA the broker must be signed by. */
  tls?: StoreTls;
}

export interface LinkState {
  state: "disabled" | "connecting" | "online" | "offline";
  since: string;
  attempt: number;
  lastError?: string;
  nextAttemptAt?: string;
  sentUpTo: number;
  deadLetters: number;
  /** Connected, events held until HQ answers the hello. */
  awaitingWelcome?: boolean;
}

/** What the edge does with down messages the link does not handle itself. */
export type DownHandler = (env: AnyEnvelope) => void;

export interface HqLinkOptions {
  creds: LinkCredentials;
  config: EdgeConfig["link"];
  outbox: Outbox;
  replica: CatalogReplica;
  clock: Clock;
  status: () => Omit<StoreStatus, "state" | "at">;
  onDown: DownHandler;
  onCatalogApplied?: (version: number) => void;
  /** The connect handshake (outbox/resync.ts); without it events are sent at once, as before. */
  resync?: EdgeResync;
  /** HQ found this database behind, parted from what it holds, or a new instance. */
  onResync?: (record: ResyncRecord) => void;
  log?: (msg: string) => void;
}

export class HqLink {
  private client: MqttClient | undefined;
  private stopped = false;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private ackTimer: ReturnType<typeof setInterval> | undefined;
  private statusTimer: ReturnType<typeof setInterval> | undefined;
  /** Events are held after a connect until HQ's welcome (handshake.ts). */
  private readonly handshake: Handshake;
  private readonly sender: OutboxSender;
  private readonly catalog: CatalogFetch;
  private lastStatusJson = "";
  private lastStatusAt = 0;
  private readonly stateInfo: LinkState;
  private readonly log: (msg: string) => void;
  private readonly deadLetters: DeadLetters;

  constructor(private readonly o: HqLinkOptions) {
    this.log = o.log ?? (() => {});
    this.deadLetters = new DeadLetters(() => o.clock.now(), this.log);
    this.sender = new OutboxSender({
      outbox: o.outbox,
      config: o.config,
      topic: () => upTopic(this.o.creds.storeId, "events"),
      channel: () => (this.online && !this.handshake.awaiting ? this.client : undefined),
      onError: (message) => {
        this.stateInfo.lastError = message;
      },
      log: this.log,
    });
    this.handshake = new Handshake({
      ...(o.resync ? { resync: o.resync } : {}),
      helloTimeoutMs: o.config.helloTimeoutMs,
      storeId: () => this.o.creds.storeId,
      current: (client) => this.client === client && this.online,
      open: (welcomed) => {
        if (welcomed) {
          this.sender.restart();
          this.publishStatus(true);
        }
        this.sender.pump();
      },
      ...(o.onResync ? { onResync: o.onResync } : {}),
      log: this.log,
    });
    this.catalog = new CatalogFetch({
      replica: o.replica,
      clock: o.clock,
      pageTimeoutMs: o.config.pageTimeoutMs,
      send: (type: "catalog.fetch" | "catalog.applied", payload: Payload<typeof type>) =>
        this.send(type, "catalog", payload),
      stopped: () => this.stopped,
      ...(o.onCatalogApplied ? { onCatalogApplied: o.onCatalogApplied } : {}),
      log: this.log,
    });
    this.stateInfo = {
      state: "connecting",
      since: new Date(o.clock.now()).toISOString(),
      attempt: 0,
      sentUpTo: 0,
      deadLetters: 0,
    };
  }

  get state(): LinkState {
    return {
      ...this.stateInfo,
      sentUpTo: this.sender.sentUpTo,
      deadLetters: this.deadLetters.count,
      ...(this.handshake.awaiting ? { awaitingWelcome: true } : {}),
    };
  }

  get online(): boolean {
    return this.stateInfo.state === "online";
  }

  start(): void {
    this.connect();
    this.ackTimer = setInterval(
      () => this.sender.checkAckTimeout(),
      Math.min(1000, this.o.config.ackTimeoutMs),
    );
    this.statusTimer = setInterval(() => this.publishStatus(false), this.o.config.statusMinIntervalMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.ackTimer);
    clearInterval(this.statusTimer);
    this.catalog.stop();
    this.handshake.stop();
    const c = this.client;
    this.client = undefined;
    // A PUBACK that never comes (HQ vanished a moment ago) must not hold up a shutdown.
    const bounded = (p: Promise<unknown>) => Promise.race([p.catch(() => {}), Bun.sleep(1000)]);
    if (c?.connected) {
      // A clean goodbye: say offline ourselves (the will only fires on an unclean drop).
      await bounded(
        c.publishAsync(upTopic(this.o.creds.storeId, "status"), this.statusPayload("offline"), {
          qos: 1,
          retain: true,
        }),
      );
    }
    if (c) await bounded(c.endAsync(true));
  }

  /**
   * HQ rotated the store's password, or the store renewed its certificate (the caller has
   * already stored it durably): the session is closed cleanly and opened again with the new one
   * at once. Nothing of the outbox is touched; what HQ has not acked is resent after the
   * reconnect as after any other.
   */
  async reconnectWith(change: Partial<Pick<LinkCredentials, "password" | "tls">>): Promise<void> {
    this.o.creds = { ...this.o.creds, ...change };
    if (this.stopped) return;
    const c = this.client;
    // Unhooked first, so its close does not schedule a second connect.
    this.client = undefined;
    clearTimeout(this.retryTimer);
    this.setState("connecting");
    // The old session ends before the new one starts: two at once would look like a takeover.
    if (c) await Promise.race([c.endAsync(false).catch(() => {}), Bun.sleep(2000)]);
    if (c && !c.disconnected) await Promise.race([c.endAsync(true).catch(() => {}), Bun.sleep(1000)]);
    this.connect();
  }

  private setState(state: LinkState["state"], error?: string): void {
    if (this.stateInfo.state !== state) {
      this.stateInfo.state = state;
      this.stateInfo.since = new Date(this.o.clock.now()).toISOString();
    }
    if (error) this.stateInfo.lastError = error;
  }

  private statusPayload(state: "online" | "offline"): string {
    const env = makeEnvelope(
      "store.status",
      { state, ...this.o.status(), at: new Date(this.o.clock.now()).toISOString() },
      { storeId: this.o.creds.storeId },
    );
    return encodeEnvelope(env);
  }

  private connect(): void {
    if (this.stopped) return;
    const { creds } = this.o;
    this.setState(this.stateInfo.state === "online" ? "offline" : this.stateInfo.state);
    const client = mqtt.connect(creds.url, {
      clientId: creds.clientId,
      username: creds.username,
      password: creds.password,
      clean: true,
      reconnectPeriod: 0, // our own backoff with jitter
      connectTimeout: 10_000,
      keepalive: 30,
      ...mqttTlsOptions(creds.tls),
      will: {
        topic: upTopic(creds.storeId, "status"),
        payload: Buffer.from(this.statusPayload("offline")),
        qos: 1,
        retain: true,
      },
    });
    this.client = client;
    let closed = false;
    client.on("connect", () => void this.onConnected(client));
    client.on("message", (topic, payload) => this.onMessage(topic, payload));
    client.on("error", (e) => {
      this.stateInfo.lastError = e.message;
    });
    client.on("close", () => {
      if (closed) return;
      closed = true;
      if (this.client !== client) return;
      this.setState("offline");
      client.removeAllListeners("message");
      client.end(true);
      this.scheduleReconnect();
    });
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    const delay = backoffDelay(
      this.attempt++,
      Math.random(),
      this.o.config.backoffBaseMs,
      this.o.config.backoffCapMs,
    );
    this.stateInfo.attempt = this.attempt;
    this.stateInfo.nextAttemptAt = new Date(this.o.clock.now() + delay).toISOString();
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  private async onConnected(client: MqttClient): Promise<void> {
    try {
      await client.subscribeAsync(storeSubscriptions(this.o.creds.storeId), { qos: 1 });
    } catch (e) {
      this.stateInfo.lastError = `subscribe: ${(e as Error).message}`;
      client.end(true);
      return;
    }
    if (this.client !== client) return;
    this.attempt = 0;
    this.stateInfo.attempt = 0;
    delete this.stateInfo.nextAttemptAt;
    this.setState("online");
    // Everything above HQ's ack is resent after every (re)connect.
    this.sender.restart();
    this.publishStatus(true);
    this.handshake.say(client);
    this.sender.pump();
    // The retained pointer arrives through the subscription; ask anyway in case a fetch was
    // in flight when the link dropped.
    this.requestCatalog();
  }

  /** Called after any commit that appended to the outbox. */
  notify(): void {
    this.sender.pump();
  }

  /** Publishes the retained status if it changed (or when forced). */
  publishStatus(force: boolean): void {
    const client = this.client;
    if (!this.online || !client) return;
    const body = JSON.stringify(this.o.status());
    // Intervals run on the monotonic clock; the store's clock only stamps business events.
    const now = performance.now();
    if (
      !force &&
      (body === this.lastStatusJson || now - this.lastStatusAt < this.o.config.statusMinIntervalMs)
    )
      return;
    this.lastStatusJson = body;
    this.lastStatusAt = now;
    client.publish(upTopic(this.o.creds.storeId, "status"), this.statusPayload("online"), {
      qos: 1,
      retain: true,
    });
  }

  /** Publishes a non-ledger message (catalog.fetch, catalog.applied, stock.query). */
  send<T extends MessageType>(
    type: T,
    channel: "catalog" | "query" | "telemetry" | "status",
    payload: Payload<T>,
  ): boolean {
    const client = this.client;
    if (!this.online || !client) return false;
    const env = makeEnvelope(type, payload, { storeId: this.o.creds.storeId });
    client.publish(upTopic(this.o.creds.storeId, channel), encodeEnvelope(env as Envelope), { qos: 1 });
    return true;
  }

  private onMessage(topic: string, payload: Buffer): void {
    const down = readDown(topic, payload, this.o.creds.storeId);
    if (!down) return;
    if ("refused" in down) {
      this.deadLetters.add(topic, down.refused);
      return;
    }
    try {
      this.handle(down.env);
    } catch (e) {
      this.deadLetters.add(topic, `${down.env.type}: ${(e as Error).message}`);
    }
  }

  private handle(env: AnyEnvelope): void {
    switch (env.type) {
      case "events.ack": {
        // Before the welcome an ack may name seqs this database is about to move: ignored
        // (the welcome carries HQ's head).
        if (this.handshake.awaiting) return;
        this.sender.acked(env.payload);
        return;
      }
      case "edge.welcome":
        this.handshake.welcome(env.payload, () => this.client?.end(true));
        return;
      case "catalog.pointer":
        this.catalog.pointer(env.payload);
        return;
      case "catalog.changeset":
        this.catalog.page(env.payload);
        return;
      case "command":
        if (env.payload.name === "resend_events") {
          if (this.handshake.awaiting) return; // everything unacked goes after the welcome anyway
          const from = Number(env.payload.args.fromSeq ?? 1);
          if (!Number.isSafeInteger(from) || from < 1) throw new Error(`resend_events: bad fromSeq ${from}`);
          // With toSeq: HQ confirms events it committed ahead of a gap (a replay, not a gap).
          const to = env.payload.args.toSeq;
          if (to !== undefined) {
            if (typeof to !== "number" || !Number.isSafeInteger(to) || to < from || to - from > 2000)
              throw new Error(`resend_events: bad toSeq ${to}`);
            this.sender.replayRange(from, to);
            return;
          }
          this.sender.resend(from);
          return;
        }
        if (env.payload.name === "publish_status") {
          this.publishStatus(true);
          return;
        }
        this.o.onDown(env);
        return;
      default:
        this.o.onDown(env);
    }
  }

  /** Applies a complete staged version, then asks for whatever is next (catalog-fetch.ts). */
  requestCatalog(): void {
    this.catalog.request();
  }

  /** Forget the replica's version so the next fetch brings a snapshot (command resync_catalog). */
  resyncCatalog(): void {
    this.catalog.resync();
  }
}
