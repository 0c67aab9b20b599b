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
  /** The data folder's file system: HQ alerts when it is nearly full (before SQLite refuses writes). */
  disk: z.strictObject({ freeBytes: z.int().nonnegative(), totalBytes: z.int().positive() }).optional(),
  at: IsoTime,
});

export const TelemetryV1 = z.strictObject({
  /** Integer gauges and counters (e.g. cpu_pct, rss_mb, sales_today). */
  metrics: z.record(z.string().regex(/^[a-z0-9_.]{1,64}$/), z.int()),
  at: IsoTime,
});

/** What HQ can ask of a store. The last five are the remote commands an operator sends (docs/appliance.md). */
export const CommandName = z.enum([
  "resync_catalog",
  "resend_events",
  "reload_config",
  "publish_status",
  "rotate_credentials",
  "restart_edge",
  "restart_lane",
  "lock_lane",
  "unlock_lane",
  "collect_diagnostics",
  "renew_certificate",
]);

export const CommandV1 = z.strictObject({
  commandId: Id,
  name: CommandName,
  /**
   * resend_events: { fromSeq, toSeq? } (toSeq: a replay of fromSeq..toSeq that confirms events HQ
   * committed ahead of a gap, the cursor untouched); rotate_credentials: { rotationId, password }
   * (docs/sync.md); restart_lane, unlock_lane: { lane }; lock_lane: { lane, reason? }
   */
  args: z.record(z.string(), z.union([z.string(), z.int(), z.boolean()])),
});

/** The diagnostics bundle: gzip of a JSON document (logs, status, integrity check), base64. */
export const DiagnosticsBundleV1 = z.strictObject({
  gzipBase64: z
    .string()
    .max(96 * 1024)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, "base64"),
  /** Bytes of the JSON before gzip. */
  bytes: z.int().nonnegative(),
  /** SHA-256 (hex) of the gzip bytes. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

/**
 * A store's answer to a remote command (up/query): done, refused (e.g. a payment in flight on
 * the lane) or failed, once per command id; a command received again is answered again with the
 * outcome kept, never run twice.
 */
export const CommandResultV1 = z.strictObject({
  commandId: Id,
  name: CommandName,
  outcome: z.enum(["done", "refused", "failed"]),
  detail: z.string().max(500).optional(),
  /** collect_diagnostics only. */
  bundle: DiagnosticsBundleV1.optional(),
  at: IsoTime,
});

/**
 * The edge asks HQ to sign a new key of its own (certificate renewal: HQ's `renew_certificate`
 * command, or its certificate nearing expiry). Sent over the store's authenticated mqtts session;
 * HQ answers `certificate.issued` with the same requestId.
 */
export const CertificateRequestV1 = z.strictObject({
  requestId: Id,
  /** PEM PKCS#10 request signed with the new key (ECDSA P-256). */
  csr: z.string().max(8192),
  /** The LAN names the store's HTTPS certificate carries (private IPv4, .local/.lan/.internal). */
  lanAddresses: z.array(z.string().max(253)).max(8),
  why: z.enum(["command", "expiry"]),
  /** The renew_certificate command it answers, if any. */
  commandId: Id.optional(),
});

/** HQ's answer to `certificate.request`: the signed certificate, or why it was refused. */
export const CertificateIssuedV1 = z.strictObject({
  requestId: Id,
  certPem: z.string().max(8192).optional(),
  caPem: z.string().max(8192).optional(),
  serial: z
    .string()
    .regex(/^[0-9a-f]{1,64}$/)
    .optional(),
  notAfter: IsoTime.optional(),
  error: z.strictObject({ field: z.string().max(80), message: z.string().max(500) }).optional(),
});
