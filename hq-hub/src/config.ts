// Hub configuration: defaults, then an optional JSON file, then the environment, then CLI flags.
// Later sources win. Everything is plain data so tests can build one in a line.
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { MONEY_CAPS, type MoneyCaps } from "@retail/protocol";
import { z } from "zod";

const cap = (max: number) =>
  z
    .int()
    .positive()
    .max(max, { message: `may lower the protocol cap, not raise it (at most ${max})` });

export const HubConfigSchema = z.strictObject({
  /** HTTP port of the admin API and enrollment; 0 picks a free one. */
  port: z.int().min(0).max(65535),
  /** Host the HTTP and MQTT listeners bind to. */
  host: z.string().min(1),
  /** Port of the embedded MQTT broker (ignored with mqttUrl); 0 picks a free one. */
  mqttPort: z.int().min(0).max(65535),
  /** Where the local libSQL file lives. */
  dataDir: z.string().min(1),
  /** A remote libSQL server (libsql://, http(s)://); the local file is used when absent. */
  databaseUrl: z.string().optional(),
  databaseAuthToken: z.string().optional(),
  /** An external MQTT 5 broker (mqtt://user:pass@host:port); the embedded aedes when absent. */
  mqttUrl: z.string().optional(),
  /** What enrolled stores are told to connect to; derived from the listener when absent. */
  publicMqttUrl: z.string().optional(),
  /**
   * Port of the embedded broker's MQTT-over-TLS listener (mutual TLS with the chain CA kept in
   * <dataDir>/pki; 0 picks a free one). Absent: no TLS listener, stores enroll onto plain MQTT.
   */
  mqttsPort: z.int().min(0).max(65535).optional(),
  /** The mqtts:// URL stores are told (its host must be in the broker's certificate: mqttsHosts). */
  publicMqttsUrl: z.string().optional(),
  /** Extra names (DNS or IP) stores reach the broker by, for its certificate. */
  mqttsHosts: z.array(z.string().min(1).max(253)).max(32).optional(),
  /** Bootstrap admin bearer token (role hq_admin). */
  adminToken: z.string().min(16).optional(),
  /** Several hub workers against one external broker share the events stream in this group. */
  shareGroup: z.string().regex(/^[A-Za-z0-9_-]+$/),
  /** Names this worker's MQTT session on an external broker (stable across restarts). */
  workerId: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,40}$/)
    .optional(),
  /** How often dirty member balances are sent down as a change set (ms; 0 = only on demand). */
  memberSyncMs: z.int().nonnegative(),
  /** How often new sales are posted to finance vouchers (ms; 0 = only on demand). */
  financePostMs: z.int().nonnegative(),
  /**
   * Closing an accounting month requires every store-day of it proven complete by the stores'
   * day digests (default off).
   */
  closeRequiresComplete: z.boolean().optional(),
  /**
   * Finance's period close goes through the month-end checklist (close/): refused, naming the
   * step, while a step fails or is not available (default off; the checklist's own close always checks).
   */
  closeChecklist: z.boolean().optional(),
  /**
   * The chain's WeChat Pay (商户号 / 特约商户号) and Alipay (账号) merchant accounts: a settlement
   * file's entry settled to any other is flagged (other_merchant), never matched to our tenders.
   * Env: HQ_WECHAT_MERCHANTS / HQ_ALIPAY_MERCHANTS, comma-separated.
   */
  walletMerchants: z
    .strictObject({
      wechat: z.array(z.string().regex(/^[0-9A-Za-z_@.-]{1,64}$/)).optional(),
      alipay: z.array(z.string().regex(/^[0-9A-Za-z_@.-]{1,64}$/)).optional(),
    })
    .optional(),
  /**
   * Fleet alerts (alerts/): where raised and cleared alerts are POSTed (a WeCom or DingTalk group
   * robot's URL, or any HTTP endpoint taking their JSON), the body's style, how often the rules
   * run (ms), and the rules' thresholds (alerts/rules.ts DEFAULT_THRESHOLDS for absent ones).
   */
  alertWebhookUrl: z.url({ protocol: /^https?$/ }).optional(),
  alertWebhookStyle: z.enum(["wecom", "dingtalk"]).optional(),
  alertSweepMs: z.int().min(100),
  alertThresholds: z
    .strictObject({
      offlineAfterSec: z.int().positive().optional(),
      backlogEvents: z.int().positive().optional(),
      unackedAgeSec: z.int().positive().optional(),
      diskFreePct: z.int().min(1).max(99).optional(),
      clockSkewSec: z.int().positive().optional(),
      catalogBehindSec: z.int().nonnegative().optional(),
      offlineGraceSec: z.int().nonnegative().optional(),
    })
    .optional(),
  /** Enrollment codes expire after this many hours. */
  enrollmentCodeHours: z.int().positive(),
  /**
   * Ingest (validation + the SQLite transaction) on its own Worker thread and connection, for
   * a local database file (default off: ingest on the main thread).
   */
  ingestWorker: z.boolean().optional(),
  /**
   * The look-ups' and the cost catch-up in their own Worker thread and connection, for a local
   * database file (default on; off: on the hub's thread, as always with DATABASE_URL).
   */
  catchUpWorker: z.boolean().optional(),
  /** Largest request body of an authenticated JSON route, in bytes (413 above it). */
  maxBodyBytes: z
    .int()
    .min(1024)
    .max(256 * 1024 * 1024),
  /** Largest body of a route open without a login (enrollment), in bytes. */
  maxPublicBodyBytes: z
    .int()
    .min(256)
    .max(1024 * 1024),
  /** Largest CSV import (POST /api/v1/imports/{kind}), in bytes. */
  maxImportBytes: z
    .int()
    .min(1024)
    .max(1024 * 1024 * 1024),
  /** Enrollment attempts one source address may make per 10 minutes (429 above it). */
  enrollAttemptsPerAddress: z.int().positive(),
  /** Enrollment attempts from all addresses together per 10 minutes. */
  enrollAttemptsGlobal: z.int().positive(),
  /**
   * The chain's public release key (base64 SPKI, PEM, or a PEM file's path) when its private half
   * is kept offline: HQ then signs nothing and accepts only signatures that verify under it.
   */
  releasePublicKey: z.string().min(1).optional(),
  /** The built HQ console (hq-console/build) served at "/"; the API only when absent. */
  consoleDir: z.string().min(1).optional(),
  /**
   * The chain's caps on sales and returns, each at most the protocol's (MONEY_CAPS): a sale
   * above one is dead-lettered naming the field. Absent fields keep the protocol cap.
   */
  moneyCaps: z
    .strictObject({
      qty: cap(MONEY_CAPS.qty).optional(),
      unitPriceFen: cap(MONEY_CAPS.unitPriceFen).optional(),
      lineFen: cap(MONEY_CAPS.lineFen).optional(),
      saleFen: cap(MONEY_CAPS.saleFen).optional(),
    })
    .optional(),
});
export type HubConfig = z.infer<typeof HubConfigSchema>;

