// The alert webhook: each raised or cleared alert is queued (alert_notifications) in the
// sweep's own small write, then POSTed off the ingest path by a timer, as a WeCom or DingTalk
// group robot takes it ({"msgtype":"markdown", ...}). A refusal, a timeout or a robot's non-zero
// errcode is retried with backoff (5 s doubling, at most 10 min apart) up to 12 times, then the
// row stays `failed` for a person to see. Nothing here ever waits inside an ingest commit.
import { and, asc, desc, eq, lte, sql } from "drizzle-orm";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import { alertNotifications } from "../db/schema.ts";
import type { FleetAlert } from "../fleet/alerts.ts";
import { KIND_ZH } from "./rules.ts";

export const MAX_ATTEMPTS = 12;
const TIMEOUT_MS = 5000;
const BATCH = 20;

export type WebhookStyle = "wecom" | "dingtalk";

/** Backoff after `attempts` failed tries: 5 s, 10 s, 20 s ... at most 10 min. */
export function retryDelayMs(attempts: number): number {
  return Math.min(5000 * 2 ** Math.max(0, attempts - 1), 600_000);
}

/** The chat message of an alert (zh-CN markdown), in the robot's JSON. */
export function webhookBody(
  a: FleetAlert,
  event: "raised" | "cleared",
  storeName: string | undefined,
  style: WebhookStyle,
): Record<string, unknown> {
  const what = KIND_ZH[a.kind] ?? a.kind;
  const where = a.storeId ? `${a.storeId}${storeName ? ` ${storeName}` : ""}` : "总部";
  const title = `${event === "raised" ? "【告警】" : "【已恢复】"}${where} ${what}`;
  const details = Object.entries(a.detail)
    .slice(0, 8)
    .map(([k, v]) => `> ${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join("\n");
  const text = [
    `**${title}**`,
    `> 类型: ${what}${a.subject ? ` (${a.subject})` : ""}`,
    `> ${event === "raised" ? "发生" : "恢复"}时间: ${event === "raised" ? a.openedAt : (a.closedAt ?? a.lastAt)}`,
    ...(details ? [details] : []),
    `> 告警编号: ${a.id}`,
  ].join("\n");
  const common = { alertId: a.id, kind: a.kind, storeId: a.storeId ?? null, event };
  return style === "dingtalk"
    ? { msgtype: "markdown", markdown: { title, text }, ...common }
    : { msgtype: "markdown", markdown: { content: text }, ...common };
}

export function createAlertWebhook(deps: {
  db: Sqlite;
  now: () => Date;
  url: string | undefined;
  style: WebhookStyle;
  storeName: (storeId: string) => string | undefined;
  log: (line: string) => void;
}) {
  const { db, now, url, style, storeName, log } = deps;
  const orm = openDrizzle(db);
  let running = false;

  /** Queues the alert's message (nothing when no webhook is configured). */
  function enqueue(a: FleetAlert, event: "raised" | "cleared"): void {
    if (!url) return;
    const at = now().toISOString();
    orm
      .insert(alertNotifications)
      .values({
        alertId: a.id,
        event,
        bodyJson: JSON.stringify(webhookBody(a, event, a.storeId ? storeName(a.storeId) : undefined, style)),
        createdAt: at,
        state: "pending",
        nextAt: at,
      })
      .run();
  }

  async function post(body: string): Promise<string | undefined> {
    try {
      const res = await fetch(url!, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      const text = await res.text();
      if (!res.ok) return `HTTP ${res.status}: ${text.slice(0, 200)}`;
      // WeCom and DingTalk answer 200 with {errcode, errmsg}: non-zero is a refusal.
      try {
        const j = JSON.parse(text) as { errcode?: number; errmsg?: string };
        if (typeof j.errcode === "number" && j.errcode !== 0)
          return `errcode ${j.errcode}: ${j.errmsg ?? ""}`;
      } catch {
        // not JSON: any 2xx is taken
      }
      return undefined;
    } catch (e) {
      return (e as Error).message;
    }
  }

  /** Sends what is due, oldest first; one run at a time. Answers how many were delivered. */
  async function deliver(): Promise<number> {
    if (!url || running) return 0;
    running = true;
    let sent = 0;
    try {
      const due = orm
        .select()
        .from(alertNotifications)
        .where(
          and(eq(alertNotifications.state, "pending"), lte(alertNotifications.nextAt, now().toISOString())),
        )
        .orderBy(asc(alertNotifications.id))
        .limit(BATCH)
        .all();
      for (const n of due) {
        const error = await post(n.bodyJson);
        const attempts = n.attempts + 1;
        const at = now();
        if (!error) {
          sent++;
          orm
            .update(alertNotifications)
            .set({ state: "sent", attempts, sentAt: at.toISOString(), lastError: null })
            .where(eq(alertNotifications.id, n.id))
            .run();
          continue;
        }
        const failed = attempts >= MAX_ATTEMPTS;
        orm
          .update(alertNotifications)
          .set({
            attempts,
            lastError: error.slice(0, 300),
            state: failed ? "failed" : "pending",
            nextAt: new Date(at.getTime() + retryDelayMs(attempts)).toISOString(),
          })
          .where(eq(alertNotifications.id, n.id))
          .run();
        if (failed)
          log(
            `hq-hub: alert webhook gave up on alert ${n.alertId} (${n.event}) after ${attempts} tries: ${error}`,
          );
      }
    } finally {
      running = false;
    }
    return sent;
  }

  /** The queue, newest first (the console's webhook deliveries). */
  function list(limit = 100) {
    return orm
      .select({
        id: alertNotifications.id,
        alertId: alertNotifications.alertId,
        event: alertNotifications.event,
        state: alertNotifications.state,
        attempts: alertNotifications.attempts,
        createdAt: alertNotifications.createdAt,
        sentAt: alertNotifications.sentAt,
        lastError: alertNotifications.lastError,
      })
      .from(alertNotifications)
      .orderBy(desc(alertNotifications.id))
      .limit(limit)
      .all();
  }

  const pendingCount = () =>
    orm
      .select({ n: sql<number>`count(*)` })
      .from(alertNotifications)
      .where(eq(alertNotifications.state, "pending"))
      .get()?.n ?? 0;

  return { enqueue, deliver, list, pendingCount, configured: url !== undefined };
}

export type AlertWebhook = ReturnType<typeof createAlertWebhook>;
