// A store's own reconnect over a half-open old session is not a takeover (real hub process):
// the edge's network drops without a FIN (a TCP proxy that stops forwarding and never closes),
// and the same store comes back from the same host before the broker's keepalive timer notices.
// The hub logs a reconnect and raises no alert. A second client from the same host while the
// old one keeps talking is still a takeover with its alert.
import { afterAll, expect, setDefaultTimeout, test } from "bun:test";
import { createServer, type Server, type Socket, connect as tcpConnect } from "node:net";
import { join } from "node:path";
import mqtt, { type MqttClient } from "mqtt";
import type { EnrollResponse } from "../stores/stores.ts";
import { api, enrollStore, tempDir, waitFor } from "../test-kit.ts";
import { type HubProcess, spawnHub } from "../testing/hub-process.ts";

// Real processes and brokers on a shared 2-core machine: generous, never a timed assertion.
setDefaultTimeout(120_000);

const dir = tempDir("hq-takeover-reconnect-");
let hub: HubProcess | undefined;
const clients: MqttClient[] = [];
const servers: Server[] = [];
const sockets: Socket[] = [];
afterAll(async () => {
  for (const c of clients) c.end(true);
  for (const s of sockets) s.destroy();
  for (const s of servers) s.close();
  await hub?.stop();
  dir.remove();
});

// Keepalive 10 s: the broker drops a silent client after 15 s, the hub calls it stale after 5 s.
const KEEPALIVE_S = 10;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function connectVia(creds: EnrollResponse, stream: () => Socket): Promise<MqttClient> {
  const client = new mqtt.MqttClient(stream, {
    clientId: creds.mqtt.clientId,
    username: creds.mqtt.username,
    password: creds.mqtt.password,
    protocolVersion: 4,
    keepalive: KEEPALIVE_S,
    reconnectPeriod: 0,
    clean: true,
  });
  client.on("error", () => {});
  clients.push(client);
  return new Promise((resolve, reject) => {
    client.once("connect", () => resolve(client));
    client.once("close", () => reject(new Error("closed before CONNACK")));
  });
}

function direct(creds: EnrollResponse, localAddress: string): Promise<MqttClient> {
  const u = new URL(creds.mqtt.url);
  return connectVia(creds, () => tcpConnect({ host: u.hostname, port: Number(u.port), localAddress }));
}

/** A TCP relay to the broker (from 127.0.0.1) whose cut() stops forwarding and closes nothing. */
async function halfOpenProxy(brokerUrl: string) {
  const u = new URL(brokerUrl);
  const pairs: [Socket, Socket][] = [];
  const server = createServer((down) => {
    const up = tcpConnect({ host: u.hostname, port: Number(u.port), localAddress: "127.0.0.1" });
    sockets.push(down, up);
    down.pipe(up);
    up.pipe(down);
    down.on("error", () => {});
    up.on("error", () => {});
    pairs.push([down, up]);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    cut() {
      for (const [down, up] of pairs) {
        down.unpipe(up);
        up.unpipe(down);
        down.pause();
        up.pause();
      }
    },
  };
}

interface Alert {
  kind: string;
  storeId: string;
  detail: { newAddress: string; oldAddress: string };
}

test("a store reconnecting from the same host over its half-open session: a reconnect, no alert; a live one is still a takeover", async () => {
  hub = await spawnHub(join(dir.path, "hub"));
  const h = { http: { url: hub.http } };
  const halfOpen = await enrollStore(h, "S003");
  const alive = await enrollStore(h, "S004");

  // S003 through the relay, which then goes silent both ways without a FIN or RST.
  const proxy = await halfOpenProxy(halfOpen.mqtt.url);
  await connectVia(halfOpen, () => tcpConnect({ host: "127.0.0.1", port: proxy.port }));
  // S004 directly, and it keeps talking (a PINGREQ every 200 ms).
  const aliveClient = await direct(alive, "127.0.0.1");
  const pinger = setInterval(() => aliveClient.stream.write(Buffer.from([0xc0, 0x00])), 200);
  proxy.cut();
  // Long enough for the old S003 session to be silent past half its keepalive, short of the
  // broker's own keepalive timeout (1.5 x keepalive), which would close it before the reconnect.
  await sleep((KEEPALIVE_S * 1000) / 2 + 2_000);

  // The same S003 back from the same host on a new port: a reconnect, logged, no alert.
  await direct(halfOpen, "127.0.0.1");
  // Whichever the hub decided (before the fix: an alert), then what it must have decided.
  await waitFor(
    () => /store S003 reconnected from|ALERT store S003/.test(hub!.stderr()),
    "the hub's verdict on the second S003 connection",
    30_000,
  );
  expect(hub.stderr()).not.toContain("ALERT store S003");
  expect(hub.stderr()).toContain("store S003 reconnected from 127.0.0.1:");
  expect((await api(h, "GET", "/api/v1/fleet/alerts?store=S003")).body).toEqual([]);
  expect((await api(h, "GET", "/api/v1/stores/S003/session-takeovers")).body).toEqual([]);

  // A second S004 from the same host while the first one is demonstrably alive: a takeover.
  await direct(alive, "127.0.0.1");
  clearInterval(pinger);
  const alerts = await waitFor(async () => {
    const r = (await api(h, "GET", "/api/v1/fleet/alerts?store=S004")).body as Alert[];
    return r.length ? r : undefined;
  }, "the takeover alert of S004");
  expect(alerts).toHaveLength(1);
  expect(alerts[0]).toMatchObject({ kind: "session_takeover", storeId: "S004" });
  expect(alerts[0]!.detail.newAddress).toStartWith("127.0.0.1:");
  expect(alerts[0]!.detail.oldAddress).toStartWith("127.0.0.1:");
  expect(hub.stderr()).not.toContain("store S004 reconnected");
});
