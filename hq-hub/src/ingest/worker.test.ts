// Ingest in its own Worker: acks still come only after the commit, a Worker that dies is
// replaced and the unanswered group is applied exactly once, and the main-thread mode still
// works the same.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { api, connectStore, enrollStore, saleEvent, startTestHub, waitFor } from "../test-kit.ts";

// Real processes and brokers on a shared 2-core machine: generous, never a timing assertion.
setDefaultTimeout(60_000);

describe("ingest Worker", () => {
  test("a Worker that exits after its commit, before answering, is restarted; the group is acked once and applied once", async () => {
    const hub = await startTestHub({ ingestWorker: true });
    try {
      expect(hub.ingestWorker).toBeDefined();
      const store = await connectStore(await enrollStore(hub, "W001"));
      const first = [saleEvent("W001", 1), saleEvent("W001", 2)];
      await store.publishEvents(first);
      expect((await store.next("events.ack")).payload).toEqual({ upToSeq: 2, missing: [] });

      hub.ingestWorker!.crashAfterNextCommit();
      const second = [saleEvent("W001", 3), saleEvent("W001", 4), saleEvent("W001", 5)];
      await store.publishEvents(second);
      // Committed by the Worker that died, resent to its successor: duplicates, then acked.
      expect((await store.next("events.ack")).payload).toEqual({ upToSeq: 5, missing: [] });
      expect(hub.ingestWorker!.restarts).toBe(1);
      const sales = hub.db
        .prepare("SELECT sale_id FROM sales WHERE store_id = 'W001' ORDER BY sale_id")
        .all();
      expect(sales).toHaveLength(5);
      const lines = hub.db.prepare("SELECT count(*) AS n FROM sale_lines WHERE store_id = 'W001'").get() as {
        n: number;
      };
      expect(lines.n).toBe(25);
      const ledger = hub.db
        .prepare("SELECT sum(qty_delta) AS q FROM stock_ledger WHERE store_id = 'W001'")
        .get() as {
        q: number;
      };
      expect(ledger.q).toBe(-25);

      // The new Worker keeps going.
      await store.publishEvents([saleEvent("W001", 6)]);
      expect((await store.next("events.ack")).payload).toEqual({ upToSeq: 6, missing: [] });
      // The ack position the API reports is read from the database, not from a stale cache.
      const s = await api(hub, "GET", "/api/v1/stores/W001");
      expect(s.body.ack).toEqual({ upToSeq: 6, missing: [] });
      await store.close();
    } finally {
      await hub.cleanup();
    }
  });

  test("a dead letter replayed through the API is applied by the Worker", async () => {
    const hub = await startTestHub({ ingestWorker: true });
    try {
      const store = await connectStore(await enrollStore(hub, "W002"));
      const bad = { ...saleEvent("W002", 1), type: "sale.completed", payload: { saleId: "x" } };
      await store.publishEvents(JSON.stringify([bad, saleEvent("W002", 2)]));
      expect((await store.next("events.ack")).payload).toEqual({ upToSeq: 2, missing: [] });
      const dl = (await api(hub, "GET", "/api/v1/dead-letters?store=W002")).body as { id: number }[];
      expect(dl).toHaveLength(1);
      const fixed = saleEvent("W002", 1);
      const r = await api(hub, "POST", `/api/v1/dead-letters/${dl[0]!.id}/replay`, {
        raw: JSON.stringify(fixed),
      });
      expect(r.status).toBe(200);
      expect(r.body.applied).toBe(1);
      const again = await api(hub, "POST", `/api/v1/dead-letters/${dl[0]!.id}/replay`, {});
      expect(again.status).toBe(409);
      expect(hub.db.prepare("SELECT count(*) AS n FROM sales WHERE store_id = 'W002'").get()).toEqual({
        n: 2,
      });
      await store.close();
    } finally {
      await hub.cleanup();
    }
  });

  test("admin writes on the main connection while the Worker commits: no 'database is locked', nothing lost", async () => {
    const hub = await startTestHub({ ingestWorker: true });
    try {
      const store = await connectStore(await enrollStore(hub, "W004"));
      const member = { id: "M-W4", phone: "13800000004", tier: "gold", points: 0, status: "active" };
      expect((await api(hub, "POST", "/api/v1/catalog/member", member)).status).toBe(200);
      const sends: Promise<void>[] = [];
      for (let m = 0; m < 40; m++)
        sends.push(
          store.publishEvents(
            Array.from({ length: 10 }, (_, k) =>
              saleEvent("W004", m * 10 + k + 1, { member: { id: "M-W4", tier: "gold" } }),
            ),
          ),
        );
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++) {
        const r = await api(hub, "POST", "/api/v1/catalog/product", {
          sku: `${500000 + i}`,
          name: `商品${i}`,
          category: ["10"],
          unit: "EA",
          taxRate: 13,
          weighed: false,
          status: "active",
        });
        statuses.push(r.status);
        if (i % 10 === 9) statuses.push((await api(hub, "POST", "/api/v1/members/sync")).status);
      }
      await Promise.all(sends);
      await store.next("events.ack", (a) => a.payload.upToSeq === 400, 30_000);
      expect(statuses.every((s) => s === 200)).toBe(true);
      expect(hub.db.prepare("SELECT count(*) AS n FROM sales WHERE store_id = 'W004'").get()).toEqual({
        n: 400,
      });
      // On-hand (summed per store and SKU over each group) equals the ledger's sums.
      const levels = hub.db
        .prepare(
          `SELECT l.sku, l.on_hand AS onHand, (SELECT sum(qty_delta) FROM stock_ledger g WHERE g.store_id = l.store_id AND g.sku = l.sku) AS ledger
           FROM stock_levels l WHERE l.store_id = 'W004' ORDER BY l.sku`,
        )
        .all();
      expect(levels).toEqual(
        ["SKU1", "SKU2", "SKU3", "SKU4", "SKU5"].map((sku) => ({ sku, onHand: -400, ledger: -400 })),
      );
      // Every sale's points reached the member (1 per whole yuan: 5 each), none written over by a sync.
      expect(hub.db.prepare("SELECT points FROM members WHERE id = 'M-W4'").get()).toEqual({ points: 2000 });
      await store.close();
    } finally {
      await hub.cleanup();
    }
  });

  test("by default ingest runs on the main thread, exactly once as before", async () => {
    const hub = await startTestHub();
    try {
      expect(hub.ingestWorker).toBeUndefined();
      const store = await connectStore(await enrollStore(hub, "W003"));
      const sale = saleEvent("W003", 1);
      await store.publishEvents([sale]);
      expect((await store.next("events.ack")).payload).toEqual({ upToSeq: 1, missing: [] });
      await store.publishEvents([sale]);
      expect((await store.next("events.ack")).payload).toEqual({ upToSeq: 1, missing: [] });
      await waitFor(() => hub.stats.acks >= 2, "second ack");
      expect(hub.db.prepare("SELECT count(*) AS n FROM sales WHERE store_id = 'W003'").get()).toEqual({
        n: 1,
      });
      await store.close();
    } finally {
      await hub.cleanup();
    }
  });
});
