// Shared by tests and the bench: a hub on temp files and free ports, enrolled store clients
// speaking real MQTT, and sample events. Nothing here is used by the hub itself.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type AnyEnvelope,
  MESSAGES,
  type MessageType,
  makeEnvelope,
  type Payload,
  parseEnvelope,
  storeSubscriptions,
  upTopic,
  uuidv7,
} from "@retail/protocol";
import { httpRequest } from "@retail/test-support";
import mqtt, { type MqttClient } from "mqtt";
import { type HubConfig, loadConfig } from "./config.ts";
import { type Hub, startHub } from "./hub.ts";
import type { EnrollResponse } from "./stores/stores.ts";

export const ADMIN_TOKEN = "test-admin-token-0123456789";

export function tempDir(prefix = "hq-hub-"): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export async function startTestHub(
  overrides: Partial<HubConfig> = {},
  now?: () => Date,
): Promise<Hub & { cleanup: () => Promise<void> }> {
  const dir = tempDir();
  const config = loadConfig({
    env: {},
    cwd: dir.path,
    overrides: {
      port: 0,
      mqttPort: 0,
      dataDir: join(dir.path, "data"),
      adminToken: ADMIN_TOKEN,
      memberSyncMs: 0,
      ...overrides,
    },
  });
  const hub = await startHub(config, { ...(now ? { now } : {}), log: () => {} });
  return Object.assign(hub, {
    async cleanup() {
      await hub.stop();
      dir.remove();
    },
  });
}

/** Polls `check` until it returns a truthy value; fails with `what` after `timeoutMs`. */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  what: string,
  timeoutMs = 10_000,
): Promise<NonNullable<T>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v as NonNullable<T>;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function api(
  hub: { http: { url: string } },
  method: string,
  path: string,
  body?: unknown,
  token = ADMIN_TOKEN,
) {
  const { status, text } = await httpRequest(hub.http.url, method, path, { body, token });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  // biome-ignore lint/suspicious/noExplicitAny: test convenience
  return { status, body: json as any };
}

/** A CSV import through the API (kind products, barcodes, prices, packs), waited for to its end. */
export async function importCsv(
  hub: { http: { url: string } },
  kind: string,
  csv: string,
): Promise<{
  id: string;
  state: "done" | "failed";
  errors: { row: number; column: string; reason: string }[];
  changesetId: number | null;
}> {
  const started = await api(hub, "POST", `/api/v1/imports/${kind}`, csv);
  if (started.status !== 200)
    throw new Error(`import ${kind}: ${started.status} ${JSON.stringify(started.body)}`);
  return waitFor(async () => {
    const job = (await api(hub, "GET", `/api/v1/imports/${started.body.id}`)).body;
    return job.state === "running" ? undefined : job;
  }, `import ${kind}`);
}

/** Creates a store through the API and enrolls it; returns the enrollment response. */
export async function enrollStore(
  hub: { http: { url: string } },
  id: string,
  extra: { region?: string; ring?: "pilot" | "general"; lat?: number; lng?: number; name?: string } = {},
): Promise<EnrollResponse & { releaseKey: string }> {
  const created = await api(hub, "POST", "/api/v1/stores", {
    id,
    name: extra.name ?? `门店 ${id}`,
    region: extra.region ?? "east",
    ...(extra.ring ? { ring: extra.ring } : {}),
    ...(extra.lat !== undefined ? { lat: extra.lat, lng: extra.lng } : {}),
  });
  if (created.status !== 200) throw new Error(`store add: ${JSON.stringify(created.body)}`);
  const code = await api(hub, "POST", `/api/v1/stores/${id}/enrollment-code`);
  const enrolled = await api(hub, "POST", "/api/v1/enroll", { code: code.body.code }, "");
  if (enrolled.status !== 200) throw new Error(`enroll: ${JSON.stringify(enrolled.body)}`);
  // The HTTP answer also carries the chain's release key (stores/routes.ts).
  return enrolled.body as EnrollResponse & { releaseKey: string };
}

/** A store's MQTT side, as the edge would run it: subscribed to its down-topics. */
export interface StoreClient {
  storeId: string;
  client: MqttClient;
  received: AnyEnvelope[];
  next<T extends MessageType>(
    type: T,
    pred?: (e: Extract<AnyEnvelope, { type: T }>) => boolean,
    timeoutMs?: number,
  ): Promise<Extract<AnyEnvelope, { type: T }>>;
  publishEvents(events: AnyEnvelope[] | string): Promise<void>;
  request<T extends MessageType>(type: T, payload: Payload<T>): Promise<void>;
  close(): Promise<void>;
}

