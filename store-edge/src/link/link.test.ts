// The edge's side of docs/sync.md against a real MQTT broker (aedes on loopback) with a stub
// HQ: outbox delivery only on events.ack, resend after reconnect, duplicated and replayed acks,
// catalog bootstrap and deltas in pages with a lost page asked again, retained status.
import { afterEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { manualClock } from "../clock.ts";
import { Edge } from "../edge.ts";
import {
  catalogItems,
  gtinOf,
  openLane,
  skuOf,
  T0,
  tempDir,
  testConfig,
  until,
} from "../testing/fixtures.ts";
import { StubHq } from "../testing/stub-hq.ts";

// Real brokers and processes on a shared CI machine: generous, never a timed assertion.
setDefaultTimeout(120_000);

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f().catch(() => {});
});

async function setup(
  opts: {
    products?: number;
    perPage?: number;
    ackTimeoutMs?: number;
    gzip?: boolean;
    helloTimeoutMs?: number;
    welcoming?: boolean;
  } = {},
) {
  const hq = await StubHq.start("S001");
  cleanup.push(() => hq.stop());
  hq.perPage = opts.perPage ?? 5000;
  hq.gzip = opts.gzip ?? false;
  hq.welcoming = opts.welcoming ?? true;
  hq.release({ version: 1, items: catalogItems({ products: opts.products ?? 30, weighed: 2 }) });
  const config = testConfig({
    enrollment: {
      hq: "http://unused",
      storeId: "S001",
      storeName: "测试店",
      mqtt: hq.creds(),
      enrolledAt: new Date(T0).toISOString(),
    },
  });
  config.link = {
    ...config.link,
    backoffBaseMs: 20,
    backoffCapMs: 200,
    ackTimeoutMs: opts.ackTimeoutMs ?? 400,
    pageTimeoutMs: 200,
    statusMinIntervalMs: 50,
    helloTimeoutMs: opts.helloTimeoutMs ?? 20_000,
  };
  const dataDir = tempDir();
  const edge = new Edge({ dataDir, config, clock: manualClock(T0) });
  cleanup.push(() => edge.stop());
  edge.start();
  await until(() => edge.replica.applied === 1, 10_000, "catalog v1");
  return { hq, edge, config, dataDir };
}

async function sell(edge: Edge, n: number, lane = "1") {
  for (let i = 0; i < n; i++) {
    await edge.scanner.scan(lane, gtinOf(10 + (i % 5)));
    edge.sales.tenderCash(lane, 100_00);
  }
}

describe("outbox over MQTT", () => {
  test("a sale travels edge -> broker -> HQ and only HQ's ack marks it delivered", async () => {
    const { hq, edge } = await setup();
    await openLane(edge);
    await sell(edge, 1);
    await until(() => edge.outbox.ackedUpTo === 2, 30_000, "ack of seq 2");
    expect(hq.seqs()).toEqual([1, 2]);
    expect(hq.received.get(2)?.type).toBe("sale.completed");
    expect(edge.status().outbox.backlog).toBe(0);

    hq.acking = false;
    await sell(edge, 3);
    await until(() => hq.upTo === 5, 30_000, "HQ has 5");
    // The broker acked (QoS 1) but HQ did not: still unacked on the edge.
    expect(edge.outbox.ackedUpTo).toBe(2);
    expect(edge.status().outbox.backlog).toBe(3);
    // Without an ack the edge resends after its ack timeout; HQ keeps each event once.
    await until(() => hq.arrivals > 5, 30_000, "resend");
    expect(hq.seqs()).toEqual([1, 2, 3, 4, 5]);
    hq.ack(5);
    await until(() => edge.outbox.ackedUpTo === 5, 30_000, "ack 5");
  });

  test("replayed, duplicated and bogus acks change nothing; missing ranges are resent", async () => {
    const { hq, edge } = await setup({ ackTimeoutMs: 60_000 });
    await openLane(edge);
    await sell(edge, 2);
    await until(() => edge.outbox.ackedUpTo === 3, 30_000, "ack 3");
    hq.ack(1);
    hq.ack(3);
    hq.ack(3);
    hq.ack(99); // above anything the edge wrote: clamped to its last seq
    hq.ack(2, [{ from: 1, to: 2 }]); // stale: below what is acked, nothing is resent
    await Bun.sleep(100);
    expect(edge.outbox.ackedUpTo).toBe(3);
    expect(edge.outbox.stats(T0).backlog).toBe(0);

    hq.acking = false;
    await sell(edge, 2);
    await until(() => hq.upTo === 5, 30_000, "HQ has 5");
    const before = hq.arrivals;
    hq.ack(3, [{ from: 4, to: 5 }]);
    await until(() => hq.arrivals >= before + 2, 30_000, "resend of the missing range");
    expect(hq.seqs()).toEqual([1, 2, 3, 4, 5]);
    hq.ack(5);
    await until(() => edge.outbox.ackedUpTo === 5, 30_000, "ack 5");
  });

  test("HQ unreachable: selling is identical; back online, everything drains in order", async () => {
    const { hq, edge } = await setup();
    await openLane(edge);
    const port = hq.port;
    await hq.stop();
    cleanup.pop();
    await until(() => !edge.link!.online, 30_000, "link down");
    await sell(edge, 30);
    expect(edge.status().outbox.backlog).toBe(31);
    expect(edge.status().link.state).toBe("offline");
    const hq2 = await StubHq.start("S001", port);
    cleanup.push(() => hq2.stop());
    await until(() => edge.outbox.ackedUpTo === 31, 10_000, "drain");
    expect(hq2.seqs()).toEqual(Array.from({ length: 31 }, (_, i) => i + 1));
    await until(
      () => hq2.statuses.some((s) => s.state === "online" && s.outboxBacklog === 0),
      5000,
      "status",
    );
  });
});

