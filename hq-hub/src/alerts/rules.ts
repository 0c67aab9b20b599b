// Fleet alert rules, the pure part: from what HQ knows of a store (its last status, when it was
// last heard from, its clock, its catalog pointer) to the conditions that hold now. The watch
// (watch.ts) opens an alert when a condition has held for its grace time and clears it when the
// condition is gone; session takeovers and the other security alerts are raised where they happen.

export type RuleKind =
  | "store_offline"
  | "outbox_backlog"
  | "unacked_age"
  | "disk_low"
  | "device_error"
  | "clock_skew"
  | "catalog_behind";

export const RULE_KINDS: readonly RuleKind[] = [
  "store_offline",
  "outbox_backlog",
  "unacked_age",
  "disk_low",
  "device_error",
  "clock_skew",
  "catalog_behind",
];

export interface AlertThresholds {
  /** Not heard from for this long (or its last will said offline): offline. */
  offlineAfterSec: number;
  /** Events waiting in the store's outbox. */
  backlogEvents: number;
  /** The oldest event HQ has not acked is older than this. */
  unackedAgeSec: number;
  /** Free space of the edge's data folder below this share of the disk (percent). */
  diskFreePct: number;
  /** The edge's clock differs from HQ's by more than this. */
  clockSkewSec: number;
  /** Behind its catalog pointer for longer than this (a version takes seconds to apply). */
  catalogBehindSec: number;
  /** Offline by its last will for longer than this (a restart or an update is not an outage). */
  offlineGraceSec: number;
}

export const DEFAULT_THRESHOLDS: AlertThresholds = {
  offlineAfterSec: 180,
  backlogEvents: 500,
  unackedAgeSec: 900,
  diskFreePct: 10,
  clockSkewSec: 120,
  catalogBehindSec: 600,
  offlineGraceSec: 60,
};

/** What HQ knows of one store. */
export interface StoreFacts {
  storeId: string;
  state: "online" | "offline" | "never_seen";
  lastSeenAt?: string;
  outboxBacklog?: number;
  oldestUnackedAgeSec?: number;
  diskFreeBytes?: number;
  diskTotalBytes?: number;
  clockSkewSec?: number;
  devices: { laneId: string; kind: string; device: string; state: string; reason?: string }[];
  catalogVersion?: number;
  /** The version HQ points the store at. */
  pointerVersion: number;
}

export interface Condition {
  kind: RuleKind;
  /** What within the store ('' for the store itself; lane/kind for a device). */
  subject: string;
  detail: Record<string, unknown>;
  /** How long it must hold before an alert opens (seconds). */
  graceSec: number;
}

/** The conditions that hold for a store now. A store never seen has none (it is being installed). */
export function conditionsOf(f: StoreFacts, now: Date, t: AlertThresholds): Condition[] {
  if (f.state === "never_seen") return [];
  const out: Condition[] = [];
  const silentSec = f.lastSeenAt ? Math.floor((now.getTime() - Date.parse(f.lastSeenAt)) / 1000) : undefined;
  const offline = f.state === "offline" || (silentSec !== undefined && silentSec > t.offlineAfterSec);
  if (offline)
    out.push({
      kind: "store_offline",
      subject: "",
      detail: {
        ...(f.lastSeenAt ? { lastSeenAt: f.lastSeenAt, silentSec } : {}),
        lastWill: f.state === "offline",
      },
      graceSec: f.state === "offline" ? t.offlineGraceSec : 0,
    });
  if ((f.outboxBacklog ?? 0) > t.backlogEvents)
    out.push({
      kind: "outbox_backlog",
      subject: "",
      detail: { backlog: f.outboxBacklog, threshold: t.backlogEvents },
      graceSec: 0,
    });
  if ((f.oldestUnackedAgeSec ?? 0) > t.unackedAgeSec)
    out.push({
      kind: "unacked_age",
      subject: "",
      detail: { oldestUnackedAgeSec: f.oldestUnackedAgeSec, threshold: t.unackedAgeSec },
      graceSec: 0,
    });
  if (f.diskFreeBytes !== undefined && f.diskTotalBytes) {
    const pct = Math.floor((f.diskFreeBytes * 100) / f.diskTotalBytes);
    if (pct < t.diskFreePct)
      out.push({
        kind: "disk_low",
        subject: "",
        detail: {
          freeBytes: f.diskFreeBytes,
          totalBytes: f.diskTotalBytes,
          freePct: pct,
          threshold: t.diskFreePct,
        },
        graceSec: 0,
      });
  }
  // What a store said while offline is old news: its devices and clock count while it is online.
  if (!offline) {
    for (const d of f.devices)
      if (d.state === "error")
        out.push({
          kind: "device_error",
          subject: `${d.laneId}/${d.kind}`,
          detail: {
            lane: d.laneId,
            device: d.device,
            deviceKind: d.kind,
            ...(d.reason ? { reason: d.reason } : {}),
          },
          graceSec: 0,
        });
    if (f.clockSkewSec !== undefined && Math.abs(f.clockSkewSec) > t.clockSkewSec)
      out.push({
        kind: "clock_skew",
        subject: "",
        detail: { skewSec: f.clockSkewSec, threshold: t.clockSkewSec },
        graceSec: 0,
      });
    if (f.catalogVersion !== undefined && f.catalogVersion < f.pointerVersion)
      out.push({
        kind: "catalog_behind",
        subject: "",
        detail: { applied: f.catalogVersion, pointer: f.pointerVersion },
        graceSec: t.catalogBehindSec,
      });
  }
  return out;
}

/** How an alert reads in a chat message (WeCom / DingTalk markdown), zh-CN. */
export const KIND_ZH: Record<string, string> = {
  store_offline: "门店离线",
  outbox_backlog: "待上传事件积压",
  unacked_age: "最早未确认事件过久",
  disk_low: "磁盘空间不足",
  device_error: "设备故障",
  clock_skew: "时钟偏差",
  catalog_behind: "商品目录落后",
  session_takeover: "MQTT 会话被接管",
  enrollment_rate_limited: "注册尝试过多",
  till_pin_abuse: "收银员 PIN 滥用",
  edge_storage: "门店数据库无法写入",
  certificate_recovered: "门店证书未在总部记录中（总部从旧备份恢复），已接受并记录",
};
