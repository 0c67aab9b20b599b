// One bad message affects only itself with ingest on its Worker thread too (issue 13 item 4):
// nested JSON from one store and a sale from another published together, round after round.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { api, connectStore, enrollStore, saleEvent, startTestHub } from "../test-kit.ts";

setDefaultTimeout(120_000);
let hub: Awaited<ReturnType<typeof startTestHub>>;
beforeAll(async () => {
  hub = await startTestHub({ ingestWorker: true });
});
afterAll(async () => {
  await hub.cleanup();
});

describe("ingest Worker: poison isolation", () => {
  test("every sale of WB is acked while WA sends nesting 50,000 deep; WA's payloads dead-lettered", async () => {
    const wa = await connectStore(await enrollStore(hub, "WA"));
    const wb = await connectStore(await enrollStore(hub, "WB"));
    const rounds = 12;
    for (let i = 0; i < rounds; i++) {
      const d = 50_000 + i;
      await Promise.all([
        wa.publishEvents(`${"[".repeat(d)}${"]".repeat(d)}`),
        wb.publishEvents([saleEvent("WB", i + 1)]),
      ]);
      await wb.next("events.ack", (a) => a.payload.upToSeq >= i + 1, 20_000);
    }
    const dl = (await api(hub, "GET", "/api/v1/dead-letters?store=WA")).body as { reason: string }[];
    expect(dl).toHaveLength(rounds);
    for (const d of dl) expect(d.reason).toContain("nested deeper than 32 levels");
    const n = hub.db.prepare("SELECT COUNT(*) AS n FROM sales WHERE store_id = 'WB'").get() as { n: number };
    expect(n.n).toBe(rounds);
    await wa.close();
    await wb.close();
  });
});
