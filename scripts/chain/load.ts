// The chain benchmark's store fleet, run in a Worker so that a thousand light store clients
// use the second core and do not share the main thread's clock. Each client is a real MQTT
// client with its store's own credentials: it follows its catalog pointer (fetching pages and
// acking applied versions, like an edge) and sells at the rate it is told, keeping an outbox
// of unacked events that only HQ's events.ack clears.
import {
  type AnyEnvelope,
  type CatalogChangeSet,
  downTopic,
  makeEnvelope,
  parseEnvelope,
  priceBasket,
  storeSubscriptions,
  upTopic,
} from "@retail/protocol";
import mqtt, { type MqttClient } from "mqtt";

declare const self: Worker;

export interface Cred {
  storeId: string;
  mqtt: { url: string; username: string; password: string; clientId: string };
}

export type LoadCommand =
  | { cmd: "connect"; stores: Cred[]; skus: { sku: string; price: number }[] }
  | { cmd: "sell"; salesPerStorePerSec: number; seconds: number }
  | { cmd: "expect"; version: number; releasedAt: number }
  | { cmd: "close" };

export type LoadReply =
  | { reply: "connected"; stores: number; failed: string[] }
  | { reply: "caught-up"; version: number; stores: number }
  | { reply: "sold"; offered: number; acked: number; ackLatencyMs: number[]; seconds: number }
  | { reply: "applied"; version: number; latenciesMs: number[]; missing: number }
  | { reply: "closed" };

interface Store {
  cred: Cred;
  client: MqttClient;
  applied: number;
  pointer: number;
  pages: Map<number, CatalogChangeSet>;
  seq: number;
  acked: number;
  sentAt: Map<number, number>;
  receipt: number;
}

const stores: Store[] = [];
let skus: { sku: string; price: number }[] = [];
let ackLatency: number[] = [];
let ackedCount = 0;
let expected: { version: number; releasedAt: number; at: Map<string, number> } | undefined;
const post = (m: LoadReply) => self.postMessage(m);

function fetchNext(s: Store, page = 0) {
  const env = makeEnvelope(
    "catalog.fetch",
    { fromVersion: s.applied, page, accept: ["gzip"] },
    { storeId: s.cred.storeId },
  );
  s.client.publish(upTopic(s.cred.storeId, "catalog"), JSON.stringify(env), { qos: 1 });
}

function onCatalog(s: Store, env: AnyEnvelope) {
  if (env.type === "catalog.pointer") {
    s.pointer = env.payload.version;
    if (s.pointer > s.applied && s.pages.size === 0) fetchNext(s);
    return;
  }
  if (env.type !== "catalog.changeset") return;
  const cs = env.payload;
  if (cs.fromVersion !== s.applied && cs.kind === "delta") return;
  s.pages.set(cs.page, cs);
  if (s.pages.size < cs.pages) {
    const snapshot = cs.kind === "snapshot" ? { snapshotVersion: cs.version } : {};
    const env2 = makeEnvelope(
      "catalog.fetch",
      { fromVersion: s.applied, page: s.pages.size, ...snapshot, accept: ["gzip"] },
      { storeId: s.cred.storeId },
    );
    s.client.publish(upTopic(s.cred.storeId, "catalog"), JSON.stringify(env2), { qos: 1 });
    return;
  }
  // A light client does not keep the items; it only proves it received every page.
  s.applied = cs.version;
  s.pages.clear();
  const ack = makeEnvelope(
    "catalog.applied",
    { version: s.applied, appliedAt: new Date().toISOString() },
    { storeId: s.cred.storeId },
  );
  s.client.publish(upTopic(s.cred.storeId, "catalog"), JSON.stringify(ack), { qos: 1 });
  if (expected && s.applied >= expected.version && !expected.at.has(s.cred.storeId))
    expected.at.set(s.cred.storeId, Date.now());
  if (s.pointer > s.applied) fetchNext(s);
}

function sale(s: Store): AnyEnvelope {
  const lines = Array.from({ length: 5 }, (_, i) => {
    const p = skus[(s.seq * 7 + i * 13) % skus.length]!;
    return {
      lineId: `l${i + 1}`,
      sku: p.sku,
      category: "1001",
      unitPrice: p.price,
      qty: 1 + (i % 2),
      taxRate: 13,
    };
  });
  const at = new Date().toISOString();
  const priced = priceBasket({ at, storeId: s.cred.storeId, lines, promotions: [] });
  s.seq++;
  return makeEnvelope(
    "sale.completed",
    {
      saleId: crypto.randomUUID(),
      receiptNo: `RC-${s.cred.storeId}-01-20261125-${String(++s.receipt).padStart(4, "0")}`,
      laneId: "1",
      cashierId: "1001",
      shiftId: `shift-${s.cred.storeId}`,
      businessDay: at.slice(0, 10),
      training: false,
      catalogVersion: s.applied,
      coupons: [],
      lines: priced.lines.map((l, i) => ({
        ...l,
        sku: lines[i]!.sku,
        name: `商品 ${lines[i]!.sku}`,
        category: "1001",
        qty: lines[i]!.qty,
        weighed: false,
        unitPrice: lines[i]!.unitPrice,
        taxRate: 13 as const,
        priceVersion: s.applied,
      })),
      totals: priced.totals,
      applied: [],
      tenders: [{ kind: "wechat", amount: priced.totals.net, reference: `wx${s.seq}` }],
      completedAt: at,
    },
    { storeId: s.cred.storeId, seq: s.seq },
  );
}