describe("the hello before events", () => {
  test("a hub that never answers a hello (older than it) gets the events after helloTimeoutMs", async () => {
    const { hq, edge } = await setup({ welcoming: false, helloTimeoutMs: 300 });
    await openLane(edge);
    await sell(edge, 2);
    await until(() => edge.outbox.ackedUpTo === 3, 30_000, "acks from the old hub");
    expect(hq.hellos.length).toBeGreaterThanOrEqual(1);
    expect(edge.resync.hqSpeaksHello).toBe(false);
  });

  test("once HQ has answered, an unanswered hello holds the events and is said again until HQ answers", async () => {
    const { hq, edge } = await setup({ helloTimeoutMs: 300 });
    await openLane(edge);
    await until(() => edge.outbox.ackedUpTo === 1, 30_000, "shift acked");
    expect(edge.resync.hqSpeaksHello).toBe(true);
    // HQ goes deaf to hellos (restarting) and the store reconnects: nothing is sent meanwhile.
    hq.welcoming = false;
    const hellos = hq.hellos.length;
    for (const s of hq.sockets) s.destroy();
    await until(() => hq.hellos.length >= hellos + 3, 30_000, "the hello said again");
    await sell(edge, 2);
    await Bun.sleep(200);
    expect(hq.seqs()).toEqual([1]);
    expect(edge.link?.state.awaitingWelcome).toBe(true);
    hq.welcoming = true;
    await until(() => edge.outbox.ackedUpTo === 3, 30_000, "events after the welcome");
    expect(hq.seqs()).toEqual([1, 2, 3]);
  });
});

describe("catalog sync", () => {
  test("every fetch accepts gzip; compressed pages (itemsGzip) are decoded and applied like plain ones", async () => {
    const { hq, edge } = await setup({ products: 40, perPage: 25, gzip: true });
    expect(edge.replica.lookup.products.size).toBe(40);
    expect(hq.fetches.length).toBeGreaterThan(1);
    expect(hq.fetches.every((f) => f.accept?.includes("gzip"))).toBe(true);
    hq.release({
      version: 2,
      items: [
        { op: "delete", entity: "product", key: skuOf(40) },
        {
          op: "upsert",
          entity: "price",
          data: { sku: skuOf(10), windows: [{ price: 777, source: "store" }] },
        },
      ],
    });
    await until(() => hq.applied.includes(2), 30_000, "catalog.applied 2");
    expect(edge.replica.lookup.products.has(skuOf(40))).toBe(false);
    expect(edge.replica.lookup.priceOf(skuOf(10), T0)?.price).toBe(777);
  });

  test("bootstrap by snapshot pages, then deltas in order, catalog.applied each; a lost page is asked again", async () => {
    const { hq, edge } = await setup({ products: 40, perPage: 25 });
    expect(edge.replica.lookup.products.size).toBe(40);
    await until(() => hq.applied.includes(1), 30_000, "catalog.applied 1");
    expect(hq.fetches.filter((f) => f.snapshotVersion === 1).length).toBeGreaterThan(0);

    hq.dropFetches = 1;
    hq.release({ version: 2, items: [{ op: "delete", entity: "product", key: skuOf(40) }] });
    hq.release({
      version: 3,
      items: [
        {
          op: "upsert",
          entity: "price",
          data: { sku: skuOf(10), windows: [{ price: 777, source: "store" }] },
        },
      ],
    });
    await until(() => edge.replica.applied === 3, 30_000, "v3");
    await until(() => hq.applied.includes(3), 30_000, "catalog.applied 3");
    expect(hq.applied).toEqual([1, 2, 3]);
    expect(edge.replica.lookup.products.has(skuOf(40))).toBe(false);
    expect(edge.replica.lookup.priceOf(skuOf(10), T0)?.price).toBe(777);
    await openLane(edge);
    await edge.scanner.scan("1", gtinOf(10));
    expect(edge.lanes.view("1").cart.lines[0]).toMatchObject({ unitPrice: 777, priceVersion: 3 });
  });
});

