// The same features against a real external MQTT 5 broker: Mosquitto started by the test with
// password and ACL files the hub exports. Two hub workers share the events stream through an
// MQTT 5 shared subscription.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { upTopic } from "@retail/protocol";
import mqtt from "mqtt";
import { type HubConfig, loadConfig } from "../config.ts";
import { type Hub, startHub } from "../hub.ts";
import { mosquittoHash } from "../stores/stores.ts";
import { ADMIN_TOKEN, api, connectStore, enrollStore, saleEvent, tempDir, waitFor } from "../test-kit.ts";
import { hubAclLines } from "./external.ts";

// Real processes and brokers on a shared 2-core machine: generous, never a timing assertion.
setDefaultTimeout(60_000);

const MOSQUITTO = ["/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto", "/usr/bin/mosquitto"].find((p) =>
  existsSync(p),
);
const dir = tempDir("hq-mosq-");
let broker: ChildProcess;
let port = 0;
let hubs: Hub[] = [];

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", () => r()));
  const p = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return p;
}

async function reloadBroker(files: { passwordFile: string; aclFile: string }) {
  writeFileSync(join(dir.path, "passwd"), files.passwordFile);
  writeFileSync(join(dir.path, "acl"), files.aclFile);
  broker.kill("SIGHUP"); // Mosquitto re-reads its password and ACL files
  await Bun.sleep(300); // no signal tells when the reload is done; the tests below then poll
}

beforeAll(async () => {
  if (!MOSQUITTO) throw new Error("mosquitto is not installed (apt-get install mosquitto)");
  port = await freePort();
  const hubPass = "hub-secret-for-tests";
  writeFileSync(join(dir.path, "passwd"), `hub:${mosquittoHash(hubPass)}\n`);
  writeFileSync(join(dir.path, "acl"), hubAclLines("hub"));
  writeFileSync(
    join(dir.path, "mosquitto.conf"),
    [
      `listener ${port} 127.0.0.1`,
      "allow_anonymous false",
      `password_file ${join(dir.path, "passwd")}`,
      `acl_file ${join(dir.path, "acl")}`,
      "persistence false",
      "log_dest none",
      // Run as root, Mosquitto would drop to user "mosquitto" and lose access to this temp dir.
      ...(process.getuid?.() === 0 ? ["user root"] : []),
      "",
    ].join("\n"),
  );
  broker = spawn(MOSQUITTO, ["-c", join(dir.path, "mosquitto.conf")], { stdio: "ignore" });
  await waitFor(async () => {
    const c = await mqtt
      .connectAsync(`mqtt://127.0.0.1:${port}`, {
        username: "hub",
        password: hubPass,
        reconnectPeriod: 0,
        connectTimeout: 1000,
        protocolVersion: 5,
      })
      .catch(() => undefined);
    await c?.endAsync();
    return c !== undefined;
  }, "mosquitto to listen");
  const shared: Partial<HubConfig> = {
    port: 0,
    dataDir: join(dir.path, "data"),
    adminToken: ADMIN_TOKEN,
    memberSyncMs: 0,
    mqttUrl: `mqtt://hub:${hubPass}@127.0.0.1:${port}`,
  };
  // Two workers on one database, as a chain that outgrew one process would run them.
  hubs.push(await startHub(loadConfig({ env: {}, cwd: dir.path, overrides: shared }), { log: () => {} }));
  hubs.push(await startHub(loadConfig({ env: {}, cwd: dir.path, overrides: shared }), { log: () => {} }));
}, 30_000);

afterAll(async () => {
  for (const h of hubs) await h.stop();
  hubs = [];
  broker?.kill("SIGTERM");
  dir.remove();
});

