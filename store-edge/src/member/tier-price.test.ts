// Tier prices at the till (PRICING.md member_price with `tiers`): the lane's member's tier, as
// HQ's member records say it (the daily tier run marks changed members and the member sync sends
// them), decides the price; a tier change from HQ changes the next basket's price, and the sale
// carries the tier it was priced with, which HQ's audit re-prices with.
import { afterEach, expect, setDefaultTimeout, test } from "bun:test";
import type { Edge } from "../edge.ts";
import { applyPages, gtinOf, openLane, pagesOf, readyEdge, skuOf } from "../testing/fixtures.ts";

setDefaultTimeout(120_000);
const edges: Edge[] = [];
afterEach(async () => {
  for (const e of edges.splice(0)) await e.stop().catch(() => {});
});

test("a gold-only member price: the gold member gets it, not after HQ moves them to regular", async () => {
  const edge = await readyEdge({ products: 30 });
  edges.push(edge);
  await openLane(edge);
  applyPages(
    edge,
    pagesOf("delta", 2, 1, [
      {
        op: "upsert",
        entity: "promotion",
        data: { id: "MP-GOLD", kind: "member_price", price: 100, tiers: ["gold"], skus: [skuOf(20)] },
      },
    ]),
  );
  await edge.scanner.scan("1", gtinOf(20)); // 100 + 20*10 = 300 fen
  expect(edge.lanes.view("1").due).toBe(300);
  edge.members.attach("1", { phone: "13800138000" }); // M001, gold in the fixture catalog
  expect(edge.lanes.view("1").due).toBe(100);
  expect(edge.lanes.view("1").priced.applied).toEqual(["MP-GOLD"]);
  const gold = edge.sales.tenderCash("1", 1000).sale!;
  expect(gold.member).toEqual({ id: "M001", tier: "gold" });

  // HQ's daily run moved M001 down; the member sync's change set reaches the store.
  applyPages(
    edge,
    pagesOf("delta", 3, 2, [
      {
        op: "upsert",
        entity: "member",
        data: {
          id: "M001",
          phone: "13800138000",
          name: "张三",
          tier: "regular",
          points: 40,
          status: "active",
        },
      },
    ]),
  );
  await edge.scanner.scan("1", gtinOf(20));
  edge.members.attach("1", { phone: "13800138000" });
  expect(edge.lanes.view("1").cart.member?.tier).toBe("regular");
  expect(edge.lanes.view("1").due).toBe(300);
  expect(edge.sales.tenderCash("1", 1000).sale!.member).toEqual({ id: "M001", tier: "regular" });
});
