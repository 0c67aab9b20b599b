// Fleet view: each store's last retained status (or last-will "offline"), when it was last
// heard from, and what it reports (app and catalog version, outbox backlog, devices).
import type { StoreStatus } from "@retail/protocol";
import { and, asc, eq, isNull, min, sql } from "drizzle-orm";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import {
  credentialRotations,
  edgeInstanceSeqs,
  edgeResyncs,
  fleetAlerts,
  storeIdentity,
  storeSeq,
  storeStatus,
  stores,
} from "../db/schema.ts";

export interface FleetRow {
  storeId: string;
  name: string;
  region: string;
  ring: string;
  enrollmentState: string;
  state: "online" | "offline" | "never_seen";
  lastSeenAt?: string;
  appVersion?: string;
  catalogVersion?: number;
  outboxBacklog?: number;
  oldestUnackedAgeSec?: number;
  lastSeq?: number;
  ackedSeq: number;
  devices: StoreStatus["devices"];
  /** The edge database the store last said hello from (absent: an edge older than the hello). */
  instanceId?: string;
  /** Open alerts of a restored, replaced or re-enrolled edge (GET /api/v1/fleet/resyncs). */
  openResyncs: number;
  /** Open fleet alerts of the store (session takeovers): GET /api/v1/fleet/alerts. */
  openAlerts: number;
  /** A credential rotation HQ started that the store has not completed yet. */
  rotationPendingSince?: string;
  /** The edge's data folder (its last status). */
  diskFreeBytes?: number;
  diskTotalBytes?: number;
  /** The edge's clock minus HQ's, from its last telemetry (seconds). */
  clockSkewSec?: number;
}