describe("external Mosquitto (MQTT 5)", () => {
  test("the exported password and ACL files let an enrolled store in, exactly once, with shared ingest", async () => {
    const hub = hubs[0]!;
    const creds = await enrollStore(hub, "M1");
    expect(creds.mqtt.url).toBe(`mqtt://127.0.0.1:${port}`);
    const other = await enrollStore(hub, "M2");
    const files = (await api(hub, "GET", "/api/v1/broker/mosquitto-config")).body;
    expect(files.aclFile).toContain("topic write retail/v1/s/M1/up/#");
    expect(files.passwordFile).toMatch(/^hub:\$7\$101\$/m);
    await reloadBroker(files);

    const store = await waitFor(
      () => connectStore(creds, { protocolVersion: 5 }).catch(() => undefined),
      "store connects",
    );
    const events = Array.from({ length: 40 }, (_, i) => saleEvent("M1", i + 1, { lines: 2 }));
    // One event per message, so the shared subscription spreads them over both workers.
    for (const e of events) await store.publishEvents([e]);
    await store.next("events.ack", (a) => a.payload.upToSeq === 40 && a.payload.missing.length === 0, 20_000);
    await store.publishEvents(events.slice(0, 10)); // a resend after a reconnect: duplicates
    await store.next("events.ack", (a) => a.payload.upToSeq === 40);
    expect(hub.db.prepare("SELECT COUNT(*) AS n FROM sales WHERE store_id = 'M1'").get()).toEqual({ n: 40 });
    expect(hub.db.prepare("SELECT COUNT(*) AS n FROM conflicts").get()).toEqual({ n: 0 });
    // Both workers took a share.
    expect(hubs.every((h) => h.stats.applied > 0)).toBe(true);

    // ACL: M1 publishing on M2's topic is refused by Mosquitto (MQTT 5 PUBACK reason 0x87).
    const refused = await store.client
      .publishAsync(upTopic("M2", "events"), JSON.stringify([saleEvent("M2", 1)]), { qos: 1 })
      .then(
        (p) => (p as { reasonCode?: number } | undefined)?.reasonCode ?? 0,
        (e) => (e as { code?: number }).code ?? -1,
      );
    expect(refused).toBe(135);
    const m2 = await connectStore(other, { protocolVersion: 5 });
    await m2.publishEvents([saleEvent("M2", 1)]);
    await m2.next("events.ack");
    expect(hub.db.prepare("SELECT COUNT(*) AS n FROM sales WHERE store_id = 'M2'").get()).toEqual({ n: 1 });
    await m2.close();
    await store.close();
  });

  test("bad credentials are refused by the broker", async () => {
    const err = await mqtt
      .connectAsync(`mqtt://127.0.0.1:${port}`, {
        clientId: "store-M1",
        username: "store-M1",
        password: "wrong",
        reconnectPeriod: 0,
        protocolVersion: 5,
      })
      .then(
        async (c) => {
          await c.endAsync();
          return "connected";
        },
        (e) => (e as Error).message,
      );
    expect(err).not.toBe("connected");
  });

  test("change sets reach the store through the external broker (retained pointer, paged fetch)", async () => {
    const hub = hubs[0]!;
    await api(hub, "POST", "/api/v1/catalog/product", {
      sku: "K1",
      name: "可乐",
      category: ["10"],
      unit: "BTL",
      taxRate: 13,
      weighed: false,
      status: "active",
    });
    await api(hub, "POST", "/api/v1/catalog/price", { sku: "K1", scope: "chain", windows: [{ price: 300 }] });
    const draft = hub.catalog.changesets().find((c) => c.state === "draft")!;
    const released = await api(hub, "POST", `/api/v1/changesets/${draft.id}/release`, { stage: "all" });
    const creds = await enrollStore(hub, "M3");
    await reloadBroker((await api(hub, "GET", "/api/v1/broker/mosquitto-config")).body);
    const store = await waitFor(
      () => connectStore(creds, { protocolVersion: 5 }).catch(() => undefined),
      "M3 connects",
    );
    // Retained at enrollment: the new store finds its pointer on its first subscribe.
    expect((await store.next("catalog.pointer")).payload).toEqual({
      version: released.body.version,
      snapshotFloor: 0,
    });
    await store.request("catalog.fetch", { fromVersion: 0, page: 0 });
    const page = await store.next("catalog.changeset");
    expect(page.payload).toMatchObject({ kind: "snapshot", version: released.body.version, pages: 1 });
    expect(page.payload.items).toContainEqual({
      op: "upsert",
      entity: "price",
      data: { sku: "K1", windows: [{ price: 300, source: "chain" }] },
    });
    await store.close();
  });
});
