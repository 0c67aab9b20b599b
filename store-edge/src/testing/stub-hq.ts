// A stand-in for HQ over a real MQTT broker (aedes on loopback): it takes event batches,
// "commits" them (in memory, exactly once by id, gapless by seq), publishes events.ack, keeps
// a retained catalog pointer and answers catalog.fetch with pages. Used where the test or
// bench is about the edge's side of docs/sync.md and the real hub would only add noise; the
// tests against the real hub process live in e2e.test.ts.
import { createServer, type Server } from "node:net";
import {
  type AnyEnvelope,
  type CatalogChangeSet,
  type ChangeItem,
  downTopic,
  encodeEnvelope,
  gzipItems,
  type MessageType,
  makeEnvelope,
  type Payload,
  parseEventBatch,
  parseTopic,
  validateEnvelope,
} from "@retail/protocol";
import { Aedes } from "aedes";
import { pagesOf } from "./fixtures.ts";

export interface StubVersion {
  version: number;
  items: ChangeItem[];
  effectiveAt?: string;
}

export class StubHq {
  readonly received = new Map<number, AnyEnvelope>();
  /** Every event as it arrived, duplicates included. */
  arrivals = 0;
  /** supply.query messages received (the till's forecast look-ups). */
  supplyQueries = 0;
  /** The seqs of each event message, in arrival order. */
  messages: number[][] = [];
  upTo = 0;
  acking = true;
  versions: StubVersion[] = [];
  snapshotFloor = 0;
  perPage = 5000;
  fetches: Payload<"catalog.fetch">[] = [];
  applied: number[] = [];
  statuses: Payload<"store.status">[] = [];
  sockets = new Set<import("node:net").Socket>();
  /** Drop the next N catalog.fetch requests (a lost page). */
  dropFetches = 0;
  /** Answer a fetch that accepts gzip with `itemsGzip` pages, as the hub does. */
  gzip = false;
  /** Answer edge.hello with edge.welcome, as the hub does (false: an older hub). */
  welcoming = true;
  hellos: Payload<"edge.hello">[] = [];
  /** Transfers the till asked for (transfer.request), one per request id. */
  transfers: (Payload<"transfer.request"> & { transferId: string })[] = [];
  /** What transfers.query answers (set by a test), and the till's ship/receive steps seen. */
  openTransfers: Payload<"transfers.reply">["transfers"] = [];
  steps: Payload<"transfer.step">[] = [];

  private constructor(
    readonly broker: Aedes,
    private readonly server: Server,
    readonly port: number,
    readonly storeId: string,
  ) {}