export async function connectStore(
  creds: EnrollResponse,
  opts: { protocolVersion?: 4 | 5; keep?: boolean; url?: string } = {},
): Promise<StoreClient> {
  const client = await mqtt.connectAsync(opts.url ?? creds.mqtt.url, {
    clientId: creds.mqtt.clientId,
    username: creds.mqtt.username,
    password: creds.mqtt.password,
    protocolVersion: opts.protocolVersion ?? 4,
    reconnectPeriod: 0,
    clean: true,
  });
  const received: AnyEnvelope[] = [];
  let cursor = 0;
  client.on("message", (_topic, payload) => {
    try {
      received.push(parseEnvelope(payload));
    } catch {
      // not ours to judge here; the tests look at what parsed
    }
  });
  await client.subscribeAsync(storeSubscriptions(creds.storeId), { qos: 1 });
  const storeId = creds.storeId;
  return {
    storeId,
    client,
    received,
    async next(type, pred = () => true, timeoutMs = 10_000) {
      return waitFor(
        () => {
          for (let i = opts.keep ? 0 : cursor; i < received.length; i++) {
            const e = received[i]!;
            if (e.type === type && pred(e as never)) {
              if (!opts.keep) cursor = i + 1;
              return e as never;
            }
          }
          return undefined;
        },
        `${storeId}: ${type}`,
        timeoutMs,
      );
    },
    async publishEvents(events) {
      await client.publishAsync(
        upTopic(storeId, "events"),
        typeof events === "string" ? events : JSON.stringify(events),
        { qos: 1 },
      );
    },
    async request(type, payload) {
      const channel = MESSAGES[type].channel as Parameters<typeof upTopic>[1];
      await client.publishAsync(
        upTopic(storeId, channel),
        JSON.stringify(makeEnvelope(type, payload, { storeId })),
        { qos: 1, retain: type === "store.status" },
      );
    },
    async close() {
      await client.endAsync(true);
    },
  };
}

let receipt = 0;

/** A valid sale.completed envelope with `lines` lines (sku SKU1.., 100 fen each, 13% tax). */
export function saleEvent(
  storeId: string,
  seq: number,
  opts: {
    lines?: number;
    catalogVersion?: number;
    training?: boolean;
    member?: { id: string; tier: string };
    unitPrice?: number;
    skus?: string[];
  } = {},
): Extract<AnyEnvelope, { type: "sale.completed" }> {
  const n = opts.lines ?? 5;
  const price = opts.unitPrice ?? 100;
  const tax = Math.floor((price * 13) / 113 + 0.5);
  const lines = Array.from({ length: n }, (_, i) => ({
    lineId: `l${i + 1}`,
    sku: opts.skus?.[i] ?? `SKU${i + 1}`,
    name: `商品 ${i + 1}`,
    category: "1001",
    qty: 1,
    weighed: false,
    unitPrice: price,
    taxRate: 13 as const,
    priceVersion: opts.catalogVersion ?? 0,
    gross: price,
    discounts: [],
    net: price,
    tax,
  }));
  const saleId = uuidv7();
  return makeEnvelope(
    "sale.completed",
    {
      saleId,
      receiptNo: `RC-${storeId}-01-${++receipt}`,
      laneId: "1",
      cashierId: "1001",
      shiftId: "shift-1",
      businessDay: "2026-11-25",
      training: opts.training ?? false,
      catalogVersion: opts.catalogVersion ?? 0,
      ...(opts.member ? { member: opts.member } : {}),
      coupons: [],
      lines,
      totals: { gross: price * n, discount: 0, net: price * n, tax: tax * n },
      applied: [],
      tenders: [{ kind: "cash", amount: price * n, received: price * n, change: 0 }],
      completedAt: "2026-11-25T09:30:00.000+08:00",
    },
    { storeId, seq },
  ) as Extract<AnyEnvelope, { type: "sale.completed" }>;
}

export function event<T extends MessageType>(type: T, storeId: string, seq: number, payload: Payload<T>) {
  return makeEnvelope(type, payload, { storeId, seq }) as unknown as AnyEnvelope;
}
