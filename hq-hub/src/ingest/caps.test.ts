// A chain's lower money caps (hq-hub.json moneyCaps): a sale above one is dead-lettered naming
// the field and still acked (its seq is dealt with); a config that would raise a cap is refused.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { MONEY_CAPS } from "@retail/protocol";
import { ConfigError, loadConfig } from "../config.ts";
import { api, connectStore, enrollStore, saleEvent, startTestHub } from "../test-kit.ts";

setDefaultTimeout(60_000);
let hub: Awaited<ReturnType<typeof startTestHub>>;
beforeAll(async () => {
  hub = await startTestHub({ moneyCaps: { lineFen: 5_000, saleFen: 20_000 } });
});
afterAll(async () => {
  await hub.cleanup();
});

describe("a chain's money caps", () => {
  test("a line above the chain's cap is dead-lettered naming the field; the sales around it commit", async () => {
    const store = await connectStore(await enrollStore(hub, "CAP1"));
    await store.publishEvents([
      saleEvent("CAP1", 1, { lines: 1, unitPrice: 4_000 }),
      saleEvent("CAP1", 2, { lines: 1, unitPrice: 6_000 }),
      saleEvent("CAP1", 3, { lines: 5, unitPrice: 4_500 }), // 22,500 fen: over the sale cap
      saleEvent("CAP1", 4, { lines: 2, unitPrice: 100 }),
    ]);
    expect((await store.next("events.ack")).payload).toEqual({ upToSeq: 4, missing: [] });
    const dl = (await api(hub, "GET", "/api/v1/dead-letters?store=CAP1")).body as {
      seq: number;
      field: string;
      reason: string;
    }[];
    expect(dl.map((d) => [d.seq, d.field, d.reason])).toEqual([
      [2, "payload.lines.0.gross", "invalid: 6000 exceeds the chain's cap of 5000 fen (¥50.00)"],
      [3, "payload.totals.gross", "invalid: 22500 exceeds the chain's cap of 20000 fen (¥200.00)"],
    ]);
    const n = hub.db.prepare("SELECT COUNT(*) AS n FROM sales WHERE store_id = 'CAP1'").get() as {
      n: number;
    };
    expect(n.n).toBe(2);
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
