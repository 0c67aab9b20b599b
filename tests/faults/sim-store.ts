// A light store simulator: many simulated stores in one process, each a real MQTT client with
// its own enrollment credentials, speaking the edge's protocol (docs/sync.md): on every connect
// it subscribes to its down topics, publishes its retained status (with an offline will), says
// edge.hello and holds its events until HQ's edge.welcome, then sends its outbox above HQ's ack
// in seq order as JSON arrays of envelopes (a window in flight); only HQ's events.ack moves the
// cursor (the broker's PUBACK proves nothing), a gap or an ack timeout sends again from the ack.
// It follows the catalog pointer (fetches every page, says catalog.applied) without keeping the
// items. No SQLite, no HTTP lanes: the reconnect storm and the 10,000-store bench need thousands.
import {
  type AnyEnvelope,
  type CatalogChangeSet,
  downTopic,
  makeEnvelope,
  parseEnvelope,
  priceBasket,
  storeSubscriptions,
  upTopic,
} from "@retail/protocol";
import mqtt, { type MqttClient } from "mqtt";

export interface SimCred {
  storeId: string;
  mqtt: { url: string; username: string; password: string; clientId: string };
}

export interface SimOptions {
  skus: { sku: string; price: number }[];
  /** Events in flight above HQ's ack at most (the edge's windowEvents). */
  windowEvents?: number;
  /** Envelopes per MQTT message at most. */
  batch?: number;
  /** Resend from the ack when HQ acked nothing new for this long while events are out. */
  ackTimeoutMs?: number;
  /**
   * An unanswered hello is said again after this long: the edge's helloTimeoutMs (20 s by default,
   * store-edge/src/config.ts). Saying it every second, as this simulator did, made a welcome that
   * took over a second never match the newest hello, so at 300 stores none was ever welcomed.
   */
  helloTimeoutMs?: number;
  /** Follow the catalog pointer (fetch pages, say applied). Default true. */
  followCatalog?: boolean;
  /** Override the broker URL from the enrollment (e.g. a proxy). */
  url?: string;
}

interface Pending {
  seq: number;
  id: string;
  text: string;
  /** When the event was made (for the ack latency). */
  madeAt: number;
  /** When it was first handed to the broker, and when the broker's PUBACK came. */
  sentAt?: number;
  pubackAt?: number;
}

export class SimStore {
  readonly storeId: string;
  client?: MqttClient;
  online = false;
  /** The last seq made, HQ's ack, the highest seq sent on this connection. */
  seq = 0;
  acked = 0;
  private sentUpTo = 0;
  private readonly outbox = new Map<number, Pending>();
  /** Every event ever made (seq -> event id, sale id): what HQ must hold after the drain. */
  readonly made = new Map<number, { id: string; saleId: string }>();
  private readonly instanceId = crypto.randomUUID();
  private hello?: { helloId: string };
  private helloAt = 0;
  private lastAckProgress = 0;
  private receipt = 0;
  applied = 0;
  pointer = 0;
  private pages = new Map<number, CatalogChangeSet>();
  /** When each catalog version was first seen in a pointer, and when it was applied. */
  readonly pointerAt = new Map<number, number>();
  readonly appliedAt = new Map<number, number>();
  /** HQ ack latency (made -> acked) and broker PUBACK latency (sent -> PUBACK), ms. */
  readonly ackMs: number[] = [];
  readonly pubackMs: number[] = [];
  /** Protocol surprises (a welcome that says HQ holds other events, a parse failure). */
  readonly errors: string[] = [];
  connects = 0;
  welcomes = 0;
  private timer?: ReturnType<typeof setInterval>;

  constructor(
    readonly cred: SimCred,
    private readonly o: SimOptions,
  ) {
    this.storeId = cred.storeId;
  }

  /** One sale.completed (3 lines, priced by the protocol's engine) appended to the outbox. */
  sell(now = Date.now()): void {
    const skus = this.o.skus;
    const seq = this.seq + 1;
    const lines = Array.from({ length: 3 }, (_, i) => {
      const p = skus[(seq * 7 + i * 13) % skus.length]!;
      return {
        lineId: `l${i + 1}`,
        sku: p.sku,
        category: "1001",
        unitPrice: p.price,
        qty: 1 + (i % 2),
        taxRate: 13,
      };
    });
    const at = new Date(now).toISOString();
    const priced = priceBasket({ at, storeId: this.storeId, lines, promotions: [] });
    const saleId = crypto.randomUUID();
    const env = makeEnvelope(
      "sale.completed",
      {
        saleId,
        receiptNo: `RC-${this.storeId}-01-${at.slice(0, 10).replaceAll("-", "")}-${String(++this.receipt).padStart(4, "0")}`,
        laneId: "1",
        cashierId: "1001",
        shiftId: `shift-${this.storeId}`,
        businessDay: at.slice(0, 10),
        training: false,
        catalogVersion: this.applied,
        coupons: [],
        lines: priced.lines.map((l, i) => ({
          ...l,
          sku: lines[i]!.sku,
          name: `商品 ${lines[i]!.sku}`,
          category: "1001",
          qty: lines[i]!.qty,
          weighed: false,
          unitPrice: lines[i]!.unitPrice,
          taxRate: 13 as const,
          priceVersion: this.applied,
        })),
        totals: priced.totals,
        applied: [],
        tenders: [{ kind: "wechat", amount: priced.totals.net, reference: `wx-${this.storeId}-${seq}` }],
        completedAt: at,
      },
      { storeId: this.storeId, seq },
    );
    this.seq = seq;
    this.outbox.set(seq, { seq, id: env.id, text: JSON.stringify(env), madeAt: now });
    this.made.set(seq, { id: env.id, saleId });
    this.pump();
  }

