// Configuration: one file, `store-edge.json` in the data directory (written by `enroll`,
// edited by the installer), then environment overrides (STORE_EDGE_*). Documented in
// docs/store-edge.md; every field has a default so a fresh store starts with an empty file.
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from "node:fs";
import { join, resolve } from "node:path";
import { z } from "zod";
import { WalletSettings } from "./payments/wallet-settings.ts";

const LaneDevices = z.strictObject({
  /** "simulated": in-process devices the API and tests drive; "none": no devices at all;
   * "bridge": firmware-bridge drivers configured by `bridge` (its LaneDevicesConfig, checked at
   * start); "bridge-sim": firmware-bridge's wire simulators started by the edge for the lane,
   * opened through the same bridge adapter (docs/store-edge.md). */
  mode: z.enum(["simulated", "none", "bridge", "bridge-sim"]).default("simulated"),
  bridge: z.unknown().optional(),
  /** "bridge-sim": the scale's protocol (firmware-bridge SCALE_PROTOCOLS) and the paper width. */
  sim: z
    .strictObject({
      scaleProtocol: z.string().optional(),
      paper: z.union([z.literal(58), z.literal(80)]).optional(),
    })
    .optional(),
  /** Bridge lanes' printed receipts: store name (default: enrollment), QR link ({receiptNo}), footer. */
  receipt: z
    .strictObject({
      storeName: z.string().min(1).max(40).optional(),
      qrUrl: z.string().min(1).max(200).optional(),
      qrCaption: z.string().max(40).optional(),
      footer: z.array(z.string().max(48)).max(10).optional(),
    })
    .optional(),
});

