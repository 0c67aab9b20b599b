// Finance and reports isolate a store whose figures are not exact (issue 13 item 5), and a
// listed store-day posts whole once its data is fixed. Rows of store LX are written as a hub
// from before the money caps accepted them; store OK sells over MQTT.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { api, connectStore, enrollStore, saleEvent, startTestHub } from "../test-kit.ts";

setDefaultTimeout(60_000);
let hub: Awaited<ReturnType<typeof startTestHub>>;
beforeAll(async () => {
  hub = await startTestHub({ financePostMs: 0 });
});
afterAll(async () => {
  await hub.cleanup();
});

const DAY = "2026-11-25";
function legacy(n: number, fen: number) {
  const sale = hub.db.prepare(
    `INSERT INTO sales (store_id, sale_id, event_id, receipt_no, lane_id, cashier_id, shift_id, business_day, catalog_version,
       gross_fen, discount_fen, net_fen, tax_fen, completed_at) VALUES ('LX', ?, ?, ?, '1', '1001', 'sh', ?, 0, ?, 0, ?, 0, '2026-11-25T10:00:00+08:00')`,
  );
  const tender = hub.db.prepare(
    "INSERT INTO tenders (store_id, doc_id, doc_kind, idx, kind, amount_fen) VALUES ('LX', ?, 'sale', 0, 'cash', ?)",
  );
  hub.db.transaction(() => {
    for (let i = 0; i < n; i++) {
      sale.run(`lx-${fen}-${i}`, `ev-${fen}-${i}`, `RC-${i}`, DAY, fen, fen);
      tender.run(`lx-${fen}-${i}`, fen);
    }
  })();
}

describe("finance isolates a failing store-day and posts it whole once fixed", () => {
  test("listed with the reason while others post; after the fix, one voucher for the whole day", async () => {
    await enrollStore(hub, "LX");
    const ok = await connectStore(await enrollStore(hub, "OK"));
    legacy(2, 8e15); // 1.6e16: past 2^53 as a day's sum
    legacy(3, 100);
    await ok.publishEvents([saleEvent("OK", 1), saleEvent("OK", 2)]);
    await ok.next("events.ack", (a) => a.payload.upToSeq === 2);

    const first = await api(hub, "POST", "/api/v1/finance/post");
    expect(first.body.vouchers).toBe(1);
    expect(first.body.failed).toEqual([
      expect.objectContaining({
        storeId: "LX",
        businessDay: DAY,
        reason: expect.stringContaining("beyond 2^53"),
      }),
    ]);
    const report = await api(hub, "GET", `/api/v1/reports/sales?from=${DAY}&to=${DAY}&by=store`);
    expect(report.body.rows.map((r: { key: string }) => r.key)).toEqual(["OK"]);
    expect(report.body.excluded[0].storeId).toBe("LX");

    // A person removes the impossible rows (what a hub before the caps let in).
    hub.db.prepare("DELETE FROM tenders WHERE store_id = 'LX' AND amount_fen > 100").run();
    hub.db.prepare("DELETE FROM sales WHERE store_id = 'LX' AND net_fen > 100").run();
    const second = await api(hub, "POST", "/api/v1/finance/post");
    expect(second.body).toEqual({ vouchers: 1, failed: [] });
    const lx = (await api(hub, "GET", `/api/v1/finance/vouchers?from=${DAY}&to=${DAY}&store=LX`)).body as {
      debitFen: number;
    }[];
    expect(lx.map((v) => v.debitFen)).toEqual([300]);
    expect((await api(hub, "GET", "/api/v1/finance/failures")).body).toEqual([]);
    expect((await api(hub, "POST", "/api/v1/finance/post")).body).toEqual({ vouchers: 0, failed: [] });
    const fixed = await api(hub, "GET", `/api/v1/reports/sales?from=${DAY}&to=${DAY}&by=store`);
    expect(fixed.body.excluded).toEqual([]);
    expect(fixed.body.rows.find((r: { key: string }) => r.key === "LX")).toMatchObject({
      saleCount: 3,
      netFen: 300,
    });
    await ok.close();
  });
});
