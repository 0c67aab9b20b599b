// Every MQTT topic of the product is built and parsed here, and this module alone answers the
// access question the broker asks: may store S publish on / subscribe to topic T.
//
//   retail/v1/s/{storeId}/up/{channel}     store -> HQ   (only that store publishes)
//   retail/v1/s/{storeId}/down/{channel}   HQ -> store   (only that store subscribes)
//   retail/v1/all/{channel}                HQ -> every store (broadcast)

export const TOPIC_ROOT = "retail/v1";

export const UP_CHANNELS = ["events", "status", "telemetry", "catalog", "query"] as const;
export const DOWN_CHANNELS = [
  "ack",
  "pointer",
  "catalog",
  "command",
  "stock",
  "replenishment",
  "reply",
] as const;
export const BROADCAST_CHANNELS = ["command", "catalog"] as const;

export type UpChannel = (typeof UP_CHANNELS)[number];
export type DownChannel = (typeof DOWN_CHANNELS)[number];
export type BroadcastChannel = (typeof BROADCAST_CHANNELS)[number];

export type ParsedTopic =
  | { direction: "up"; storeId: string; channel: UpChannel }
  | { direction: "down"; storeId: string; channel: DownChannel }
  | { direction: "broadcast"; channel: BroadcastChannel };

/** Store ids are topic-safe by construction: upper-case letters and digits, 1-16 long. */
export const STORE_ID_RE = /^[A-Z0-9]{1,16}$/;

export class TopicError extends Error {
  override readonly name = "TopicError";
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

function checkStoreId(storeId: string): void {
  if (!STORE_ID_RE.test(storeId))
    throw new TopicError("storeId", `store id must match ${STORE_ID_RE}, got ${JSON.stringify(storeId)}`);
}

export function upTopic(storeId: string, channel: UpChannel): string {
  checkStoreId(storeId);
  if (!UP_CHANNELS.includes(channel)) throw new TopicError("channel", `unknown up channel ${channel}`);
  return `${TOPIC_ROOT}/s/${storeId}/up/${channel}`;
}

export function downTopic(storeId: string, channel: DownChannel): string {
  checkStoreId(storeId);
  if (!DOWN_CHANNELS.includes(channel)) throw new TopicError("channel", `unknown down channel ${channel}`);
  return `${TOPIC_ROOT}/s/${storeId}/down/${channel}`;
}

export function broadcastTopic(channel: BroadcastChannel): string {
  if (!BROADCAST_CHANNELS.includes(channel))
    throw new TopicError("channel", `unknown broadcast channel ${channel}`);
  return `${TOPIC_ROOT}/all/${channel}`;
}

/** What the hub subscribes to: every store's up-topics (optionally as a shared subscription). */
export function hubSubscriptions(shareGroup?: string): string[] {
  const filters = UP_CHANNELS.map((c) => `${TOPIC_ROOT}/s/+/up/${c}`);
  // Only the events stream is shared between workers; status and catalog requests are cheap.
  return shareGroup ? filters.map((f) => (f.endsWith("/events") ? `$share/${shareGroup}/${f}` : f)) : filters;
}

/** What a store subscribes to. */
export function storeSubscriptions(storeId: string): string[] {
  checkStoreId(storeId);
  return [`${TOPIC_ROOT}/s/${storeId}/down/+`, `${TOPIC_ROOT}/all/+`];
}

/** Parses a concrete topic (no wildcards); undefined when it is not one of ours. */
export function parseTopic(topic: string): ParsedTopic | undefined {
  const parts = topic.split("/");
  if (parts[0] !== "retail" || parts[1] !== "v1") return undefined;
  if (parts.length === 4 && parts[2] === "all") {
    const channel = parts[3] as BroadcastChannel;
    return BROADCAST_CHANNELS.includes(channel) ? { direction: "broadcast", channel } : undefined;
  }
  if (parts.length !== 6 || parts[2] !== "s" || !STORE_ID_RE.test(parts[3] ?? "")) return undefined;
  const storeId = parts[3]!;
  if (parts[4] === "up" && UP_CHANNELS.includes(parts[5] as UpChannel)) {
    return { direction: "up", storeId, channel: parts[5] as UpChannel };
  }
  if (parts[4] === "down" && DOWN_CHANNELS.includes(parts[5] as DownChannel)) {
    return { direction: "down", storeId, channel: parts[5] as DownChannel };
  }
  return undefined;
}

/** A store may publish only on its own up-topics. */
export function mayStorePublish(storeId: string, topic: string): boolean {
  const t = parseTopic(topic);
  return t !== undefined && t.direction === "up" && t.storeId === storeId;
}

/**
 * A store may subscribe only to filters that match nothing but its own down-topics and the
 * broadcasts: `+` or `#` may stand for a channel, never for a store id or a direction.
 */
export function mayStoreSubscribe(storeId: string, filter: string): boolean {
  if (!STORE_ID_RE.test(storeId)) return false;
  const parts = filter.split("/");
  if (parts[0] !== "retail" || parts[1] !== "v1") return false;
  const channelOk = (level: string | undefined, allowed: readonly string[]) =>
    level === "+" || level === "#" || (level !== undefined && allowed.includes(level));
  if (parts[2] === "all") return parts.length === 4 && channelOk(parts[3], BROADCAST_CHANNELS);
  return (
    parts.length === 6 &&
    parts[2] === "s" &&
    parts[3] === storeId &&
    parts[4] === "down" &&
    channelOk(parts[5], DOWN_CHANNELS)
  );
}

/** Mosquitto ACL file lines for one store (the hub exports these for external brokers). */
export function mosquittoAclFor(storeId: string, username: string): string {
  checkStoreId(storeId);
  return [
    `user ${username}`,
    `topic write ${TOPIC_ROOT}/s/${storeId}/up/#`,
    `topic read ${TOPIC_ROOT}/s/${storeId}/down/#`,
    `topic read ${TOPIC_ROOT}/all/#`,
    "",
  ].join("\n");
}
