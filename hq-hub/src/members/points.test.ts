// Points redemption at HQ (issue 18): the rule set through the API reaches the stores as a change
// set; a sale paid with points takes them exactly once (duplicate in a batch, redelivery, the hook
// again); forged amounts, a share above the cap and two stores spending the same points are
// findings, never silent; a return gives the points back once and never more than were taken.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { type AnyEnvelope, pointsForFen, upTopic } from "@retail/protocol";
import { createIngest } from "../ingest/ingest.ts";
import { api, enrollStore, event, saleEvent, startTestHub } from "../test-kit.ts";
import { redeemForSale } from "./points.ts";

setDefaultTimeout(60_000);

let hub: Awaited<ReturnType<typeof startTestHub>>;
let ingest: ReturnType<typeof createIngest>;
let version = 0;
const seqs: Record<string, number> = { S1: 0, S2: 0 };

const balance = (id = "M1") =>
  (hub.db.prepare("SELECT points FROM members WHERE id = ?").get(id) as { points: number }).points;
const findings = (saleId: string) =>
  hub.db
    .prepare("SELECT field, expected, actual FROM price_findings WHERE sale_id = ? ORDER BY id")
    .all(saleId) as {
    field: string;
    expected: string;
    actual: string;
  }[];

function send(storeId: string, envs: AnyEnvelope[]) {
  return ingest.handleBatch(storeId, upTopic(storeId, "events"), JSON.stringify(envs));
}

/** A member sale of 2 x 1000 fen paying `fen` with `points` points and the rest in cash. */
function pointsSale(storeId: string, fen: number, points: number, member = "M1") {
  const e = saleEvent(storeId, ++seqs[storeId]!, {
    lines: 2,
    unitPrice: 1000,
    catalogVersion: version,
    member: { id: member, tier: "regular" },
  });
  e.payload.tenders = [
    { kind: "points" as const, amount: fen, points },
    { kind: "cash" as const, amount: 2000 - fen, received: 2000 - fen, change: 0 },
  ].filter((t) => t.amount > 0);
  return e;
}

function pointsReturn(storeId: string, sale: ReturnType<typeof pointsSale>, fen: number, points: number) {
  return event("sale.returned", storeId, ++seqs[storeId]!, {
    returnId: `R-${seqs[storeId]}-${storeId}`,
    receiptNo: `RT-${seqs[storeId]}`,
    original: { saleId: sale.payload.saleId, receiptNo: sale.payload.receiptNo, storeId: sale.storeId },
    reason: "不想要了",
    laneId: "1",
    cashierId: "1001",
    shiftId: "shift-1",
    businessDay: "2026-11-25",
    training: false,
    lines: [{ lineId: "l1", sku: "SKU1", qty: 1, weighed: false, refund: 1000, tax: 115, restock: true }],
    totals: { refund: 1000, tax: 115 },
    tenders: [
      { kind: "points" as const, amount: fen, points },
      { kind: "cash" as const, amount: 1000 - fen },
    ].filter((t) => t.amount > 0),
    returnedAt: "2026-11-25T12:00:00.000+08:00",
  });
}

beforeAll(async () => {
  hub = await startTestHub();
  await enrollStore(hub, "S1");
  await enrollStore(hub, "S2");
  ingest = createIngest({
    db: hub.db,
    now: () => new Date(),
    catalogAt: (s, v) => hub.catalog.catalogAt(s, v),
  });
  // The goods sold, so the price audit has nothing to say about the lines.
  const cs = hub.catalog.createChangeset("test", { target: { kind: "all" } });
  for (const sku of ["SKU1", "SKU2"]) {
    await hub.catalog.edit(
      "test",
      "product",
      { sku, name: sku, category: ["1001"], unit: "EA", taxRate: 13, weighed: false, status: "active" },
      cs.id,
    );
    await hub.catalog.edit("test", "price", { sku, scope: "chain", windows: [{ price: 1000 }] }, cs.id);
  }
  hub.catalog.release("test", cs.id, "all");
  hub.db
    .prepare(
      "INSERT INTO members (id, phone, tier, points, status) VALUES ('M1', '13800000001', 'regular', 1000, 'active')",
    )
    .run();
});
afterAll(async () => {
  await hub.cleanup();
});

