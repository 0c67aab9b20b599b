// The hub assembled: database, catalog, ingest, stock, fleet, the broker (embedded aedes or an
// external MQTT 5 broker) and the HTTP API. startHub() returns once everything listens.
import {
  type AnyEnvelope,
  downTopic,
  type EventsAck,
  MESSAGES,
  MessageError,
  type MessageType,
  makeEnvelope,
  type Payload,
  parseEnvelope,
  parseTopic,
  uuidv7,
} from "@retail/protocol";
import type { Bus } from "./broker/bus.ts";
import { startEmbeddedBroker } from "./broker/embedded.ts";
import { connectExternalBroker } from "./broker/external.ts";
import { type Catalog, createCatalog } from "./catalog/catalog.ts";
import { createImports, type Imports } from "./catalog/import.ts";
import { createMemberSync } from "./catalog/member-sync.ts";
import { type Completeness, createCompleteness } from "./completeness/completeness.ts";
import { type HubConfig, moneyCapsOf } from "./config.ts";
import { type Conflicts, createConflicts } from "./conflicts/conflicts.ts";
import { type Coupons, createCoupons } from "./coupons/coupons.ts";
import { crashPoint } from "./crash.ts";
import { createBatchedWrites } from "./db/batched-writes.ts";
import {
  type Drizzle,
  immediateTransactions,
  migrate,
  openDatabase,
  openDrizzle,
  type Sqlite,
} from "./db/open.ts";
import { createFinance, type Finance } from "./finance/finance.ts";
import { createFleet, type Fleet } from "./fleet/fleet.ts";
import { createPinAlerts } from "./fleet/pin-alerts.ts";
import { createApp } from "./http/app.ts";
import { createTokens, type Tokens } from "./http/auth.ts";
import { type BatchOutcome, createIngest } from "./ingest/ingest.ts";
import { createResync, type Resync } from "./ingest/resync.ts";
import { type IngestWorker, startIngestWorker } from "./ingest/worker-client.ts";
import { plantedBug, prematureAcks } from "./plant.ts";
import { createReplenishment, type Replenishment, type TillUpdate } from "./replenishment/orders.ts";
import { createReports, type Reports } from "./reports/reports.ts";
import { createSales, type Sales } from "./sales/sales.ts";
import { createStock, type Stock } from "./stock/stock.ts";
import { createSessionSecurity, type SessionSecurity } from "./stores/session-security.ts";
import { createStores, type Stores } from "./stores/stores.ts";
import { createSuppliers, type Suppliers } from "./suppliers/suppliers.ts";

export interface Hub {
  config: HubConfig;
  db: Sqlite;
  /** Drizzle over the same connection, for typed admin queries. */
  orm: Drizzle;
  http: { url: string; port: number };
  mqtt: { url: string };
  stores: Stores;
  catalog: Catalog;
  ingest: HubIngest;
  /** The connect handshake: restored, replaced and re-enrolled edges (fleet alerts, lost seqs). */
  resync: Resync;
  /** Conflicts held for a person: both versions, the three resolutions (conflicts/). */
  conflicts: Conflicts;
  /** The ingest Worker (undefined when ingest runs on the main thread). */
  ingestWorker?: IngestWorker;
  stock: Stock;
  sales: Sales;
  fleet: Fleet;
  /** Session takeover and enrollment alerts, credential rotation (stores/session-security.ts). */
  security: SessionSecurity;
  /** Sales and tender reports over the ingested tables. */
  reports: Reports;
  /** Double-entry vouchers per store and business day, period close. */
  finance: Finance;
  /** The stores' day digests against what HQ holds: per store-day complete, or what is missing. */
  completeness: Completeness;
  /** Coupons issued for promotions, their uses, "spent" sent down, double-use conflicts. */
  coupons: Coupons;
  tokens: Tokens;
  imports: Imports;
  suppliers: Suppliers;
  replenishment: Replenishment;
  /** Publishes what changes of purchase orders mean for the stores' tills (replenishment.status). */
  tellTills(updates: TillUpdate[]): Promise<void>;
  /** Sends the dirty member balances down as a change set released to every store. */
  syncMembers(actor: string): { changesetId: number; members: number } | undefined;
  /** Publishes an HQ -> store message on the store's down-topic. */
  send<T extends MessageType>(
    storeId: string,
    type: T,
    payload: Payload<T>,
    opts?: { retain?: boolean },
  ): Promise<void>;
  /** Counters for tests and the bench. */
  stats: {
    batches: number;
    /** Transactions of the events pipeline (batches / groups = messages per commit). */
    groups: number;
    applied: number;
    acks: number;
    pagesSent: number;
    errors: number;
  };
  stop(): Promise<void>;
}

