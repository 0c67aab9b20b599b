// One store edge: the database, the catalog replica, checkout for every lane, the outbox and
// the link to HQ, put together. `Edge.open` is what `store-edge serve` and the tests call.

import { join } from "node:path";
import type { Payload, StoreStatus } from "@retail/protocol";
import { applianceBuild } from "./appliance.ts";
import { EdgeBackups } from "./backup/job.ts";
import { BatchDesk } from "./batches/desk.ts";
import { CatalogReplica } from "./catalog/replica.ts";
import { businessDay, type Clock, systemClock } from "./clock.ts";
import { type EdgeConfig, sessionIdleFromEnv } from "./config.ts";
import { CartCoupons } from "./coupons/service.ts";
import { EdgeDb } from "./db.ts";
import { bridgeLaneDevices } from "./devices/factory.ts";
import { type LaneDevices, NoDevices, SimulatedDevices } from "./devices/port.ts";
import { DayDigests } from "./digest/day-digest.ts";
import { Downlink } from "./downlink/downlink.ts";
import { LogTail } from "./downlink/log-tail.ts";
import { RateLimitedLog } from "./health/log-limit.ts";
import { Inventory } from "./inventory.ts";
import { ReceiptJournal } from "./journal/journal.ts";
import { Lanes } from "./lanes/lanes.ts";
import { HqLink } from "./link/hq-link.ts";
import { type StoreTls, tlsFor } from "./link/tls.ts";
import { MemberDesk } from "./member/desk.ts";
import { MemberPoints } from "./member/points.ts";
import { Outbox } from "./outbox/outbox.ts";
import { EdgeResync } from "./outbox/resync.ts";
import type { PaymentProvider } from "./payments/provider.ts";
import { WalletPayments } from "./payments/wallet.ts";
import { paymentProviderFor } from "./payments/wallet-config.ts";
import { WalletRefunds } from "./payments/wallet-refund.ts";
import { Returns } from "./returns/service.ts";
import { Basket } from "./sale/basket.ts";
import { SaleCommit } from "./sale/commit.ts";
import { Scanner } from "./sale/scan.ts";
import { SuspendedCarts } from "./sale/suspend.ts";
import { Shifts } from "./shift/service.ts";
import { ShiftStore } from "./shift/store.ts";
import { Staff } from "./staff/service.ts";
import { EdgeStatus } from "./status/status.ts";
import { StockLedger } from "./stock.ts";
import { Stocktakes } from "./stocktake/stocktakes.ts";
import { SupplyDesk } from "./supply/supply.ts";
import { Updater } from "./update/updater.ts";

export { APP_VERSION } from "./status/status.ts";
/** The store id an edge that was never enrolled sells under (demo and benches only). */
export const DEMO_STORE_ID = "DEMO";

export interface EdgeOptions {
  dataDir: string;
  config: EdgeConfig;
  clock?: Clock;
  payments?: PaymentProvider;
  devices?: (lane: string) => LaneDevices;
  log?: (msg: string) => void;
  onCertificate?: (tls: StoreTls) => void; // a renewed certificate for the LAN's HTTPS (http/lan-tls.ts)
  /**
   * A cashier's LAN session ends after this long unused (else STORE_EDGE_SESSION_IDLE_MIN, else
   * store-edge.json's sessions.idleMinutes, else 12 h).
   */
  sessionIdleMs?: number;
  /**
   * How long 5 wrong PINs in a row lock a cashier code (else store-edge.json's
   * sessions.pinLockSeconds, else 5 min).
   */
  pinLockMs?: number;
  /**
   * How the edge restarts when HQ asks (remote command restart_edge): `serve` stops it and exits
   * 75 for systemd to start it again. Without it the command fails, saying so.
   */
  onRestart?: () => void;
}

