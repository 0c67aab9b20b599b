// The embedded broker's gate: credentials, client id, topic ACL, packet size.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { downTopic, MAX_MQTT_PACKET_BYTES, upTopic } from "@retail/protocol";
import mqtt from "mqtt";
import type { EnrollResponse } from "../stores/stores.ts";
import { connectStore, enrollStore, saleEvent, startTestHub, waitFor } from "../test-kit.ts";

// Real processes and brokers on a shared 2-core machine: generous, never a timing assertion.
setDefaultTimeout(60_000);

let hub: Awaited<ReturnType<typeof startTestHub>>;
let a: EnrollResponse;
let b: EnrollResponse;
beforeAll(async () => {
  hub = await startTestHub();
  a = await enrollStore(hub, "A1");
  b = await enrollStore(hub, "B1");
});
afterAll(async () => {
  await hub.cleanup();
});

async function connectError(opts: mqtt.IClientOptions): Promise<string> {
  try {
    const c = await mqtt.connectAsync(hub.mqtt.url, { reconnectPeriod: 0, connectTimeout: 5000, ...opts });
    await c.endAsync(true);
    return "connected";
  } catch (e) {
    return (e as Error).message;
  }
}

describe("embedded broker", () => {
  test("bad password is refused", async () => {
    const msg = await connectError({
      clientId: a.mqtt.clientId,
      username: a.mqtt.username,
      password: "wrong",
    });
    expect(msg).toMatch(/Bad username or password|Not authorized/i);
  });

  test("a client id that does not match the username is refused", async () => {
    const msg = await connectError({
      clientId: "store-B1",
      username: a.mqtt.username,
      password: a.mqtt.password,
    });
    expect(msg).toMatch(/Not authorized|Bad username/i);
  });

  test("unknown user and a revoked store are refused", async () => {
    expect(await connectError({ clientId: "store-ZZ9", username: "store-ZZ9", password: "x" })).not.toBe(
      "connected",
    );
  });

  test("a store publishing on another store's topic is dropped and never ingested", async () => {
    const client = await mqtt.connectAsync(hub.mqtt.url, {
      clientId: a.mqtt.clientId,
      username: a.mqtt.username,
      password: a.mqtt.password,
      reconnectPeriod: 0,
    });
    const closed = new Promise<void>((r) => client.once("close", () => r()));
    // aedes closes the connection of a client whose publish is not authorized.
    client.publish(upTopic("B1", "events"), JSON.stringify([saleEvent("B1", 1)]), { qos: 1 });
    await closed;
    await client.endAsync(true);
    expect(hub.db.prepare("SELECT COUNT(*) AS n FROM inbox WHERE store_id = 'B1'").get()).toMatchObject({
      n: 0,
    });
  });

  test("a store cannot subscribe to another store's down-topics", async () => {
    const client = await mqtt.connectAsync(hub.mqtt.url, {
      clientId: a.mqtt.clientId,
      username: a.mqtt.username,
      password: a.mqtt.password,
      reconnectPeriod: 0,
    });
    // mqtt.js rejects a SUBACK with failure code 128 and carries the packet in the error.
    const grantedQos = (filter: string) =>
      client.subscribeAsync(filter, { qos: 1 }).then(
        (g) => g[0]!.qos,
        (e) => (e as { packet: { granted: number[] } }).packet.granted[0],
      );
    expect(await grantedQos(downTopic("B1", "ack"))).toBe(128);
    expect(await grantedQos("retail/v1/s/+/down/#")).toBe(128);
    expect(await grantedQos(downTopic("A1", "ack"))).toBe(1);
    await client.endAsync(true);
  });

  test("a packet above the size limit closes the connection and is not ingested", async () => {
    const store = await connectStore(b);
    const closed = new Promise<void>((r) => store.client.once("close", () => r()));
    const big = "x".repeat(MAX_MQTT_PACKET_BYTES + 10);
    store.client.publish(upTopic("B1", "events"), big, { qos: 1 });
    await closed;
    await store.close();
    expect(
      hub.db.prepare("SELECT COUNT(*) AS n FROM dead_letters WHERE store_id = 'B1'").get(),
    ).toMatchObject({ n: 0 });
    // The store can still connect and work afterwards.
    const again = await connectStore(b);
    await again.publishEvents([saleEvent("B1", 1)]);
    expect((await again.next("events.ack")).payload.upToSeq).toBe(1);
    await again.close();
  });

  test("retained pointer and last-will reach the hub", async () => {
    const client = await mqtt.connectAsync(hub.mqtt.url, {
      clientId: a.mqtt.clientId,
      username: a.mqtt.username,
      password: a.mqtt.password,
      reconnectPeriod: 0,
      will: {
        topic: upTopic("A1", "status"),
        payload: Buffer.from(
          JSON.stringify({
            v: 1,
            id: "0193e0a0-6f00-7000-8000-0000000000ff",
            type: "store.status",
            storeId: "A1",
            seq: 0,
            occurredAt: "2026-11-25T09:30:00.000+08:00",
            payload: {
              state: "offline",
              appVersion: "1.0.0",
              catalogVersion: 0,
              outboxBacklog: 0,
              lastSeq: 0,
              devices: [],
              at: "2026-11-25T09:30:00.000+08:00",
            },
          }),
        ),
        qos: 1,
        retain: true,
      },
    });
    const status = {
      v: 1,
      id: "0193e0a0-6f00-7000-8000-0000000000fe",
      type: "store.status",
      storeId: "A1",
      seq: 0,
      occurredAt: "2026-11-25T09:30:00.000+08:00",
      payload: {
        state: "online",
        appVersion: "1.0.0",
        catalogVersion: 0,
        outboxBacklog: 3,
        lastSeq: 7,
        devices: [{ laneId: "1", kind: "printer", device: "sim", state: "ready" }],
        at: "2026-11-25T09:30:00.000+08:00",
      },
    };
    await client.publishAsync(upTopic("A1", "status"), JSON.stringify(status), { qos: 1, retain: true });
    await waitFor(
      () => hub.fleet.list().find((f) => f.storeId === "A1" && f.state === "online"),
      "online status",
    );
    expect(hub.fleet.list().find((f) => f.storeId === "A1")).toMatchObject({
      appVersion: "1.0.0",
      outboxBacklog: 3,
      lastSeq: 7,
      devices: [{ kind: "printer" }],
    });
    client.stream.destroy(); // vanish without DISCONNECT: the broker publishes the will
    await waitFor(
      () => hub.fleet.list().find((f) => f.storeId === "A1" && f.state === "offline"),
      "last will",
    );
    await client.endAsync(true);
  });
});