/** What the API and the request handlers use of ingest, wherever it runs. */
export interface HubIngest {
  /** An admin fixes (optionally) and replays a dead letter; resolves after the commit. */
  replay(id: number, actor: string, fixedRaw?: string): Promise<BatchOutcome>;
  discard(id: number, actor: string): void;
  deadLetterRaw(
    storeId: string,
    topic: string,
    error: { message: string; field: string; code?: string },
    raw: string,
  ): void;
  ackFor(storeId: string): EventsAck;
  forgetReorderPoints(storeId: string): void;
}

/** How often the first uses of one-time coupons are sent down as "redeemed" (ms). */
const COUPON_SYNC_MS = 1000;

const CLOSE_BRACE = 0x7d; // "}"
/** How often the batch-built look-ups of ledger, sale lines and tenders catch up with ingest. */
const LOOKUP_CATCH_UP_MS = 1000;
/** How often purchase orders are matched with the deliveries the stores confirmed. */
const RECEIPT_REFRESH_MS = 2000;
const ACK_V = MESSAGES["events.ack"].v;

export interface StartOptions {
  now?: () => Date;
  log?: (line: string) => void;
}

const CHANNEL_OF: Partial<Record<MessageType, Parameters<typeof downTopic>[1]>> = {
  "catalog.pointer": "pointer",
  "catalog.changeset": "catalog",
  "events.ack": "ack",
  command: "command",
  "stock.movement": "stock",
  "stock.alert": "stock",
  "replenishment.status": "replenishment",
  "stock.reply": "reply",
  "edge.welcome": "reply",
};