  get backlog(): number {
    return this.seq - this.acked;
  }

  /** Connects (once; reconnecting is the caller's: `connect` again after `drop`). */
  async connect(connectTimeout = 60_000): Promise<void> {
    const c = this.cred.mqtt;
    const client = mqtt.connect(this.o.url ?? c.url, {
      clientId: c.clientId,
      username: c.username,
      password: c.password,
      protocolVersion: 4,
      clean: true,
      reconnectPeriod: 0,
      connectTimeout,
      keepalive: 30,
      will: {
        topic: upTopic(this.storeId, "status"),
        payload: Buffer.from(this.status("offline")),
        qos: 1,
        retain: true,
      },
    });
    // Listeners first: a connack timeout or a refusal is this connect's failure, never an
    // unhandled error event.
    client.on("error", () => {});
    await new Promise<void>((res, rej) => {
      client.once("connect", () => res());
      client.once("error", (e) => rej(e));
      client.once("close", () => rej(new Error("closed before CONNACK")));
    }).catch((e: Error) => {
      client.end(true);
      throw e;
    });
    this.client = client;
    this.connects++;
    client.on("message", (topic, payload) => this.onMessage(topic, payload));
    client.on("close", () => {
      if (this.client === client) this.online = false;
    });
    await client.subscribeAsync(storeSubscriptions(this.storeId), { qos: 1 });
    this.online = true;
    this.sentUpTo = this.acked;
    client.publish(upTopic(this.storeId, "status"), this.status("online"), { qos: 1, retain: true });
    this.sayHello();
    clearInterval(this.timer);
    this.timer = setInterval(() => this.tick(), 1000);
  }

  /** The link drops (as a killed hub or a cut WAN does): no goodbye, the will fires. */
  drop(): void {
    clearInterval(this.timer);
    this.online = false;
    this.hello = undefined;
    const c = this.client;
    this.client = undefined;
    c?.end(true);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    const c = this.client;
    this.client = undefined;
    this.online = false;
    if (c) await Promise.race([c.endAsync(true).catch(() => {}), Bun.sleep(1000)]);
  }

  private status(state: "online" | "offline"): string {
    const env = makeEnvelope(
      "store.status",
      {
        state,
        appVersion: "sim-0.1.0",
        catalogVersion: this.applied,
        outboxBacklog: this.seq - this.acked,
        lastSeq: this.seq,
        devices: [],
        at: new Date().toISOString(),
      },
      { storeId: this.storeId },
    );
    return JSON.stringify(env);
  }

  private sayHello(): void {
    const first = this.outbox.get(this.acked + 1);
    const hello = {
      helloId: crypto.randomUUID(),
      instanceId: this.instanceId,
      lastSeq: this.seq,
      ackedUpTo: this.acked,
      boots: first ? [{ firstSeq: first.seq, eventId: first.id }] : [],
    };
    this.hello = hello;
    this.helloAt = Date.now();
    this.client?.publish(
      upTopic(this.storeId, "query"),
      JSON.stringify(makeEnvelope("edge.hello", hello, { storeId: this.storeId })),
      { qos: 1 },
    );
  }

  private tick(): void {
    if (!this.online) return;
    if (this.hello) {
      // Unanswered: say it again, as the edge does after helloTimeoutMs.
      if (Date.now() - this.helloAt > (this.o.helloTimeoutMs ?? 20_000)) this.sayHello();
      return;
    }
    if (this.sentUpTo > this.acked && Date.now() - this.lastAckProgress > (this.o.ackTimeoutMs ?? 10_000)) {
      this.sentUpTo = this.acked;
      this.lastAckProgress = Date.now();
      this.pump();
    }
    if (this.pointer > this.applied && this.o.followCatalog !== false && Date.now() - this.lastPageAt > 5000)
      this.fetch(this.pages.size);
  }

