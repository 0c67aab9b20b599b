// The store's one connection to HQ over MQTT: publishes the outbox (gapless, in order, several
// events per message while a backlog drains, resent after every reconnect until HQ acks),
// keeps the retained store.status with an offline last-will, follows the catalog pointer and
// fetches change-set pages, and hands the other down messages to the edge. Selling never waits
// for any of this: the link only reads what the sale transactions already committed.
import {
  type AnyEnvelope,
  type EdgeHello,
  type Envelope,
  encodeEnvelope,
  gunzipItems,
  MAX_MQTT_PAYLOAD_BYTES,
  MessageError,
  type MessageType,
  makeEnvelope,
  type Payload,
  parseTopic,
  type StoreStatus,
  storeSubscriptions,
  upTopic,
  validateEnvelope,
} from "@retail/protocol";
import mqtt, { type MqttClient } from "mqtt";
import { type CollectTarget, nextFetch } from "../catalog/changeset.ts";
import type { CatalogReplica } from "../catalog/replica.ts";
import type { Clock } from "../clock.ts";
import type { EdgeConfig } from "../config.ts";
import { batchEnvelopes, type Outbox } from "../outbox/outbox.ts";
import type { EdgeResync, ResyncRecord } from "../outbox/resync.ts";
import { backoffDelay } from "./backoff.ts";

export interface LinkCredentials {
  storeId: string;
  url: string;
  username: string;
  password: string;
  clientId: string;
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

// A batch leaves room under the payload limit for the array brackets and MQTT headers.
const BATCH_BYTES = MAX_MQTT_PAYLOAD_BYTES - 4096;

export class HqLink {
  private client: MqttClient | undefined;
  private stopped = false;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private ackTimer: ReturnType<typeof setInterval> | undefined;
  private pageTimer: ReturnType<typeof setTimeout> | undefined;
  private statusTimer: ReturnType<typeof setInterval> | undefined;
  private helloTimer: ReturnType<typeof setTimeout> | undefined;
  /** The hello of this connection while HQ's welcome is awaited: no event is sent meanwhile. */
  private hello: EdgeHello | undefined;
  private sentUpTo = 0;
  /** The highest seq ever handed to the broker by this process (acks are capped at it). */
  private attemptedUpTo: number;
  private lastAckProgressAt = 0;
  private pumping = false;
  private pumpAgain = false;
  private lastStatusJson = "";
  private lastStatusAt = 0;
  private readonly stateInfo: LinkState;
  private readonly log: (msg: string) => void;
  private readonly deadLetters: { at: string; topic: string; reason: string }[] = [];

  constructor(private readonly o: HqLinkOptions) {
    this.log = o.log ?? (() => {});
    this.attemptedUpTo = o.outbox.ackedUpTo;
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
      sentUpTo: this.sentUpTo,
      deadLetters: this.deadLetters.length,
      ...(this.hello ? { awaitingWelcome: true } : {}),
    };
  }

  get online(): boolean {
    return this.stateInfo.state === "online";
  }

