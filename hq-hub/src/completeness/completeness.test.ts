// The completeness proof through a real hub (in process, real MQTT): digests arrive as ledger
// events, the API gives the grid, a store-day's missing receipts by number, and month end.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { packReceipts, receiptsHash, type StoreDayDigest } from "@retail/protocol";
import {
  api,
  connectStore,
  enrollStore,
  event,
  type StoreClient,
  saleEvent,
  startTestHub,
} from "../test-kit.ts";

setDefaultTimeout(60_000);

let clock = Date.parse("2026-11-24T20:00:00Z"); // 2026-11-25 04:00 in China
const now = () => new Date(clock);
let hub: Awaited<ReturnType<typeof startTestHub>>;
let store: StoreClient;
const S = "S701";

function digestFor(
  sales: ReturnType<typeof saleEvent>[],
  extra: string[] = [],
  final = true,
): StoreDayDigest {
  const receipts = [...sales.map((s) => s.payload.receiptNo), ...extra];
  const net = sales.reduce((n, s) => n + s.payload.totals.net, 0);
  return {
    businessDay: "2026-11-25",
    final,
    asOf: "2026-11-26T00:01:00.000+08:00",
    sales: {
      count: sales.length + extra.length,
      net,
      tax: sales.reduce((n, s) => n + s.payload.totals.tax, 0),
    },
    returns: { count: 0, refund: 0 },
    salesByTender: sales.length ? { cash: net } : {},
    returnsByTender: {},
    ...(sales.length ? { firstSeq: sales[0]!.seq, lastSeq: sales.at(-1)!.seq } : {}),
    receiptCount: receipts.length,
    receiptsHash: receiptsHash(receipts),
    receipts: packReceipts(receipts),
  };
}

async function acked(seq: number) {
  await store.next("events.ack", (a) => a.payload.upToSeq >= seq);
}

beforeAll(async () => {
  hub = await startTestHub({ closeRequiresComplete: true }, now);
  store = await connectStore(await enrollStore(hub, S));
});
afterAll(async () => {
  await store.close();
  await hub.cleanup();
});

describe("completeness at HQ", () => {
  const sales = [saleEvent(S, 1), saleEvent(S, 2), saleEvent(S, 3)];

  test("a day's sales and a digest that lists them: complete in the grid and the detail", async () => {
    await store.publishEvents([...sales, event("day.digest", S, 4, digestFor(sales))]);
    await acked(4);
    const grid = await api(hub, "GET", `/api/v1/completeness?from=2026-11-24&to=2026-11-26&storeId=${S}`);
    expect(grid.status).toBe(200);
    expect(grid.body.days).toEqual(["2026-11-24", "2026-11-25", "2026-11-26"]);
    expect(grid.body.cells).toEqual([
      {
        storeId: S,
        businessDay: "2026-11-25",
        status: "complete",
        final: true,
        storeCount: 3,
        hqCount: 3,
        missing: 0,
        extra: 0,
        later: 0,
      },
    ]);
    const d = await api(hub, "GET", `/api/v1/completeness/${S}/2026-11-25`);
    expect(d.body).toMatchObject({ status: "complete", missing: [], extra: [], digestSeq: 4 });
  });

  test("a receipt the store sold that HQ does not hold is named; a later digest replaces the earlier", async () => {
    const lost = "RC-S701-01-LOST-0001";
    await store.publishEvents([event("day.digest", S, 5, digestFor(sales, [lost]))]);
    await acked(5);
    const d = await api(hub, "GET", `/api/v1/completeness/${S}/2026-11-25`);
    expect(d.body.status).toBe("incomplete");
    expect(d.body.missing).toEqual([lost]);
    expect(d.body.mismatches.map((m: { field: string }) => m.field)).toEqual([
      "receiptCount",
      "receiptsHash",
      "sales.count",
    ]);
    const grid = await api(hub, "GET", `/api/v1/completeness?from=2026-11-25&to=2026-11-25`);
    expect(grid.body.cells[0]).toMatchObject({ status: "incomplete", missing: 1 });
  });

  test("a digest whose ranges do not add up to its counts is dead-lettered naming the field, not stored", async () => {
    const d = digestFor(sales);
    const forged = {
      ...d,
      receipts: [{ prefix: "RC-", width: 9, ranges: [[0, 999_999_998]] as [number, number][] }],
    };
    await store.publishEvents(JSON.stringify([{ ...event("day.digest", S, 6, d), payload: forged }]));
    await acked(6);
    const dead = await api(hub, "GET", `/api/v1/dead-letters?store=${S}`);
    expect(dead.body.map((x: { field: string }) => x.field)).toContain("payload.receipts");
    // The store-day still shows the last good digest, and the grid still answers.
    expect((await api(hub, "GET", `/api/v1/completeness/${S}/2026-11-25`)).body.digestSeq).toBe(5);
  });

  test("month end: the gate refuses to close while a store-day is not proven, and names it", async () => {
    clock = Date.parse("2026-12-02T02:00:00Z");
    const m = await api(hub, "GET", "/api/v1/completeness/month/2026-11");
    expect(m.body.complete).toBe(false);
    expect(m.body.through).toBe("2026-11-30");
    // 25th incomplete; 26th..30th no digest at all.
    expect(m.body.problems[0]).toMatchObject({ businessDay: "2026-11-25", status: "incomplete", missing: 1 });
    expect(m.body.problems.slice(1).map((p: { status: string }) => p.status)).toEqual(
      Array(5).fill("no_digest"),
    );
    const close = await api(hub, "POST", "/api/v1/finance/periods/2026-11/close");
    expect(close.status).toBe(409);
    expect(close.body.message).toContain("6 store-day(s) not proven complete");
  });

  test("bad input names the field: reversed or too wide a range, a bad day or month", async () => {
    expect((await api(hub, "GET", "/api/v1/completeness?from=2026-11-25&to=2026-11-01")).body.field).toBe(
      "query.to",
    );
    expect((await api(hub, "GET", "/api/v1/completeness?from=2026-01-01&to=2026-11-01")).body.field).toBe(
      "query.to",
    );
    expect((await api(hub, "GET", "/api/v1/completeness?from=x&to=2026-11-01")).body.field).toBe(
      "query.from",
    );
    expect((await api(hub, "GET", `/api/v1/completeness/${S}/nope`)).body.field).toBe("day");
    expect((await api(hub, "GET", "/api/v1/completeness/month/2026-13")).body.field).toBe("period");
  });

  test("a regional manager of another region may not read the store's days", async () => {
    const tok = await api(hub, "POST", "/api/v1/tokens", {
      name: "west",
      role: "regional_manager",
      region: "west",
    });
    const r = await api(hub, "GET", `/api/v1/completeness/${S}/2026-11-25`, undefined, tok.body.token);
    expect(r.status).toBe(403);
    const grid = await api(
      hub,
      "GET",
      "/api/v1/completeness?from=2026-11-25&to=2026-11-25",
      undefined,
      tok.body.token,
    );
    expect(grid.body.cells).toEqual([]);
  });
});
