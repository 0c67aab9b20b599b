// The return screen's refund before confirming (previewReturn: the same amount the refund then
// pays, partial multi-buy shares included) and the X/Z reports' counts (voids, discounts,
// refunds; training left out) with their printed form on the lane's printer.
import { afterEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { manualClock } from "../clock.ts";
import type { SimulatedDevices } from "../devices/port.ts";
import type { Edge } from "../edge.ts";
import { openLane, readyEdge, skuOf, T0 } from "../testing/fixtures.ts";
import { seqFrom } from "./shift-counts.ts";

setDefaultTimeout(120_000);

const edges: Edge[] = [];
afterEach(async () => {
  for (const e of edges.splice(0)) await e.stop().catch(() => {});
});

// promotionOf: P1 is a 3-for-¥2.50 multi-buy on skuOf(8) and skuOf(14); P4 is 10% off skuOf(29).
const MULTI = skuOf(8);
const TEN_OFF = skuOf(29);
const PLAIN = skuOf(2);
const SUP = { id: "9001", pin: "9999" };

async function lane() {
  const edge = await readyEdge({ products: 30, promotions: 4 });
  edges.push(edge);
  await openLane(edge);
  return edge;
}

function sell(edge: Edge, items: [string, number][]) {
  for (const [sku, qty] of items) edge.basket.addSku("1", sku, qty);
  const sale = edge.sales.tenderCash("1", edge.lanes.view("1").due).sale;
  if (!sale) throw new Error("not sold");
  return sale;
}

describe("the refund before confirming", () => {
  test("the preview is what the refund pays, line by line, for partial multi-buy returns", async () => {
    const edge = await lane();
    const sale = sell(edge, [
      [MULTI, 3],
      [TEN_OFF, 2],
      [PLAIN, 1],
    ]);
    expect(sale.totals.discount).toBeGreaterThan(0);
    edge.returns.startReturn("1", sale.receiptNo);
    expect(edge.returns.previewReturn("1").totals.refund).toBe(0);
    const [multi, ten] = sale.lines;
    edge.returns.setReturnLine("1", multi!.lineId, 1, true);
    edge.returns.setReturnLine("1", ten!.lineId, 1, true);
    const preview = edge.returns.previewReturn("1");
    expect(preview.lines.map((l) => l.lineId).sort()).toEqual([multi!.lineId, ten!.lineId].sort());
    const done = await edge.returns.completeReturn("1", "cash", "");
    expect(done.returned.totals.refund).toBe(preview.totals.refund);
    expect(done.returned.lines.map((l) => [l.lineId, l.refund])).toEqual(
      preview.lines.map((l) => [l.lineId, l.refund]),
    );
    // The second partial return of the same multi-buy line: again the preview is the refund.
    edge.returns.startReturn("1", sale.receiptNo);
    edge.returns.setReturnLine("1", multi!.lineId, 2, true);
    const second = edge.returns.previewReturn("1").totals.refund;
    expect((await edge.returns.completeReturn("1", "cash", "")).returned.totals.refund).toBe(second);
    expect(second + done.returned.lines[0]!.refund).toBe(multi!.net);
  });

  test("without a receipt the preview is the shelf price; no return in progress is a conflict", async () => {
    const edge = await lane();
    expect(() => edge.returns.previewReturn("1")).toThrow(/no return in progress/);
    await edge.returns.startReturnWithoutReceipt("1", SUP.id, SUP.pin, "no receipt");
    edge.basket.addSku("1", PLAIN, 2);
    const preview = edge.returns.previewReturn("1");
    expect(preview.totals.refund).toBe(edge.lanes.view("1").priced.totals.net);
    expect((await edge.returns.completeReturn("1", "cash", "")).returned.totals.refund).toBe(
      preview.totals.refund,
    );
  });
});

describe("X and Z reports", () => {
  test("voids, discounts and refunds are counted; training is not; X and Z print", async () => {
    const edge = await lane();
    const printer = edge.lanes.devices("1") as SimulatedDevices;
    const discounted = sell(edge, [[TEN_OFF, 2]]);
    sell(edge, [[PLAIN, 1]]);
    // A line void, then a sale void.
    const { lineId } = edge.basket.addSku("1", PLAIN, 1);
    edge.basket.addSku("1", MULTI, 1);
    await edge.basket.voidLine("1", lineId, SUP);
    await edge.basket.voidCart("1", SUP);
    edge.returns.startReturn("1", discounted.receiptNo);
    edge.returns.setReturnLine("1", discounted.lines[0]!.lineId, 1, true);
    const refund = (await edge.returns.completeReturn("1", "cash", "")).returned.totals.refund;
    // Training activity does not count.
    await edge.staff.setTraining("1", true, SUP.id, SUP.pin);
    const { lineId: tl } = edge.basket.addSku("1", PLAIN, 1);
    await edge.basket.voidLine("1", tl, SUP);
    sell(edge, [[TEN_OFF, 1]]);
    await edge.staff.setTraining("1", false, SUP.id, SUP.pin);

    const x = edge.shifts.xReport("1");
    expect(x.counts.voids.lines).toBe(1);
    expect(x.counts.voids.sales).toBe(1);
    expect(x.counts.voids.amount).toBeGreaterThan(0);
    expect(x.counts.discounts).toEqual({ sales: 1, amount: discounted.totals.discount });
    expect(x.counts.refunds).toEqual({ count: 1, amount: refund });

    edge.shifts.printXReport("1");
    const xDoc = printer.printed.find((d) => /X 报表/.test(d.title));
    expect(xDoc).toBeDefined();
    const xText = xDoc!.lines.map((l) => `${l.left} ${l.right ?? ""}`).join("\n");
    expect(xText).toContain("删除商品 1 次");
    expect(xText).toContain("整单取消 1 次");
    expect(xText).toContain("退款 1 笔");
    expect(xText).toContain("优惠 1 笔");

    const z = edge.shifts.closeShift("1", { "10000": 1 });
    expect(z.counts).toEqual(x.counts);
    await Bun.sleep(0);
    const zDoc = printer.printed.find((d) => /Z 报表/.test(d.title));
    expect(zDoc).toBeDefined();
    expect(zDoc!.lines.some((l) => l.left.startsWith("长短款"))).toBe(true);
  });

  test("a second shift on the lane counts only its own voids", async () => {
    const clock = manualClock(T0);
    const edge = await readyEdge({ products: 30, promotions: 4, clock });
    edges.push(edge);
    await openLane(edge);
    edge.basket.addSku("1", PLAIN, 1);
    await edge.basket.voidCart("1", SUP);
    clock.advance(60_000);
    edge.shifts.closeShift("1", {});
    clock.advance(60_000);
    await openLane(edge);
    expect(edge.shifts.xReport("1").counts.voids.sales).toBe(0);
  });

  test("the report reads the outbox from the shift's opening on (binary search by time over seq)", async () => {
    const clock = manualClock(T0);
    const edge = await readyEdge({ products: 30, promotions: 4, clock });
    edges.push(edge);
    await openLane(edge);
    for (let i = 0; i < 40; i++) {
      clock.advance(1000);
      sell(edge, [[PLAIN, 1]]);
    }
    edge.basket.addSku("1", PLAIN, 1);
    await edge.basket.voidCart("1", SUP);
    clock.advance(60_000);
    edge.shifts.closeShift("1", {});
    clock.advance(60_000);
    await openLane(edge);
    const opened = edge.lanes.view("1").shift!.openedAt;
    const first = seqFrom(edge.db, opened, 0);
    const row = edge.db.raw
      .prepare("SELECT type, occurred_at AS at FROM outbox WHERE seq = ?")
      .get(first) as { type: string; at: string };
    expect(row.at >= opened).toBe(true);
    const before = edge.db.raw
      .prepare("SELECT occurred_at AS at FROM outbox WHERE seq = ?")
      .get(first - 1) as {
      at: string;
    };
    expect(before.at < opened).toBe(true);
    expect(first).toBeGreaterThan(40);
    expect(edge.shifts.xReport("1").counts.voids.sales).toBe(0);
  });
});