export function defaultConfig(cwd = process.cwd()): HubConfig {
  return {
    port: 8080,
    host: "127.0.0.1",
    mqttPort: 1883,
    dataDir: join(cwd, "data"),
    shareGroup: "hub",
    memberSyncMs: 60_000,
    financePostMs: 300_000,
    enrollmentCodeHours: 72,
    alertSweepMs: 15_000,
    maxBodyBytes: 2 * 1024 * 1024,
    maxPublicBodyBytes: 16 * 1024,
    maxImportBytes: 64 * 1024 * 1024,
    enrollAttemptsPerAddress: 10,
    enrollAttemptsGlobal: 300,
  };
}

const ENV_KEYS: Record<string, keyof HubConfig> = {
  HQ_PORT: "port",
  HQ_HOST: "host",
  HQ_MQTT_PORT: "mqttPort",
  HQ_DATA_DIR: "dataDir",
  DATABASE_URL: "databaseUrl",
  DATABASE_AUTH_TOKEN: "databaseAuthToken",
  MQTT_URL: "mqttUrl",
  HQ_PUBLIC_MQTT_URL: "publicMqttUrl",
  HQ_MQTTS_PORT: "mqttsPort",
  HQ_PUBLIC_MQTTS_URL: "publicMqttsUrl",
  HQ_ADMIN_TOKEN: "adminToken",
  HQ_SHARE_GROUP: "shareGroup",
  HQ_WORKER_ID: "workerId",
  HQ_MEMBER_SYNC_MS: "memberSyncMs",
  HQ_FINANCE_POST_MS: "financePostMs",
  HQ_INGEST_WORKER: "ingestWorker",
  HQ_CATCH_UP_WORKER: "catchUpWorker",
  HQ_CLOSE_REQUIRES_COMPLETE: "closeRequiresComplete",
  HQ_CLOSE_CHECKLIST: "closeChecklist",
  HQ_CONSOLE_DIR: "consoleDir",
  HQ_RELEASE_PUBLIC_KEY: "releasePublicKey",
  HQ_MAX_BODY_BYTES: "maxBodyBytes",
  HQ_MAX_PUBLIC_BODY_BYTES: "maxPublicBodyBytes",
  HQ_MAX_IMPORT_BYTES: "maxImportBytes",
  HQ_ENROLL_ATTEMPTS_PER_ADDRESS: "enrollAttemptsPerAddress",
  HQ_ENROLL_ATTEMPTS_GLOBAL: "enrollAttemptsGlobal",
  HQ_ALERT_WEBHOOK_URL: "alertWebhookUrl",
  HQ_ALERT_WEBHOOK_STYLE: "alertWebhookStyle",
  HQ_ALERT_SWEEP_MS: "alertSweepMs",
};
const NUMERIC: ReadonlySet<keyof HubConfig> = new Set([
  "port",
  "mqttPort",
  "mqttsPort",
  "memberSyncMs",
  "financePostMs",
  "enrollmentCodeHours",
  "maxBodyBytes",
  "maxPublicBodyBytes",
  "maxImportBytes",
  "enrollAttemptsPerAddress",
  "enrollAttemptsGlobal",
  "alertSweepMs",
]);

