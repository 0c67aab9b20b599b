// The catch-up Worker: the look-ups and the cost catch-up run on their own connection beside
// the hub's, which keeps writing the ledger and catching up before its own reads; every ledger
// row ends up in each look-up and costed exactly once.
import { afterAll, expect, test } from "bun:test";
import { createCosting } from "../costing/costing.ts";
import { createDeferredIndex, STOCK_LEDGER_BY_SKU } from "../db/deferred-index.ts";
import { immediateTransactions, migrate, openDatabase } from "../db/open.ts";
import { connectStore, enrollStore, saleEvent, startTestHub, tempDir, waitFor } from "../test-kit.ts";
import { startCatchUpWorker } from "./client.ts";

const dirs: { remove: () => void }[] = [];
afterAll(() => {
  for (const d of dirs) d.remove();
});

test("the Worker and the hub's own connection catch up at the same time: each ledger row once in the look-up and once in cost", async () => {
  const dir = tempDir();
  dirs.push(dir);
  const db = immediateTransactions(openDatabase({ dataDir: dir.path }));
  migrate(db);
  const ledger = createDeferredIndex(db, STOCK_LEDGER_BY_SKU);
  const costing = createCosting({ db, now: () => new Date() });
  const ins = db.prepare(
    "INSERT INTO stock_ledger (store_id, sku, qty_delta, kind, ref, event_id, at) VALUES (?, ?, ?, ?, 'r', NULL, '2026-11-25T00:00:00Z')",
  );
  const worker = startCatchUpWorker({ dataDir: dir.path, log: () => {} });
  let qty = 0;
  try {
    for (let round = 0; round < 30; round++) {
      db.transaction(() => {
        for (let i = 0; i < 700; i++) {
          const q = i % 5 === 0 ? 7 : -1;
          qty += q;
          ins.run(`S${i % 3}`, `SKU${i % 11}`, q, q > 0 ? "adjustment" : "sale");
        }
      })();
      // Both connections catch up while rows keep coming: the Worker in the background, the
      // hub's connection in between (as a read of cost or a test does).
      const w = Promise.all([worker.lookups(), worker.cost(new Date().toISOString(), 3)]);
      if (round % 3 === 0) ledger.catchUp(500);
      if (round % 4 === 0) costing.catchUp({ batch: 300, maxBatches: 1 });
      await w;
    }
    await worker.lookups();
    while ((await worker.cost(new Date().toISOString(), 10)) > 0) {}
    const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    const rows = count("SELECT COUNT(*) AS n FROM stock_ledger");
    expect(rows).toBe(30 * 700);
    expect(count("SELECT COUNT(*) AS n FROM stock_ledger_by_sku")).toBe(rows);
    expect(count("SELECT COUNT(DISTINCT id) AS n FROM stock_ledger_by_sku")).toBe(rows);
    expect(count("SELECT COUNT(*) AS n FROM cost_movements")).toBe(rows);
    expect(count("SELECT COUNT(DISTINCT ledger_id) AS n FROM cost_movements")).toBe(rows);
    expect(ledger.lag()).toBe(0);
    expect(count("SELECT SUM(on_hand) AS n FROM cost_positions")).toBe(qty);
    // Both did part of the work.
    expect(worker.rows.lookups).toBeGreaterThan(0);
    expect(worker.rows.lookups).toBeLessThan(rows);
    expect(worker.rows.cost).toBeGreaterThan(0);
    expect(worker.rows.cost).toBeLessThan(rows);
  } finally {
    await worker.close();
    db.close();
  }
}, 60_000);

test("a hub on a local file catches its look-ups and cost up in the Worker, not on its own thread", async () => {
  const hub = await startTestHub();
  try {
    const store = await connectStore(await enrollStore(hub, "E1"));
    await store.publishEvents(Array.from({ length: 20 }, (_, i) => saleEvent("E1", i + 1, { lines: 3 })));
    await store.next("events.ack", (a) => a.payload.upToSeq >= 20, 30_000);
    const lookups = [hub.stock.ledgerIndex, hub.sales.linesIndex, hub.sales.tendersIndex];
    await waitFor(() => lookups.every((l) => l.lag() === 0), "look-ups caught up by the timer", 30_000);
    // Cost follows when ingest is quiet (two batches a tick).
    const costed = () =>
      (hub.db.prepare("SELECT COUNT(*) AS n FROM cost_movements").get() as { n: number }).n;
    await waitFor(() => costed() === 60, "20 sales x 3 lines costed by the timer", 30_000);
    expect(hub.catchUpWorker?.started).toBe(true);
    // The Worker did it: its answers name every row (they arrive after its commits are visible).
    await waitFor(
      () => hub.catchUpWorker?.rows.lookups === 60 + 60 + 20 && hub.catchUpWorker.rows.cost === 60,
      "the Worker's answers: 140 look-up rows, 60 costed",
      30_000,
    );
    await store.close();
  } finally {
    await hub.cleanup();
  }
}, 60_000);

test("catchUpWorker off: the hub catches up on its own thread, as with a remote database", async () => {
  const hub = await startTestHub({ catchUpWorker: false });
  try {
    expect(hub.catchUpWorker).toBeUndefined();
    const store = await connectStore(await enrollStore(hub, "E1"));
    await store.publishEvents([saleEvent("E1", 1, { lines: 2 })]);
    await store.next("events.ack", (a) => a.payload.upToSeq >= 1, 30_000);
    await waitFor(() => hub.stock.ledgerIndex.lag() === 0, "look-up caught up on the hub thread", 30_000);
    await store.close();
  } finally {
    await hub.cleanup();
  }
}, 60_000);
