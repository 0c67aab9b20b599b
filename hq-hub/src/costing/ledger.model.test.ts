// Model-based test of the cost ledger (fast-check commands): random interleavings of receipts,
// sales (into negative stock too), returns of earlier sales, transfers and count adjustments
// over three stores, against a plain reference model in exact rationals (bigint fractions)
// following the same rules without rounding. Checked after every step: on-hand is the sum of the
// movements; the chain's value is conserved to the fen (receipts - sales + returns + count
// gains - count losses - corrections = the positions' values); an empty position is worth 0;
// each outbound cost is the exact share rounded (within half a fen); the integer books stay
// within a fen per step of the exact ones. COST_MODEL_RUNS / COST_MODEL_SEED for longer runs.
import { expect, test } from "bun:test";
import fc from "fast-check";
import { applyCost, type CostPosition, EMPTY_POSITION, returnValue } from "./ledger.ts";

type Q = { n: bigint; d: bigint };
const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? (a < 0n ? -a : a) : gcd(b, a % b));
const q = (n: bigint, d = 1n): Q => {
  if (d < 0n) return q(-n, -d);
  const g = gcd(n, d) || 1n;
  return { n: n / g, d: d / g };
};
const add = (a: Q, b: Q) => q(a.n * b.d + b.n * a.d, a.d * b.d);
const sub = (a: Q, b: Q) => add(a, { n: -b.n, d: b.d });
const mulRatio = (a: Q, num: number, den: number) => q(a.n * BigInt(num), a.d * BigInt(den));
const abs = (a: Q) => q(a.n < 0n ? -a.n : a.n, a.d);
const lte = (a: Q, b: Q) => a.n * b.d <= b.n * a.d;
const Z = q(0n);

/** The reference: the same rules in exact rationals. */
interface RefPos {
  onHand: number;
  value: Q;
  last?: { value: Q; qty: number };
}
function refOut(p: RefPos, qty: number): { p: RefPos; cost: Q } {
  const fromStock = Math.min(Math.max(p.onHand, 0), qty);
  let cost = fromStock > 0 ? mulRatio(p.value, fromStock, p.onHand) : Z;
  const short = qty - fromStock;
  if (short > 0 && p.last) cost = add(cost, mulRatio(p.last.value, short, p.last.qty));
  return { p: refSet(p, p.onHand - qty, sub(p.value, cost)), cost };
}
function refIn(p: RefPos, qty: number, value: Q): { p: RefPos; correction: Q } {
  let correction = Z;
  if (p.onHand < 0) {
    const short = -p.onHand;
    const covered = Math.min(short, qty);
    correction = sub(mulRatio(value, covered, qty), mulRatio(sub(Z, p.value), covered, short));
  }
  return { p: refSet(p, p.onHand + qty, sub(add(p.value, value), correction)), correction };
}
function refAtAverage(p: RefPos, qty: number): Q {
  if (p.onHand > 0) return mulRatio(p.value, qty, p.onHand);
  return p.last ? mulRatio(p.last.value, qty, p.last.qty) : Z;
}
function refSet(p: RefPos, onHand: number, value: Q): RefPos {
  const last = onHand > 0 ? { value, qty: onHand } : p.last;
  return last ? { onHand, value, last } : { onHand, value };
}

const STORES = 3;
interface World {
  pos: CostPosition[];
  ref: RefPos[];
  moved: number[]; // sum of signed quantities per store
  /** Sale lines still returnable: store, qty and value left (integer books and reference). */
  sales: { store: number; qty: number; valueFen: number; ref: Q; refQty: number }[];
  flowFen: number; // receipts - sales + returns + gains - losses - corrections (integer books)
  flowRef: Q;
  steps: number;
}

type Op =
  | { op: "receipt"; store: number; qty: number; unitFen: number }
  | { op: "sale"; store: number; qty: number }
  | { op: "return"; sale: number; qty: number }
  | { op: "transfer"; from: number; to: number; qty: number }
  | { op: "count"; store: number; delta: number };

const store = fc.integer({ min: 0, max: STORES - 1 });
const qty = fc.integer({ min: 1, max: 50 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant("receipt" as const), store, qty, unitFen: fc.integer({ min: 0, max: 997 }) }),
  fc.record({ op: fc.constant("sale" as const), store, qty }),
  fc.record({ op: fc.constant("return" as const), sale: fc.nat(30), qty }),
  fc.record({ op: fc.constant("transfer" as const), from: store, to: store, qty }),
  fc.record({ op: fc.constant("count" as const), store, delta: fc.integer({ min: -20, max: 20 }) }),
);

