// Store status, telemetry (store -> HQ, seq = 0) and HQ's commands to a store.
import { z } from "zod";
import { IsoTime } from "../catalog.ts";
import { Id, LaneId } from "./fields.ts";

const DeviceHealthV1 = z.strictObject({
  laneId: LaneId,
  kind: z.enum(["scanner", "scale", "printer", "drawer", "display"]),
  device: z.string().max(120),
  state: z.enum(["connected", "ready", "error", "absent"]),
  reason: z.string().max(200).optional(),
});

export const StoreStatusV1 = z.strictObject({
  /** "offline" is what the last-will says when the store vanishes without a goodbye. */
  state: z.enum(["online", "offline"]),
  appVersion: z.string().max(40),
  catalogVersion: z.int().nonnegative(),
  outboxBacklog: z.int().nonnegative(),
  oldestUnackedAgeSec: z.int().nonnegative().optional(),
  lastSeq: z.int().nonnegative(),
  /**
   * The edge database's instance (edge.hello): HQ keeps the highest lastSeq each instance
   * reported, so it can say how many events a database that is gone never delivered.
   */
  instanceId: Id.optional(),
  devices: z.array(DeviceHealthV1).max(100),
  /**
   * Present only while the edge's database cannot be written: its disk is full, failing or
   * read-only. Sales are refused meanwhile (nothing half-written); HQ raises a fleet alert.
   */
  storage: z
    .strictObject({
      state: z.enum(["full", "io_error", "read_only"]),
      since: IsoTime,
      /** Writes refused since then. */
      failures: z.int().nonnegative(),
      /** SQLite's code of the last fault, e.g. SQLITE_FULL. */
      lastError: z.string().max(40).optional(),
    })
    .optional(),
  at: IsoTime,
});

export const TelemetryV1 = z.strictObject({
  /** Integer gauges and counters (e.g. cpu_pct, rss_mb, sales_today). */
  metrics: z.record(z.string().regex(/^[a-z0-9_.]{1,64}$/), z.int()),
  at: IsoTime,
});

export const CommandV1 = z.strictObject({
  commandId: Id,
  name: z.enum(["resync_catalog", "resend_events", "reload_config", "publish_status", "rotate_credentials"]),
  /** resend_events: { fromSeq, toSeq? } (toSeq: a replay of fromSeq..toSeq that confirms events HQ committed ahead of a gap, the cursor untouched); rotate_credentials: { rotationId, password } (docs/sync.md) */
  args: z.record(z.string(), z.union([z.string(), z.int(), z.boolean()])),
});