export async function startHub(config: HubConfig, opts: StartOptions = {}): Promise<Hub> {
  const now = opts.now ?? (() => new Date());
  const log = opts.log ?? ((line: string) => console.error(line));
  const db = openDatabase({
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl,
    authToken: config.databaseAuthToken,
  });
  migrate(db, now);
  // Ingest in its own Worker and connection (a local file only): both connections write, so
  // this one takes its write lock up front (see immediateTransactions).
  // Opt-in: on the shared 2-core development machine it measured slower than the main thread
  // in every back-to-back run (a second JS VM's JIT and allocator cost more CPU than moving
  // the broker off the ingest thread saves when no core is free); see docs/hq-hub.md.
  const workerMode = config.ingestWorker === true && !config.databaseUrl;
  // (Several hub processes on one file, external broker: the same.)
  if (!config.databaseUrl && (workerMode || config.mqttUrl)) immediateTransactions(db);

  const stats = { batches: 0, groups: 0, applied: 0, acks: 0, pagesSent: 0, errors: 0 };
  let bus: Bus | undefined;
  const pending = new Set<Promise<unknown>>();
  const track = (p: Promise<unknown>) => {
    pending.add(p);
    p.catch((e) => {
      stats.errors++;
      log(`hq-hub: publish failed: ${(e as Error).message}`);
    }).finally(() => pending.delete(p));
  };

  const publishText = (topic: string, text: string | Buffer, retain = false, qos: 0 | 1 = 1) => {
    if (bus) track(bus.publish(topic, text, { qos, retain }));
  };
  const envelopeText = <T extends MessageType>(storeId: string, type: T, payload: Payload<T>) =>
    JSON.stringify(makeEnvelope(type, payload, { storeId, occurredAt: now().toISOString() }));
  const send = async <T extends MessageType>(
    storeId: string,
    type: T,
    payload: Payload<T>,
    o: { retain?: boolean } = {},
  ) => {
    const channel = CHANNEL_OF[type];
    if (!channel) throw new Error(`${type} is not an HQ -> store message`);
    if (bus)
      await bus.publish(downTopic(storeId, channel), envelopeText(storeId, type, payload), {
        qos: 1,
        retain: o.retain ?? false,
      });
  };

  const stores = createStores({
    db,
    now,
    codeHours: config.enrollmentCodeHours,
    onReEnrolled: (storeId) => resync.reEnrolled(storeId),
  });
  const catalog = createCatalog({
    db,
    now,
    publishPointer: (storeId, pointer) =>
      publishText(downTopic(storeId, "pointer"), envelopeText(storeId, "catalog.pointer", pointer), true),
  });
  const moneyCaps = moneyCapsOf(config);
  // With the Worker, this instance only records bad non-ledger messages, discards dead letters
  // and reads ack positions (fresh from the database: `shared`); the Worker does the rest.
  const ingest = createIngest({
    db,
    now,
    shared: workerMode || config.mqttUrl !== undefined,
    catalogAt: (s, v) => catalog.catalogAt(s, v),
    moneyCaps,
  });
  const ingestWorker = workerMode
    ? startIngestWorker({ dataDir: config.dataDir, shared: config.mqttUrl !== undefined, moneyCaps, log })
    : undefined;
  const hubIngest: HubIngest = {
    replay: async (id, actor, raw) =>
      ingestWorker ? ingestWorker.replay(id, actor, raw, now().toISOString()) : ingest.replay(id, actor, raw),
    discard: ingest.discard,
    deadLetterRaw: ingest.deadLetterRaw,
    ackFor: ingest.ackFor,
    forgetReorderPoints: (storeId) => {
      ingest.forgetReorderPoints(storeId);
      ingestWorker?.forgetReorderPoints(storeId);
    },
  };
  const resync = createResync({ db, now, seq: ingest });
  // Resolutions run on this thread's connection (IMMEDIATE beside a Worker), like the API's
  // other writes; they never change a store's seq state, only which seqs are held.
  const conflicts = createConflicts({ db, now, ingest });
  const stock = createStock({ db, now });
  const bookkeeping = createBatchedWrites(db, log);
  const sales = createSales(db);
  const fleet = createFleet({ db, now });
  const security = createSessionSecurity({
    db,
    now,
    sendCommand: (storeId, payload) => send(storeId, "command", payload),
    embeddedBroker: !config.mqttUrl,
    log,
  });
  // A till's PIN locks and throttled LAN addresses (audit events) raise the store's fleet alert.
  const pinAlerts = createPinAlerts({ db, alerts: security.alerts });
  const sweepPinAlerts = () => {
    try {
      pinAlerts.sweep();
    } catch (e) {
      log(`hq-hub: PIN alerts: ${(e as Error).message}`);
    }
  };
  const reports = createReports(db);
  const completeness = createCompleteness({ db, now });
  const finance = createFinance({
    db,
    now,
    ...(config.closeRequiresComplete ? { requireComplete: (p: string) => completeness.month(p, {}) } : {}),
  });
  const coupons = createCoupons({ db, now, catalog });
  const tokens = createTokens({ db, now, adminToken: config.adminToken });
  const imports = createImports({ db, now, catalog });
  const suppliers = createSuppliers({ db, now });
  const replenishment = createReplenishment({ db, now, stock, suppliers });

  function afterBatch(out: Pick<BatchOutcome, "storeId" | "ack">) {
    const s = out.storeId;
    // Only now, after the commit, does the store learn its events are safe.
    // Built directly: the ack is made here from integers (validating it through the schema
    // cost as much as a sale's SQL); hub.test checks it parses as a valid events.ack.
    publishText(
      downTopic(s, "ack"),
      `{"v":${ACK_V},"id":"${uuidv7()}","type":"events.ack","storeId":${JSON.stringify(s)},"seq":0,"occurredAt":"${now().toISOString()}","payload":${JSON.stringify(out.ack)}}`,
    );
    stats.acks++;
    if (out.ack.missing.length > 0) {
      publishText(
        downTopic(s, "command"),
        envelopeText(s, "command", {
          commandId: uuidv7(),
          name: "resend_events",
          args: { fromSeq: out.ack.missing[0]!.from },
        }),
      );
    }
  }

  function afterAlert(s: string, a: { sku: string; onHand: number; reorderPoint: number }) {
    publishText(
      downTopic(s, "stock"),
      envelopeText(s, "stock.alert", {
        sku: a.sku,
        onHand: a.onHand,
        reorderPoint: a.reorderPoint,
        at: now().toISOString(),
      }),
    );
  }

  function handleRequest(storeId: string, topic: string, payload: Buffer) {
    let env: AnyEnvelope;
    try {
      env = parseEnvelope(payload);
    } catch (e) {
      if (!(e instanceof MessageError)) throw e;
      ingest.deadLetterRaw(storeId, topic, e, payload.toString("utf8"));
      return;
    }
    if (env.storeId !== storeId) {
      ingest.deadLetterRaw(
        storeId,
        topic,
        { code: "invalid", field: "storeId", message: `names store ${env.storeId}` },
        payload.toString("utf8"),
      );
      return;
    }
    switch (env.type) {
      case "store.status": {
        const status = env.payload;
        bookkeeping.later(() => fleet.recordStatus(storeId, status));
        // The edge's disk is full or failing: it refuses sales until someone frees space.
        // (Its own transaction, as the takeover alerts: not inside the batched bookkeeping.)
        if (status.storage) {
          try {
            const fault = status.storage;
            security.alerts.raise("edge_storage", storeId, fault.state, () => ({ ...fault }));
          } catch (e) {
            log(`edge_storage alert for ${storeId}: ${(e as Error).message}`);
          }
        }
        return;
      }
      case "telemetry":
        bookkeeping.later(() => fleet.seen(storeId));
        return;
      case "catalog.fetch": {
        const page = catalog.fetchPage(storeId, env.payload);
        if (page === undefined) return;
        stats.pagesSent++;
        // The page payload was validated once when built; only the envelope head is new.
        const head = `{"v":1,"id":"${uuidv7()}","type":"catalog.changeset","storeId":"${storeId}","seq":0,"occurredAt":"${now().toISOString()}","payload":`;
        // One uninitialised buffer filled by copy: Buffer.concat cost twice as much per store
        // and page (a 500 KB page to 1,000 stores is 1 GB of these).
        const headBytes = Buffer.byteLength(head);
        const body = Buffer.allocUnsafeSlow(headBytes + page.length + 1);
        body.write(head, 0, "utf8");
        page.copy(body, headBytes);
        body[headBytes + page.length] = CLOSE_BRACE;
        publishText(downTopic(storeId, "catalog"), body);
        return;
      }
      case "catalog.applied": {
        const { version, appliedAt } = env.payload;
        bookkeeping.later(() => catalog.recordApplied(storeId, version, appliedAt));
        return;
      }
      case "edge.hello":
        // Answered once the events that came in before it are committed (its view of the
        // store's seqs must include them).
        hellos.push({ storeId, hello: env.payload, after: enqueued });
        scheduleFlush();
        return;
      case "stock.query":
        track(
          send(storeId, "stock.reply", {
            queryId: env.payload.queryId,
            sku: env.payload.sku,
            stores: stock.nearby(storeId, env.payload.sku),
          }),
        );
        return;
      default:
        ingest.deadLetterRaw(
          storeId,
          topic,
          { code: "invalid", field: "type", message: `${env.type} does not belong on ${topic}` },
          payload.toString("utf8"),
        );
    }
  }

  // Group commit: events that arrive while a commit is pending are applied together in the
  // next transaction (one per turn of the event loop, at most MAX_GROUP messages). The broker
  // delivery of each message completes only after its commit.
  const MAX_GROUP = 500;
  const queue: { storeId: string; topic: string; payload: Buffer; done: () => void }[] = [];
  let scheduled = false;
  /** Event messages queued so far, and those whose group has been committed (or failed). */
  let enqueued = 0;
  let processed = 0;
  /** Hellos waiting for the events that arrived before them. */
  let hellos: { storeId: string; hello: Payload<"edge.hello">; after: number }[] = [];
  function answerHellos() {
    if (hellos.length === 0) return;
    const ready = hellos.filter((h) => h.after <= processed);
    if (ready.length === 0) return;
    hellos = hellos.filter((h) => h.after > processed);
    for (const h of ready) {
      try {
        const welcome = resync.hello(h.storeId, h.hello);
        ingestWorker?.forgetSeq(h.storeId);
        track(send(h.storeId, "edge.welcome", welcome));
      } catch (e) {
        // No answer: the store's events stay held until it reconnects and says hello again.
        stats.errors++;
        log(`hq-hub: hello from ${h.storeId}: ${(e as Error).stack ?? e}`);
      }
    }
  }
  /**
   * A group is with the Worker: the next one gathers (the broker lets up to 2 x MAX_GROUP
   * messages through) and is sent the moment the Worker answers.
   */
  let inFlight: Promise<void> | undefined;
  function afterGroup(outs: BatchOutcome[]) {
    stats.groups++;
    // One ack per store per group: the last outcome carries the state after the commit.
    const last = new Map(outs.map((o) => [o.storeId, o]));
    for (const o of outs) {
      stats.batches++;
      stats.applied += o.applied;
      for (const a of o.alerts) afterAlert(o.storeId, a);
    }
    for (const o of last.values()) afterBatch(o);
    sweepPinAlerts();
  }
  function groupFailed(e: unknown) {
    // Nothing of the group committed; the stores resend what was not acked.
    stats.errors++;
    log(`hq-hub: ingest failed: ${(e as Error).stack ?? e}`);
  }
  function flushEvents() {
    scheduled = false;
    if (ingestWorker) {
      if (inFlight) return; // its answer schedules the next group
      const group = queue.splice(0, MAX_GROUP);
      if (group.length === 0) return answerHellos();
      inFlight = ingestWorker
        .handleMany(group, now().toISOString())
        .then(
          (g) => {
            // The next group goes to the Worker first, then this one's acks and PUBACKs: the
            // Worker does not wait for the broker's turn.
            inFlight = undefined;
            flushEvents();
            stats.groups++;
            stats.batches += g.messages;
            stats.applied += g.applied;
            for (const a of g.alerts) afterAlert(a.storeId, a);
            for (const o of g.acks) afterBatch(o);
            sweepPinAlerts();
          },
          (e) => {
            inFlight = undefined;
            flushEvents();
            groupFailed(e);
          },
        )
        .finally(() => {
          processed += group.length;
          answerHellos();
          for (const m of group) m.done();
          if (!inFlight && queue.length > 0) scheduleFlush();
        });
      return;
    }
    const group = queue.splice(0, MAX_GROUP);
    if (queue.length > 0) scheduleFlush();
    if (group.length === 0) return answerHellos();
    if (plantedBug === "ack_before_commit") {
      // The planted bug (plant.ts): acks first, the commit 500 ms later.
      for (const [storeId, upToSeq] of prematureAcks(group))
        afterBatch({ storeId, ack: { upToSeq, missing: [] } as BatchOutcome["ack"] });
      setTimeout(() => {
        try {
          afterGroup(ingest.handleMany(group));
        } catch (e) {
          groupFailed(e);
        }
        processed += group.length;
        answerHellos();
        for (const m of group) m.done();
      }, 500);
      return;
    }
    try {
      const outs = ingest.handleMany(group);
      crashPoint("ingest.after_commit");
      afterGroup(outs);
    } catch (e) {
      groupFailed(e);
    }
    processed += group.length;
    answerHellos();
    for (const m of group) m.done();
  }
  function scheduleFlush() {
    if (!scheduled) {
      scheduled = true;
      setImmediate(flushEvents);
    }
  }

  function onMessage(topic: string, payload: Buffer): Promise<void> | undefined {
    const t = parseTopic(topic);
    if (t?.direction !== "up") return;
    if (t.channel === "events") {
      return new Promise((done) => {
        queue.push({ storeId: t.storeId, topic, payload, done });
        enqueued++;
        scheduleFlush();
      });
    }
    try {
      handleRequest(t.storeId, topic, payload);
    } catch (e) {
      // Never let one message stop the pipeline; it is kept, with the reason, for a person.
      stats.errors++;
      log(`hq-hub: ${topic}: ${(e as Error).stack ?? e}`);
      try {
        ingest.deadLetterRaw(
          t.storeId,
          topic,
          { code: "apply_failed", field: "", message: String((e as Error).message ?? e) },
          payload.toString("utf8"),
        );
      } catch (e2) {
        log(`hq-hub: ${topic}: could not dead-letter: ${(e2 as Error).message}`);
      }
    }
    return;
  }

  if (config.mqttUrl) {
    bus = await connectExternalBroker({
      url: config.mqttUrl,
      shareGroup: config.shareGroup,
      onMessage,
      log,
      publicUrl: config.publicMqttUrl,
    });
  } else {
    bus = await startEmbeddedBroker({
      host: config.host,
      port: config.mqttPort,
      verify: stores.verifyDetailed,
      onTakeover: security.onTakeover,
      onReconnect: security.onReconnect,
      onAuthenticated: security.onAuthenticated,
      onSubscribed: security.onSubscribed,
      onMessage,
      publicUrl: config.publicMqttUrl,
      // With the Worker: one group committing while the next (up to MAX_GROUP) gathers.
      concurrency: ingestWorker ? 2 * MAX_GROUP : MAX_GROUP,
    });
  }
  // Retained pointers may be gone (the embedded broker keeps them in memory): restate them.
  catalog.republishPointers();

  const syncMembers = createMemberSync(db, catalog);

  // Deliveries against purchase orders arrive as the stores' receiving.confirmed events; the
  // orders' received quantities are summed again from them here, off the ingest path.
  const tellTills = async (updates: TillUpdate[]) => {
    for (const u of updates)
      if (u.payload.items.length) await send(u.storeId, "replenishment.status", u.payload);
  };
  const receiptTimer = setInterval(() => {
    try {
      void tellTills(replenishment.refreshReceipts()).catch((e) =>
        log(`hq-hub: replenishment status: ${(e as Error).message}`),
      );
    } catch (e) {
      log(`hq-hub: purchase order receipts: ${(e as Error).message}`);
    }
  }, RECEIPT_REFRESH_MS);

  // One-time coupons spent at one store reach the others soon (coupons/coupons.ts syncSpent).
  const couponTimer = setInterval(() => {
    try {
      coupons.syncSpent("system");
    } catch (e) {
      log(`hq-hub: coupon sync failed: ${(e as Error).message}`);
    }
  }, COUPON_SYNC_MS);

  const memberTimer =
    config.memberSyncMs > 0
      ? setInterval(() => {
          try {
            syncMembers("system");
          } catch (e) {
            log(`hq-hub: member sync failed: ${(e as Error).message}`);
          }
        }, config.memberSyncMs)
      : undefined;

  // The look-ups of the append-only ingest tables (ledger by SKU, lines by sale, tenders by
  // document) follow ingest in sorted batches (migrations 0004-0005): a second's worth of rows
  // costs far less sorted than the same rows inserted one by one. Readers see every row
  // whatever the lag (deferred-index.ts).
  const lookups = [stock.ledgerIndex, sales.linesIndex, sales.tendersIndex];
  const lookupTimer = setInterval(() => {
    for (const l of lookups)
      try {
        l.catchUp();
      } catch (e) {
        log(`hq-hub: look-up catch-up: ${(e as Error).message}`);
      }
  }, LOOKUP_CATCH_UP_MS);

  // Posting to finance runs on its own timer, never inside an ingest group: it is one
  // transaction over the rows since the last run (see finance/finance.ts).
  const financeTimer =
    config.financePostMs > 0
      ? setInterval(() => {
          try {
            finance.post();
          } catch (e) {
            log(`hq-hub: finance posting failed: ${(e as Error).message}`);
          }
        }, config.financePostMs)
      : undefined;

  const hubRef = {} as Hub;
  const app = createApp(hubRef, { consoleDir: config.consoleDir });
  // Bun drops the connection without an answer when a declared length is above its own
  // ceiling, so that ceiling is set far above the routes' limits: the app answers 413 naming
  // the limit before it reads a byte (http/body-limit.ts), and a body nobody reads is not kept.
  const maxRequestBodySize = 4 * Math.max(config.maxBodyBytes, config.maxImportBytes, 256 * 1024 * 1024);
  const server = Bun.serve({
    port: config.port,
    hostname: config.host,
    fetch: app.fetch,
    maxRequestBodySize,
  });
  const httpPort = server.port ?? config.port;
  const httpUrl = `http://${config.host}:${httpPort}`;

  Object.assign(hubRef, {
    config,
    db,
    orm: openDrizzle(db),
    http: { url: httpUrl, port: httpPort },
    mqtt: { url: bus.url },
    stores,
    catalog,
    ingest: hubIngest,
    resync,
    conflicts,
    ingestWorker,
    stock,
    sales,
    fleet,
    security,
    reports,
    finance,
    completeness,
    coupons,
    tokens,
    imports,
    suppliers,
    replenishment,
    tellTills,
    syncMembers,
    send,
    stats,
    async stop() {
      if (memberTimer) clearInterval(memberTimer);
      clearInterval(couponTimer);
      if (financeTimer) clearInterval(financeTimer);
      clearInterval(receiptTimer);
      clearInterval(lookupTimer);
      server.stop(true);
      while (inFlight) await inFlight;
      await Promise.allSettled([...pending]);
      await bus?.close();
      await ingestWorker?.close();
      bookkeeping.flush();
      db.close();
    },
  } satisfies Hub);
  return hubRef;
}
