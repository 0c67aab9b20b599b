// Exactly-once ingest over real MQTT into a real libSQL file: duplicates, conflicts, gaps,
// dead letters and their replay, and the effects (sales, stock, members, training).
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { uuidv7 } from "@retail/protocol";
import {
  api,
  connectStore,
  enrollStore,
  event,
  type StoreClient,
  saleEvent,
  startTestHub,
} from "../test-kit.ts";
import { contentHash } from "./decide.ts";
import { createIngest } from "./ingest.ts";

// Real processes and brokers on a shared 2-core machine: generous, never a timing assertion.
setDefaultTimeout(60_000);

let hub: Awaited<ReturnType<typeof startTestHub>>;
let store: StoreClient;
const count = (sql: string, ...args: unknown[]) =>
  (hub.db.prepare(sql).get(...(args as string[])) as { n: number }).n;

beforeAll(async () => {
  hub = await startTestHub();
  store = await connectStore(await enrollStore(hub, "S1"));
});
afterAll(async () => {
  await store.close();
  await hub.cleanup();
});

describe("ingest", () => {
  test("a duplicate (same id, same content) is acked and changes nothing", async () => {
    const sale = saleEvent("S1", 1);
    await store.publishEvents([sale]);
    expect((await store.next("events.ack")).payload).toEqual({ upToSeq: 1, missing: [] });
    await store.publishEvents([sale, sale]);
    expect((await store.next("events.ack")).payload).toEqual({ upToSeq: 1, missing: [] });
    expect(count("SELECT COUNT(*) AS n FROM sales WHERE store_id = 'S1'")).toBe(1);
    expect(count("SELECT COUNT(*) AS n FROM stock_ledger WHERE store_id = 'S1'")).toBe(5);
    expect(count("SELECT COUNT(*) AS n FROM conflicts")).toBe(0);
  });

  test("same id with different content, or same seq with another id, is a conflict alert, never an overwrite", async () => {
    const original = saleEvent("S1", 2);
    await store.publishEvents([original]);
    expect((await store.next("events.ack")).payload.upToSeq).toBe(2);
    const tampered = { ...original, payload: { ...original.payload, receiptNo: "RC-TAMPERED" } };
    const otherId = { ...saleEvent("S1", 2), id: uuidv7() };
    await store.publishEvents([tampered, otherId]);
    // Held, never acked as delivered: seq 2 is listed until a person decides.
    expect((await store.next("events.ack")).payload).toEqual({
      upToSeq: 2,
      missing: [],
      held: [tampered.id, otherId.id].sort().map((id) => ({ seq: 2, id })),
    });
    const conflicts = (await api(hub, "GET", "/api/v1/conflicts")).body as {
      id: number;
      reason: string;
      seq: number;
    }[];
    expect(conflicts.map((c) => c.reason)).toEqual([
      "same_id_different_content",
      "same_seq_different_content",
    ]);
    const kept = hub.db
      .prepare("SELECT receipt_no FROM sales WHERE sale_id = ?")
      .get(original.payload.saleId) as { receipt_no: string };
    expect(kept.receipt_no).toBe(original.payload.receiptNo);
    // The same versions resent are neither new conflicts nor effects.
    await store.publishEvents([tampered, otherId]);
    expect((await store.next("events.ack")).payload).toEqual({
      upToSeq: 2,
      missing: [],
      held: [tampered.id, otherId.id].sort().map((id) => ({ seq: 2, id })),
    });
    expect(count("SELECT COUNT(*) AS n FROM conflicts")).toBe(2);
    // Keeping HQ's version of both: the next ack no longer holds seq 2.
    for (const c of conflicts)
      expect(
        (await api(hub, "POST", `/api/v1/conflicts/${c.id}/resolve`, { choice: "keep_hq" })).status,
      ).toBe(200);
    expect((await store.next("events.ack", (a) => a.payload.held === undefined)).payload).toEqual({
      upToSeq: 2,
      missing: [],
    });
  });

  test("a gap is reported as missing with a resend command; filling it advances the ack", async () => {
    const s3 = saleEvent("S1", 3);
    const s4 = saleEvent("S1", 4);
    const s5 = saleEvent("S1", 5);
    await store.publishEvents([s5]);
    const ack = await store.next("events.ack");
    expect(ack.payload).toEqual({ upToSeq: 2, missing: [{ from: 3, to: 4 }] });
    const cmd = await store.next("command");
    expect(cmd.payload).toMatchObject({ name: "resend_events", args: { fromSeq: 3 } });
    // Seq 5 is committed ahead of the gap: once the gap fills, the ack lists it with its id
    // (the store checks it is its own) until a resend in one run with seq 3 confirms it.
    await store.publishEvents([s3, s4]);
    expect((await store.next("events.ack", (a) => a.payload.upToSeq === 5)).payload).toEqual({
      upToSeq: 5,
      missing: [],
      checks: [{ seq: 5, id: s5.id }],
    });
    await store.publishEvents([s3, s4, s5]);
    expect((await store.next("events.ack", (a) => a.payload.upToSeq === 5)).payload).toEqual({
      upToSeq: 5,
      missing: [],
    });
  });

  test("a malformed event is dead-lettered with reason and field, its seq still counts, and an admin can fix and replay it", async () => {
    const good = saleEvent("S1", 7);
    const bad = JSON.parse(JSON.stringify(saleEvent("S1", 6)));
    bad.payload.lines[0].qty = -1;
    await store.publishEvents(JSON.stringify([bad, good]));
    expect((await store.next("events.ack")).payload).toEqual({ upToSeq: 7, missing: [] });
    const letters = (await api(hub, "GET", "/api/v1/dead-letters")).body as {
      id: number;
      seq: number;
      field: string;
      reason: string;
      raw: string;
    }[];
    const dl = letters.find((l) => l.seq === 6)!;
    expect(dl.field).toBe("payload.lines.0.qty");
    expect(dl.reason).toMatch(/invalid/);
    const fixed = JSON.parse(dl.raw);
    fixed.payload.lines[0].qty = 1;
    const replay = await api(hub, "POST", `/api/v1/dead-letters/${dl.id}/replay`, {
      raw: JSON.stringify(fixed),
    });
    expect(replay.status).toBe(200);
    expect(replay.body.applied).toBe(1);
    expect(count("SELECT COUNT(*) AS n FROM sales WHERE sale_id = ?", fixed.payload.saleId)).toBe(1);
    expect((await api(hub, "GET", `/api/v1/dead-letters/${dl.id}`)).body.status).toBe("replayed");
    // Replaying the same thing again is refused: it is no longer open.
    expect((await api(hub, "POST", `/api/v1/dead-letters/${dl.id}/replay`, {})).status).toBe(409);
  });

  test("a payload that is not a JSON array is dead-lettered whole and the pipeline goes on", async () => {
    await store.publishEvents("this is not json");
    await store.publishEvents([saleEvent("S1", 8)]);
    expect((await store.next("events.ack", (a) => a.payload.upToSeq === 8)).payload.upToSeq).toBe(8);
    expect(count("SELECT COUNT(*) AS n FROM dead_letters WHERE raw = 'this is not json'")).toBe(1);
  });

  test("training sales are recorded as training activity only", async () => {
    hub.db
      .prepare(
        "INSERT INTO members (id, phone, tier, points, status) VALUES ('M1', '13800000001', 'gold', 0, 'active')",
      )
      .run();
    await store.publishEvents([saleEvent("S1", 9, { training: true, member: { id: "M1", tier: "gold" } })]);
    expect((await store.next("events.ack")).payload.upToSeq).toBe(9);
    expect(count("SELECT COUNT(*) AS n FROM training_activity WHERE store_id = 'S1'")).toBe(1);
    expect(count("SELECT points AS n FROM members WHERE id = 'M1'")).toBe(0);
    expect(count("SELECT COUNT(*) AS n FROM sales WHERE store_id = 'S1'")).toBe(8);
  });

  test("member sales earn points and spend; returns take them back; stock follows sales, returns, receipts and counts", async () => {
    const sale = saleEvent("S1", 10, { member: { id: "M1", tier: "gold" }, unitPrice: 1000, lines: 2 });
    const ret = event("sale.returned", "S1", 11, {
      returnId: "R1",
      receiptNo: "RC-R1",
      original: { saleId: sale.payload.saleId, receiptNo: sale.payload.receiptNo, storeId: "S1" },
      reason: "damaged",
      laneId: "1",
      cashierId: "1001",
      shiftId: "shift-1",
      businessDay: "2026-11-25",
      training: false,
      lines: [{ lineId: "l1", sku: "SKU1", qty: 1, weighed: false, refund: 1000, tax: 115, restock: true }],
      totals: { refund: 1000, tax: 115 },
      tenders: [{ kind: "cash", amount: 1000 }],
      returnedAt: "2026-11-25T10:00:00.000+08:00",
    });
    const receipt = event("receiving.confirmed", "S1", 12, {
      receivingId: "RCV1",
      confirmedBy: "1001",
      lines: [{ sku: "SKU9", qty: 24 }],
      confirmedAt: "2026-11-25T10:00:00.000+08:00",
    });
    const countEv = event("stock.counted", "S1", 13, {
      countId: "C1",
      countedBy: "1001",
      lines: [{ sku: "SKU9", counted: 20, expected: 24 }],
      countedAt: "2026-11-25T11:00:00.000+08:00",
    });
    await store.publishEvents([sale, ret, receipt, countEv]);
    expect((await store.next("events.ack", (a) => a.payload.upToSeq === 13)).payload.missing).toEqual([]);
    const m = hub.db
      .prepare("SELECT points, spend_fen, last_visit_at FROM members WHERE id = 'M1'")
      .get() as Record<string, unknown>;
    expect(m).toEqual({ points: 10, spend_fen: 1000, last_visit_at: sale.payload.completedAt });
    expect(hub.stock.onHand("S1", "SKU9")).toEqual([{ sku: "SKU9", on_hand: 20 }]);
    expect(hub.stock.ledgerOnHand("S1", "SKU9")).toBe(20);
    expect(hub.stock.movements("S1", "SKU9").map((x) => (x as { kind: string }).kind)).toEqual([
      "receipt",
      "count_adjustment",
    ]);
    // SKU1: 9 sales of 1 unit (seq 1..8 and 10), one restocked return.
    expect(hub.stock.ledgerOnHand("S1", "SKU1")).toBe(-8);
  });

  test("shifts, cash movements and audit events are stored", async () => {
    await store.publishEvents([
      event("shift.opened", "S1", 14, {
        shiftId: "sh2",
        laneId: "2",
        cashierId: "1002",
        businessDay: "2026-11-25",
        training: false,
        float: 50000,
        openedAt: "2026-11-25T08:00:00.000+08:00",
      }),
      event("cash.moved", "S1", 15, {
        movementId: "cm1",
        shiftId: "sh2",
        laneId: "2",
        cashierId: "1002",
        training: false,
        direction: "out",
        amount: 20000,
        reason: "pickup",
        movedAt: "2026-11-25T12:00:00.000+08:00",
      }),
      event("audit.recorded", "S1", 16, {
        auditId: "a1",
        action: "no_sale",
        laneId: "2",
        cashierId: "1002",
        detail: "drawer",
        at: "2026-11-25T12:01:00.000+08:00",
      }),
    ]);
    expect((await store.next("events.ack", (a) => a.payload.upToSeq === 16)).payload.missing).toEqual([]);
    expect(count("SELECT float_fen AS n FROM shifts WHERE shift_id = 'sh2'")).toBe(50000);
    expect(count("SELECT amount_fen AS n FROM cash_movements WHERE movement_id = 'cm1'")).toBe(20000);
    expect(count("SELECT COUNT(*) AS n FROM audits WHERE audit_id = 'a1'")).toBe(1);
  });

  test("an event whose effects fail is dead-lettered alone; the rest of the batch commits", async () => {
    // The same sale id under a new event id and seq: the sales table refuses it.
    const first = saleEvent("S1", 17);
    const clash = saleEvent("S1", 18);
    clash.payload.saleId = first.payload.saleId;
    const third = saleEvent("S1", 19);
    await store.publishEvents([first, clash, third]);
    expect((await store.next("events.ack", (a) => a.payload.upToSeq === 19)).payload.missing).toEqual([]);
    const dl = hub.db.prepare("SELECT reason FROM dead_letters WHERE store_id = 'S1' AND seq = 18").get() as {
      reason: string;
    };
    expect(dl.reason).toMatch(/^apply_failed/);
    expect(
      count(
        "SELECT COUNT(*) AS n FROM sales WHERE sale_id IN (?, ?)",
        first.payload.saleId,
        third.payload.saleId,
      ),
    ).toBe(2);
    expect(count("SELECT COUNT(*) AS n FROM inbox WHERE event_id = ?", clash.id)).toBe(0);
  });

  test("an event first stored with the older canonical hash is still a duplicate when resent, and a conflict when changed", async () => {
    const ingest = createIngest({ db: hub.db, now: () => new Date() });
    const sale = saleEvent("L1", 1);
    expect(ingest.handleBatch("L1", "retail/v1/s/L1/up/events", JSON.stringify([sale])).applied).toBe(1);
    // As a hub before validatedHash wrote it: SHA-256 of the canonical JSON, no prefix.
    hub.db.prepare("UPDATE inbox SET content_hash = ? WHERE event_id = ?").run(contentHash(sale), sale.id);
    const again = ingest.handleBatch("L1", "retail/v1/s/L1/up/events", JSON.stringify([sale]));
    expect(again).toMatchObject({ applied: 0, duplicates: 1, conflicts: 0 });
    const changed = { ...sale, payload: { ...sale.payload, receiptNo: "RC-CHANGED" } };
    const c = ingest.handleBatch("L1", "retail/v1/s/L1/up/events", JSON.stringify([changed]));
    expect(c).toMatchObject({ applied: 0, duplicates: 0, conflicts: 1 });
  });

  test("a group's sales are written with their lines at its end: day totals, a return of a sale in the same group, a reused sale id dead-lettered alone", async () => {
    const ingest = createIngest({ db: hub.db, now: () => new Date() });
    const topic = "retail/v1/s/G1/up/events";
    const receipt = event("receiving.confirmed", "G1", 1, {
      receivingId: "RCV-G1",
      confirmedBy: "1001",
      lines: [{ sku: "SKU1", qty: 10 }],
      confirmedAt: "2026-11-25T08:00:00.000+08:00",
    });
    const sale = saleEvent("G1", 2, { member: { id: "MG1", tier: "gold" }, unitPrice: 1000, lines: 2 });
    const ret = event("sale.returned", "G1", 3, {
      returnId: "RG1",
      receiptNo: "RC-RG1",
      original: { saleId: sale.payload.saleId, receiptNo: sale.payload.receiptNo, storeId: "G1" },
      reason: "damaged",
      laneId: "1",
      cashierId: "1001",
      shiftId: "shift-1",
      businessDay: "2026-11-25",
      training: false,
      lines: [{ lineId: "l1", sku: "SKU1", qty: 1, weighed: false, refund: 1000, tax: 115, restock: true }],
      totals: { refund: 1000, tax: 115 },
      tenders: [{ kind: "cash", amount: 1000 }],
      returnedAt: "2026-11-25T10:00:00.000+08:00",
    });
    const later = saleEvent("G1", 4, { unitPrice: 300, lines: 3 });
    // Another event reusing the first sale's id: its row fails when the group's rows are written.
    const reused = {
      ...saleEvent("G1", 5),
      payload: { ...saleEvent("G1", 5).payload, saleId: sale.payload.saleId },
    };
    const last = saleEvent("G1", 6);
    hub.db
      .prepare(
        "INSERT INTO members (id, phone, tier, points, status) VALUES ('MG1', '13800000091', 'gold', 0, 'active')",
      )
      .run();
    // One group, written at its end: the return reads its sale from the group's own rows.
    const outs = ingest.handleMany([
      { storeId: "G1", topic, payload: JSON.stringify([receipt]) },
      { storeId: "G1", topic, payload: JSON.stringify([sale, ret]) },
      { storeId: "G1", topic, payload: JSON.stringify([later]) },
    ]);
    expect(outs.map((o) => [o.applied, o.deadLettered])).toEqual([
      [1, 0],
      [2, 0],
      [1, 0],
    ]);
    expect(hub.db.prepare("SELECT points, spend_fen FROM members WHERE id = 'MG1'").get()).toEqual({
      points: 10,
      spend_fen: 1000,
    });
    // The next group: a row that fails when the group's rows are written fails its event alone.
    const next = ingest.handleMany([
      { storeId: "G1", topic, payload: JSON.stringify([reused]) },
      { storeId: "G1", topic, payload: JSON.stringify([last]) },
    ]);
    expect(next.map((o) => [o.applied, o.deadLettered])).toEqual([
      [0, 1],
      [1, 0],
    ]);
    outs.push(...next);
    expect(outs.at(-1)!.ack).toEqual({ upToSeq: 6, missing: [] });
    expect(count("SELECT COUNT(*) AS n FROM sales WHERE store_id = 'G1'")).toBe(3);
    expect(count("SELECT COUNT(*) AS n FROM sale_lines WHERE store_id = 'G1'")).toBe(2 + 3 + 5);
    expect(count("SELECT COUNT(*) AS n FROM dead_letters WHERE store_id = 'G1' AND seq = 5")).toBe(1);
    // The sale's row was in before its lines (the lines' trigger reads its business day).
    const lineRevenue = count("SELECT SUM(net_fen - tax_fen) AS n FROM sale_lines WHERE store_id = 'G1'");
    expect(
      hub.db
        .prepare(
          "SELECT sale_count, net_fen, line_revenue_fen, return_count FROM store_day_totals WHERE store_id = 'G1'",
        )
        .get(),
    ).toEqual({
      sale_count: 3,
      net_fen: 2000 + 900 + 500,
      line_revenue_fen: lineRevenue,
      return_count: 1,
    });
  });

  test("a fresh ingest (as after a restart) recomputes the ack state from the database", async () => {
    const again = createIngest({ db: hub.db, now: () => new Date() }).ackFor("S1");
    expect(again).toEqual({ upToSeq: 19, missing: [] });
  });
});
