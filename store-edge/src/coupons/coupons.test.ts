// Coupons at the till (issue 14 item 3): a coupon gives its bound promotion's discount,
// priced by protocol's engine, and every refusal names the field `coupon` and a reason the
// terminal words in zh-CN. In-process edge over a temp data dir.
import { afterEach, expect, setDefaultTimeout, test } from "bun:test";
import type { ChangeItem } from "@retail/protocol";
import type { Edge } from "../edge.ts";
import { EdgeError } from "../errors.ts";
import { applyPages, gtinOf, openLane, pagesOf, readyEdge } from "../testing/fixtures.ts";

setDefaultTimeout(60_000);

const edges: Edge[] = [];
afterEach(async () => {
  for (const e of edges.splice(0)) await e.stop().catch(() => {});
});

async function refusal(fn: () => unknown): Promise<string> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof EdgeError) return `${e.code}:${e.field}:${e.reason}`;
    throw e;
  }
  throw new Error("did not throw");
}

// Product i costs 100 + (i % 50) * 10 fen: gtinOf(40) = 500 fen.
const ITEMS: ChangeItem[] = [
  // The demo's welcome coupon: a campaign code anyone may present.
  {
    op: "upsert",
    entity: "promotion",
    data: { id: "P-COUPON-10OFF", kind: "threshold", min: 1000, off: 100, couponCode: "WELCOME10" },
  },
  {
    op: "upsert",
    entity: "coupon",
    data: { code: "WELCOME10", promotionId: "P-COUPON-10OFF", status: "issued", multiUse: true },
  },
  // A promotion HQ issued coupons for: the codes differ from the promotion's gate.
  {
    op: "upsert",
    entity: "promotion",
    data: { id: "P-VIP", kind: "percent_off", percent: 20, couponCode: "VIP20" },
  },
  { op: "upsert", entity: "coupon", data: { code: "VIP-0001", promotionId: "P-VIP", status: "issued" } },
  { op: "upsert", entity: "coupon", data: { code: "VIP-0002", promotionId: "P-VIP", status: "issued" } },
  {
    op: "upsert",
    entity: "coupon",
    data: { code: "VIP-M001", promotionId: "P-VIP", memberId: "M001", status: "issued" },
  },
  {
    op: "upsert",
    entity: "coupon",
    data: { code: "VIP-OLD", promotionId: "P-VIP", status: "issued", validUntil: "2026-11-01T00:00:00.000Z" },
  },
  { op: "upsert", entity: "coupon", data: { code: "VIP-VOID", promotionId: "P-VIP", status: "void" } },
];

async function till(): Promise<Edge> {
  const edge = await readyEdge({ products: 50, weighed: 5 });
  edges.push(edge);
  applyPages(edge, pagesOf("delta", 2, 1, ITEMS));
  await openLane(edge);
  return edge;
}

test("WELCOME10 (a multi-use record bound to the welcome promotion) gives its discount; a small basket is refused as not qualifying", async () => {
  const edge = await till();
  await edge.scanner.scan("1", gtinOf(40)); // 500 fen, under the 1000 minimum
  expect(await refusal(() => edge.coupons.add("1", "WELCOME10"))).toBe("conflict:coupon:not_qualified");
  expect(edge.lanes.view("1").cart.coupons).toEqual([]);
  await edge.scanner.scan("1", gtinOf(40));
  edge.coupons.add("1", "WELCOME10");
  expect(edge.lanes.view("1").due).toBe(900);
  const sale = edge.sales.tenderCash("1", 1000).sale!;
  expect(sale.coupons).toEqual(["WELCOME10"]);
  expect(sale.applied).toEqual(["P-COUPON-10OFF"]);
  // Multi-use: the next customer presents it too.
  await edge.scanner.scan("1", gtinOf(40));
  await edge.scanner.scan("1", gtinOf(40));
  edge.coupons.add("1", "WELCOME10");
  expect(edge.lanes.view("1").due).toBe(900);
});

test("a coupon bound to a promotion (code != the promotion's gate) gives that promotion's discount, then is spent", async () => {
  const edge = await till();
  await edge.scanner.scan("1", gtinOf(40)); // 500
  edge.coupons.add("1", "VIP-0001");
  expect(edge.lanes.view("1").due).toBe(400);
  // A second coupon for the same promotion would be spent for nothing.
  expect(await refusal(() => edge.coupons.add("1", "VIP-0002"))).toBe("conflict:coupon:same_promotion");
  const sale = edge.sales.tenderCash("1", 1000).sale!;
  expect(sale.coupons).toEqual(["VIP-0001"]);
  expect(sale.totals.discount).toBe(100);
  await edge.scanner.scan("1", gtinOf(40));
  expect(await refusal(() => edge.coupons.add("1", "VIP-0001"))).toBe("conflict:coupon:spent");
  expect(edge.replica.lookup.coupons.get("VIP-0001")?.status).toBe("redeemed");
  // The gate itself is no coupon: presenting the promotion's couponCode activates nothing.
  expect(await refusal(() => edge.coupons.add("1", "VIP20"))).toBe("not_found:coupon:unknown");
});

test("every refusal has its reason: unknown, expired, void, another member's", async () => {
  const edge = await till();
  await edge.scanner.scan("1", gtinOf(40));
  expect(await refusal(() => edge.coupons.add("1", "NOPE"))).toBe("not_found:coupon:unknown");
  expect(await refusal(() => edge.coupons.add("1", "VIP-OLD"))).toBe("conflict:coupon:expired");
  expect(await refusal(() => edge.coupons.add("1", "VIP-VOID"))).toBe("conflict:coupon:void");
  expect(await refusal(() => edge.coupons.add("1", "VIP-M001"))).toBe("conflict:coupon:member");
  edge.members.attach("1", { phone: "13800138000" });
  edge.coupons.add("1", "VIP-M001");
  expect(edge.lanes.view("1").cart.coupons).toEqual(["VIP-M001"]);
});

test("a coupon whose lines were voided gave nothing and is not spent by the sale", async () => {
  const edge = await till();
  await edge.scanner.scan("1", gtinOf(40));
  await edge.scanner.scan("1", gtinOf(40)); // l1: 2 x 500
  await edge.scanner.scan("1", gtinOf(30)); // l2: 400; 1400, 20% off: 1120
  edge.coupons.add("1", "VIP-0002");
  edge.coupons.add("1", "WELCOME10");
  expect(edge.lanes.view("1").due).toBe(1020);
  await edge.basket.voidLine("1", "l2", { id: "9001", pin: "9999" });
  const sale = edge.sales.tenderCash("1", 1000).sale!;
  expect(sale.coupons).toEqual(["VIP-0002"]); // WELCOME10 no longer qualified (800 < 1000)
  expect(sale.applied).toEqual(["P-VIP"]);
});
