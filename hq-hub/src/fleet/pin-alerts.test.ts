// A till's PIN abuse reaches the fleet screen: a store's audit events of a cashier code locked
// by wrong PINs and of a LAN address throttled for them (store-edge staff/verify-pin.ts) open
// one `till_pin_abuse` fleet alert for that store, counted, with the last lane and detail; other
// audit events raise nothing. Real hub, real broker, an MQTT client standing in for the edge.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { api, connectStore, enrollStore, event, startTestHub, waitFor } from "../test-kit.ts";

setDefaultTimeout(60_000);

let hub: Awaited<ReturnType<typeof startTestHub>>;
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(async () => {
  await hub.cleanup();
});

const audit = (seq: number, action: "pin_locked" | "pin_source_throttled" | "line_void", detail: string) =>
  event("audit.recorded", "P001", seq, {
    auditId: `0193a8c0-0000-7000-8000-00000000000${seq}`,
    action,
    laneId: "2",
    cashierId: "1001",
    detail,
    at: "2026-11-25T10:00:00.000+08:00",
  });

test("PIN locks and a throttled LAN address at a store open its till_pin_abuse fleet alert", async () => {
  const store = await connectStore(await enrollStore(hub, "P001"));
  await store.publishEvents([audit(1, "line_void", "a line voided")]);
  expect((await store.next("events.ack")).payload.upToSeq).toBe(1);
  const none = await api(hub, "GET", "/api/v1/fleet/alerts?store=P001");
  expect(none.body).toEqual([]);
  await store.publishEvents([
    audit(2, "pin_locked", "code 1001 locked after wrong PINs (sign_in) from 192.168.1.66 on lane 2"),
    audit(3, "pin_source_throttled", "10 wrong PINs at 3 codes from 192.168.1.66 (last: code 1003)"),
  ]);
  expect((await store.next("events.ack")).payload.upToSeq).toBe(3);
  const alerts = await waitFor(
    async () => {
      const r = await api(hub, "GET", "/api/v1/fleet/alerts?store=P001&open=true");
      const list = r.body as { kind: string; count: number; detail: Record<string, unknown> }[];
      return list.length && list[0]!.count === 2 ? list : undefined;
    },
    "the till_pin_abuse alert counted twice",
    30_000,
  );
  expect(alerts).toHaveLength(1);
  expect(alerts[0]).toMatchObject({
    kind: "till_pin_abuse",
    storeId: "P001",
    count: 2,
    detail: { locks: 1, throttles: 1, lastAction: "pin_source_throttled", lastLane: "2" },
  });
  expect(String(alerts[0]!.detail.lastDetail)).toContain("192.168.1.66");
  const fleet = await api(hub, "GET", "/api/v1/fleet");
  expect(
    (fleet.body as { storeId: string; openAlerts: number }[]).find((f) => f.storeId === "P001")?.openAlerts,
  ).toBe(1);
  await store.close();
});