describe("points redemption at HQ", () => {
  test("the rule is validated, released to every store as a change set, and read back", async () => {
    const bad = await api(hub, "PUT", "/api/v1/members/points-rule", {
      enabled: true,
      pointsPerYuan: 0.5,
      maxSharePercent: 50,
      minBalance: 0,
      earnOnRedeemed: false,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe("pointsPerYuan");
    const huge = await api(hub, "PUT", "/api/v1/members/points-rule", {
      enabled: true,
      pointsPerYuan: 100,
      maxSharePercent: 500,
      minBalance: 0,
      earnOnRedeemed: false,
    });
    expect(huge.status).toBe(400);
    expect(huge.body.field).toBe("maxSharePercent");
    const ok = await api(hub, "PUT", "/api/v1/members/points-rule", {
      enabled: true,
      pointsPerYuan: 100,
      maxSharePercent: 50,
      minBalance: 100,
      earnOnRedeemed: false,
    });
    expect(ok.status).toBe(200);
    version = ok.body.version;
    expect(version).toBeGreaterThan(0);
    const items = hub.db
      .prepare("SELECT entity, key, op FROM changeset_items WHERE changeset_id = ?")
      .all(ok.body.changesetId);
    expect(items).toEqual([{ entity: "points_rule", key: "chain", op: "upsert" }]);
    expect((await api(hub, "GET", "/api/v1/members/points-rule")).body).toMatchObject({
      set: true,
      rule: { enabled: true, pointsPerYuan: 100, maxSharePercent: 50 },
    });
    // What S1 had at that version is the rule (the audit checks sales against it).
    expect(hub.catalog.catalogAt("S1", version).pointsRule?.maxSharePercent).toBe(50);
  });

  test("points are taken exactly once: duplicate in the batch, redelivery, the hook again", () => {
    const sale = pointsSale("S1", 500, pointsForFen(500, { pointsPerYuan: 100 } as never));
    send("S1", [sale, sale]);
    send("S1", [sale]);
    // 1000 - 500 spent + 15 earned on the 1,500 fen not paid with points (earnOnRedeemed off).
    expect(balance()).toBe(515);
    hub.db.transaction(() =>
      expect(redeemForSale(hub.db, "S1", sale.payload, { ...ruleOn() })).toEqual([]),
    )();
    expect(balance()).toBe(515);
    expect(findings(sale.payload.saleId)).toEqual([]);
  });

  test("an edit of the member read before a sale took points does not put them back", async () => {
    const before = balance();
    // The console's member editor (or a CSV row) read the record when it had more points...
    const stale = {
      id: "M1",
      phone: "13800000001",
      name: "王芳",
      tier: "regular",
      points: before + 400,
      status: "active",
    };
    hub.db.prepare("UPDATE members SET dirty = 0 WHERE id = 'M1'").run();
    const cs = hub.catalog.createChangeset("test", { target: { kind: "all" } });
    await hub.catalog.edit("test", "member", stale, cs.id);
    hub.catalog.release("test", cs.id, "all");
    // ...the name is taken, the ledger's balance is kept, and the stores get it at the next sync.
    const row = hub.db.prepare("SELECT name, points, dirty FROM members WHERE id = 'M1'").get() as {
      name: string;
      points: number;
      dirty: number;
    };
    expect(row).toEqual({ name: "王芳", points: before, dirty: 1 });
  });

  test("a forged points amount and a share above the cap are findings naming the field", () => {
    const forged = pointsSale("S1", 500, 5); // 5 points cannot pay 500 fen at 100 points a yuan
    const greedy = pointsSale("S1", 1500, 1500); // 75% of the basket, cap 50%
    send("S1", [forged, greedy]);
    expect(findings(forged.payload.saleId)[0]).toMatchObject({ field: "tenders.points.points", actual: "5" });
    expect(findings(greedy.payload.saleId)[0]).toMatchObject({
      field: "tenders.points.amount",
      actual: "1500",
    });
  });

  test("two offline stores spending the same points: the second overdraws, flagged and listed", async () => {
    hub.db.prepare("UPDATE members SET points = 800 WHERE id = 'M1'").run();
    const a = pointsSale("S1", 800, 800);
    const b = pointsSale("S2", 800, 800);
    send("S1", [a]);
    send("S2", [b]);
    // S1: 800 - 800 + 12 earned on its 1,200 fen of cash; S2 finds 12, takes them, earns 12.
    expect(balance()).toBe(12);
    expect(findings(b.payload.saleId)).toEqual([
      { field: "member.points", expected: "a balance of at least 100 points to redeem", actual: "12 points" },
      {
        field: "member.points",
        expected: "at most the member's balance of 12 points",
        actual: "800 points redeemed: overdrawn by 788",
      },
    ]);
    const listed = (await api(hub, "GET", "/api/v1/members/points-overdraws")).body.overdraws;
    expect(listed.find((x: { saleId: string }) => x.saleId === b.payload.saleId)).toMatchObject({
      storeId: "S2",
      saleId: b.payload.saleId,
      overdrawn: 788,
      points: -12,
    });
  });

  test("a return gives the points back once, never more than the sale took", () => {
    hub.db.prepare("UPDATE members SET points = 1000 WHERE id = 'M1'").run();
    const sale = pointsSale("S1", 600, 600);
    send("S1", [sale]);
    expect(balance()).toBe(1000 - 600 + 14);
    const ret = pointsReturn("S1", sale, 300, 300);
    send("S1", [ret, ret]);
    send("S1", [ret]);
    // +300 back, -7 earned on the 700 fen refunded in cash.
    expect(balance()).toBe(414 + 300 - 7);
    // A forged return claiming 900 points for the rest: only the 300 left come back, flagged.
    const forged = pointsReturn("S2", sale, 300, 900);
    send("S2", [forged]);
    expect(balance()).toBe(707 + 300 - 7);
    expect(findings((forged.payload as { returnId: string }).returnId)[0]).toMatchObject({
      field: "tenders.points.points",
      actual: "900",
    });
  });
});

function ruleOn() {
  return {
    id: "chain" as const,
    enabled: true,
    pointsPerYuan: 100,
    maxSharePercent: 50,
    minBalance: 100,
    earnOnRedeemed: false,
  };
}