  static async start(storeId = "S001", port = 0): Promise<StubHq> {
    const broker = await Aedes.createBroker();
    const sockets = new Set<import("node:net").Socket>();
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      broker.handle(socket);
    });
    await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
    const addr = server.address();
    const hq = new StubHq(broker, server, typeof addr === "object" && addr ? addr.port : port, storeId);
    hq.sockets = sockets;
    await new Promise<void>((resolve) =>
      broker.subscribe(
        "retail/v1/s/+/up/+",
        (packet, cb) => {
          try {
            hq.onUp(packet.topic, Buffer.from(packet.payload as Buffer));
          } finally {
            cb();
          }
        },
        () => resolve(),
      ),
    );
    return hq;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  creds() {
    return {
      url: this.url,
      username: `store-${this.storeId}`,
      password: "pw",
      clientId: `store-${this.storeId}`,
    };
  }

  publish<T extends MessageType>(
    channel: Parameters<typeof downTopic>[1],
    type: T,
    payload: Payload<T>,
    retain = false,
  ) {
    const env = makeEnvelope(type, payload, { storeId: this.storeId });
    this.broker.publish(
      {
        cmd: "publish",
        topic: downTopic(this.storeId, channel),
        payload: Buffer.from(encodeEnvelope(env)),
        qos: 1,
        retain,
        dup: false,
      },
      () => {},
    );
  }

  ack(upToSeq = this.upTo, missing: { from: number; to: number }[] = []): void {
    this.publish("ack", "events.ack", { upToSeq, missing });
  }

  /** Releases a version: retained pointer to the newest. */
  release(v: StubVersion): void {
    this.versions.push(v);
    this.publish(
      "pointer",
      "catalog.pointer",
      { version: v.version, snapshotFloor: this.snapshotFloor },
      true,
    );
  }

  private onUp(topic: string, payload: Buffer): void {
    const t = parseTopic(topic);
    if (t?.direction !== "up") return;
    if (t.channel === "events") {
      const { events } = parseEventBatch(payload);
      this.messages.push(events.map((e) => e.seq));
      for (const e of events) {
        this.arrivals++;
        if (!this.received.has(e.seq)) this.received.set(e.seq, e);
      }
      while (this.received.has(this.upTo + 1)) this.upTo++;
      if (this.acking) this.ack();
      return;
    }
    const env = validateEnvelope(JSON.parse(payload.toString("utf8")));
    if (env.type === "store.status") this.statuses.push(env.payload);
    if (env.type === "catalog.applied") this.applied.push(env.payload.version);
    if (env.type === "edge.hello") {
      this.hellos.push(env.payload);
      if (this.welcoming) this.publish("reply", "edge.welcome", this.welcome(env.payload));
    }
    if (env.type === "stock.query")
      this.publish("reply", "stock.reply", {
        queryId: env.payload.queryId,
        sku: env.payload.sku,
        stores: [{ storeId: "S002", name: "二号店", onHand: 12, distanceKm: 3 }],
      });
    if (env.type === "transfer.request") {
      const p = env.payload;
      const known = this.transfers.find((t) => t.requestId === p.requestId);
      if (p.fromStoreId === this.storeId)
        this.publish("reply", "transfer.reply", {
          requestId: p.requestId,
          error: { code: "validation", field: "to", message: "a store cannot transfer to itself" },
        });
      else {
        const t = known ?? { ...p, transferId: `TR-STUB-${this.transfers.length + 1}` };
        if (!known) this.transfers.push(t);
        this.publish("reply", "transfer.reply", {
          requestId: p.requestId,
          transferId: t.transferId,
          status: "requested",
        });
      }
    }
    if (env.type === "transfers.query")
      this.publish("reply", "transfers.reply", {
        queryId: env.payload.queryId,
        transfers: this.openTransfers,
      });
    if (env.type === "transfer.step") {
      const p = env.payload;
      this.steps.push(p);
      const doc = this.openTransfers.find((t) => t.transferId === p.transferId);
      const mine = doc && (p.step === "ship" ? doc.direction === "out" : doc.direction === "in");
      this.publish(
        "reply",
        "transfer.reply",
        mine
          ? {
              requestId: p.requestId,
              transferId: p.transferId,
              status: p.step === "ship" ? "shipped" : "received",
            }
          : {
              requestId: p.requestId,
              transferId: p.transferId,
              error: {
                code: doc ? "forbidden" : "not_found",
                field: "transferId",
                message: `not this store's ${p.step}`,
              },
            },
      );
    }
    if (env.type === "supply.query") this.supplyQueries++;
    if (env.type === "supply.query")
      this.publish("reply", "supply.reply", {
        queryId: env.payload.queryId,
        sku: env.payload.sku,
        forecast: [
          { day: "2026-11-26", units: 6.4 },
          { day: "2026-11-27", units: 7.1 },
        ],
        transfers: this.transfers
          .filter((t) => t.sku === env.payload.sku)
          .map((t) => ({
            transferId: t.transferId,
            direction: "in" as const,
            otherStoreId: t.fromStoreId,
            status: "requested" as const,
            qty: t.qty,
            at: "2026-11-25T09:30:00.000Z",
          })),
      });
    if (env.type === "catalog.fetch") {
      this.fetches.push(env.payload);
      if (this.dropFetches > 0) {
        this.dropFetches--;
        return;
      }
      const gzip = this.gzip && env.payload.accept?.includes("gzip");
      for (const page of this.answer(env.payload)) {
        const { items, ...head } = page;
        this.publish(
          "catalog",
          "catalog.changeset",
          gzip ? { ...head, itemsGzip: gzipItems(items ?? []) } : page,
        );
      }
    }
  }

  /** Page `page` of the next version after fromVersion (or of a snapshot). */
  private answer(f: Payload<"catalog.fetch">): CatalogChangeSet[] {
    const latest = this.versions.at(-1)?.version ?? 0;
    if (f.fromVersion === 0 || f.fromVersion < this.snapshotFloor || f.snapshotVersion) {
      const at = f.snapshotVersion ?? latest;
      const all = new Map<string, ChangeItem>();
      for (const v of this.versions.filter((x) => x.version <= at))
        for (const item of v.items) {
          const key = `${item.entity}:${item.op === "delete" ? item.key : String(Object.values(item.data)[0])}`;
          if (item.op === "delete") all.delete(key);
          else all.set(key, item);
        }
      const pages = pagesOf("snapshot", at, f.fromVersion, [...all.values()], this.perPage);
      return pages.filter((p) => p.page === f.page);
    }
    const next = this.versions.find((v) => v.version > f.fromVersion);
    if (!next) return [];
    const pages = pagesOf("delta", next.version, f.fromVersion, next.items, this.perPage, next.effectiveAt);
    return pages.filter((p) => p.page === f.page);
  }

  /** What the hub answers (hq-hub/src/ingest/resync.ts), without listing lost seqs. */
  welcome(h: Payload<"edge.hello">): Payload<"edge.welcome"> {
    return {
      helloId: h.helloId,
      instanceId: h.instanceId,
      headSeq: this.upTo,
      maxSeq: Math.max(0, ...this.received.keys()),
      boots: h.boots.map((b) => {
        const e = this.received.get(b.firstSeq);
        return e ? (e.id === b.eventId ? "same" : "other") : "none";
      }),
    };
  }

  /** Seqs in the order first received. */
  seqs(): number[] {
    return [...this.received.keys()];
  }

  /** Goes away like a crashed HQ: connections are cut, the port is freed. */
  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
    await new Promise<void>((r) => this.broker.close(() => r()));
  }
}
