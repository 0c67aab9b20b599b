// Over 400 lines because it is the composition root: every module wired, the MQTT side, the background timers and shutdown in one place (the logic lives in the modules).
// The composition root: opens the database and wires the modules (catalog, ingest, stock,
// fleet, finance...), the MQTT side (mqtt/router.ts routes the stores' messages, mqtt/
// group-commit.ts commits event groups before their acks, mqtt/envelopes.ts builds and
// publishes what goes down), the broker (embedded aedes or an external MQTT 5 broker), the
// periodic jobs and the HTTP API. startHub() returns once everything listens.

import { join } from "node:path";
import { createAccounts } from "./accounts/accounts.ts";
import { DEFAULT_THRESHOLDS } from "./alerts/rules.ts";
import { createAlertWatch } from "./alerts/watch.ts";
import { createAlertWebhook } from "./alerts/webhook.ts";
import { bindAuditToWrites } from "./audit/bound.ts";
import { createAuditLog } from "./audit/log.ts";
import { createBatches } from "./batches/batches.ts";
import { createMarkdownRuns } from "./batches/markdown-runs.ts";
import type { Bus } from "./broker/bus.ts";
import { startEmbeddedBroker } from "./broker/embedded.ts";
import { connectExternalBroker } from "./broker/external.ts";
import { createCatalog } from "./catalog/catalog.ts";
import { createImports } from "./catalog/import.ts";
import { createMemberSync } from "./catalog/member-sync.ts";
import { type CatchUpWorker, startCatchUpWorker } from "./catch-up/client.ts";
import { createChecks } from "./close/checks.ts";
import { createClose } from "./close/close.ts";
import { createCommands } from "./commands/commands.ts";
import { createCompleteness } from "./completeness/completeness.ts";
import { type HubConfig, moneyCapsOf } from "./config.ts";
import { createConflicts } from "./conflicts/conflicts.ts";
import { createCosting } from "./costing/costing.ts";
import { costCatchUpTick } from "./costing/schedule.ts";
import { createCoupons } from "./coupons/coupons.ts";
import { createDashboard } from "./dashboard/dashboard.ts";
import { createBatchedWrites } from "./db/batched-writes.ts";
import { immediateTransactions, migrate, openDatabase, openDrizzle } from "./db/open.ts";
import { createVoucherExport } from "./export/export.ts";
import { createBooks } from "./finance/books.ts";
import { createFinance } from "./finance/finance.ts";
import { createFleet } from "./fleet/fleet.ts";
import { createPinAlerts } from "./fleet/pin-alerts.ts";
import type { ApiHub, ApiIngest } from "./http/api-hub.ts";
import { createApp } from "./http/app.ts";
import { createTokens } from "./http/auth.ts";
import { createIngest } from "./ingest/ingest.ts";
import { createResync } from "./ingest/resync.ts";
import { type IngestWorker, startIngestWorker } from "./ingest/worker-client.ts";
import { createMembers } from "./members/service.ts";
import { createDownlink } from "./mqtt/envelopes.ts";
import { createGroupCommit, MAX_GROUP } from "./mqtt/group-commit.ts";
import { createRouter } from "./mqtt/router.ts";
import { createPayables } from "./payables/payables.ts";
import { brokerHosts } from "./pki/broker-hosts.ts";
import { issueBrokerCertificate, loadOrCreateChainCa } from "./pki/ca.ts";
import { createPki, type HubPki } from "./pki/pki.ts";
import { createReleases } from "./releases/releases.ts";
import { createAutoReplenishment } from "./replenishment/auto.ts";
import { createReplenishment, type TillUpdate } from "./replenishment/orders.ts";
import { createMarginReports } from "./reports/margin-report.ts";
import { createReports } from "./reports/reports.ts";
import { createReturnsVoids } from "./reports/returns-voids.ts";
import { createSales } from "./sales/sales.ts";
import { createSalesHistory } from "./sales-history/sales-history.ts";
import { createStock } from "./stock/stock.ts";
import { createStocktakes } from "./stocktakes/stocktakes.ts";
import { createStoreGroups } from "./store-groups/store-groups.ts";
import { createSessionSecurity } from "./stores/session-security.ts";
import { createStores } from "./stores/stores.ts";
import { createSupplierPriceView } from "./suppliers/price-view.ts";
import { createSuppliers } from "./suppliers/suppliers.ts";
import { createSupply } from "./transfers/supply.ts";
import { createTillTransfers } from "./transfers/till.ts";
import { createTransfers } from "./transfers/transfers.ts";

