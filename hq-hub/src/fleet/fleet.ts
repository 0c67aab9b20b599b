// Fleet view: each store's last retained status (or last-will "offline"), when it was last
// heard from, and what it reports (app and catalog version, outbox backlog, devices).
import type { StoreStatus } from "@retail/protocol";
import type { Sqlite } from "../db/open.ts";

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
}

export function createFleet(deps: { db: Sqlite; now: () => Date }) {
  const { db, now } = deps;
  const upsert = db.prepare(
    `INSERT INTO store_status (store_id, state, app_version, catalog_version, outbox_backlog, oldest_unacked_age_sec, last_seq,
     devices_json, status_at, last_seen_at) VALUES (?,?,?,?,?,?,?,?,?,?)
     ON CONFLICT (store_id) DO UPDATE SET state=excluded.state, app_version=excluded.app_version, catalog_version=excluded.catalog_version,
     outbox_backlog=excluded.outbox_backlog, oldest_unacked_age_sec=excluded.oldest_unacked_age_sec, last_seq=excluded.last_seq,
     devices_json=excluded.devices_json, status_at=excluded.status_at,
     last_seen_at=CASE WHEN excluded.state = 'online' THEN excluded.last_seen_at ELSE store_status.last_seen_at END`,
  );
  const touch = db.prepare("UPDATE store_status SET last_seen_at = ? WHERE store_id = ?");
  const instanceSeq = db.prepare(
    `INSERT INTO edge_instance_seqs (store_id, instance_id, max_reported_seq, last_status_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (store_id, instance_id) DO UPDATE SET max_reported_seq = MAX(max_reported_seq, excluded.max_reported_seq),
     last_status_at = excluded.last_status_at`,
  );

  function recordStatus(storeId: string, s: StoreStatus) {
    upsert.run(
      storeId,
      s.state,
      s.appVersion,
      s.catalogVersion,
      s.outboxBacklog,
      s.oldestUnackedAgeSec ?? null,
      s.lastSeq,
      JSON.stringify(s.devices),
      s.at,
      now().toISOString(),
    );
    if (s.instanceId) instanceSeq.run(storeId, s.instanceId, s.lastSeq, s.at);
  }

  /** Any message from a store proves it is alive. */
  function seen(storeId: string) {
    touch.run(now().toISOString(), storeId);
  }

  function list(region?: string): FleetRow[] {
    const rows = db
      .prepare(
        `SELECT s.id, s.name, s.region, s.ring, s.enrollment_state, st.*, q.up_to_seq, i.instance_id,
         (SELECT count(*) FROM edge_resyncs r WHERE r.store_id = s.id AND r.status = 'open') AS open_resyncs,
         (SELECT count(*) FROM fleet_alerts a WHERE a.store_id = s.id AND a.closed_at IS NULL) AS open_alerts,
         (SELECT min(r.requested_at) FROM credential_rotations r WHERE r.store_id = s.id AND r.state = 'pending') AS rotation_pending_since
         FROM stores s
         LEFT JOIN store_status st ON st.store_id = s.id LEFT JOIN store_seq q ON q.store_id = s.id
         LEFT JOIN store_identity i ON i.store_id = s.id
         ${region ? "WHERE s.region = ?" : ""} ORDER BY s.id`,
      )
      .all(...(region ? [region] : [])) as Record<string, unknown>[];
    return rows.map((r) => ({
      storeId: r.id as string,
      name: r.name as string,
      region: r.region as string,
      ring: r.ring as string,
      enrollmentState: r.enrollment_state as string,
      state: (r.state as "online" | "offline" | null) ?? "never_seen",
      ...(r.last_seen_at ? { lastSeenAt: r.last_seen_at as string } : {}),
      ...(r.app_version ? { appVersion: r.app_version as string } : {}),
      ...(r.catalog_version !== null && r.catalog_version !== undefined
        ? { catalogVersion: r.catalog_version as number }
        : {}),
      ...(r.outbox_backlog !== null && r.outbox_backlog !== undefined
        ? { outboxBacklog: r.outbox_backlog as number }
        : {}),
      ...(r.oldest_unacked_age_sec !== null && r.oldest_unacked_age_sec !== undefined
        ? { oldestUnackedAgeSec: r.oldest_unacked_age_sec as number }
        : {}),
      ...(r.last_seq !== null && r.last_seq !== undefined ? { lastSeq: r.last_seq as number } : {}),
      ackedSeq: (r.up_to_seq as number | null) ?? 0,
      devices: r.devices_json ? JSON.parse(r.devices_json as string) : [],
      ...(r.instance_id ? { instanceId: r.instance_id as string } : {}),
      openResyncs: (r.open_resyncs as number | null) ?? 0,
      openAlerts: (r.open_alerts as number | null) ?? 0,
      ...(r.rotation_pending_since ? { rotationPendingSince: r.rotation_pending_since as string } : {}),
    }));
  }

  return { recordStatus, seen, list };
}

export type Fleet = ReturnType<typeof createFleet>;
