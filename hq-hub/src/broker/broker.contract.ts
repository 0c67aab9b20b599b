// The broker contract: what the hub and the stores rely on from MQTT, whichever broker carries
// it (the embedded aedes, an external Mosquitto). Written once, run by one small test per
// implementation (embedded.contract.test.ts, mosquitto.contract.test.ts) against a real broker
// on a loopback port picked at run time, with real MQTT clients as the stores.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { broadcastTopic, downTopic, storeSubscriptions, upTopic } from "@retail/protocol";
import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import { waitFor } from "../test-kit.ts";
import type { Bus } from "./bus.ts";

/** A store's broker login, as enrollment hands it out (client id = username). */
export interface StoreLogin {
  storeId: string;
  username: string;
  password: string;
  clientId: string;
}

export interface BrokerUnderTest {
  /** Where stores connect. */
  url: string;
  /** What the hub's handler received, in order. */
  received: { topic: string; payload: string }[];
  /** The hub's bus (a new one after a restart of the embedded broker). */
  bus(): Bus;
  /**
   * The broker dies as in a crash (kill -9; the embedded one goes down with its hub) after
   * whatever it persists is saved, and comes back on the same port.
   */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export type StartBroker = (stores: readonly StoreLogin[]) => Promise<BrokerUnderTest>;

const STORES: StoreLogin[] = ["C1", "C2"].map((id) => ({
  storeId: id,
  username: `store-${id}`,
  clientId: `store-${id}`,
  password: `pw-${id}-${crypto.randomUUID()}`,
}));

export function brokerContract(name: string, start: StartBroker): void {
  // Real brokers on a shared 2-core machine: generous bounds, never a timing assertion.
  setDefaultTimeout(90_000);
  const [c1, c2] = STORES as [StoreLogin, StoreLogin];
  let b: BrokerUnderTest;
  const open: MqttClient[] = [];
  let tag = 0;
  const unique = (what: string) => `${what}-${++tag}-${crypto.randomUUID()}`;

  const connect = async (login: StoreLogin, o: IClientOptions = {}): Promise<MqttClient> => {
    const c = await mqtt.connectAsync(b.url, {
      clientId: login.clientId,
      username: login.username,
      password: login.password,
      protocolVersion: 4, // the edges speak MQTT 3.1.1 (aedes speaks nothing newer)
      reconnectPeriod: 0,
      connectTimeout: 5_000,
      clean: true,
      ...o,
    });
    open.push(c);
    return c;
  };
  const refusal = (o: IClientOptions) =>
    connect(c1, o).then(
      async (c) => {
        await c.endAsync(true);
        return "connected";
      },
      (e: Error) => e.message || "refused",
    );
  const hubGot = (payload: string) => b.received.filter((m) => m.payload === payload);
  /** Resolves once the broker has handled the publish: PUBACK, or the connection closed on it. */
  const publishSettled = (c: MqttClient, topic: string, payload: string) =>
    new Promise<void>((resolve) => {
      c.once("close", () => resolve());
      c.publish(topic, payload, { qos: 1 }, () => resolve());
    });

  beforeAll(async () => {
    b = await start(STORES);
  });
  afterAll(async () => {
    for (const c of open) await c.endAsync(true).catch(() => {});
    await b?.stop();
  });

  describe(`broker contract: ${name}`, () => {
    test("a store connects with its own credentials; a wrong password or an unknown user is refused", async () => {
      const c = await connect(c1);
      expect(c.connected).toBe(true);
      await c.endAsync();
      expect(await refusal({ password: "wrong" })).not.toBe("connected");
      expect(await refusal({ clientId: "store-ZZ9", username: "store-ZZ9", password: c1.password })).not.toBe(
        "connected",
      );
      expect(await refusal({ password: "" })).not.toBe("connected");
    });

    test("QoS 1 on a store's own up-topic reaches the hub, each message once and in order", async () => {
      const c = await connect(c1);
      const sent = Array.from({ length: 20 }, () => unique("event"));
      for (const p of sent) await c.publishAsync(upTopic(c1.storeId, "events"), p, { qos: 1 });
      await waitFor(() => sent.every((p) => hubGot(p).length > 0), "the hub to receive 20 events", 30_000);
      const got = b.received.filter((m) => sent.includes(m.payload));
      expect(got.map((m) => m.payload)).toEqual(sent);
      expect(new Set(got.map((m) => m.topic))).toEqual(new Set([upTopic(c1.storeId, "events")]));
      await c.endAsync();
    });

    test("a store publishing on another store's up-topic never reaches the hub", async () => {
      const forged = unique("forged");
      const c = await connect(c1);
      await publishSettled(c, upTopic(c2.storeId, "events"), forged);
      await c.endAsync(true);
      // A later message of the store's own, on a new connection: once the hub has it, the forged
      // one (handled by the broker before it) would have arrived too.
      const own = unique("own");
      const again = await connect(c1);
      await again.publishAsync(upTopic(c1.storeId, "events"), own, { qos: 1 });
      await waitFor(() => hubGot(own).length > 0, "the store's own event", 30_000);
      expect(hubGot(forged)).toEqual([]);
      await again.endAsync();
    });

    test("a store cannot take over another store's session by using its client id", async () => {
      const victim = await connect(c2);
      let victimClosed = false;
      victim.on("close", () => {
        victimClosed = true;
      });
      // C1's credentials with C2's client id: refused, or admitted under C1's own identity.
      await connect(c1, { clientId: c2.clientId }).then(
        (c) => c.endAsync(true),
        () => {},
      );
      const p = unique("victim-still-up");
      victim.publish(upTopic(c2.storeId, "events"), p, { qos: 1 });
      await waitFor(() => victimClosed || hubGot(p).length > 0, "the victim's event or its drop", 30_000);
      expect({ victimClosed, delivered: hubGot(p).length > 0 }).toEqual({
        victimClosed: false,
        delivered: true,
      });
      await victim.endAsync();
    });

    test("the hub's QoS 1 commands reach only their store; broadcasts reach every store", async () => {
      const mine = await connect(c1);
      const theirs = await connect(c2);
      const got1: string[] = [];
      const got2: string[] = [];
      mine.on("message", (_t, p) => got1.push(p.toString()));
      theirs.on("message", (_t, p) => got2.push(p.toString()));
      await theirs.subscribeAsync(storeSubscriptions(c2.storeId), { qos: 1 });
      await mine.subscribeAsync(storeSubscriptions(c1.storeId), { qos: 1 });
      // C1 also asks for C2's down-topics: refused (SUBACK failure) or silently filtered.
      await mine.subscribeAsync(`retail/v1/s/${c2.storeId}/down/#`, { qos: 1 }).catch(() => []);
      await mine.subscribeAsync("retail/v1/s/+/down/#", { qos: 1 }).catch(() => []);
      const toC2 = unique("cmd-c2");
      const toC1 = unique("cmd-c1");
      const all = unique("broadcast");
      await b.bus().publish(downTopic(c2.storeId, "command"), toC2, { qos: 1 });
      await b.bus().publish(downTopic(c1.storeId, "command"), toC1, { qos: 1 });
      await b.bus().publish(broadcastTopic("command"), all, { qos: 1 });
      await waitFor(
        () => got2.includes(toC2) && got2.includes(all),
        "C2's command and the broadcast",
        30_000,
      );
      // C1's own command went out after C2's: once C1 has it (and the broadcast), C2's would be here.
      await waitFor(
        () => got1.includes(toC1) && got1.includes(all),
        "C1's command and the broadcast",
        30_000,
      );
      expect(got1).not.toContain(toC2);
      expect(got2).not.toContain(toC1);
      await mine.endAsync();
      await theirs.endAsync();
    });

    test("a retained message reaches a store that subscribes later, and the newest one replaces it", async () => {
      const topic = downTopic(c1.storeId, "pointer");
      const older = unique("pointer-old");
      const newer = unique("pointer-new");
      await b.bus().publish(topic, older, { qos: 1, retain: true });
      await b.bus().publish(topic, newer, { qos: 1, retain: true });
      const c = await connect(c1);
      const got: { payload: string; retain: boolean }[] = [];
      c.on("message", (_t, p, packet) => got.push({ payload: p.toString(), retain: packet.retain }));
      await c.subscribeAsync(topic, { qos: 1 });
      await waitFor(() => got.length > 0, "the retained pointer", 30_000);
      expect(got[0]).toEqual({ payload: newer, retain: true });
      await c.endAsync();
    });

    test("a store's will (offline status) reaches the hub when its connection drops without a goodbye", async () => {
      const will = unique("offline");
      const c = await connect(c1, {
        will: { topic: upTopic(c1.storeId, "status"), payload: Buffer.from(will), qos: 1, retain: false },
      });
      c.stream.destroy(); // the TCP connection dies, no DISCONNECT
      await waitFor(() => hubGot(will).length > 0, "the will at the hub", 30_000);
      await c.endAsync(true);
      expect(hubGot(will)).toHaveLength(1);
    });

    test("after the broker is killed and restarted, a store's events reach the hub again", async () => {
      const c = await connect(c1, { reconnectPeriod: 200 });
      const before = unique("before-restart");
      await c.publishAsync(upTopic(c1.storeId, "events"), before, { qos: 1 });
      await waitFor(() => hubGot(before).length > 0, "the event before the restart", 30_000);
      await b.restart();
      // The store resends until the hub has it, as the edge's outbox does (no ack: resend).
      const after = unique("after-restart");
      await waitFor(
        async () => {
          if (hubGot(after).length > 0) return true;
          if (c.connected)
            await c.publishAsync(upTopic(c1.storeId, "events"), after, { qos: 1 }).catch(() => {});
          await Bun.sleep(250);
          return hubGot(after).length > 0;
        },
        "an event after the restart at the hub",
        45_000,
      );
      // And the hub still reaches the store.
      const ack = unique("ack-after-restart");
      const got: string[] = [];
      const listener = await connect(c2);
      listener.on("message", (_t, p) => got.push(p.toString()));
      await listener.subscribeAsync(storeSubscriptions(c2.storeId), { qos: 1 });
      await b.bus().publish(downTopic(c2.storeId, "ack"), ack, { qos: 1 });
      await waitFor(() => got.includes(ack), "the hub's ack after the restart", 30_000);
      await c.endAsync(true);
      await listener.endAsync();
    });
  });
}
