// Load generator for hub.bench.ts, run in a Worker so the simulated stores use the second core
// and do not share the hub's event loop. It speaks real MQTT to the broker under test.
import { downTopic, storeSubscriptions, upTopic } from "@retail/protocol";
import mqtt, { type MqttClient } from "mqtt";
import { saleEvent } from "./test-kit.ts";

declare const self: Worker;

export interface Cred {
  storeId: string;
  username: string;
  password: string;
}

export type LoadCommand =
  | { cmd: "connect"; url: string; stores: Cred[]; catalogVersion?: number }
  | { cmd: "publish"; messagesPerStore: number; firstSeq: number; waitAcks: boolean; salesPerMessage: number }
  | { cmd: "fanout"; fromVersion: number; toVersion: number }
  | { cmd: "bootstrap"; storeIndex: number }
  | { cmd: "close" };

const clients: { cred: Cred; client: MqttClient }[] = [];
let catalogVersion = 0;
let goResolve: (() => void) | undefined;
/** Waits for the main thread's "go" (it starts its clock when it sends it). */
const go = () => new Promise<void>((r) => (goResolve = r));

async function connectAll(url: string, stores: Cred[]) {
  // Connect in small waves: a thousand simultaneous CONNECTs is a storm, not a benchmark.
  for (let i = 0; i < stores.length; i += 50) {
    const wave = stores.slice(i, i + 50);
    const connected = await Promise.all(
      wave.map(async (cred) => {
        const client = await mqtt.connectAsync(url, {
          clientId: cred.username,
          username: cred.username,
          password: cred.password,
          protocolVersion: 4,
          reconnectPeriod: 0,
          clean: true,
          connectTimeout: 30_000,
          // A client waiting for the acks of 100 queued messages gets its PINGRESP after them:
          // at a load average of 20+ on two cores that passed mqtt.js' 60 s keepalive and ended
          // runs (docs/benchmarks.md); what is measured here is throughput, not liveness.
          keepalive: 600,
        });
        await client.subscribeAsync(storeSubscriptions(cred.storeId), { qos: 1 });
        return { cred, client };
      }),
    );
    clients.push(...connected);
  }
}

/** Each store publishes its messages (QoS 1) and waits for PUBACKs, or for the hub's ack. */
async function publish(c: Extract<LoadCommand, { cmd: "publish" }>) {
  const payloads = clients.map(({ cred }) =>
    Array.from({ length: c.messagesPerStore }, (_, m) =>
      JSON.stringify(
        Array.from({ length: c.salesPerMessage }, (_, k) =>
          saleEvent(cred.storeId, c.firstSeq + m * c.salesPerMessage + k, { lines: 5, catalogVersion }),
        ),
      ),
    ),
  );
  const lastSeq = c.firstSeq + c.messagesPerStore * c.salesPerMessage - 1;
  self.postMessage({ type: "ready" });
  await go();
  const t0 = Date.now();
  await Promise.all(
    clients.map(async ({ cred, client }, i) => {
      const acked = c.waitAcks
        ? new Promise<void>((resolve) => {
            const ackTopic = downTopic(cred.storeId, "ack");
            const onMessage = (topic: string, payload: Buffer) => {
              if (topic !== ackTopic) return;
              const m = /"upToSeq":(\d+)/.exec(payload.toString());
              if (m && Number(m[1]) >= lastSeq) {
                client.removeListener("message", onMessage);
                resolve();
              }
            };
            client.on("message", onMessage);
          })
        : Promise.resolve();
      const topic = upTopic(cred.storeId, "events");
      await Promise.all(payloads[i]!.map((p) => client.publishAsync(topic, p, { qos: 1 })));
      await acked;
    }),
  );
  self.postMessage({ type: "done", ms: Date.now() - t0 });
}

/**
 * Lightweight store clients: on a pointer above `fromVersion` each fetches every page of the
 * next version and reports applied. They read only the page head (page, pages, version), not
 * the items: what is measured is the hub and the broker getting the pages to 1,000 stores.
 */