async function connect(list: Cred[]) {
  const failed: string[] = [];
  // Waves of 50: a thousand simultaneous CONNECTs measure the storm, not steady state.
  for (let i = 0; i < list.length; i += 50) {
    await Promise.all(
      list.slice(i, i + 50).map(async (cred) => {
        try {
          const client = await mqtt.connectAsync(cred.mqtt.url, {
            clientId: cred.mqtt.clientId,
            username: cred.mqtt.username,
            password: cred.mqtt.password,
            protocolVersion: 4,
            reconnectPeriod: 0,
            clean: true,
            connectTimeout: 60_000,
          });
          const s: Store = {
            cred,
            client,
            applied: 0,
            pointer: 0,
            pages: new Map(),
            seq: 0,
            acked: 0,
            sentAt: new Map(),
            receipt: 0,
          };
          client.on("message", (topic, payload) => {
            let env: AnyEnvelope;
            try {
              env = parseEnvelope(payload);
            } catch (e) {
              if (process.env.CHAIN_DEBUG) console.error(`chain-load: ${topic}: ${(e as Error).message}`);
              return;
            }
            if (env.type === "events.ack") {
              const now = Date.now();
              for (let q = s.acked + 1; q <= env.payload.upToSeq; q++) {
                const t = s.sentAt.get(q);
                if (t !== undefined) {
                  ackLatency.push(now - t);
                  ackedCount++;
                  s.sentAt.delete(q);
                }
              }
              s.acked = Math.max(s.acked, env.payload.upToSeq);
            } else if (
              topic === downTopic(cred.storeId, "pointer") ||
              topic === downTopic(cred.storeId, "catalog")
            ) {
              onCatalog(s, env);
            }
          });
          await client.subscribeAsync(storeSubscriptions(cred.storeId), { qos: 1 });
          stores.push(s);
        } catch (e) {
          failed.push(`${cred.storeId}: ${(e as Error).message}`);
        }
      }),
    );
  }
  return failed;
}

async function sell(rate: number, seconds: number) {
  ackLatency = [];
  ackedCount = 0;
  const tickMs = 100;
  const perTick = (rate * stores.length * tickMs) / 1000;
  let budget = 0;
  let offered = 0;
  let cursor = 0;
  const start = Date.now();
  while (Date.now() - start < seconds * 1000) {
    budget += perTick;
    while (budget >= 1) {
      const s = stores[cursor++ % stores.length]!;
      const env = sale(s);
      s.sentAt.set(env.seq, Date.now());
      s.client.publish(upTopic(s.cred.storeId, "events"), JSON.stringify([env]), { qos: 1 });
      offered++;
      budget--;
    }
    await Bun.sleep(tickMs);
  }
  // Let the last acks arrive.
  const drainUntil = Date.now() + 15_000;
  while (ackedCount < offered && Date.now() < drainUntil) await Bun.sleep(50);
  return { offered, acked: ackedCount, seconds: (Date.now() - start) / 1000 };
}

self.onmessage = async (ev: MessageEvent<LoadCommand>) => {
  const m = ev.data;
  if (m.cmd === "connect") {
    skus = m.skus;
    const failed = await connect(m.stores);
    post({ reply: "connected", stores: stores.length, failed });
    // Bootstrap: wait until every store applied its pointer.
    const until = Date.now() + 120_000;
    while (Date.now() < until && stores.some((s) => s.pointer === 0 || s.applied < s.pointer))
      await Bun.sleep(100);
    post({
      reply: "caught-up",
      version: Math.min(...stores.map((s) => s.applied)),
      stores: stores.filter((s) => s.applied >= s.pointer && s.pointer > 0).length,
    });
  } else if (m.cmd === "expect") {
    expected = { version: m.version, releasedAt: m.releasedAt, at: new Map() };
    const until = Date.now() + 60_000;
    while (Date.now() < until && expected.at.size < stores.length) await Bun.sleep(50);
    post({
      reply: "applied",
      version: m.version,
      latenciesMs: [...expected.at.values()].map((t) => t - m.releasedAt),
      missing: stores.length - expected.at.size,
    });
  } else if (m.cmd === "sell") {
    const r = await sell(m.salesPerStorePerSec, m.seconds);
    post({ reply: "sold", ...r, ackLatencyMs: ackLatency });
  } else if (m.cmd === "close") {
    await Promise.all(stores.map((s) => s.client.endAsync(true).catch(() => {})));
    post({ reply: "closed" });
  }
};
