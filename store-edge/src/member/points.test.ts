// Points redemption at the till (积分抵现): the chain's rule from HQ's change set, the balance the
// store knows (HQ's last figure less what this store spent since), the cap by share and balance,
// two lanes tendering the same points (the second commit refused), a void spending nothing, and
// a return giving the points back in proportion, never more than were spent.
import { afterEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import type { PointsRule } from "@retail/protocol";
import type { Edge } from "../edge.ts";
import { applyPages, gtinOf, openLane, pagesOf, readyEdge } from "../testing/fixtures.ts";
import { pointsBack } from "./points.ts";

setDefaultTimeout(120_000);
const edges: Edge[] = [];
afterEach(async () => {
  for (const e of edges.splice(0)) await e.stop().catch(() => {});
});

const rule: PointsRule = {
  id: "chain",
  enabled: true,
  pointsPerYuan: 100,
  maxSharePercent: 50,
  minBalance: 100,
  earnOnRedeemed: false,
};
const M001 = { id: "M001", phone: "13800138000", name: "张三", tier: "gold", status: "active" as const };

async function edgeWithPoints(points: number, withRule = true): Promise<Edge> {
  const edge = await readyEdge({ products: 30 });
  edges.push(edge);
  await openLane(edge, "1");
  await openLane(edge, "2");
  applyPages(
    edge,
    pagesOf("delta", 2, 1, [
      ...(withRule ? [{ op: "upsert" as const, entity: "points_rule" as const, data: rule }] : []),
      { op: "upsert" as const, entity: "member" as const, data: { ...M001, points } },
    ]),
  );
  return edge;
}

describe("points at the till", () => {
  test("the cap is the share of the basket and the known balance; the sale carries points and amount", async () => {
    const edge = await edgeWithPoints(5000);
    await edge.scanner.scan("1", gtinOf(20)); // 300 fen
    await edge.scanner.scan("1", gtinOf(20));
    expect(() => edge.points.quote("1")).toThrow("member");
    edge.members.attach("1", { phone: "13800138000" });
    const q = edge.points.quote("1");
    expect(q).toMatchObject({ balance: 5000, maxFen: 300, maxPoints: 300 });
    expect(() => edge.points.tender("1", 301)).toThrow("at most 300 fen");
    edge.points.tender("1", 200);
    expect(edge.points.quote("1")).toMatchObject({ balance: 5000, maxFen: 100 });
    edge.points.tender("1");
    const sale = edge.sales.tenderCash("1", 300).sale!;
    expect(sale.tenders.filter((t) => t.kind === "points")).toEqual([
      { kind: "points", amount: 200, points: 200 },
      { kind: "points", amount: 100, points: 100 },
    ]);
    // The store knows the 300 points are gone, before HQ says so.
    expect(edge.points.balance("M001")).toBe(4700);
    // HQ's next member record (a later version) carries its own figure: that one counts.
    applyPages(
      edge,
      pagesOf("delta", 3, 2, [{ op: "upsert", entity: "member", data: { ...M001, points: 4703 } }]),
    );
    expect(edge.points.balance("M001")).toBe(4703);
  });

  test("no rule from HQ, or a balance under the minimum: nothing can be paid with points", async () => {
    const off = await edgeWithPoints(5000, false);
    await off.scanner.scan("1", gtinOf(20));
    off.members.attach("1", { phone: "13800138000" });
    expect(off.points.quote("1")).toMatchObject({ maxFen: 0, reason: "off" });
    expect(() => off.points.tender("1")).toThrow("redemption is off");
    const poor = await edgeWithPoints(99);
    await poor.scanner.scan("1", gtinOf(20));
    poor.members.attach("1", { phone: "13800138000" });
    expect(poor.points.quote("1")).toMatchObject({ maxFen: 0, reason: "min_balance" });
  });

  test("two lanes tendering the same points: the second to commit is refused; a void spends nothing", async () => {
    const edge = await edgeWithPoints(150);
    for (const lane of ["1", "2"]) {
      await edge.scanner.scan(lane, gtinOf(20));
      edge.members.attach(lane, { phone: "13800138000" });
      edge.points.tender(lane, 150);
    }
    edge.sales.tenderCash("1", 150);
    expect(edge.points.balance("M001")).toBe(0);
    expect(() => edge.sales.tenderCash("2", 150)).toThrow("has 0 points here");
    // Voiding lane 2's sale (its points tender with it) needs no refund of points: none were spent.
    const voided = await edge.basket.voidCart("2", { id: "9001", pin: "9999" });
    expect(voided.cart.tenders).toEqual([]);
    expect(edge.points.balance("M001")).toBe(0);
  });

  test("a return gives the points back in proportion, the last one exactly what is left", async () => {
    const edge = await edgeWithPoints(5000);
    await edge.scanner.scan("1", gtinOf(20));
    await edge.scanner.scan("1", gtinOf(21)); // 300 + 310
    edge.members.attach("1", { phone: "13800138000" });
    edge.points.tender("1", 305);
    const sale = edge.sales.tenderCash("1", 305).sale!;
    expect(edge.points.balance("M001")).toBe(4695);
    edge.returns.startReturn("1", sale.receiptNo);
    edge.returns.setReturnLine("1", sale.lines[0]!.lineId, 1, true);
    const first = (await edge.returns.completeReturn("1", undefined, "")).returned;
    const firstPoints = first.tenders.find((t) => t.kind === "points");
    expect(firstPoints).toEqual({ kind: "points", amount: 300, points: 300 });
    edge.returns.startReturn("1", sale.receiptNo);
    edge.returns.setReturnLine("1", sale.lines[1]!.lineId, 1, true);
    const second = (await edge.returns.completeReturn("1", undefined, "")).returned;
    expect(second.tenders.find((t) => t.kind === "points")).toEqual({ kind: "points", amount: 5, points: 5 });
    expect(edge.points.balance("M001")).toBe(5000);
  });

  test("pointsBack: cumulative, rounded down, never more than spent", () => {
    const paid = [{ kind: "points" as const, amount: 300, points: 150 }]; // 50 points a yuan
    expect(pointsBack(paid, { fen: 0, points: 0 }, 101)).toBe(50);
    expect(pointsBack(paid, { fen: 101, points: 50 }, 1)).toBe(1); // 0.5 rounds to 0: 1 given
    expect(pointsBack(paid, { fen: 102, points: 51 }, 198)).toBe(99); // the rest, exactly
    expect(pointsBack(paid, { fen: 300, points: 150 }, 10)).toBe(0);
    expect(pointsBack([{ kind: "cash" as const, amount: 300 }], { fen: 0, points: 0 }, 100)).toBe(0);
  });
});
