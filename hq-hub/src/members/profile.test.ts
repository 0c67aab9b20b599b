// Profiles kept by ingest over real MQTT into a real libSQL file: exactly once through
// duplicates, redeliveries and the hook called twice; returns; training ignored.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { connectStore, enrollStore, event, type StoreClient, saleEvent, startTestHub } from "../test-kit.ts";
import { createMemberReads } from "./members.ts";
import { recordMemberActivity } from "./profile.ts";

setDefaultTimeout(60_000);

let hub: Awaited<ReturnType<typeof startTestHub>>;
let store: StoreClient;

beforeAll(async () => {
  hub = await startTestHub();
  store = await connectStore(await enrollStore(hub, "S1"));
  hub.db
    .prepare(
      "INSERT INTO members (id, phone, tier, points, status) VALUES ('M1', '13812345678', 'regular', 0, 'active')",
    )
    .run();
});
afterAll(async () => {
  await store.close();
  await hub.cleanup();
});

function twoCategorySale(seq: number, completedAt: string) {
  const s = saleEvent("S1", seq, { member: { id: "M1", tier: "regular" }, unitPrice: 1000, lines: 3 });
  s.payload.lines[2]!.category = "2002";
  s.payload.completedAt = completedAt;
  return s;
}

describe("member profiles from ingest", () => {
  test("a member sale counts once through a duplicate in the batch, a redelivery and a second hook call", async () => {
    const a = twoCategorySale(1, "2026-11-20T10:00:00.000+08:00");
    const b = twoCategorySale(2, "2026-11-22T09:00:00.000+08:00");
    await store.publishEvents([a, a]);
    expect((await store.next("events.ack")).payload.upToSeq).toBe(1);
    await store.publishEvents([a, b]);
    expect((await store.next("events.ack", (x) => x.payload.upToSeq === 2)).payload.missing).toEqual([]);
    // The hook again, outside the inbox: the primary key of member_activity refuses it.
    expect(recordMemberActivity(hub.db, a)).toBe(false);

    const p = createMemberReads(hub.db).profile("M1", true);
    expect(p.visits).toBe(2);
    expect(p.spendFen).toBe(6000);
    expect(p.averageBasketFen).toBe(3000);
    expect(p.firstVisitAt).toBe("2026-11-20T02:00:00.000Z");
    expect(p.lastVisitAt).toBe("2026-11-22T01:00:00.000Z");
    expect(p.favouriteCategories).toEqual([
      { category: "1001", spendFen: 4000 },
      { category: "2002", spendFen: 2000 },
    ]);
    expect(p.favouriteStores).toEqual([{ storeId: "S1", visits: 2, spendFen: 6000 }]);
    expect(p.pointsHistory.map((h) => [h.kind, h.points])).toEqual([
      ["sale", 30],
      ["sale", 30],
    ]);
    // The member's points (ingest's own step) agree with the history.
    expect(p.points).toBe(60);
  });

  test("a return takes spend and points back without being a visit; training sales change nothing", async () => {
    const sale = twoCategorySale(3, "2026-11-23T09:00:00.000+08:00");
    const ret = event("sale.returned", "S1", 4, {
      returnId: "R-M1",
      receiptNo: "RC-R-M1",
      original: { saleId: sale.payload.saleId, receiptNo: sale.payload.receiptNo, storeId: "S1" },
      reason: "damaged",
      laneId: "1",
      cashierId: "1001",
      shiftId: "shift-1",
      businessDay: "2026-11-23",
      training: false,
      lines: [{ lineId: "l1", sku: "SKU1", qty: 1, weighed: false, refund: 1000, tax: 115, restock: true }],
      totals: { refund: 1000, tax: 115 },
      tenders: [{ kind: "cash", amount: 1000 }],
      returnedAt: "2026-11-24T10:00:00.000+08:00",
    });
    const training = saleEvent("S1", 5, { member: { id: "M1", tier: "regular" }, training: true });
    await store.publishEvents([sale, ret, ret, training]);
    expect((await store.next("events.ack", (x) => x.payload.upToSeq === 5)).payload.missing).toEqual([]);
    const p = createMemberReads(hub.db).profile("M1", false);
    expect(p.visits).toBe(3);
    expect(p.spendFen).toBe(8000);
    expect(p.returnsFen).toBe(1000);
    expect(p.lastVisitAt).toBe("2026-11-23T01:00:00.000Z");
    expect(p.pointsHistory[0]).toMatchObject({ kind: "return", netFen: -1000, points: -10 });
    expect(p.points).toBe(80);
    expect(p.phone).toBe("138****5678");
  });

  test("a sale without a member, or of an unknown kind, leaves the profiles alone", () => {
    expect(recordMemberActivity(hub.db, saleEvent("S1", 99))).toBe(false);
    expect((hub.db.prepare("SELECT COUNT(*) AS n FROM member_profiles").get() as { n: number }).n).toBe(1);
  });
});
