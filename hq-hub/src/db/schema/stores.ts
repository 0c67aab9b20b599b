// The chain's stores, API tokens, settings and each store's last reported status.
// Part of the hub's one schema (../schema.ts re-exports every file here; drizzle-kit reads it).
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const stores = sqliteTable("stores", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  region: text("region").notNull(),
  address: text("address").notNull().default(""),
  ring: text("ring").notNull().default("general"),
  latE6: integer("lat_e6"),
  lngE6: integer("lng_e6"),
  enrollmentState: text("enrollment_state").notNull().default("pending"),
  enrollmentCodeHash: text("enrollment_code_hash"),
  enrollmentCodeExpiresAt: text("enrollment_code_expires_at"),
  mqttPasswordHash: text("mqtt_password_hash"),
  mqttPasswordMosquitto: text("mqtt_password_mosquitto"),
  snapshotFloor: integer("snapshot_floor").notNull().default(0),
  createdAt: text("created_at").notNull(),
  enrolledAt: text("enrolled_at"),
  /** A rotated MQTT password not used yet, accepted beside the current one (migration 0015). */
  mqttPasswordPending: text("mqtt_password_pending"),
  mqttPasswordPendingHash: text("mqtt_password_pending_hash"),
});

export const apiTokens = sqliteTable("api_tokens", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  tokenHash: text("token_hash").notNull().unique(),
  name: text("name").notNull(),
  role: text("role").notNull(),
  region: text("region"),
  createdAt: text("created_at").notNull(),
  revokedAt: text("revoked_at"),
  revokedBy: text("revoked_by"),
});

export const settings = sqliteTable("settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});

/**
 * Moved by every commit that touches what the catalog caches (migration 0002). SQL only: its
 * one row and the triggers on stores, settings, changesets, changeset_items and
 * catalog_releases that move it (drizzle-kit declares neither rows nor triggers).
 */

export const storeStatus = sqliteTable("store_status", {
  storeId: text("store_id").primaryKey(),
  state: text("state").notNull(),
  appVersion: text("app_version").notNull(),
  catalogVersion: integer("catalog_version").notNull(),
  outboxBacklog: integer("outbox_backlog").notNull(),
  oldestUnackedAgeSec: integer("oldest_unacked_age_sec"),
  lastSeq: integer("last_seq").notNull(),
  devicesJson: text("devices_json").notNull(),
  statusAt: text("status_at").notNull(),
  lastSeenAt: text("last_seen_at").notNull(),
  /** The edge's data folder (store.status disk), for the disk alert. */
  diskFreeBytes: integer("disk_free_bytes"),
  diskTotalBytes: integer("disk_total_bytes"),
  /** The edge's clock minus HQ's when its last status arrived (seconds), for the clock alert. */
  clockSkewSec: integer("clock_skew_sec"),
});