/** The hub as started: what the API uses of it (http/api-hub.ts), its HTTP address and ingest thread. */
export interface Hub extends ApiHub {
  http: { url: string; port: number };
  ingest: HubIngest;
  /** The ingest Worker (undefined when ingest runs on the main thread). */
  ingestWorker?: IngestWorker;
  /** The look-ups' and cost catch-up's Worker (undefined with DATABASE_URL or catchUpWorker off). */
  catchUpWorker?: CatchUpWorker;
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
export interface HubIngest extends ApiIngest {
  deadLetterRaw(
    storeId: string,
    topic: string,
    error: { message: string; field: string; code?: string },
    raw: string,
  ): void;
}

/** How often the first uses of one-time coupons are sent down as "redeemed" (ms). */
const COUPON_SYNC_MS = 1000;
/** How often the hub asks whether the daily member run is due. */
const MEMBER_RUN_CHECK_MS = 10 * 60_000;

/** How often the batch-built look-ups of ledger, sale lines and tenders catch up with ingest. */
const LOOKUP_CATCH_UP_MS = 1000;
/** Store-day verdicts computed per tick (~2 ms each at 20 sales a day) and how often. */
const COMPLETENESS_WARM_BATCH = 25;
const COMPLETENESS_WARM_MS = 500;
/** How often purchase orders are matched with the deliveries the stores confirmed, and cost catches up. */
const RECEIPT_REFRESH_MS = 2000;
const AUTO_RUN_CHECK_MS = 60_000;

export interface StartOptions {
  now?: () => Date;
  log?: (line: string) => void;
}

export async function startHub(config: HubConfig, opts: StartOptions = {}): Promise<Hub> {
  const now = opts.now ?? (() => new Date());
  const log = opts.log ?? ((line: string) => console.error(line));
  const db = openDatabase({
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl,
    authToken: config.databaseAuthToken,
  });
  // Before anything prepares a statement: API writes commit their audit row (audit/bound.ts).
  const auditBinding = bindAuditToWrites(db);
  migrate(db, now);
  // Ingest in its own Worker and connection (a local file only): both connections write, so
  // this one takes its write lock up front (see immediateTransactions).
  // Opt-in: on the shared 2-core development machine it measured slower than the main thread
  // in every back-to-back run (a second JS VM's JIT and allocator cost more CPU than moving
  // the broker off the ingest thread saves when no core is free); see docs/hq-hub.md.
  const workerMode = config.ingestWorker === true && !config.databaseUrl;
  // The look-ups and the cost catch-up follow ingest in their own Worker and connection (a
  // local file): on the hub thread they took ~25% of it while stores drained a backlog
  // (docs/benchmarks.md). Started on its first tick.
  const catchUpWorker =
    !config.databaseUrl && config.catchUpWorker !== false
      ? startCatchUpWorker({ dataDir: config.dataDir, log })
      : undefined;
  // (Several hub processes on one file, external broker: the same.)
  if (!config.databaseUrl && (workerMode || catchUpWorker || config.mqttUrl)) immediateTransactions(db);

  const stats = { batches: 0, groups: 0, applied: 0, acks: 0, pagesSent: 0, errors: 0 };
  let bus: Bus | undefined;
  const downlink = createDownlink({ now, log, stats });
  const send = downlink.send;

  const stores = createStores({
    db,
    now,
    codeHours: config.enrollmentCodeHours,
    onReEnrolled: (storeId) => resync.reEnrolled(storeId),
  });
  const catalog = createCatalog({
    db,
    now,
    publishPointer: downlink.publishPointer,
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
  const commands = createCommands({
    db,
    now,
    log,
    send: (storeId, payload) => send(storeId, "command", payload),
  });
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
  // Fleet alerts by rule over the stores' status, and the webhook they go to (alerts/).
  const alertWebhook = createAlertWebhook({
    db,
    now,
    url: config.alertWebhookUrl,
    style: config.alertWebhookStyle ?? "wecom",
    storeName: (id) => {
      try {
        return stores.get(id).name;
      } catch {
        return undefined;
      }
    },
    log,
  });
  const alertWatch = createAlertWatch({
    now,
    fleet,
    alerts: security.alerts,
    pointerOf: (id) => catalog.pointerOf(id).version,
    thresholds: { ...DEFAULT_THRESHOLDS, ...config.alertThresholds },
    notify: alertWebhook.enqueue,
  });
  const reports = createReports(db);
  const completeness = createCompleteness({ db, now });
  const finance = createFinance({
    db,
    now,
    ...(config.closeRequiresComplete ? { requireComplete: (p: string) => completeness.month(p, {}) } : {}),
  });
  const coupons = createCoupons({ db, now, catalog });
  const members = createMembers({ db, now, catalog, coupons });
  const tokens = createTokens({ db, now, adminToken: config.adminToken });
  const imports = createImports({ db, now, catalog });
  const suppliers = createSuppliers({ db, now });
  const replenishment = createReplenishment({ db, now, stock, suppliers });
  const costing = createCosting({ db, now });
  const margin = createMarginReports({ db, catchUpCost: () => costing.catchUp() });
  // The dashboard reads cost as the hub's timer last caught it up (costTick below, seconds
  // behind when idle) and never catches up itself: a home screen refreshed every 30 s by every
  // console must not wait for an outage's backlog of stock movements to be costed. The margin
  // report (and the close) still catch up fully before they read.
  const dashboard = createDashboard({
    db,
    fleet,
    reports,
    margin: createMarginReports({ db, catchUpCost: () => {} }),
  });
  const returnsVoids = createReturnsVoids(db);
  const autoReplenishment = createAutoReplenishment({ db, now, stock, suppliers, replenishment, costing });
  const batches = createBatches({ db, now, catalog });
  // The daily expiry markdown run (batches/markdown-runs.ts), audited as `markdown-schedule`.
  const markdownRuns = createMarkdownRuns({
    db,
    now,
    run: batches.runMarkdowns,
    audit: (w) => audit.record(w),
  });
  const transfers = createTransfers({ db, now, stock, costing, lots: batches });
  const supply = createSupply({ transfers, forecastOf: autoReplenishment.forecastOf, log });
  const tillTransfers = createTillTransfers({
    db,
    transfers,
    send: (storeId, m) => send(storeId, "stock.movement", m.movement),
  });
  const close = createClose({
    db,
    now,
    checks: () => createChecks({ db, now, completeness, costing, finance, books }),
    books: finance,
  });
  // With closeChecklist on, finance's own period close (API, console) goes through the checklist.
  const financeApi = config.closeChecklist
    ? { ...finance, closePeriod: (p: string, actor: string) => close.close(p, actor) }
    : finance;
  const payables = createPayables({ db, now, suppliers, priceOrders: costing.priceOrders });
  const stocktakes = createStocktakes({ db, now, costing, lots: batches });
  const books = createBooks({ db, now, costing });
  const accounts = createAccounts({ db, now });
  const voucherExport = createVoucherExport({ db, now });

  const groups = createGroupCommit({
    ingest,
    ingestWorker,
    resync,
    downlink,
    stats,
    now,
    log,
    afterEachGroup: sweepPinAlerts,
  });
  const releases = createReleases({
    db,
    now,
    dataDir: config.dataDir,
    send,
    log,
    ...(config.releasePublicKey ? { releasePublicKey: config.releasePublicKey } : {}),
  });
  // An offline key is checked at start (a wrong one would strand the stores), not at first use.
  if (config.releasePublicKey) releases.publicKey();
  const { onMessage } = createRouter({
    releases,
    ingest,
    groups,
    downlink,
    catalog,
    fleet,
    commands,
    stock,
    transfers,
    supply,
    tillTransfers,
    security,
    bookkeeping,
    stats,
    log,
    renewCertificate: (storeId, req) => pki?.renew(storeId, req),
    certificateInUse: (storeId) => pki?.supersedeOlder(storeId),
  });

  let pki: HubPki | undefined;
  // A restored hub met a store certificate newer than its backup: accepted, recorded, and said (pki/).
  const certificateRecovered = (storeId: string, serial: string) => {
    log(
      `hq-hub: ${storeId} presented certificate ${serial}, unknown here (restored from an older backup?): recorded`,
    );
    security.alerts.raise("certificate_recovered", storeId, serial, () => ({ serial }));
  };
  if (config.mqttUrl) {
    bus = await connectExternalBroker({
      url: config.mqttUrl,
      shareGroup: config.shareGroup,
      onMessage,
      log,
      publicUrl: config.publicMqttUrl,
    });
    // An external Mosquitto serving the stores over TLS (pki/mosquitto-tls.ts): the hub keeps the CA.
    if (config.publicMqttsUrl)
      pki = createPki({
        db,
        ca: await loadOrCreateChainCa(join(config.dataDir, "pki"), now()),
        now,
        onRecovered: certificateRecovered,
      });
  } else {
    // The chain CA and the broker's certificate, when the hub serves mqtts (pki/).
    let tls: Parameters<typeof startEmbeddedBroker>[0]["tls"];
    if (config.mqttsPort !== undefined) {
      const ca = await loadOrCreateChainCa(join(config.dataDir, "pki"), now());
      pki = createPki({ db, ca, now, onRecovered: certificateRecovered });
      const broker = await issueBrokerCertificate(ca, brokerHosts(config), now());
      const p = pki;
      tls = {
        port: config.mqttsPort,
        keyPem: broker.keyPem,
        certPem: broker.certPem,
        caPem: ca.certPem,
        ...(config.publicMqttsUrl ? { publicUrl: config.publicMqttsUrl } : {}),
        accepts: (storeId, serial, presented) => p.accepts(storeId, serial, presented),
        tlsOnly: (storeId) => p.hasLive(storeId),
      };
    }
    bus = await startEmbeddedBroker({
      ...(tls ? { tls } : {}),
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
  downlink.attach(bus);
  // Retained pointers may be gone (the embedded broker keeps them in memory): restate them.
  catalog.republishPointers();

  const syncMembers = createMemberSync(db, catalog);

  // Deliveries against purchase orders arrive as the stores' receiving.confirmed events; the
  // orders' received quantities are summed again from them here, off the ingest path.
  const tellTills = async (updates: TillUpdate[]) => {
    for (const u of updates)
      if (u.payload.items.length) await send(u.storeId, "replenishment.status", u.payload);
  };
  const costTick = costCatchUpTick(
    catchUpWorker
      ? ({ maxBatches }) =>
          void catchUpWorker
            .cost(now().toISOString(), maxBatches)
            .catch((e) => log(`hq-hub: cost catch-up: ${(e as Error).message}`))
      : costing.catchUp,
    groups.draining,
  );
  const receiptTimer = setInterval(() => {
    try {
      void tellTills(replenishment.refreshReceipts()).catch((e) =>
        log(`hq-hub: replenishment status: ${(e as Error).message}`),
      );
    } catch (e) {
      log(`hq-hub: purchase order receipts: ${(e as Error).message}`);
    }
    try {
      // Cost follows the stock ledger without waiting for a read, yielding to a draining ingest.
      costTick();
    } catch (e) {
      log(`hq-hub: cost catch-up: ${(e as Error).message}`);
    }
  }, RECEIPT_REFRESH_MS);

  // Scheduled replenishment runs (replenishment/auto.ts): each store's run when its slot is due.
  const autoRunTimer = setInterval(() => {
    try {
      void tellTills(autoReplenishment.runDue(log).till).catch((e) =>
        log(`hq-hub: replenishment run status: ${(e as Error).message}`),
      );
    } catch (e) {
      log(`hq-hub: scheduled replenishment: ${(e as Error).message}`);
    }
    void markdownRuns.runDue().catch((e) => log(`hq-hub: scheduled markdowns: ${(e as Error).message}`));
  }, AUTO_RUN_CHECK_MS);

  // One-time coupons spent at one store reach the others soon (coupons/coupons.ts syncSpent).
  const couponTimer = setInterval(() => {
    try {
      coupons.syncSpent("system");
    } catch (e) {
      log(`hq-hub: coupon sync failed: ${(e as Error).message}`);
    }
  }, COUPON_SYNC_MS);

  // Tiers by rule and RFM scores once a day (members/scoring.ts decides whether one is due).
  const memberRunTimer = setInterval(() => {
    try {
      members.scoring.runScheduled(now());
    } catch (e) {
      log(`hq-hub: member run failed: ${(e as Error).message}`);
    }
  }, MEMBER_RUN_CHECK_MS);

  // The rules run off the ingest path; the webhook's POSTs are awaited by nobody.
  const alertTimer = setInterval(() => {
    try {
      alertWatch.sweep();
    } catch (e) {
      log(`hq-hub: alert rules: ${(e as Error).message}`);
    }
    void alertWebhook.deliver().catch((e) => log(`hq-hub: alert webhook: ${(e as Error).message}`));
  }, config.alertSweepMs);

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
  // The completeness grid reads kept verdicts (completeness_cells): the store-days whose digest
  // came or whose receipts changed are compared again here, a few per tick, newest days first.
  // With nothing left to compute it looks again every 10th tick (the look is a scan of the
  // digests of the last 62 days: ~18,600 rows for 300 stores).
  let idleTicks = 0;
  const completenessTimer = setInterval(() => {
    if (idleTicks > 0) {
      idleTicks--;
      return;
    }
    try {
      if (completeness.warm(COMPLETENESS_WARM_BATCH) === 0) idleTicks = 9;
    } catch (e) {
      log(`hq-hub: completeness verdicts: ${(e as Error).message}`);
    }
  }, COMPLETENESS_WARM_MS);

  const lookups = [stock.ledgerIndex, sales.linesIndex, sales.tendersIndex];
  const lookupTimer = setInterval(() => {
    if (catchUpWorker) {
      void catchUpWorker.lookups().catch((e) => log(`hq-hub: look-up catch-up: ${(e as Error).message}`));
      return;
    }
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
          // Inventory vouchers on their own: a failing batch (named) must not stop the sales days.
          try {
            for (const h of books.postInventory().held ?? [])
              log(
                `hq-hub: inventory posting of store ${h.storeId} held (${h.movements} movement(s)): ${h.reason}`,
              );
          } catch (e) {
            log(`hq-hub: inventory posting failed: ${(e as Error).message}`);
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

  const audit = createAuditLog({ orm: openDrizzle(db), now });
  auditBinding.attach(audit);
  Object.assign(hubRef, {
    config,
    db,
    orm: openDrizzle(db),
    http: { url: httpUrl, port: httpPort },
    mqtt: {
      url: bus.url,
      ...(bus.tls
        ? { tlsUrl: bus.tls.url }
        : pki && config.publicMqttsUrl
          ? { tlsUrl: config.publicMqttsUrl }
          : {}),
    },
    ...(pki ? { pki } : {}),
    stores,
    catalog,
    ingest: hubIngest,
    resync,
    conflicts,
    ingestWorker,
    catchUpWorker,
    stock,
    sales,
    fleet,
    commands,
    alertWatch,
    alertWebhook,
    security,
    reports,
    dashboard,
    returnsVoids,
    finance: financeApi,
    close,
    margin,
    books,
    accounts,
    voucherExport,
    completeness,
    coupons,
    members,
    releases,
    tokens,
    audit,
    auditBinding,
    imports,
    suppliers,
    storeGroups: createStoreGroups({ db, now }),
    supplierPrices: createSupplierPriceView({ db, now, suppliers, costing }),
    replenishment,
    autoReplenishment,
    salesHistory: createSalesHistory({ db, now }),
    transfers,
    costing,
    payables,
    stocktakes,
    batches,
    markdownRuns,
    tellTills,
    syncMembers,
    send,
    stats,
    async stop() {
      if (memberTimer) clearInterval(memberTimer);
      clearInterval(memberRunTimer);
      clearInterval(alertTimer);
      clearInterval(couponTimer);
      if (financeTimer) clearInterval(financeTimer);
      clearInterval(receiptTimer);
      clearInterval(autoRunTimer);
      clearInterval(lookupTimer);
      clearInterval(completenessTimer);
      server.stop(true);
      await groups.drain();
      await downlink.settle();
      await bus?.close();
      await ingestWorker?.close();
      await catchUpWorker?.close();
      bookkeeping.flush();
      db.close();
    },
  } satisfies Hub);
  return hubRef;
}