describe("catch-up after days offline", () => {
  test("deltas in order from the applied version, or a snapshot when below HQ's floor", async () => {
    const { hq, edge } = await setup({ products: 30 });
    // The edge's report of v1 must have reached the first HQ before it goes: under load it was
    // still unsent at the cut and went to the HQ that came back (CI saw [1, 2, 3, 4]).
    await until(() => hq.applied.includes(1), 30_000, "catalog.applied 1");
    const port = hq.port;
    const versions = hq.versions;
    await hq.stop();
    cleanup.shift();
    await until(() => !edge.link!.online, 30_000, "link down");
    const price = (v: number) => ({
      version: v,
      items: [
        {
          op: "upsert" as const,
          entity: "price" as const,
          data: { sku: skuOf(1), windows: [{ price: 1000 + v, source: "chain" as const }] },
        },
      ],
    });
    const back = await StubHq.start("S001", port);
    cleanup.push(() => back.stop());
    back.versions = [...versions];
    for (const v of [2, 3, 4]) back.release(price(v));
    await until(() => edge.replica.applied === 4, 10_000, "caught up to v4");
    await until(() => back.applied.includes(4), 30_000, "catalog.applied 4");
    expect(back.applied).toEqual([2, 3, 4]);
    expect(back.fetches.filter((f) => f.page === 0).map((f) => f.fromVersion)).toEqual([1, 2, 3]);
    expect(edge.replica.lookup.priceOf(skuOf(1), T0)?.price).toBe(1004);

    back.snapshotFloor = 6;
    for (const v of [5, 6, 7]) back.release(price(v));
    await until(() => edge.replica.applied === 7, 10_000, "snapshot to v7");
    await until(() => back.applied.includes(7), 30_000, "catalog.applied 7");
    expect(back.applied).toEqual([2, 3, 4, 7]); // one snapshot at v7, not 5 and 6
    expect(edge.replica.lookup.priceOf(skuOf(1), T0)?.price).toBe(1007);
    expect(edge.replica.lookup.products.size).toBe(30);
  });
});

describe("down: stock, alerts, queries, commands", () => {
  test("a stock movement applies once; alerts are kept; nearby stock is asked of HQ", async () => {
    const { hq, edge } = await setup();
    const movement = {
      movementId: "MV-1",
      kind: "receipt" as const,
      reference: "PO-9",
      lines: [{ sku: skuOf(3), qty: 24 }],
      at: new Date(T0).toISOString(),
    };
    hq.publish("stock", "stock.movement", movement);
    hq.publish("stock", "stock.movement", movement);
    hq.publish("stock", "stock.alert", {
      sku: skuOf(3),
      onHand: 2,
      reorderPoint: 5,
      at: new Date(T0).toISOString(),
    });
    await until(() => edge.stock.alerts().length === 1, 30_000, "alert");
    expect(edge.stock.onHand(skuOf(3))).toBe(24);
    const reply = await edge.nearbyStock(skuOf(3));
    expect(reply.stores[0]).toMatchObject({ storeId: "S002", onHand: 12 });
  });

  test("commands: resend_events replays from a seq (even acked ones); resync_catalog brings a snapshot", async () => {
    const { hq, edge } = await setup();
    await openLane(edge);
    await sell(edge, 2);
    await until(() => edge.outbox.ackedUpTo === 3, 30_000, "ack 3");
    const before = hq.arrivals;
    hq.publish("command", "command", { commandId: "C1", name: "resend_events", args: { fromSeq: 2 } });
    await until(() => hq.arrivals === before + 2, 30_000, "replay of seq 2..3");
    expect(edge.outbox.ackedUpTo).toBe(3);
    const fetchesBefore = hq.fetches.length;
    hq.publish("command", "command", { commandId: "C2", name: "resync_catalog", args: {} });
    await until(
      () => hq.fetches.slice(fetchesBefore).some((f) => f.fromVersion === 0),
      5000,
      "snapshot fetch",
    );
    await until(() => edge.replica.applied === 1, 30_000, "re-applied");
    expect(edge.replica.lookup.products.size).toBe(30);
  });

  test("commands: resend_events with toSeq replays exactly fromSeq..toSeq in one message, the cursor untouched", async () => {
    const { hq, edge } = await setup();
    await openLane(edge);
    await sell(edge, 3);
    await until(() => edge.outbox.ackedUpTo === 4, 30_000, "ack 4");
    const before = hq.messages.length;
    // HQ confirming events it committed ahead of a gap (hq-hub conflicts/ahead.ts).
    hq.publish("command", "command", {
      commandId: "C3",
      name: "resend_events",
      args: { fromSeq: 2, toSeq: 3 },
    });
    hq.publish("command", "command", {
      commandId: "C4",
      name: "resend_events",
      args: { fromSeq: 4, toSeq: 4 },
    });
    await until(() => hq.messages.slice(before).some((m) => m[0] === 4), 30_000, "replay of seq 4");
    expect(hq.messages.slice(before)).toEqual([[2, 3], [4]]);
    expect(edge.outbox.ackedUpTo).toBe(4);
    // Garbage is refused, nothing sent.
    hq.publish("command", "command", {
      commandId: "C5",
      name: "resend_events",
      args: { fromSeq: 3, toSeq: 1 },
    });
    hq.publish("command", "command", {
      commandId: "C6",
      name: "resend_events",
      args: { fromSeq: 4, toSeq: 4 },
    });
    await until(() => hq.messages.length === before + 3, 30_000, "the next good replay");
    expect(hq.messages.at(-1)).toEqual([4]);
  });
});