export const ConfigSchema = z.strictObject({
  http: z
    .strictObject({
      host: z.string().default("0.0.0.0"),
      port: z.int().min(0).max(65535).default(8080),
      /** HTTPS on the LAN with the store certificate (default 8443 beside port 8080, else a free port). */
      httpsPort: z.int().min(0).max(65535).optional(),
      /** Plain HTTP on `host` too, not only on 127.0.0.1, although HTTPS serves the LAN. */
      plainLan: z.boolean().default(false),
      /** Built terminal UI to serve at "/" when present. */
      staticDir: z.string().optional(),
      /** Largest request body of any route, in bytes (413 above it; a 2,000-line stock count is ~120 KB). */
      maxBodyBytes: z
        .int()
        .min(1024)
        .max(64 * 1024 * 1024)
        .default(256 * 1024),
      /** Largest body of the lane sign-in, open without a session. */
      maxLoginBodyBytes: z
        .int()
        .min(256)
        .max(1024 * 1024)
        .default(16 * 1024),
    })
    .default({
      host: "0.0.0.0",
      port: 8080,
      plainLan: false,
      maxBodyBytes: 256 * 1024,
      maxLoginBodyBytes: 16 * 1024,
    }),
  /** Written by `store-edge enroll`. */
  enrollment: z
    .strictObject({
      hq: z.string(),
      storeId: z.string(),
      storeName: z.string(),
      region: z.string().optional(),
      mqtt: z.strictObject({
        url: z.string(),
        username: z.string(),
        password: z.string(),
        clientId: z.string(),
      }),
      /** The store's certificate from the chain CA (files in <dataDir>/tls), when HQ serves mqtts. */
      tls: z.strictObject({ serial: z.string(), notAfter: z.string() }).optional(),
      enrolledAt: z.string(),
      /** The chain's ed25519 release key (SPKI DER, base64) from enrollment: updates must verify under it. */
      releaseKey: z.string().optional(),
    })
    .optional(),
  /** Lanes that exist at start; others are created when a terminal first uses them. */
  lanes: z.record(z.string().regex(/^[0-9]{1,2}$/), LaneDevices).default({}),
  /** Default device mode for lanes not listed. */
  defaultDevices: LaneDevices.default({ mode: "simulated" }),
  payments: z
    .strictObject({
      /** "wallet": the real WeChat Pay / Alipay clients with `wallet` (payments/wallet-config.ts). */
      provider: z.enum(["simulated", "wallet"]).default("simulated"),
      wallet: WalletSettings.optional(),
      /** How long to wait for the provider before switching to query. */
      timeoutMs: z.int().positive().default(10_000),
      queryIntervalMs: z.int().positive().default(2_000),
      queryAttempts: z.int().positive().default(10),
    })
    .default({ provider: "simulated", timeoutMs: 10_000, queryIntervalMs: 2_000, queryAttempts: 10 }),
  /**
   * Cashier sessions on the LAN: minutes a session may go unused (STORE_EDGE_SESSION_IDLE_MIN
   * wins), and seconds a cashier code stays locked after 5 wrong PINs in a row (default 300).
   */
  sessions: z
    .strictObject({
      idleMinutes: z
        .int()
        .min(1)
        .max(7 * 24 * 60)
        .optional(),
      pinLockSeconds: z
        .int()
        .min(1)
        .max(24 * 3600)
        .optional(),
      /** Wrong PINs one LAN address may send in an hour before it is refused (default 20). */
      pinSourceMaxWrong: z.int().min(5).max(1000).optional(),
      /** Different existing codes one LAN address may send wrong PINs for in an hour (default 6). */
      pinSourceMaxCodes: z.int().min(2).max(1000).optional(),
    })
    .optional(),
  /**
   * The daily completeness proof (day.digest, docs/store-edge.md): a final digest of every
   * closed business day, and a running one of today at most every runningIntervalSeconds
   * (0 = only closed days). The edge looks every tickSeconds.
   */
  digest: z
    .strictObject({
      runningIntervalSeconds: z.int().min(0).max(86_400).default(900),
      tickSeconds: z.int().min(1).max(3600).default(60),
    })
    .default({ runningIntervalSeconds: 900, tickSeconds: 60 }),
  /**
   * Online backups of edge.db on the box (backup/, docs/appliance.md): every intervalSeconds
   * (0 = none; STORE_EDGE_BACKUP_INTERVAL_S), the `keep` newest kept (STORE_EDGE_BACKUP_KEEP), in
   * `dir` (relative to the data folder; default <data>/backups; STORE_EDGE_BACKUP_DIR). The
   * first one of a run waits startDelaySeconds (STORE_EDGE_BACKUP_DELAY_S): a start is busy.
   */
  backup: z
    .strictObject({
      intervalSeconds: z
        .int()
        .min(0)
        .max(7 * 86_400)
        .default(3600),
      keep: z.int().min(1).max(1000).default(24),
      dir: z.string().min(1).optional(),
      startDelaySeconds: z.int().min(0).max(86_400).default(300),
    })
    .default({ intervalSeconds: 3600, keep: 24, startDelaySeconds: 300 }),
  /** Cash control: cash-outs above this many fen need a supervisor (default 10000, ¥100). */
  cash: z
    .strictObject({ payoutSupervisorAboveFen: z.int().nonnegative().max(100_000_000).default(10_000) })
    .default({ payoutSupervisorAboveFen: 10_000 }),
  link: z
    .strictObject({
      /** Reconnect backoff: full jitter over [0, min(cap, base * 2^attempt)]. */
      backoffBaseMs: z.int().positive().default(1_000),
      backoffCapMs: z.int().positive().default(60_000),
      /** Events in flight (sent, not yet acked) before the publisher waits for an ack. */
      windowEvents: z.int().positive().default(5_000),
      /** Resend everything unacked when HQ has not acked for this long. */
      ackTimeoutMs: z.int().positive().default(15_000),
      /** A catalog page not answered in this time is asked for again. */
      pageTimeoutMs: z.int().positive().default(10_000),
      statusMinIntervalMs: z.int().positive().default(5_000),
      /**
       * Events wait this long after a connect for HQ's answer to the hello (edge.welcome); a hub
       * that never answers (older than the hello) then gets them as before.
       */
      helloTimeoutMs: z.int().positive().default(20_000),
    })
    .default({
      backoffBaseMs: 1_000,
      backoffCapMs: 60_000,
      windowEvents: 5_000,
      ackTimeoutMs: 15_000,
      pageTimeoutMs: 10_000,
      statusMinIntervalMs: 5_000,
      helloTimeoutMs: 20_000,
    }),
});
export type EdgeConfig = z.infer<typeof ConfigSchema>;

export const CONFIG_FILE = "store-edge.json";

