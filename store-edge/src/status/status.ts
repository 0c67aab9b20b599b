// What the edge says about itself: the operator's status (CLI, GET /api/v1/status), the
// retained store.status HQ's fleet view shows, the telemetry sent every minute, and which
// database this is (a restored or replaced edge.db).
import { statfsSync } from "node:fs";
import type { Payload, StoreStatus } from "@retail/protocol";
import { and, count, eq, sum } from "drizzle-orm";
import { applianceBuild } from "../appliance.ts";
import type { EdgeBackups } from "../backup/job.ts";
import type { CatalogReplica } from "../catalog/replica.ts";
import { businessDay, type Clock } from "../clock.ts";
import type { EdgeConfig } from "../config.ts";
import { sales } from "../db/schema.ts";
import type { EdgeDb } from "../db.ts";
import { storageForStatus } from "../health/storage.ts";
import type { Lanes } from "../lanes/lanes.ts";
import type { HqLink } from "../link/hq-link.ts";
import type { Outbox } from "../outbox/outbox.ts";
import type { EdgeResync } from "../outbox/resync.ts";
import type { Staff } from "../staff/service.ts";
import type { StockLedger } from "../stock.ts";
import type { UpdateState } from "../update/updater.ts";

export const APP_VERSION = "store-edge/0.1.0";

/** What the status needs of the edge (edge.ts passes itself). */
export interface StatusHost {
  readonly db: EdgeDb;
  readonly replica: CatalogReplica;
  readonly outbox: Outbox;
  readonly resync: EdgeResync;
  readonly stock: StockLedger;
  readonly lanes: Pick<Lanes, "laneIds" | "devices" | "lane">;
  readonly staff: Pick<Staff, "pins">;
  readonly clock: Clock;
  readonly storeId: string;
  readonly options: { config: EdgeConfig; dataDir: string };
  readonly link: HqLink | undefined;
  readonly updater?: { readonly state: UpdateState | undefined } | undefined;
  readonly backups?: Pick<EdgeBackups, "status">;
}

/** meta.restored_from as `store-edge restore` wrote it; anything else is not shown. */
function restoredFrom(text: string | undefined): { file: string; at: string } | undefined {
  if (!text) return undefined;
  try {
    const v = JSON.parse(text) as { file?: unknown; at?: unknown };
    return typeof v.file === "string" && typeof v.at === "string" ? { file: v.file, at: v.at } : undefined;
  } catch {
    return undefined;
  }
}

export class EdgeStatus {
  constructor(private readonly h: StatusHost) {}

  telemetry(): Payload<"telemetry"> {
    const ms = this.h.clock.now();
    const day = businessDay(ms);
    const today = this.h.db.d
      .select({ n: count(), net: sum(sales.netFen).mapWith(Number) })
      .from(sales)
      .where(and(eq(sales.businessDay, day), eq(sales.training, 0)))
      .get()!;
    const stats = this.h.outbox.stats(ms);
    return {
      metrics: {
        rss_mb: Math.round(process.memoryUsage().rss / 1048576),
        sales_today: today.n,
        net_fen_today: today.net ?? 0,
        outbox_backlog: stats.backlog,
        catalog_version: this.h.replica.applied,
        catalog_skus: this.h.replica.lookup.products.size,
        lanes: this.h.lanes.laneIds().length,
        ...this.pinMetrics(ms),
      },
      at: new Date(ms).toISOString(),
    };
  }

  /** Codes locked by wrong PINs and LAN addresses refused for them, now. */
  private pinMetrics(ms: number): { pin_codes_locked: number; pin_sources_throttled: number } {
    const st = this.h.staff.pins.state();
    return {
      pin_codes_locked: st.codes.filter((c) => c.lockedUntil > ms).length,
      pin_sources_throttled: st.sources.filter((s) => s.throttledUntil > ms).length,
    };
  }