export class Edge {
  readonly db: EdgeDb;
  readonly replica: CatalogReplica;
  readonly outbox: Outbox;
  /** The connect handshake: finds a restored or fresh edge.db before it sends any event. */
  readonly resync: EdgeResync;
  readonly stock: StockLedger;
  // The till, one folder per operation (wired in the constructor; callers use them directly).
  /** Each lane's state and view, pushed to its terminal (lanes/). */
  readonly lanes: Lanes;
  /** Sign-in, sessions, the one verifyPin, supervisor approvals (staff/). */
  readonly staff: Staff;
  readonly shifts: Shifts;
  /** The cart: items, quantities, voids, overrides, members (sale/basket.ts). */
  readonly basket: Basket;
  /** A scanned code to an item, a coupon, a payment code or a receipt (sale/scan.ts). */
  readonly scanner: Scanner;
  readonly suspends: SuspendedCarts;
  /** Coupons in the cart (coupons/). */
  readonly coupons: CartCoupons;
  /** Tender and commit with its outbox row; sales by receipt, reprints (sale/commit.ts). */
  readonly sales: SaleCommit;
  /** Wallet payments (payments/). */
  readonly wallet: WalletPayments;
  readonly returns: Returns;
  readonly inventory: Inventory;
  /** Dated lots near or past expiry, their write-off (batches/). */
  readonly batches: BatchDesk;
  /** Members found by phone or member code, and signed up at the till (member/desk.ts). */
  readonly members: MemberDesk;
  readonly points: MemberPoints;
  /** Count sessions counted here, approved at HQ (stocktake/). */
  readonly stocktakes: Stocktakes;
  /** The lanes' last receipts and the outcome of a sale after a restart (journal/journal.ts). */
  readonly journal: ReceiptJournal;
  readonly clock: Clock;
  readonly storeId: string;
  link: HqLink | undefined;
  /** The daily completeness proof (enrolled stores only). */
  digests: DayDigests | undefined;
  private promoteTimer: ReturnType<typeof setInterval> | undefined;
  private telemetryTimer: ReturnType<typeof setInterval> | undefined;
  readonly log: (msg: string) => void;
  /** The last log lines, for a diagnostics bundle HQ asks for. */
  readonly logTail = new LogTail();
  /** Status, store.status and telemetry (status/status.ts). */
  private readonly about = new EdgeStatus(this);
  /** What HQ sends down besides the catalog (downlink/downlink.ts). */
  private readonly downlink = new Downlink(this);
  /** An item's supply asked of HQ, transfer requests from the till (supply/). */
  readonly supply = new SupplyDesk(this);
  /** Signed updates from HQ (update/): enrolled appliance builds only. */
  updater: Updater | undefined;
  /** Backups of edge.db on the box (backup/): listed always, taken on a timer by `serve` only. */
  readonly backups: EdgeBackups;

