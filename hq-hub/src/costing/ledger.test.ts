import { describe, expect, test } from "bun:test";
import {
  applyCost,
  type CostMovement,
  type CostPosition,
  EMPTY_POSITION,
  lineValue,
  mulDivRound,
  returnValue,
} from "./ledger.ts";

function run(moves: CostMovement[], from: CostPosition = EMPTY_POSITION) {
  let p = from;
  const postings = [];
  for (const m of moves) {
    const r = applyCost(p, m);
    postings.push(r);
    p = r.position;
  }
  return { p, postings };
}

describe("moving-weighted-average cost", () => {
  test("a receipt re-averages, a sale takes the current average", () => {
    const { p, postings } = run([
      { kind: "in", qty: 10, valueFen: 1000 }, // 100 fen each
      { kind: "in", qty: 10, valueFen: 2000 }, // now 150 fen each
      { kind: "out", qty: 4 },
    ]);
    expect(postings[2]!.valueFen).toBe(-600);
    expect(p).toEqual({ onHand: 16, valueFen: 2400, last: { valueFen: 2400, qty: 16 } });
  });

  test("fen remainders are never lost: three sales of a third take 33, 34, 33 and leave 0", () => {
    const { p, postings } = run([
      { kind: "in", qty: 3, valueFen: 100 },
      { kind: "out", qty: 1 },
      { kind: "out", qty: 1 },
      { kind: "out", qty: 1 },
    ]);
    expect(postings.slice(1).map((x) => -x.valueFen)).toEqual([33, 34, 33]);
    expect(p.onHand).toBe(0);
    expect(p.valueFen).toBe(0);
  });

  test("weighed goods by gram: 1,250 g at 1,990 fen/kg, then 300 g sold", () => {
    const v = lineValue(1250, 1990, true);
    expect(v).toBe(2488); // 2487.5 rounds half up
    const { postings } = run([
      { kind: "in", qty: 1250, valueFen: v },
      { kind: "out", qty: 300 },
    ]);
    expect(postings[1]!.valueFen).toBe(-597); // 2488 * 300 / 1250 = 597.12
    expect(lineValue(3, 250, false)).toBe(750);
  });

  test("a return puts units back at the cost they left with, not today's average", () => {
    let { p, postings } = run([
      { kind: "in", qty: 10, valueFen: 1000 },
      { kind: "out", qty: 3 },
    ]);
    const sold = { qty: 3, valueFen: -postings[1]!.valueFen }; // 300
    ({ p } = run([{ kind: "in", qty: 7, valueFen: 2100 }], p)); // average now (700+2100)/14 = 200
    const back = returnValue(sold, 2);
    expect(back).toBe(200);
    const r = applyCost(p, { kind: "in", qty: 2, valueFen: back });
    expect(r.position).toMatchObject({ onHand: 16, valueFen: 3000 });
    // The rest of the line returns the rest of its value exactly.
    expect(returnValue({ qty: 1, valueFen: sold.valueFen - back }, 1)).toBe(100);
  });

  test("a transfer moves cost between stores at the sender's average", () => {
    const a = run([
      { kind: "in", qty: 6, valueFen: 1000 },
      { kind: "out", qty: 4 },
    ]);
    const moved = -a.postings[1]!.valueFen;
    expect(moved).toBe(667);
    const b = run([{ kind: "in", qty: 4, valueFen: moved }]);
    expect(a.p.valueFen + b.p.valueFen).toBe(1000);
  });

  test("count adjustments at the average: a loss takes it, a gain adds it", () => {
    const { p, postings } = run([
      { kind: "in", qty: 8, valueFen: 1000 },
      { kind: "out", qty: 2 },
      { kind: "in_at_average", qty: 3 },
    ]);
    expect(postings[1]!.valueFen).toBe(-250);
    expect(postings[2]!.valueFen).toBe(375);
    expect(p).toMatchObject({ onHand: 9, valueFen: 1125 });
  });

  test("negative stock: sold at the last known average, corrected when the receipt arrives", () => {
    // 2 on hand at 100, 5 sold: 2 at 100 + 3 short at the last average 100.
    let { p, postings } = run([
      { kind: "in", qty: 2, valueFen: 200 },
      { kind: "out", qty: 5 },
    ]);
    expect(postings[1]!.valueFen).toBe(-500);
    expect(p).toMatchObject({ onHand: -3, valueFen: -300 });
    // 10 arrive at 130 each: the 3 short cost 390, booked at 300: correction 90.
    const r = applyCost(p, { kind: "in", qty: 10, valueFen: 1300 });
    expect(r.correctionFen).toBe(90);
    expect(r.position).toMatchObject({ onHand: 7, valueFen: 910, last: { valueFen: 910, qty: 7 } });
    ({ p } = { p: r.position });
    expect(p.valueFen).toBe(7 * 130);
  });

  test("negative stock: a receipt smaller than the shortfall corrects its share and stays negative", () => {
    const { p } = run([
      { kind: "in", qty: 1, valueFen: 100 },
      { kind: "out", qty: 5 },
    ]); // -4 at -400
    const r = applyCost(p, { kind: "in", qty: 1, valueFen: 160 });
    expect(r.correctionFen).toBe(60);
    expect(r.position).toMatchObject({ onHand: -3, valueFen: -300 });
  });

  test("negative stock with no known average: costed 0, the receipt's correction books it all", () => {
    const s = applyCost(EMPTY_POSITION, { kind: "out", qty: 2 });
    expect(s.valueFen).toBe(0);
    const r = applyCost(s.position, { kind: "in", qty: 5, valueFen: 500 });
    expect(r.correctionFen).toBe(200);
    expect(r.position).toMatchObject({ onHand: 3, valueFen: 300 });
  });

  test("bad movements are refused, naming the value", () => {
    expect(() => applyCost(EMPTY_POSITION, { kind: "out", qty: 0 })).toThrow(/qty 0/);
    expect(() => applyCost(EMPTY_POSITION, { kind: "out", qty: 1.5 })).toThrow(/qty 1.5/);
    expect(() => applyCost(EMPTY_POSITION, { kind: "in", qty: 1, valueFen: -1 })).toThrow(/value -1/);
  });

  test("mulDivRound is exact beyond 2^53 and rounds half up symmetrically", () => {
    expect(mulDivRound(9_000_000_000_000, 999_999, 1_000_000)).toBe(8_999_991_000_000);
    expect(mulDivRound(5, 1, 2)).toBe(3);
    expect(mulDivRound(-5, 1, 2)).toBe(-3);
    expect(mulDivRound(7, 1, 3)).toBe(2);
  });
});