  /** Sends what the window allows above the ack, in seq order. */
  private pump(): void {
    const client = this.client;
    if (!client || !this.online || this.hello) return;
    const window = this.o.windowEvents ?? 500;
    const batch = this.o.batch ?? 50;
    if (this.sentUpTo < this.acked) this.sentUpTo = this.acked;
    if (this.sentUpTo === this.acked) this.lastAckProgress = Date.now();
    while (this.sentUpTo < this.seq && this.sentUpTo - this.acked < window) {
      const parts: Pending[] = [];
      for (let q = this.sentUpTo + 1; q <= this.seq && parts.length < batch; q++)
        parts.push(this.outbox.get(q)!);
      const now = Date.now();
      for (const p of parts) p.sentAt ??= now;
      client.publish(
        upTopic(this.storeId, "events"),
        `[${parts.map((p) => p.text).join(",")}]`,
        { qos: 1 },
        (err) => {
          if (err) return;
          const t = Date.now();
          for (const p of parts)
            if (p.pubackAt === undefined && p.sentAt !== undefined) {
              p.pubackAt = t;
              this.pubackMs.push(t - p.sentAt);
            }
        },
      );
      this.sentUpTo = parts[parts.length - 1]!.seq;
    }
  }

  private lastPageAt = 0;

  private fetch(page: number): void {
    this.lastPageAt = Date.now();
    const snapshot = [...this.pages.values()][0];
    const env = makeEnvelope(
      "catalog.fetch",
      {
        fromVersion: this.applied,
        page,
        ...(snapshot?.kind === "snapshot" ? { snapshotVersion: snapshot.version } : {}),
        accept: ["gzip"],
      },
      { storeId: this.storeId },
    );
    this.client?.publish(upTopic(this.storeId, "catalog"), JSON.stringify(env), { qos: 1 });
  }

  private onMessage(topic: string, payload: Buffer): void {
    let env: AnyEnvelope;
    try {
      env = parseEnvelope(payload);
    } catch (e) {
      this.errors.push(`${topic}: ${(e as Error).message.slice(0, 200)}`);
      return;
    }
    switch (env.type) {
      case "edge.welcome": {
        const w = env.payload;
        if (!this.hello || w.helloId !== this.hello.helloId) return;
        if (w.boots.includes("other"))
          this.errors.push(`welcome: HQ holds another event at seq ${this.acked + 1} (head ${w.headSeq})`);
        this.hello = undefined;
        this.welcomes++;
        // HQ's head is an ack: every seq at or below it is held (a fresh instance moves nothing).
        this.ack(Math.min(w.headSeq, this.seq));
        this.sentUpTo = this.acked;
        this.pump();
        return;
      }
      case "events.ack": {
        this.ack(Math.min(env.payload.upToSeq, this.seq));
        const gap = env.payload.missing[0];
        if (gap && gap.from - 1 < this.sentUpTo) this.sentUpTo = Math.max(this.acked, gap.from - 1);
        this.pump();
        return;
      }
      case "catalog.pointer":
        if (topic !== downTopic(this.storeId, "pointer")) return;
        if (!this.pointerAt.has(env.payload.version)) this.pointerAt.set(env.payload.version, Date.now());
        this.pointer = Math.max(this.pointer, env.payload.version);
        if (this.o.followCatalog !== false && this.pointer > this.applied && this.pages.size === 0)
          this.fetch(0);
        return;
      case "catalog.changeset":
        if (this.o.followCatalog !== false) this.onPage(env.payload);
        return;
      default:
        return;
    }
  }

  private ack(upTo: number): void {
    if (upTo <= this.acked) return;
    const now = Date.now();
    for (let q = this.acked + 1; q <= upTo; q++) {
      const p = this.outbox.get(q);
      if (p) this.ackMs.push(now - p.madeAt);
      this.outbox.delete(q);
    }
    this.acked = upTo;
    this.lastAckProgress = now;
  }

  private onPage(cs: CatalogChangeSet): void {
    if (cs.kind === "delta" && cs.fromVersion !== this.applied) return;
    this.pages.set(cs.page, cs);
    if (this.pages.size < cs.pages) {
      this.fetch(this.pages.size);
      return;
    }
    // A light client does not keep the items; it proves it received every page.
    this.applied = cs.version;
    this.pages.clear();
    this.appliedAt.set(cs.version, Date.now());
    this.client?.publish(
      upTopic(this.storeId, "catalog"),
      JSON.stringify(
        makeEnvelope(
          "catalog.applied",
          { version: this.applied, appliedAt: new Date().toISOString() },
          { storeId: this.storeId },
        ),
      ),
      { qos: 1 },
    );
    if (this.pointer > this.applied) this.fetch(0);
  }
}

/** Percentile of a list (nearest rank). */
export function percentile(xs: readonly number[], p: number): number {
  if (!xs.length) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}