  constructor(readonly options: EdgeOptions) {
    const { config } = options;
    this.clock = options.clock ?? systemClock;
    // The same line again within a minute is counted, not written (a full disk fails every write).
    const log = options.log ?? (() => {});
    const limited = new RateLimitedLog(log);
    this.log = (m) => {
      this.logTail.push(m);
      limited.log(m, m);
    };
    this.storeId = config.enrollment?.storeId ?? DEMO_STORE_ID;
    this.db = new EdgeDb(join(options.dataDir, "edge.db"));
    this.replica = new CatalogReplica(this.db, this.clock);
    this.outbox = new Outbox(this.db, () => this.storeId);
    this.resync = new EdgeResync(this.db, this.outbox, () => this.clock.now());
    this.stock = new StockLedger(this.db);
    this.journal = new ReceiptJournal(this.db);
    this.backups = new EdgeBackups({
      dataDir: options.dataDir,
      settings: config.backup,
      now: () => this.clock.now(),
      log: this.log,
    });
    const simulated = new Map<string, LaneDevices>();
    const devicesFor =
      options.devices ??
      ((lane: string) => {
        const setting = config.lanes[lane] ?? config.defaultDevices;
        const mode = setting.mode;
        // firmware-bridge drivers plug in here: "bridge" opens the lane's configured devices,
        // "bridge-sim" its wire simulators, both through the same adapter (devices/bridge.ts).
        const d =
          mode === "simulated"
            ? new SimulatedDevices(lane)
            : mode === "bridge" || mode === "bridge-sim"
              ? bridgeLaneDevices(
                  this,
                  lane,
                  setting,
                  config.lanes[lane] ? `lanes.${lane}` : "defaultDevices",
                )
              : new NoDevices(lane);
        simulated.set(lane, d);
        return d;
      });
    const till = {
      db: this.db,
      outbox: this.outbox,
      replica: this.replica,
      stock: this.stock,
      clock: this.clock,
      storeId: () => this.storeId,
      devicesFor,
      payments: options.payments ?? paymentProviderFor(config.payments, options.dataDir),
      paymentTiming: config.payments,
      onLedger: () => this.link?.notify(),
      sessionIdleMs:
        options.sessionIdleMs ??
        sessionIdleFromEnv() ??
        (options.config.sessions?.idleMinutes ? options.config.sessions.idleMinutes * 60_000 : undefined),
      pinLockMs:
        options.pinLockMs ??
        (options.config.sessions?.pinLockSeconds ? options.config.sessions.pinLockSeconds * 1000 : undefined),
      pinSourceLimits: {
        ...(options.config.sessions?.pinSourceMaxWrong
          ? { maxWrong: options.config.sessions.pinSourceMaxWrong }
          : {}),
        ...(options.config.sessions?.pinSourceMaxCodes
          ? { maxCodes: options.config.sessions.pinSourceMaxCodes }
          : {}),
      },
      payoutSupervisorAboveFen: options.config.cash?.payoutSupervisorAboveFen,
      log: this.log,
    };
    const shiftStore = new ShiftStore(this.db);
    this.lanes = new Lanes({ ...till, shifts: shiftStore });
    this.staff = new Staff(this.lanes, till);
    this.shifts = new Shifts(this.lanes, this.staff, shiftStore, till.payoutSupervisorAboveFen);
    this.basket = new Basket(this.lanes, this.staff);
    this.suspends = new SuspendedCarts(this.lanes);
    this.coupons = new CartCoupons(this.lanes);
    this.sales = new SaleCommit(this.lanes, this.stock);
    this.wallet = new WalletPayments(this.lanes, this.sales, till.payments, till.paymentTiming);
    const refunds = new WalletRefunds(this.lanes, till.payments, till.paymentTiming);
    this.returns = new Returns(this.lanes, this.staff, this.sales, refunds, this.stock);
    this.scanner = new Scanner(this.lanes, this.basket, this.wallet, this.returns);
    this.lanes.onScan = (lane, code, aim) => this.scanner.scan(lane, code, aim);
    this.inventory = new Inventory({
      db: this.db,
      outbox: this.outbox,
      stock: this.stock,
      replica: this.replica,
      clock: this.clock,
      onLedger: () => this.link?.notify(),
      verifyStaff: (cashierId, pin, purpose) =>
        this.staff.pins.verifyPin({ cashierId, pin, need: "staff", field: "cashierId", purpose }),
    });
    this.batches = new BatchDesk({
      db: this.db,
      outbox: this.outbox,
      stock: this.stock,
      replica: this.replica,
      clock: this.clock,
      onLedger: () => this.link?.notify(),
      verifyStaff: (cashierId, pin) =>
        this.staff.pins.verifyPin({
          cashierId,
          pin,
          need: "staff",
          field: "cashierId",
          purpose: "stock_count",
        }),
    });
    this.members = new MemberDesk({
      db: this.db,
      lanes: this.lanes,
      outbox: this.outbox,
      storeId: () => this.storeId,
      onLedger: () => this.link?.notify(),
    });
    this.scanner.members = this.members;
    this.points = new MemberPoints(this); // hooks itself into the sale and return commits
    this.stocktakes = new Stocktakes({
      db: this.db,
      outbox: this.outbox,
      stock: this.stock,
      replica: this.replica,
      clock: this.clock,
      onLedger: () => this.link?.notify(),
      verifyStaff: (cashierId, pin) =>
        this.staff.pins.verifyPin({
          cashierId,
          pin,
          need: "staff",
          field: "cashierId",
          purpose: "stock_count",
        }),
    });
    for (const lane of Object.keys(config.lanes)) this.lanes.lane(lane);
  }

