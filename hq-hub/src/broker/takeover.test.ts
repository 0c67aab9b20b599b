// A store's MQTT session taken over by a second client with its credentials (issue 13 item 6),
// against a real hub process: the broker keeps one session per client id, the hub records every
// takeover with both remote addresses and raises one fleet alert whose count climbs while the
// two clients fight (flapping), visible in GET /api/v1/fleet/alerts, /fleet and the store's
// takeover record.
import { afterAll, expect, setDefaultTimeout, test } from "bun:test";
import { connect as tcpConnect } from "node:net";
import { join } from "node:path";
import mqtt, { type MqttClient } from "mqtt";
import type { EnrollResponse } from "../stores/stores.ts";
import { api, enrollStore, tempDir, waitFor } from "../test-kit.ts";
import { type HubProcess, spawnHub } from "../testing/hub-process.ts";

// Real processes and brokers on a shared 2-core machine: generous, never a timed assertion.
setDefaultTimeout(120_000);

const dir = tempDir("hq-takeover-");
let hub: HubProcess | undefined;
const clients: MqttClient[] = [];
afterAll(async () => {
  for (const c of clients) c.end(true);
  await hub?.stop();
  dir.remove();
});

/** Connects with the store's credentials from a chosen loopback address (no reconnects). */
function connectFrom(creds: EnrollResponse, localAddress: string): Promise<MqttClient> {
  const u = new URL(creds.mqtt.url);
  const client = new mqtt.MqttClient(
    () => tcpConnect({ host: u.hostname, port: Number(u.port), localAddress }),
    {
      clientId: creds.mqtt.clientId,
      username: creds.mqtt.username,
      password: creds.mqtt.password,
      protocolVersion: 4,
      reconnectPeriod: 0,
      clean: true,
    },
  );
  clients.push(client);
  return new Promise((resolve, reject) => {
    client.once("connect", () => resolve(client));
    client.once("error", reject);
  });
}

interface Alert {
  id: number;
  kind: string;
  storeId: string;
  count: number;
  closedAt?: string;
  detail: { newAddress: string; oldAddress: string; addresses: string[]; flapping: boolean };
}

test("a second client with a store's credentials: alert with both addresses; flapping counted; admin closes it", async () => {
  hub = await spawnHub(join(dir.path, "hub"));
  const h = { http: { url: hub.http } };
  const creds = await enrollStore(h, "S001");
  await enrollStore(h, "S002");

  const store = await connectFrom(creds, "127.0.0.1");
  let storeClosed = false;
  store.on("close", () => {
    storeClosed = true;
  });
  expect((await api(h, "GET", "/api/v1/fleet/alerts")).body).toEqual([]);

  // The intruder, from another address, with the store's own username, client id and password.
  const intruder = await connectFrom(creds, "127.0.0.2");
  await waitFor(() => storeClosed, "the store's session dropped by the broker", 20_000);
  const alerts = await waitFor(async () => {
    const r = (await api(h, "GET", "/api/v1/fleet/alerts?open=true")).body as Alert[];
    return r.length ? r : undefined;
  }, "the takeover alert");
  expect(alerts).toHaveLength(1);
  expect(alerts[0]).toMatchObject({ kind: "session_takeover", storeId: "S001", count: 1 });
  expect(alerts[0]!.detail.newAddress).toStartWith("127.0.0.2:");
  expect(alerts[0]!.detail.oldAddress).toStartWith("127.0.0.1:");
  expect(alerts[0]!.detail.flapping).toBe(false);

  // The store comes back (as the edge does) and the intruder again: one alert, count 3, flapping.
  let intruderClosed = false;
  intruder.on("close", () => {
    intruderClosed = true;
  });
  await connectFrom(creds, "127.0.0.1");
  await waitFor(() => intruderClosed, "the intruder dropped", 20_000);
  await connectFrom(creds, "127.0.0.2");
  const flapping = await waitFor(async () => {
    const r = (await api(h, "GET", "/api/v1/fleet/alerts?store=S001")).body as Alert[];
    return r[0]?.count === 3 ? r : undefined;
  }, "three takeovers counted");
  expect(flapping).toHaveLength(1);
  expect(flapping[0]!.detail.flapping).toBe(true);
  expect(flapping[0]!.detail.addresses.map((a) => a.split(":")[0]).sort()).toEqual(
    expect.arrayContaining(["127.0.0.1", "127.0.0.2"]),
  );

  // Every takeover is on record; the fleet row shows the open alert; S002 has none.
  const record = (await api(h, "GET", "/api/v1/stores/S001/session-takeovers")).body as {
    newAddress: string;
    oldAddress: string;
  }[];
  expect(record.map((t) => t.newAddress.split(":")[0])).toEqual(["127.0.0.2", "127.0.0.1", "127.0.0.2"]);
  const fleet = (await api(h, "GET", "/api/v1/fleet")).body as { storeId: string; openAlerts: number }[];
  expect(fleet.find((r) => r.storeId === "S001")!.openAlerts).toBe(1);
  expect(fleet.find((r) => r.storeId === "S002")!.openAlerts).toBe(0);

  // Only an admin closes it; who and when are kept; the list of open alerts is empty again.
  const tokenRes = await api(h, "POST", "/api/v1/tokens", { name: "审计", role: "auditor" });
  const auditor = tokenRes.body.token as string;
  expect(
    (await api(h, "POST", `/api/v1/fleet/alerts/${flapping[0]!.id}/close`, undefined, auditor)).status,
  ).toBe(403);
  const closed = await api(h, "POST", `/api/v1/fleet/alerts/${flapping[0]!.id}/close`);
  expect(closed.status).toBe(200);
  expect(closed.body.closedBy).toContain("hq_admin");
  expect((await api(h, "GET", "/api/v1/fleet/alerts?open=true")).body).toEqual([]);
});