export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/**
 * Merges the sources. `file` defaults to hq-hub.json in the data dir or the working directory
 * when it exists; a missing explicit file is an error.
 */
export function loadConfig(
  opts: {
    file?: string;
    env?: Record<string, string | undefined>;
    overrides?: Partial<HubConfig>;
    cwd?: string;
  } = {},
): HubConfig {
  const cwd = opts.cwd ?? process.cwd();
  const env = opts.env ?? process.env;
  let merged: Record<string, unknown> = { ...defaultConfig(cwd) };
  const file =
    opts.file ??
    env.HQ_CONFIG ??
    (existsSync(join(cwd, "hq-hub.json")) ? join(cwd, "hq-hub.json") : undefined);
  if (file) {
    if (!existsSync(file)) throw new ConfigError("file", `config file ${file} does not exist`);
    try {
      merged = { ...merged, ...JSON.parse(readFileSync(file, "utf8")) };
    } catch (e) {
      throw new ConfigError("file", `config file ${file} is not valid JSON: ${(e as Error).message}`);
    }
  }
  for (const [name, key] of Object.entries(ENV_KEYS)) {
    const value = env[name];
    if (value === undefined || value === "") continue;
    merged[key] = NUMERIC.has(key)
      ? Number(value)
      : key === "ingestWorker" ||
          key === "catchUpWorker" ||
          key === "closeRequiresComplete" ||
          key === "closeChecklist"
        ? !["0", "false", "no", "off"].includes(value.toLowerCase())
        : value;
  }
  for (const [name, wallet] of [
    ["HQ_WECHAT_MERCHANTS", "wechat"],
    ["HQ_ALIPAY_MERCHANTS", "alipay"],
  ] as const) {
    const list = env[name]
      ?.split(",")
      .map((m) => m.trim())
      .filter(Boolean);
    if (list?.length)
      merged.walletMerchants = { ...(merged.walletMerchants as object | undefined), [wallet]: list };
  }
  const hosts = env.HQ_MQTTS_HOSTS?.split(",")
    .map((h) => h.trim())
    .filter(Boolean);
  if (hosts?.length) merged.mqttsHosts = hosts;
  for (const [k, v] of Object.entries(opts.overrides ?? {})) if (v !== undefined) merged[k] = v;
  if (typeof merged.dataDir === "string") merged.dataDir = resolve(cwd, merged.dataDir);
  if (typeof merged.consoleDir === "string") merged.consoleDir = resolve(cwd, merged.consoleDir);
  const parsed = HubConfigSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(issue.path.join(".") || "config", issue.message);
  }
  return parsed.data;
}

/** The caps ingest applies: the protocol's, lowered where the config says. */
export function moneyCapsOf(config: Pick<HubConfig, "moneyCaps">): MoneyCaps {
  const c = config.moneyCaps ?? {};
  return {
    qty: c.qty ?? MONEY_CAPS.qty,
    unitPriceFen: c.unitPriceFen ?? MONEY_CAPS.unitPriceFen,
    lineFen: c.lineFen ?? MONEY_CAPS.lineFen,
    saleFen: c.saleFen ?? MONEY_CAPS.saleFen,
  };
}
