// A hub database restored from a backup taken before a scheduled replenishment run: the restored
// hub finds the slot due again and runs it. The orders it sends must be the SAME orders (the
// same order numbers the tills were told and the supplier got), not a second set; and in one
// database a slot runs once, whatever calls runDue.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import {
  api,
  connectStore,
  enrollStore,
  event,
  type StoreClient,
  saleEvent,
  startTestHub,
  tempDir,
  waitFor,
} from "../test-kit.ts";

setDefaultTimeout(90_000);

// Monday 2026-12-07 08:00 in Shanghai; the store's daily 09:00 slot of yesterday is due.
const clock = () => new Date("2026-12-07T00:00:00Z");
let hub: Awaited<ReturnType<typeof startTestHub>>;
let restored: Awaited<ReturnType<typeof startTestHub>> | undefined;
let store: StoreClient;
const backup = tempDir("hub-backup-");

beforeAll(async () => {
  hub = await startTestHub({}, clock);
  store = await connectStore(await enrollStore(hub, "R1"));
  const csv = "sku,name,category,unit,taxRate,weighed,status\nB1,面包,10/1002,EA,13,false,active\n";
  const job = (await api(hub, "POST", "/api/v1/imports/products", csv)).body;
  await waitFor(
    async () => (await api(hub, "GET", `/api/v1/imports/${job.id}`)).body.state === "done",
    "import",
  );
  expect(
    (
      await api(hub, "POST", "/api/v1/suppliers", {
        id: "SUP-B",
        name: "面包房",
        leadTimeDays: 1,
        minOrderQty: 10,
        packSize: 10,
      })
    ).status,
  ).toBe(200);
  expect((await api(hub, "PUT", "/api/v1/suppliers/SUP-B/skus", { skus: ["B1"] })).status).toBe(200);
  expect(
    (
      await api(hub, "POST", "/api/v1/suppliers/SUP-B/prices", {
        prices: [{ sku: "B1", costFen: 200, taxRate: 13, effectiveFrom: "2026-01-01" }],
      })
    ).status,
  ).toBe(200);
  // 150 loaves delivered, then four weeks of 5 a day: 10 left, demand to order for.
  const opening = event("receiving.confirmed", "R1", 1, {
    receivingId: "RCV-OPEN",
    confirmedBy: "1001",
    lines: [{ sku: "B1", qty: 150 }],
    confirmedAt: "2026-11-07T02:00:00Z",
  });
  const sales = Array.from({ length: 28 }, (_, d) => {
    const e = saleEvent("R1", d + 2, { lines: 1, skus: ["B1"], unitPrice: 500 });
    const at = new Date(Date.parse("2026-11-08T04:00:00Z") + d * 86_400_000).toISOString();
    const l = e.payload.lines[0]!;
    const tax = Math.floor((2500 * 13) / 113 + 0.5);
    Object.assign(l, { qty: 5, gross: 2500, net: 2500, tax });
    Object.assign(e.payload, {
      completedAt: at,
      businessDay: at.slice(0, 10),
      totals: { gross: 2500, discount: 0, net: 2500, tax },
      tenders: [{ kind: "cash", amount: 2500, received: 2500, change: 0 }],
    });
    return e;
  });
  await store.publishEvents([opening, ...sales]);
  await store.next("events.ack", (a) => a.payload.upToSeq >= 29, 30_000);
  expect(
    (await api(hub, "PUT", "/api/v1/stores/R1/reorder-points", { sku: "B1", reorderPoint: 5 })).status,
  ).toBe(200);
  expect(
    (
      await api(hub, "PUT", "/api/v1/stores/R1/replenishment/schedule", {
        everyDays: 1,
        atHour: 9,
        autoMaxFen: 1_000_000,
        enabled: true,
      })
    ).status,
  ).toBe(200);
});
afterAll(async () => {
  await store?.close();
  await restored?.cleanup();
  await hub?.cleanup();
  backup.remove();
});

describe("a restored hub re-running a replenishment slot", () => {
  test("the slot's orders go out once: the restored hub sends the same order numbers, not new ones", async () => {
    // The nightly backup, taken before the 09:00 slot ran.
    mkdirSync(join(backup.path, "data"), { recursive: true });
    hub.db.exec(`VACUUM INTO '${join(backup.path, "data", "hq.db")}'`);

    const first = hub.autoReplenishment.runDue();
    expect(first.runs.map((r) => r.storeId)).toEqual(["R1"]);
    const sent = first.runs[0]!.orders;
    expect(sent.length).toBe(1);
    expect(sent[0]).toMatchObject({ supplierId: "SUP-B", decision: "auto_sent" });
    // The same database: the slot does not run again.
    expect(hub.autoReplenishment.runDue().runs).toEqual([]);

    // The hub's disk dies; its database comes back from the backup (before the run).
    restored = await startTestHub({ dataDir: join(backup.path, "data") }, clock);
    const again = restored.autoReplenishment.runDue();
    expect(again.runs.map((r) => r.storeId)).toEqual(["R1"]);
    // Before: fresh random order numbers, a second order to the supplier and a second order on
    // the way at the till. Now the slot's order numbers: what the till and supplier hold already.
    expect(again.runs[0]!.id).toBe(first.runs[0]!.id);
    expect(again.runs[0]!.orders.map((o) => [o.poId, o.supplierId, o.lines])).toEqual(
      sent.map((o) => [o.poId, o.supplierId, o.lines]),
    );
    expect(again.till.map((t) => t.storeId)).toEqual(first.till.map((t) => t.storeId));
    const po = (await api(restored, "GET", `/api/v1/purchase-orders/${sent[0]!.poId}`)).body;
    expect(po).toMatchObject({ status: "ordered", storeId: "R1", supplierId: "SUP-B" });
    expect(restored.autoReplenishment.runDue().runs).toEqual([]);
  });
});
