// A chain's lower money caps (hq-hub.json moneyCaps): a sale above one (but within the protocol's)
// was committed and paid at the till, so HQ books it and raises a finding naming the store, sale,
// field and cap; it is never dead-lettered (a replay would fail again: the sale lost for good).
// A config that would raise a cap is refused.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { EXAMPLE_PAYLOADS, MONEY_CAPS } from "@retail/protocol";
import { ConfigError, loadConfig } from "../config.ts";
import { api, connectStore, enrollStore, event, saleEvent, startTestHub } from "../test-kit.ts";

setDefaultTimeout(60_000);
let hub: Awaited<ReturnType<typeof startTestHub>>;
beforeAll(async () => {
  hub = await startTestHub({ moneyCaps: { lineFen: 5_000, saleFen: 20_000 } });
});
afterAll(async () => {
  await hub.cleanup();
});

describe("a chain's money caps", () => {
  test("a sale above the chain's lowered cap is booked (sales, reports) and raised as a finding naming store, sale, field and cap; never dead-lettered", async () => {
    const store = await connectStore(await enrollStore(hub, "CAP1"));
    const over = [
      saleEvent("CAP1", 2, { lines: 1, unitPrice: 6_000 }), // a line of 6,000 fen: over lineFen
      saleEvent("CAP1", 3, { lines: 5, unitPrice: 4_500 }), // 22,500 fen: over saleFen
    ] as const;
    // A return whose line refunds 7,000 fen: over lineFen.
    const returned = {
      ...EXAMPLE_PAYLOADS["sale.returned"],
      lines: [{ ...EXAMPLE_PAYLOADS["sale.returned"].lines[0]!, refund: 7_000 }],
    };
    const ret = event("sale.returned", "CAP1", 5, returned);
    await store.publishEvents([
      saleEvent("CAP1", 1, { lines: 1, unitPrice: 4_000 }),
      ...over,
      saleEvent("CAP1", 4, { lines: 2, unitPrice: 100 }),
      ret,
    ]);
    expect((await store.next("events.ack")).payload).toEqual({ upToSeq: 5, missing: [] });
    const dl = (await api(hub, "GET", "/api/v1/dead-letters?store=CAP1")).body as unknown[];
    expect(dl).toEqual([]);
    const sales = hub.db.prepare("SELECT sale_id FROM sales WHERE store_id = 'CAP1'").all() as {
      sale_id: string;
    }[];
    expect(sales).toHaveLength(4);
    for (const e of over) expect(sales.map((r) => r.sale_id)).toContain(e.payload.saleId);
    const report = await api(
      hub,
      "GET",
      "/api/v1/reports/sales?from=2026-11-25&to=2026-11-25&by=store&store=CAP1",
    );
    expect(report.status).toBe(200);
    // 4,000 + 6,000 + 22,500 + 200 fen: the capped sales are in HQ's books.
    expect(report.body.rows[0]).toMatchObject({ key: "CAP1", saleCount: 4, netFen: 32_700 });
    const findings = (await api(hub, "GET", "/api/v1/price-findings?store=CAP1")).body as {
      store_id: string;
      sale_id: string;
      line_id: string | null;
      field: string;
      expected: string;
      actual: string;
    }[];
    const capped = findings.filter((f) => f.expected.includes("moneyCaps"));
    expect(capped.map((f) => [f.store_id, f.sale_id, f.line_id, f.field, f.actual])).toEqual([
      ["CAP1", over[0].payload.saleId, "l1", "lines.0.gross", "6000"],
      ["CAP1", over[1].payload.saleId, null, "totals.gross", "22500"],
      ["CAP1", returned.returnId, returned.lines[0]!.lineId, "lines.0.refund", "7000"],
    ]);
    expect(capped[0]!.expected).toBe(
      "at most 5000 fen: the chain's cap moneyCaps.lineFen (6000 exceeds the chain's cap of 5000 fen (¥50.00))",
    );
    expect(capped[1]!.expected).toContain("moneyCaps.saleFen");
    // Replayed (a lost ack): a duplicate, no second sale and no second finding.
    await store.publishEvents([over[0]]);
    expect((await store.next("events.ack")).payload).toEqual({ upToSeq: 5, missing: [] });
    const again = (await api(hub, "GET", "/api/v1/price-findings?store=CAP1")).body as { expected: string }[];
    expect(again.filter((f) => f.expected.includes("moneyCaps"))).toHaveLength(3);
    const n = hub.db.prepare("SELECT COUNT(*) AS n FROM sales WHERE store_id = 'CAP1'").get() as {
      n: number;
    };
    expect(n.n).toBe(4);
    await store.close();
  });

  test("a cap may be lowered, never raised", () => {
    expect(() =>
      loadConfig({ env: {}, overrides: { moneyCaps: { saleFen: MONEY_CAPS.saleFen + 1 } } }),
    ).toThrow(ConfigError);
    expect(() => loadConfig({ env: {}, overrides: { moneyCaps: { qty: 0 } } })).toThrow("moneyCaps.qty");
    expect(loadConfig({ env: {}, overrides: { moneyCaps: { qty: 50 } } }).moneyCaps).toEqual({ qty: 50 });
  });
});
