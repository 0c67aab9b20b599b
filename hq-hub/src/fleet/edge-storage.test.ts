// A store whose edge reports a full disk in its store.status (over real MQTT into the hub):
// HQ's fleet view gets an alert a person sees (GET /api/v1/fleet/alerts, the console's 安全告警).
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { makeEnvelope, upTopic } from "@retail/protocol";
import { api, connectStore, enrollStore, startTestHub } from "../test-kit.ts";

setDefaultTimeout(60_000);
let hub: Awaited<ReturnType<typeof startTestHub>>;
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(async () => {
  await hub.cleanup();
});

test("store.status with storage full: one open edge_storage alert for the store, its count climbing", async () => {
  const store = await connectStore(await enrollStore(hub, "D1"));
  const status = (failures: number) =>
    makeEnvelope(
      "store.status",
      {
        state: "online",
        appVersion: "t",
        catalogVersion: 0,
        outboxBacklog: 0,
        lastSeq: 0,
        devices: [],
        storage: { state: "full", since: new Date().toISOString(), failures, lastError: "SQLITE_FULL" },
        at: new Date().toISOString(),
      },
      { storeId: "D1" },
    );
  type Alert = {
    kind: string;
    storeId: string;
    subject: string;
    count: number;
    detail: Record<string, unknown>;
  };
  const alerts = async () =>
    ((await api(hub, "GET", "/api/v1/fleet/alerts")).body as Alert[]).filter((a) => a.storeId === "D1");
  await store.client.publishAsync(upTopic("D1", "status"), JSON.stringify(status(3)), { qos: 1 });
  await store.client.publishAsync(upTopic("D1", "status"), JSON.stringify(status(9)), { qos: 1 });
  const end = Date.now() + 20_000;
  while ((await alerts())[0]?.count !== 2) {
    if (Date.now() > end) throw new Error(`no edge_storage alert: ${JSON.stringify(await alerts())}`);
    await Bun.sleep(50);
  }
  const [a] = await alerts();
  expect(a).toMatchObject({
    kind: "edge_storage",
    subject: "full",
    detail: { failures: 9, lastError: "SQLITE_FULL" },
  });
  const fleet = (await api(hub, "GET", "/api/v1/fleet")).body as { storeId: string; openAlerts: number }[];
  expect(fleet.find((s) => s.storeId === "D1")?.openAlerts).toBe(1);
  await store.close();
});