async function fanout(c: Extract<LoadCommand, { cmd: "fanout" }>) {
  const doneAt: number[] = [];
  const bytes = { n: 0 };
  await new Promise<void>((resolveAll) => {
    let remaining = clients.length;
    for (const { cred, client } of clients) {
      let fetching = false;
      let pagesSeen = 0;
      const request = (page: number) =>
        client.publish(
          upTopic(cred.storeId, "catalog"),
          JSON.stringify({
            v: 1,
            id: uuid(),
            type: "catalog.fetch",
            storeId: cred.storeId,
            seq: 0,
            occurredAt: new Date().toISOString(),
            payload: { fromVersion: c.fromVersion, page, accept: ["gzip"] },
          }),
          { qos: 1 },
        );
      client.on("message", (topic, payload) => {
        if (topic.endsWith("/down/pointer")) {
          const v = Number(/"version":(\d+)/.exec(payload.toString())?.[1]);
          if (v >= c.toVersion && !fetching) {
            fetching = true;
            request(0);
          }
          return;
        }
        if (!topic.endsWith("/down/catalog")) return;
        bytes.n += payload.length;
        const head = payload.subarray(0, 400).toString();
        const page = Number(/"page":(\d+)/.exec(head)?.[1]);
        const pages = Number(/"pages":(\d+)/.exec(head)?.[1]);
        pagesSeen++;
        if (page === 0) for (let p = 1; p < pages; p++) request(p);
        if (pagesSeen === pages) {
          client.publish(
            upTopic(cred.storeId, "catalog"),
            JSON.stringify({
              v: 1,
              id: uuid(),
              type: "catalog.applied",
              storeId: cred.storeId,
              seq: 0,
              occurredAt: new Date().toISOString(),
              payload: { version: c.toVersion, appliedAt: new Date().toISOString() },
            }),
            { qos: 1 },
          );
          doneAt.push(Date.now());
          if (--remaining === 0) resolveAll();
        }
      });
    }
    self.postMessage({ type: "ready" });
  });
  self.postMessage({ type: "done", doneAt, bytes: bytes.n });
}

/** A real bootstrap: fetch the snapshot's pages, parse every item, report applied. */
async function bootstrap(c: Extract<LoadCommand, { cmd: "bootstrap" }>) {
  const { cred, client } = clients[c.storeIndex]!;
  let items = 0;
  let pages = 0;
  let version = 0;
  let got = 0;
  self.postMessage({ type: "ready" });
  await go();
  const t0 = Date.now();
  const fetch = (page: number, snapshotVersion?: number) =>
    client.publish(
      upTopic(cred.storeId, "catalog"),
      JSON.stringify({
        v: 1,
        id: uuid(),
        type: "catalog.fetch",
        storeId: cred.storeId,
        seq: 0,
        occurredAt: new Date().toISOString(),
        payload: { fromVersion: 0, page, ...(snapshotVersion ? { snapshotVersion } : {}) },
      }),
      { qos: 1 },
    );
  await new Promise<void>((resolve) => {
    client.on("message", (topic, payload) => {
      if (!topic.endsWith("/down/catalog")) return;
      const env = JSON.parse(payload.toString());
      items += env.payload.items.length;
      got++;
      if (env.payload.page === 0) {
        pages = env.payload.pages;
        version = env.payload.version;
        // A few requests in flight, as an edge would pipeline them.
        for (let p = 1; p < pages; p++) fetch(p, version);
      }
      if (got === pages) resolve();
    });
    fetch(0);
  });
  self.postMessage({ type: "done", ms: Date.now() - t0, items, pages });
}

function uuid(): string {
  // Any lower-case UUIDv7-shaped id will do for requests.
  const hex = crypto.randomUUID().replace(/-/g, "");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

self.onmessage = async (e: MessageEvent<LoadCommand>) => {
  const c = e.data as LoadCommand | { cmd: "go" };
  if (c.cmd === "go") return goResolve?.();
  try {
    if (c.cmd === "connect") {
      catalogVersion = c.catalogVersion ?? 0;
      await connectAll(c.url, c.stores);
      self.postMessage({ type: "connected" });
    } else if (c.cmd === "publish") await publish(c);
    else if (c.cmd === "fanout") await fanout(c);
    else if (c.cmd === "bootstrap") await bootstrap(c);
    else if (c.cmd === "close") {
      await Promise.all(clients.map(({ client }) => client.endAsync(true)));
      clients.length = 0;
      self.postMessage({ type: "closed" });
    }
  } catch (err) {
    self.postMessage({ type: "error", message: (err as Error).stack ?? String(err) });
  }
};