  start(): void {
    this.connect();
    this.ackTimer = setInterval(() => this.checkAckTimeout(), Math.min(1000, this.o.config.ackTimeoutMs));
    this.statusTimer = setInterval(() => this.publishStatus(false), this.o.config.statusMinIntervalMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.ackTimer);
    clearInterval(this.statusTimer);
    clearTimeout(this.pageTimer);
    clearTimeout(this.helloTimer);
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
   * HQ rotated the store's password (the caller has already stored it durably): the session
   * is closed cleanly and opened again with the new one at once. Nothing of the outbox is
   * touched; what HQ has not acked is resent after the reconnect as after any other.
   */
  async reconnectWith(password: string): Promise<void> {
    this.o.creds = { ...this.o.creds, password };
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
    this.sentUpTo = this.o.outbox.ackedUpTo;
    this.lastAckProgressAt = performance.now();
    this.publishStatus(true);
    this.sayHello(client);
    this.pump();
    // The retained pointer arrives through the subscription; ask anyway in case a fetch was
    // in flight when the link dropped.
    this.requestCatalog();
  }

  /**
   * Events wait for HQ's welcome: a restored or fresh database must learn first which of its
   * seqs HQ already holds. A hub that does not answer (older than the handshake) gets them
   * after helloTimeoutMs, as before.
   */
  private sayHello(client: MqttClient): void {
    const resync = this.o.resync;
    clearTimeout(this.helloTimer);
    this.hello = undefined;
    if (!resync) return;
    const hello = resync.hello();
    this.hello = hello;
    const env = makeEnvelope("edge.hello", hello, { storeId: this.o.creds.storeId });
    client.publish(upTopic(this.o.creds.storeId, "query"), encodeEnvelope(env as Envelope), { qos: 1 });
    this.helloTimer = setTimeout(() => {
      if (this.hello !== hello) return;
      if (resync.hqSpeaksHello) {
        // A lost hello or welcome, or HQ restarting: sending now could reuse seqs HQ holds.
        this.log(`HQ did not answer the hello in ${this.o.config.helloTimeoutMs} ms: saying it again`);
        if (this.client === client && this.online) this.sayHello(client);
        return;
      }
      this.log(
        `HQ did not answer the hello in ${this.o.config.helloTimeoutMs} ms: sending events without it`,
      );
      this.hello = undefined;
      this.pump();
    }, this.o.config.helloTimeoutMs);
  }

  /** Called after any commit that appended to the outbox. */
  notify(): void {
    this.pump();
  }

  private pump(): void {
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
    while (this.online && this.client && !this.hello) {
      const acked = outbox.ackedUpTo;
      if (this.sentUpTo < acked) this.sentUpTo = acked;
      const room = config.windowEvents - (this.sentUpTo - acked);
      if (room <= 0) return;
      const rows = outbox.pending(this.sentUpTo + 1, Math.min(room, 2000));
      if (rows.length === 0) return;
      const client = this.client;
      this.attemptedUpTo = Math.max(this.attemptedUpTo, rows[rows.length - 1]!.seq);
      for (const batch of batchEnvelopes(
        rows.map((r) => r.envelope),
        BATCH_BYTES,
      )) {
        try {
          await client.publishAsync(upTopic(this.o.creds.storeId, "events"), batch, { qos: 1 });
        } catch (e) {
          this.stateInfo.lastError = `publish: ${(e as Error).message}`;
          return; // the close handler reconnects; unacked events are resent then
        }
        if (this.client !== client) return;
      }
      if (this.sentUpTo === this.o.outbox.ackedUpTo) this.lastAckProgressAt = performance.now();
      this.sentUpTo = rows[rows.length - 1]!.seq;
    }
  }

  /**
   * HQ asked for events again from `from`, including ones it acked before (it may have been
   * restored from a backup): the outbox keeps every event, and HQ ignores the duplicates.
   */
  private async replay(from: number): Promise<void> {
    const upTo = this.o.outbox.ackedUpTo;
    for (let seq = from; seq <= upTo && this.online && this.client && !this.hello; ) {
      const rows = this.o.outbox.range(seq, upTo, 2000);
      if (rows.length === 0) return;
      const client = this.client;
      for (const batch of batchEnvelopes(
        rows.map((r) => r.envelope),
        BATCH_BYTES,
      )) {
        await client.publishAsync(upTopic(this.o.creds.storeId, "events"), batch, { qos: 1 }).catch(() => {});
      }
      seq = rows[rows.length - 1]!.seq + 1;
    }
  }

  private checkAckTimeout(): void {
    if (!this.online || this.hello) return;
    const acked = this.o.outbox.ackedUpTo;
    if (this.sentUpTo > acked && performance.now() - this.lastAckProgressAt > this.o.config.ackTimeoutMs) {
      this.log(`no ack above ${acked} for ${this.o.config.ackTimeoutMs} ms: resending`);
      this.sentUpTo = acked;
      this.lastAckProgressAt = performance.now();
      this.pump();
    }
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
    channel: "catalog" | "query" | "telemetry",
    payload: Payload<T>,
  ): boolean {
    const client = this.client;
    if (!this.online || !client) return false;
    const env = makeEnvelope(type, payload, { storeId: this.o.creds.storeId });
    client.publish(upTopic(this.o.creds.storeId, channel), encodeEnvelope(env as Envelope), { qos: 1 });
    return true;
  }

  private onMessage(topic: string, payload: Buffer): void {
    const t = parseTopic(topic);
    if (!t || t.direction === "up") return;
    let env: AnyEnvelope;
    try {
      if (payload.byteLength > MAX_MQTT_PAYLOAD_BYTES)
        throw new MessageError("too_large", "", `${payload.byteLength} bytes`);
      // Change-set pages may be up to 512 KiB, above the single-envelope limit, so the size
      // is checked against the payload limit and the rest by the schema.
      env = validateEnvelope(JSON.parse(payload.toString("utf8")));
    } catch (e) {
      this.deadLetter(topic, (e as Error).message);
      return;
    }
    if (env.storeId !== this.o.creds.storeId && env.storeId !== "*") {
      this.deadLetter(topic, `addressed to ${env.storeId}`);
      return;
    }
    try {
      this.handle(env);
    } catch (e) {
      this.deadLetter(topic, `${env.type}: ${(e as Error).message}`);
    }
  }

  private deadLetter(topic: string, reason: string): void {
    this.log(`dropped message on ${topic}: ${reason}`);
    this.deadLetters.push({ at: new Date(this.o.clock.now()).toISOString(), topic, reason });
    if (this.deadLetters.length > 100) this.deadLetters.shift();
  }

  private handle(env: AnyEnvelope): void {
    switch (env.type) {
      case "events.ack": {
        // Before the welcome an ack may name seqs this database is about to move: ignored
        // (the welcome carries HQ's head).
        if (this.hello) return;
        // Only what this link has handed to the broker can be ours: HQ's upToSeq may count a
        // seq it got from another sender with our credentials (a forged event) before ours.
        // Held seqs (conflicts at HQ) stay undelivered and are not resent: pending() starts
        // above the cursor, so they wait for the ack that no longer lists them.
        const out = this.o.outbox.acknowledge(env.payload, this.attemptedUpTo);
        if (out.changed) this.lastAckProgressAt = performance.now();
        if (out.resendFrom !== undefined) {
          this.log(`HQ committed another event at seq ${out.resendFrom}: sending ours again`);
          this.sentUpTo = Math.min(this.sentUpTo, out.resendFrom - 1);
        }
        const gap = env.payload.missing[0];
        if (gap && gap.from - 1 < this.sentUpTo)
          this.sentUpTo = Math.max(this.o.outbox.ackedUpTo, gap.from - 1);
        this.pump();
        return;
      }
      case "edge.welcome": {
        const hello = this.hello;
        const resync = this.o.resync;
        if (!hello || !resync || env.payload.helloId !== hello.helloId) {
          this.log("welcome for an earlier hello ignored");
          return;
        }
        let result: ReturnType<EdgeResync["welcome"]>;
        try {
          result = resync.welcome(hello, env.payload);
        } catch (e) {
          // Events stay held; the next connection says hello again.
          this.log(`welcome not applied: ${(e as Error).message}`);
          this.client?.end(true);
          return;
        }
        clearTimeout(this.helloTimer);
        this.hello = undefined;
        const { plan, record } = result;
        if (record) {
          this.log(
            `HQ holds seqs up to ${env.payload.maxSeq} for this store (${record.kind}): ${record.moved} event(s) from seq ${plan.newFrom} moved up by ${plan.shift}`,
          );
          this.o.onResync?.(record);
        }
        this.sentUpTo = this.o.outbox.ackedUpTo;
        this.lastAckProgressAt = performance.now();
        this.publishStatus(true);
        this.pump();
        return;
      }
      case "catalog.pointer":
        this.o.replica.setPointer(env.payload);
        this.requestCatalog();
        return;
      case "catalog.changeset": {
        const replica = this.o.replica;
        // A compressed page (we fetch with accept: gzip) is decoded and validated here, so
        // staging only ever sees plain items.
        const { itemsGzip, ...rest } = env.payload;
        const page = itemsGzip === undefined ? env.payload : { ...rest, items: gunzipItems(itemsGzip) };
        let verdict = replica.stage(page);
        if (!verdict.stage && replica.target()) {
          // A page for a different next version than the staged one (HQ raised its snapshot
          // floor while we were away): drop the stale pages and start over with this one.
          replica.clearStaging();
          verdict = replica.stage(page);
        }
        if (!verdict.stage) this.log(`catalog page ignored: ${verdict.reason}`);
        this.requestCatalog();
        return;
      }
      case "command":
        if (env.payload.name === "resend_events") {
          if (this.hello) return; // everything unacked goes after the welcome anyway
          const from = Number(env.payload.args.fromSeq ?? 1);
          if (!Number.isSafeInteger(from) || from < 1) throw new Error(`resend_events: bad fromSeq ${from}`);
          void this.replay(from);
          this.sentUpTo = Math.max(this.o.outbox.ackedUpTo, Math.min(this.sentUpTo, from - 1));
          this.pump();
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

  /** Applies a complete staged version, then asks for whatever is next. */
  requestCatalog(): void {
    const replica = this.o.replica;
    // A version being applied in steps: this is called again when it is in.
    if (replica.busy) return;
    if (replica.isComplete()) {
      clearTimeout(this.pageTimer);
      replica.applyStagedInSteps().then(
        (applied) => {
          if (applied) {
            this.log(
              `catalog ${applied.kind} ${applied.version} applied (${applied.itemCount ?? applied.items.length} items)`,
            );
            this.send("catalog.applied", "catalog", {
              version: applied.version,
              appliedAt: new Date(this.o.clock.now()).toISOString(),
            });
            this.o.onCatalogApplied?.(applied.version);
          }
          if (!this.stopped) this.requestCatalog();
        },
        (err) => {
          this.log(`catalog apply failed: ${(err as Error).message}`);
          // Tried again later, like a lost page.
          if (!this.stopped)
            this.pageTimer = setTimeout(() => this.requestCatalog(), this.o.config.pageTimeoutMs);
        },
      );
      return;
    }
    const target: CollectTarget | undefined = replica.target();
    const req = nextFetch(replica.applied, replica.pointer(), target);
    clearTimeout(this.pageTimer);
    if (!req) return;
    if (!this.send("catalog.fetch", "catalog", { ...req, accept: ["gzip"] })) return;
    // A lost page is simply asked for again.
    this.pageTimer = setTimeout(() => this.requestCatalog(), this.o.config.pageTimeoutMs);
  }

  /** Forget the replica's version so the next fetch brings a snapshot (command resync_catalog). */
  resyncCatalog(): void {
    this.o.replica.clearStaging();
    this.requestCatalog();
  }
}