  storeStatus(): Omit<StoreStatus, "state" | "at"> {
    const stats = this.h.outbox.stats(this.h.clock.now());
    const devices: StoreStatus["devices"] = [];
    for (const lane of this.h.lanes.laneIds()) {
      for (const h of this.h.lanes.devices(lane).health()) {
        devices.push({
          laneId: lane,
          kind: h.kind,
          device: h.device.slice(0, 120),
          state: h.state,
          ...(h.reason ? { reason: h.reason.slice(0, 200) } : {}),
        });
        if (devices.length >= 100) break;
      }
    }
    return {
      appVersion: applianceBuild()?.version ?? APP_VERSION,
      catalogVersion: this.h.replica.applied,
      outboxBacklog: stats.backlog,
      ...(stats.oldestUnackedAgeSec !== undefined ? { oldestUnackedAgeSec: stats.oldestUnackedAgeSec } : {}),
      lastSeq: stats.lastSeq,
      instanceId: this.h.outbox.instanceId,
      devices: devices.slice(0, 100),
      // Only while a fault lasts (HQ raises a fleet alert); older hubs never see the field.
      ...storageForStatus(this.h.db.storage.status),
      ...this.disk(),
    };
  }

  /**
   * The data folder's free space, for HQ's disk alert. Rounded down to 1/200 of the disk so the
   * status (published when it changes) does not change with every sale.
   */
  private disk(): Pick<StoreStatus, "disk"> {
    try {
      const s = statfsSync(this.h.options.dataDir);
      const total = s.blocks * s.bsize;
      if (!(total > 0)) return {};
      const step = Math.max(1, Math.floor(total / 200));
      return { disk: { freeBytes: Math.floor((s.bavail * s.bsize) / step) * step, totalBytes: total } };
    } catch {
      return {};
    }
  }

  /** Everything an operator wants to see (CLI status, GET /api/v1/status). */
  status() {
    const e = this.h.options.config.enrollment;
    return {
      store: { storeId: this.h.storeId, name: e?.storeName ?? "", enrolled: !!e, hq: e?.hq },
      link: this.h.link?.state ?? { state: "disabled" as const },
      catalog: this.h.replica.progress(),
      outbox: this.h.outbox.stats(this.h.clock.now()),
      identity: this.identity(),
      /** The edge's version; an update in progress or the last one (update/). */
      version: applianceBuild()?.version ?? APP_VERSION,
      ...(this.h.updater?.state ? { update: this.h.updater.state } : {}),
      lanes: this.h.lanes.laneIds(),
      /** Lanes locked from HQ (lock_lane) and why: the till shows its lock screen from this. */
      locks: this.locks(),
      stockAlerts: this.h.stock.alerts().length,
      storage: this.h.db.storage.status,
      /** Backups of edge.db on the box, newest first, and the last attempt (backup/). */
      ...(this.h.backups ? { backup: this.h.backups.status() } : {}),
      at: new Date(this.h.clock.now()).toISOString(),
    };
  }

  private locks(): { lane: string; reason?: string; at: string }[] {
    const out: { lane: string; reason?: string; at: string }[] = [];
    for (const lane of this.h.lanes.laneIds()) {
      const l = this.h.lanes.lane(lane).record.locked;
      if (l) out.push({ lane, ...(l.reason ? { reason: l.reason } : {}), at: l.at });
    }
    return out;
  }

  /**
   * Which database this is, and the last time HQ found it behind (a restored backup), parted
   * from what HQ holds, or a new instance for the store (a fresh or replaced edge.db).
   */
  identity() {
    const last = this.h.resync.last;
    const restored = restoredFrom(this.h.db.meta("restored_from"));
    return {
      instanceId: this.h.resync.instanceId,
      boot: this.h.outbox.boot,
      ...(last ? { lastResync: last } : {}),
      // Set by `store-edge restore`: which backup this database was put back from, and when.
      ...(restored ? { restoredFrom: restored } : {}),
    };
  }
}
