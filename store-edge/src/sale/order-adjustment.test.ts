// 整单折扣 and 抹零 at the lane, in-process: only with a supervisor's PIN (or a signed-in
// supervisor), priced by the engine after promotions, dropped when the basket changes, and
// carried on the sale so HQ re-prices it.
import { afterEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { ORDER_DISCOUNT_ID, ROUNDING_ID, type SaleCompleted } from "@retail/protocol";
import type { Edge } from "../edge.ts";
import { EdgeError } from "../errors.ts";
import { gtinOf, openLane, readyEdge } from "../testing/fixtures.ts";

setDefaultTimeout(120_000);

const edges: Edge[] = [];
afterEach(async () => {
  for (const e of edges.splice(0)) await e.stop().catch(() => {});
});

const SUP = { id: "9001", pin: "9999" };

/** Lane 1 signed in as cashier 1001 with 200 + 210 + 230 = 640 fen in the cart. */
async function basket() {
  const edge = await readyEdge({ products: 20 });
  edges.push(edge);
  await openLane(edge);
  for (const i of [10, 11, 13]) await edge.scanner.scan("1", gtinOf(i));
  expect(edge.lanes.view("1").due).toBe(640);
  return edge;
}

async function refusal(p: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof p === "function" ? p() : p);
  } catch (e) {
    if (e instanceof EdgeError) return `${e.code}:${e.field}`;
    throw e;
  }
  throw new Error("did not throw");
}

describe("order adjustment at the lane", () => {
  test("a cashier needs a supervisor's PIN; the amount due falls; the sale carries it", async () => {
    const edge = await basket();
    expect(await refusal(edge.basket.adjustOrder("1", { discount: { amount: 35 } }))).toBe(
      "forbidden:supervisorId",
    );
    expect(
      await refusal(edge.basket.adjustOrder("1", { discount: { amount: 35 } }, { id: "9001", pin: "0000" })),
    ).toBe("forbidden:pin");
    // A cashier's own code is no supervisor's.
    expect(
      await refusal(edge.basket.adjustOrder("1", { discount: { amount: 35 } }, { id: "1001", pin: "1234" })),
    ).toMatch(/^forbidden:/);
    expect(edge.lanes.view("1").due).toBe(640);
    // 640 - 35 = 605, 抹零 to the yuan: 600.
    const v = await edge.basket.adjustOrder("1", { discount: { amount: 35 }, rounding: "yuan" }, SUP);
    expect(v.due).toBe(600);
    expect(v.cart.adjustment).toEqual({ discount: { amount: 35 }, rounding: "yuan", approvedBy: "9001" });
    const ids = v.priced.lines.flatMap((l) => l.discounts.map((d) => d.promotionId));
    expect(new Set(ids)).toEqual(new Set([ORDER_DISCOUNT_ID, ROUNDING_ID]));
    const { sale } = edge.sales.tenderCash("1", 1000) as { sale?: SaleCompleted };
    expect(sale!.totals.net).toBe(600);
    expect(sale!.adjustment).toEqual({ discount: { amount: 35 }, rounding: "yuan", approvedBy: "9001" });
    expect(sale!.tenders[0]).toMatchObject({ amount: 600, change: 400 });
    // The next basket starts without it.
    await edge.scanner.scan("1", gtinOf(10));
    expect(edge.lanes.view("1").cart.adjustment).toBeUndefined();
  });

  test("a signed-in supervisor applies it without a PIN; 抹零 to the jiao", async () => {
    const edge = await basket();
    await edge.staff.login("2", "9001", "9999");
    edge.shifts.openShift("2", 0);
    for (const i of [10, 11, 13]) await edge.scanner.scan("2", gtinOf(i));
    // 10% off 640 = 64 -> 576, to the jiao: 570.
    const v = await edge.basket.adjustOrder("2", { discount: { basisPoints: 1000 }, rounding: "jiao" });
    expect(v.due).toBe(570);
    expect(v.cart.adjustment?.approvedBy).toBe("9001");
  });

  test("bad adjustments are refused naming the field, and nothing is saved", async () => {
    const edge = await basket();
    expect(await refusal(edge.basket.adjustOrder("1", { discount: { amount: 641 } }, SUP))).toBe(
      "invalid:discount.amount",
    );
    expect(await refusal(edge.basket.adjustOrder("1", { discount: { amount: -1 } }, SUP))).toBe(
      "invalid:discount.amount",
    );
    expect(await refusal(edge.basket.adjustOrder("1", { rounding: "fen" }, SUP))).toBe("invalid:rounding");
    expect(await refusal(edge.basket.adjustOrder("1", {}, SUP))).toBe("invalid:discount");
    expect(edge.lanes.view("1").cart.adjustment).toBeUndefined();
    expect(edge.lanes.view("1").due).toBe(640);
  });

  test("a change to the basket drops it (the approval was for that basket); clearing needs no PIN", async () => {
    const edge = await basket();
    await edge.basket.adjustOrder("1", { discount: { amount: 600 } }, SUP);
    expect(edge.lanes.view("1").due).toBe(40);
    // Voiding a line would leave 600 off a smaller basket: it is dropped instead.
    const v = await edge.basket.voidLine("1", "l3", SUP);
    expect(v.cart.adjustment).toBeUndefined();
    expect(v.due).toBe(410);
    await edge.basket.adjustOrder("1", { rounding: "yuan" }, SUP);
    expect(edge.lanes.view("1").due).toBe(400);
    expect(edge.basket.clearOrderAdjustment("1").due).toBe(410);
  });

  test("returning every line of an adjusted sale refunds exactly what was paid, line by line", async () => {
    const edge = await basket();
    await edge.basket.adjustOrder("1", { discount: { basisPoints: 1500 }, rounding: "yuan" }, SUP);
    const { sale } = edge.sales.tenderCash("1", 1000) as { sale?: SaleCompleted };
    // 640 - 96 (15%) = 544, 抹零 to the yuan: 500.
    expect(sale!.totals.net).toBe(500);
    edge.returns.startReturn("1", sale!.receiptNo);
    edge.returns.setReturnLine("1", "l2", 1, true);
    const first = (await edge.returns.completeReturn("1", "cash", "")).returned;
    expect(first.totals.refund).toBe(sale!.lines[1]!.net);
    edge.returns.startReturn("1", sale!.receiptNo);
    edge.returns.setReturnLine("1", "l1", 1, true);
    edge.returns.setReturnLine("1", "l3", 1, true);
    const rest = (await edge.returns.completeReturn("1", "cash", "")).returned;
    expect(first.totals.refund + rest.totals.refund).toBe(500);
  });
});