  start(): void {
    const e = this.options.config.enrollment;
    if (e) {
      this.link = new HqLink({
        creds: { storeId: e.storeId, ...e.mqtt, ...tlsFor(e.mqtt.url, this.options.dataDir) },
        config: this.options.config.link,
        outbox: this.outbox,
        replica: this.replica,
        clock: this.clock,
        status: () => this.storeStatus(),
        onDown: (env) => this.downlink.onDown(env),
        resync: this.resync,
        log: this.log,
      });
      this.link.start();
      if (tlsFor(e.mqtt.url, this.options.dataDir).tls) this.downlink.renewal.watchExpiry();
      this.updater = this.startUpdater();
      const enrolled = Date.parse(e.enrolledAt);
      this.digests = new DayDigests({
        db: this.db,
        outbox: this.outbox,
        clock: this.clock,
        since: businessDay(Number.isNaN(enrolled) ? this.clock.now() : enrolled),
        options: {
          runningIntervalMs: (this.options.config.digest?.runningIntervalSeconds ?? 900) * 1000,
          tickMs: (this.options.config.digest?.tickSeconds ?? 60) * 1000,
        },
        onLedger: () => this.link?.notify(),
        log: this.log,
      });
      this.digests.start();
    }
    // A complete version staged before a restart (or a crash mid-apply) is applied now.
    if (this.replica.isComplete()) {
      if (this.link) this.link.requestCatalog();
      else
        this.replica
          .applyStagedInSteps()
          .catch((err) => this.log(`catalog apply failed: ${(err as Error).message}`));
    }
    // Telemetry every minute while HQ is reachable (nothing is queued for it when offline).
    this.telemetryTimer = setInterval(
      () => this.link?.send("telemetry", "telemetry", this.telemetry()),
      60_000,
    );
    // A big promotion is built in steps while the lanes sell (replica.promoteDueInSteps); a
    // tick during it promotes nothing, the next one after it picks up what else came due.
    this.promoteTimer = setInterval(() => {
      this.replica.promoteDueInSteps().then(
        (n) => {
          if (!n) return;
          this.log("scheduled catalog changes took effect");
          // Pages that came in while it was built waited for it (the link skips a busy replica).
          this.link?.requestCatalog();
        },
        (err) => this.log(`promoting scheduled catalog changes failed: ${(err as Error).message}`),
      );
    }, 1000);
  }

  private startUpdater(): Updater {
    const healthSec = Number(process.env.STORE_EDGE_UPDATE_HEALTH_SEC ?? 120);
    const u = new Updater(
      {
        dataDir: this.options.dataDir,
        enrollment: () => this.options.config.enrollment,
        link: () => this.link,
        lanesIdle: () => this.lanesIdle(),
        restart: () =>
          this.options.onRestart
            ? this.options.onRestart()
            : this.log("update installed; restart the edge to run it"),
        runningVersion: () => applianceBuild()?.version,
        executable: () => process.execPath,
        log: this.log,
        now: () => Date.now(),
      },
      { healthMs: (Number.isFinite(healthSec) && healthSec > 0 ? healthSec : 120) * 1000 },
    );
    u.start();
    return u;
  }

  /** No lane has a cart, a return or a payment open: an update may restart the edge now. */
  lanesIdle(): boolean {
    return this.lanes.laneIds().every((id) => {
      const rt = this.lanes.lane(id);
      const c = rt.cart;
      return !rt.paymentInFlight && c.lines.length === 0 && c.tenders.length === 0 && !c.return;
    });
  }

  /** Stock of a SKU in nearby stores, asked of HQ; fails fast when HQ is unreachable. */
  nearbyStock(sku: string, timeoutMs?: number): Promise<Payload<"stock.reply">> {
    return this.downlink.nearbyStock(sku, timeoutMs);
  }

  telemetry(): Payload<"telemetry"> {
    return this.about.telemetry();
  }

  storeStatus(): Omit<StoreStatus, "state" | "at"> {
    return this.about.storeStatus();
  }

  /** Everything an operator wants to see (CLI status, GET /api/v1/status). */
  status() {
    return this.about.status();
  }

  /** Which database this is (status/status.ts). */
  identity() {
    return this.about.identity();
  }

  async stop(): Promise<void> {
    clearInterval(this.promoteTimer);
    clearInterval(this.telemetryTimer);
    await this.backups.stop();
    this.digests?.stop();
    this.updater?.stop();
    await this.link?.stop();
    this.staff.close();
    await this.lanes.close();
    await this.replica.close();
    this.db.close();
  }
}