function out(w: World, s: number, n: number) {
  const before = w.pos[s]!;
  const r = applyCost(before, { kind: "out", qty: n });
  const ref = refOut(w.ref[s]!, n);
  // Local rounding: from stock, the exact share of the integer position, within half a fen.
  if (n <= before.onHand) {
    const exact = q(BigInt(before.valueFen) * BigInt(n), BigInt(before.onHand));
    expect(lte(abs(sub(q(BigInt(-r.valueFen)), exact)), q(1n, 2n))).toBe(true);
  }
  w.pos[s] = r.position;
  w.ref[s] = ref.p;
  w.moved[s]! -= n;
  return { costFen: -r.valueFen, costRef: ref.cost };
}
function into(w: World, s: number, n: number, valueFen: number, valueRef: Q) {
  const r = applyCost(w.pos[s]!, { kind: "in", qty: n, valueFen });
  const ref = refIn(w.ref[s]!, n, valueRef);
  w.pos[s] = r.position;
  w.ref[s] = ref.p;
  w.moved[s]! += n;
  w.flowFen -= r.correctionFen;
  w.flowRef = sub(w.flowRef, ref.correction);
}

function step(w: World, o: Op) {
  switch (o.op) {
    case "receipt": {
      const v = o.qty * o.unitFen;
      into(w, o.store, o.qty, v, q(BigInt(v)));
      w.flowFen += v;
      w.flowRef = add(w.flowRef, q(BigInt(v)));
      break;
    }
    case "sale": {
      const c = out(w, o.store, o.qty);
      w.sales.push({ store: o.store, qty: o.qty, valueFen: c.costFen, ref: c.costRef, refQty: o.qty });
      w.flowFen -= c.costFen;
      w.flowRef = sub(w.flowRef, c.costRef);
      break;
    }
    case "return": {
      const line = w.sales[o.sale];
      if (!line || line.qty === 0) return;
      const n = Math.min(o.qty, line.qty);
      const v = returnValue({ qty: line.qty, valueFen: line.valueFen }, n);
      const vRef = mulRatio(line.ref, n, line.qty);
      line.qty -= n;
      line.valueFen -= v;
      line.ref = sub(line.ref, vRef);
      into(w, line.store, n, v, vRef);
      w.flowFen += v;
      w.flowRef = add(w.flowRef, vRef);
      if (line.qty === 0) expect(line.valueFen).toBe(0);
      break;
    }
    case "transfer": {
      if (o.from === o.to) return;
      const c = out(w, o.from, o.qty);
      into(w, o.to, o.qty, c.costFen, c.costRef);
      break;
    }
    case "count": {
      if (o.delta === 0) return;
      if (o.delta < 0) {
        const c = out(w, o.store, -o.delta);
        w.flowFen -= c.costFen;
        w.flowRef = sub(w.flowRef, c.costRef);
      } else {
        const p = w.pos[o.store]!;
        const r = applyCost(p, { kind: "in_at_average", qty: o.delta });
        const vRef = refAtAverage(w.ref[o.store]!, o.delta);
        const ref = refIn(w.ref[o.store]!, o.delta, vRef);
        w.pos[o.store] = r.position;
        w.ref[o.store] = ref.p;
        w.moved[o.store]! += o.delta;
        w.flowFen += r.valueFen - r.correctionFen;
        w.flowRef = add(w.flowRef, sub(vRef, ref.correction));
      }
      break;
    }
  }
  w.steps++;
  const total = w.pos.reduce((s, p) => s + p.valueFen, 0);
  expect(total).toBe(w.flowFen); // conserved to the fen
  const totalRef = w.ref.reduce((s, p) => add(s, p.value), Z);
  expect(totalRef).toEqual(w.flowRef);
  for (let s = 0; s < STORES; s++) {
    const p = w.pos[s]!;
    expect(p.onHand).toBe(w.moved[s]!);
    expect(w.ref[s]!.onHand).toBe(p.onHand);
    expect(Number.isSafeInteger(p.valueFen)).toBe(true);
    if (p.onHand === 0) expect(p.valueFen).toBe(0);
  }
  // The integer books within one fen per step of the exact ones (chain-wide, with the value
  // still in returnable sale lines, which returns bring back).
  const inLines = w.sales.reduce((s, l) => s + l.valueFen, 0);
  const inLinesRef = w.sales.reduce((s, l) => add(s, l.ref), Z);
  const drift = abs(sub(q(BigInt(total + inLines)), add(totalRef, inLinesRef)));
  expect(lte(drift, q(BigInt(w.steps)))).toBe(true);
}

test("cost ledger model: random receipts, sales, returns, transfers and counts", () => {
  const runs = Number(process.env.COST_MODEL_RUNS ?? 200);
  const seed = process.env.COST_MODEL_SEED ? Number(process.env.COST_MODEL_SEED) : undefined;
  fc.assert(
    fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
      const w: World = {
        pos: Array.from({ length: STORES }, () => EMPTY_POSITION),
        ref: Array.from({ length: STORES }, () => ({ onHand: 0, value: Z })),
        moved: Array(STORES).fill(0),
        sales: [],
        flowFen: 0,
        flowRef: Z,
        steps: 0,
      };
      for (const o of ops) step(w, o);
    }),
    { numRuns: runs, ...(seed !== undefined ? { seed } : {}) },
  );
});