export function createFleet(deps: { db: Sqlite; now: () => Date }) {
  const { db, now } = deps;
  const orm = openDrizzle(db);
  const p = (name: string) => sql.placeholder(name);
  // Every status and every message of every store: prepared once.
  const upsert = orm
    .insert(storeStatus)
    .values({
      storeId: p("storeId"),
      state: p("state"),
      appVersion: p("appVersion"),
      catalogVersion: p("catalogVersion"),
      outboxBacklog: p("outboxBacklog"),
      oldestUnackedAgeSec: p("oldestUnackedAgeSec"),
      lastSeq: p("lastSeq"),
      devicesJson: p("devicesJson"),
      statusAt: p("statusAt"),
      lastSeenAt: p("lastSeenAt"),
      diskFreeBytes: p("diskFreeBytes"),
      diskTotalBytes: p("diskTotalBytes"),
    })
    .onConflictDoUpdate({
      target: storeStatus.storeId,
      set: {
        state: sql`excluded.state`,
        appVersion: sql`excluded.app_version`,
        catalogVersion: sql`excluded.catalog_version`,
        outboxBacklog: sql`excluded.outbox_backlog`,
        oldestUnackedAgeSec: sql`excluded.oldest_unacked_age_sec`,
        lastSeq: sql`excluded.last_seq`,
        devicesJson: sql`excluded.devices_json`,
        statusAt: sql`excluded.status_at`,
        // A status without disk (an older edge, the last will) keeps the last known figures.
        diskFreeBytes: sql`coalesce(excluded.disk_free_bytes, ${storeStatus.diskFreeBytes})`,
        diskTotalBytes: sql`coalesce(excluded.disk_total_bytes, ${storeStatus.diskTotalBytes})`,
        lastSeenAt: sql`CASE WHEN excluded.state = 'online' THEN excluded.last_seen_at ELSE ${storeStatus.lastSeenAt} END`,
      },
    })
    .prepare();
  const touch = orm
    .update(storeStatus)
    .set({ lastSeenAt: sql`${p("at")}` })
    .where(eq(storeStatus.storeId, p("storeId")))
    .prepare();
  const touchClock = orm
    .update(storeStatus)
    .set({ lastSeenAt: sql`${p("at")}`, clockSkewSec: sql`${p("skew")}` })
    .where(eq(storeStatus.storeId, p("storeId")))
    .prepare();
  const instanceSeq = orm
    .insert(edgeInstanceSeqs)
    .values({
      storeId: p("storeId"),
      instanceId: p("instanceId"),
      maxReportedSeq: p("seq"),
      lastStatusAt: p("at"),
    })
    .onConflictDoUpdate({
      target: [edgeInstanceSeqs.storeId, edgeInstanceSeqs.instanceId],
      set: {
        maxReportedSeq: sql`MAX(${edgeInstanceSeqs.maxReportedSeq}, excluded.max_reported_seq)`,
        lastStatusAt: sql`excluded.last_status_at`,
      },
    })
    .prepare();

  function recordStatus(storeId: string, s: StoreStatus) {
    upsert.run({
      storeId,
      state: s.state,
      appVersion: s.appVersion,
      catalogVersion: s.catalogVersion,
      outboxBacklog: s.outboxBacklog,
      oldestUnackedAgeSec: s.oldestUnackedAgeSec ?? null,
      lastSeq: s.lastSeq,
      devicesJson: JSON.stringify(s.devices),
      statusAt: s.at,
      lastSeenAt: now().toISOString(),
      diskFreeBytes: s.disk?.freeBytes ?? null,
      diskTotalBytes: s.disk?.totalBytes ?? null,
    });
    if (s.instanceId) instanceSeq.run({ storeId, instanceId: s.instanceId, seq: s.lastSeq, at: s.at });
  }

  /**
   * Any message from a store proves it is alive. Telemetry's `at` (sent as it is made, never
   * retained or queued by the edge) also says how far the store's clock is from HQ's.
   */
  function seen(storeId: string, sentAt?: string) {
    const at = now();
    const sent = sentAt ? Date.parse(sentAt) : Number.NaN;
    if (Number.isNaN(sent)) touch.run({ at: at.toISOString(), storeId });
    else touchClock.run({ at: at.toISOString(), storeId, skew: Math.round((sent - at.getTime()) / 1000) });
  }

  function list(region?: string): FleetRow[] {
    const rows = orm
      .select({
        id: stores.id,
        name: stores.name,
        region: stores.region,
        ring: stores.ring,
        enrollmentState: stores.enrollmentState,
        status: storeStatus,
        upToSeq: storeSeq.upToSeq,
        instanceId: storeIdentity.instanceId,
        openResyncs: orm.$count(
          edgeResyncs,
          and(eq(edgeResyncs.storeId, stores.id), eq(edgeResyncs.status, "open")),
        ),
        openAlerts: orm.$count(
          fleetAlerts,
          and(eq(fleetAlerts.storeId, stores.id), isNull(fleetAlerts.closedAt)),
        ),
        rotationPendingSince: sql<string | null>`(${orm
          .select({ at: min(credentialRotations.requestedAt) })
          .from(credentialRotations)
          .where(
            and(eq(credentialRotations.storeId, stores.id), eq(credentialRotations.state, "pending")),
          )})`,
      })
      .from(stores)
      .leftJoin(storeStatus, eq(storeStatus.storeId, stores.id))
      .leftJoin(storeSeq, eq(storeSeq.storeId, stores.id))
      .leftJoin(storeIdentity, eq(storeIdentity.storeId, stores.id))
      .where(region ? eq(stores.region, region) : undefined)
      .orderBy(asc(stores.id))
      .all();
    return rows.map((r) => {
      const st = r.status;
      return {
        storeId: r.id,
        name: r.name,
        region: r.region,
        ring: r.ring,
        enrollmentState: r.enrollmentState,
        state: (st?.state as "online" | "offline" | undefined) ?? "never_seen",
        ...(st?.lastSeenAt ? { lastSeenAt: st.lastSeenAt } : {}),
        ...(st?.appVersion ? { appVersion: st.appVersion } : {}),
        ...(st ? { catalogVersion: st.catalogVersion, outboxBacklog: st.outboxBacklog } : {}),
        ...(st?.oldestUnackedAgeSec !== null && st?.oldestUnackedAgeSec !== undefined
          ? { oldestUnackedAgeSec: st.oldestUnackedAgeSec }
          : {}),
        ...(st ? { lastSeq: st.lastSeq } : {}),
        ackedSeq: r.upToSeq ?? 0,
        devices: st?.devicesJson ? JSON.parse(st.devicesJson) : [],
        ...(r.instanceId ? { instanceId: r.instanceId } : {}),
        openResyncs: r.openResyncs ?? 0,
        openAlerts: r.openAlerts ?? 0,
        ...(r.rotationPendingSince ? { rotationPendingSince: r.rotationPendingSince } : {}),
        ...(st?.diskFreeBytes != null && st.diskTotalBytes != null
          ? { diskFreeBytes: st.diskFreeBytes, diskTotalBytes: st.diskTotalBytes }
          : {}),
        ...(st?.clockSkewSec != null ? { clockSkewSec: st.clockSkewSec } : {}),
      };
    });
  }

  return { recordStatus, seen, list };
}

export type Fleet = ReturnType<typeof createFleet>;
