// Fleet alerts end to end over real MQTT into a real hub, the webhook received by a local HTTP
// server: a store's device error, backlog, full disk and skewed clock raise alerts the fleet
// list shows, each posted as a WeCom markdown message; a receiver that fails is retried; a
// receiver that hangs never holds up ingest; the conditions gone, the alerts clear (and say so).
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import type { Payload } from "@retail/protocol";
import {
  api,
  connectStore,
  enrollStore,
  type StoreClient,
  saleEvent,
  startTestHub,
  waitFor,
} from "../test-kit.ts";

setDefaultTimeout(90_000);

type Received = {
  msgtype: string;
  markdown: { content: string };
  alertId: number;
  kind: string;
  storeId: string;
  event: string;
};
const received: Received[] = [];
let failNext = 0;
let hang = false;
const server = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  async fetch(req) {
    const body = (await req.json()) as Received;
    if (hang) await Bun.sleep(20_000);
    if (failNext > 0) {
      failNext--;
      return new Response("busy", { status: 503 });
    }
    received.push(body);
    return Response.json({ errcode: 0, errmsg: "ok" });
  },
});

let hub: Awaited<ReturnType<typeof startTestHub>>;
let store: StoreClient;
beforeAll(async () => {
  hub = await startTestHub({
    alertSweepMs: 200,
    alertThresholds: { offlineGraceSec: 0 },
    alertWebhookUrl: `http://127.0.0.1:${server.port}/cgi-bin/webhook/send?key=test`,
  });
  store = await connectStore(await enrollStore(hub, "W1", { name: "杭州西湖店" }));
});
afterAll(async () => {
  await store.close();
  await hub.cleanup();
  server.stop(true);
});

const status = (over: Partial<Payload<"store.status">>): Payload<"store.status"> => ({
  state: "online",
  appVersion: "t",
  catalogVersion: 0,
  outboxBacklog: 0,
  lastSeq: 0,
  devices: [],
  disk: { freeBytes: 50e9, totalBytes: 100e9 },
  at: new Date().toISOString(),
  ...over,
});
type Alert = {
  id: number;
  kind: string;
  storeId?: string;
  subject: string;
  closedAt?: string;
  closedBy?: string;
};
const alertsOf = async (): Promise<Alert[]> =>
  ((await api(hub, "GET", "/api/v1/fleet/alerts?store=W1")).body as Alert[]).filter(
    (a) => a.storeId === "W1",
  );

test("a device error, a backlog, a nearly full disk and a skewed clock raise alerts, each posted once to the webhook", async () => {
  failNext = 1; // the first POST is refused: retried after 5 s
  await store.request(
    "store.status",
    status({
      outboxBacklog: 900,
      disk: { freeBytes: 2e9, totalBytes: 100e9 },
      devices: [
        { laneId: "1", kind: "printer", device: "tcp://10.0.0.9:9100", state: "error", reason: "缺纸" },
      ],
    }),
  );
  await store.request("telemetry", { metrics: {}, at: new Date(Date.now() + 600_000).toISOString() });
  const want = ["clock_skew", "device_error", "disk_low", "outbox_backlog"];
  await waitFor(
    async () => want.every((k) => received.some((r) => r.kind === k && r.event === "raised")),
    "four alerts posted",
    30_000,
  );
  const open = (await alertsOf()).filter((a) => !a.closedAt);
  expect(open.map((a) => a.kind).sort()).toEqual(want);
  expect(open.find((a) => a.kind === "device_error")?.subject).toBe("1/printer");
  const device = received.find((r) => r.kind === "device_error")!;
  expect(device.msgtype).toBe("markdown");
  expect(device.markdown.content).toContain("【告警】W1 杭州西湖店 设备故障");
  expect(device.markdown.content).toContain("缺纸");
  // Once each, however many sweeps ran meanwhile.
  expect(received.filter((r) => r.event === "raised").length).toBe(4);
  const row = (
    (await api(hub, "GET", "/api/v1/fleet")).body as {
      storeId: string;
      openAlerts: number;
      clockSkewSec?: number;
    }[]
  ).find((r) => r.storeId === "W1");
  expect(row?.openAlerts).toBe(4);
  expect(row?.clockSkewSec).toBeGreaterThan(500);
  const deliveries = (await api(hub, "GET", "/api/v1/fleet/alert-deliveries")).body as {
    configured: boolean;
    deliveries: { state: string; attempts: number }[];
  };
  expect(deliveries.configured).toBe(true);
  expect(deliveries.deliveries.some((d) => d.state === "sent" && d.attempts === 2)).toBe(true);
});

test("a hanging webhook never holds up ingest; the conditions gone, the alerts clear and the webhook says so", async () => {
  hang = true;
  await store.request("telemetry", { metrics: {}, at: new Date().toISOString() });
  await store.request("store.status", status({}));
  // A sale committed and acked while the receiver hangs.
  await store.publishEvents([saleEvent("W1", 1)]);
  const ack = await store.next("events.ack", (e) => e.payload.upToSeq >= 1, 20_000);
  expect(ack.payload.upToSeq).toBe(1);
  await waitFor(async () => (await alertsOf()).every((a) => a.closedAt), "every alert cleared", 20_000);
  const cleared = await alertsOf();
  expect(cleared.every((a) => a.closedBy === "system (condition cleared)")).toBe(true);
  hang = false;
  await waitFor(
    () => received.filter((r) => r.event === "cleared").length === 4,
    "four cleared messages",
    60_000,
  );
  expect(received.find((r) => r.event === "cleared")?.markdown.content).toContain("【已恢复】W1 杭州西湖店");
});

test("offline: the last will raises store_offline; the store back, it clears", async () => {
  await store.request("store.status", status({ state: "offline" }));
  await waitFor(
    async () => (await alertsOf()).find((a) => a.kind === "store_offline" && !a.closedAt),
    "offline alert",
    20_000,
  );
  await store.request("store.status", status({}));
  await waitFor(
    async () => (await alertsOf()).find((a) => a.kind === "store_offline")?.closedAt,
    "offline alert cleared",
    20_000,
  );
});