/** STORE_EDGE_SESSION_IDLE_MIN: minutes a cashier's LAN session may go unused (1 min..7 days). */
export function sessionIdleFromEnv(): number | undefined {
  const v = process.env.STORE_EDGE_SESSION_IDLE_MIN;
  if (v === undefined || v === "") return undefined;
  const min = Number(v);
  if (!Number.isInteger(min) || min < 1 || min > 7 * 24 * 60)
    throw new Error("STORE_EDGE_SESSION_IDLE_MIN: whole minutes, 1 to 10080 (7 days)");
  return min * 60_000;
}

export function defaultDataDir(env: Record<string, string | undefined> = process.env): string {
  return resolve(env.STORE_EDGE_DATA ?? "./data");
}

/** Reads the config file (missing = empty) and applies environment overrides. */
export function loadConfig(
  dataDir: string,
  env: Record<string, string | undefined> = process.env,
): EdgeConfig {
  const file = join(dataDir, CONFIG_FILE);
  let raw: unknown = {};
  if (existsSync(file)) {
    try {
      raw = JSON.parse(readFileSync(file, "utf8"));
    } catch (e) {
      throw new Error(`${file}: not valid JSON: ${(e as Error).message}`);
    }
  }
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${file}: ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  const config = parsed.data;
  const int = (name: string) => {
    const v = env[name];
    if (v === undefined || v === "") return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${name}: expected a whole number, got ${v}`);
    return n;
  };
  config.http.port = int("STORE_EDGE_PORT") ?? config.http.port;
  config.http.host = env.STORE_EDGE_HOST || config.http.host;
  config.http.staticDir = env.STORE_EDGE_STATIC_DIR || config.http.staticDir;
  if (config.enrollment && env.STORE_EDGE_MQTT_URL) config.enrollment.mqtt.url = env.STORE_EDGE_MQTT_URL;
  config.link.backoffBaseMs = int("STORE_EDGE_BACKOFF_BASE_MS") ?? config.link.backoffBaseMs;
  config.link.backoffCapMs = int("STORE_EDGE_BACKOFF_CAP_MS") ?? config.link.backoffCapMs;
  config.link.ackTimeoutMs = int("STORE_EDGE_ACK_TIMEOUT_MS") ?? config.link.ackTimeoutMs;
  config.link.statusMinIntervalMs = int("STORE_EDGE_STATUS_INTERVAL_MS") ?? config.link.statusMinIntervalMs;
  config.digest.runningIntervalSeconds =
    int("STORE_EDGE_DIGEST_INTERVAL_S") ?? config.digest.runningIntervalSeconds;
  config.digest.tickSeconds = Math.max(1, int("STORE_EDGE_DIGEST_TICK_S") ?? config.digest.tickSeconds);
  config.backup.intervalSeconds = int("STORE_EDGE_BACKUP_INTERVAL_S") ?? config.backup.intervalSeconds;
  config.backup.keep = Math.max(1, int("STORE_EDGE_BACKUP_KEEP") ?? config.backup.keep);
  config.backup.dir = env.STORE_EDGE_BACKUP_DIR || config.backup.dir;
  config.backup.startDelaySeconds = int("STORE_EDGE_BACKUP_DELAY_S") ?? config.backup.startDelaySeconds;
  config.payments.timeoutMs = int("STORE_EDGE_PAYMENT_TIMEOUT_MS") ?? config.payments.timeoutMs;
  config.payments.queryIntervalMs = int("STORE_EDGE_PAYMENT_QUERY_MS") ?? config.payments.queryIntervalMs;
  return config;
}

/** Writes the config file atomically (tmp + rename), keeping fields the caller did not touch. */
export function saveConfig(dataDir: string, update: (raw: Record<string, unknown>) => void): void {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, CONFIG_FILE);
  const raw: Record<string, unknown> = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
  update(raw);
  ConfigSchema.parse(raw);
  // fsynced before and after the rename: it holds the store's credentials, and a rotated
  // password lost to a power cut would lock the store out once HQ drops the old one.
  const fd = openSync(`${file}.tmp`, "w", 0o600);
  try {
    writeFileSync(fd, `${JSON.stringify(raw, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(`${file}.tmp`, file);
  const dir = openSync(dataDir, "r");
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}
