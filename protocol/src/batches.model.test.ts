// Model-based test of batch stock (fast-check commands): one SKU's lots at a store go through
// random receipts of dated lots, FEFO sales (also selling more than is there), transfers out,
// counts (losses drawn FEFO, gains undated), counts BY LOT (a stocktake: each lot counted with
// shrink and finds, approval moving each lot by its own difference, lots.ts countLotDeltas),
// restocked returns and expiry write-offs, against a
// plain model that keeps every physical unit with its batch and expiry in a list plus the units
// sold that the store did not have (owed; undated units coming in settle it first). After every command: the lots sum to on-hand, what
// the shelf shows (`lotView`) is the model's units less what is owed, first-expiring first, and
// HQ's mirror (the same deltas applied in a shuffled order, as events may reach HQ) is the
// store's lots. BATCH_MODEL_RUNS=n runs longer (default 200).
import { expect, test } from "bun:test";
import fc from "fast-check";
import {
  applyLotDeltas,
  balancedDeltas,
  countedLots,
  countLotDeltas,
  daysToExpiry,
  drawFefo,
  isExpiryDate,
  type Lot,
  type LotDelta,
  lotView,
  UNDATED,
} from "./batches.ts";

const RUNS = Number(process.env.BATCH_MODEL_RUNS ?? 200);
const TODAY = "2026-12-07";

interface Unit {
  batch: string;
  expiresOn: string | null;
}
interface Model {
  units: Unit[];
  owed: number;
}
interface Real {
  lots: Lot[];
  /** Every delta applied, in order (HQ's mirror replays them shuffled). */
  log: LotDelta[];
  onHand: number;
}

const fefo = (a: Unit, b: Unit) =>
  a.batch === UNDATED || b.batch === UNDATED
    ? (a.batch === UNDATED ? 0 : 1) - (b.batch === UNDATED ? 0 : 1)
    : (a.expiresOn ?? "").localeCompare(b.expiresOn ?? "") ||
      (a.batch < b.batch ? -1 : a.batch > b.batch ? 1 : 0);

/** Takes n units out of the model, first-expiring first; what is not there is owed. */
function take(m: Model, n: number) {
  m.units.sort(fefo);
  const got = Math.min(n, m.units.length);
  m.units.splice(0, got);
  m.owed += n - got;
}
/** Undated units in (a return, a count gain): they settle what is owed first (the undated lot). */
function addUndated(m: Model, n: number) {
  const settle = Math.min(n, m.owed);
  m.owed -= settle;
  for (let i = settle; i < n; i++) m.units.push({ batch: UNDATED, expiresOn: null });
}
/** What the model's shelf holds: its units less what is owed, FEFO. */
function modelView(m: Model): Lot[] {
  const units = [...m.units].sort(fefo).slice(m.owed);
  const out: Lot[] = [];
  for (const u of units) {
    const last = out.at(-1);
    if (last && last.batch === u.batch && last.expiresOn === u.expiresOn) last.qty++;
    else out.push({ batch: u.batch, expiresOn: u.expiresOn, qty: 1 });
  }
  return out;
}
function apply(r: Real, ds: LotDelta[], total: number) {
  expect(ds.reduce((s, d) => s + d.qty, 0)).toBe(total);
  r.lots = applyLotDeltas(r.lots, ds);
  r.log.push(...ds);
  r.onHand += total;
}

type Cmd = fc.Command<Model, Real>;
const BATCHES = ["L1", "L2", "L3"];
const DATES = ["2026-12-05", "2026-12-09", "2026-12-12", "2027-01-20"];

class Receive implements Cmd {
  constructor(
    readonly batch: string,
    readonly expiresOn: string,
    readonly qty: number,
  ) {}
  check = () => true;
  run(m: Model, r: Real) {
    for (let i = 0; i < this.qty; i++) m.units.push({ batch: this.batch, expiresOn: this.expiresOn });
    apply(
      r,
      balancedDeltas([{ batch: this.batch, expiresOn: this.expiresOn, qty: this.qty }], this.qty),
      this.qty,
    );
  }
  toString = () => `receive ${this.batch}/${this.expiresOn} x${this.qty}`;
}
/** A sale or a transfer out: both draw FEFO at the store. */
class Draw implements Cmd {
  constructor(
    readonly what: "sell" | "transfer_out",
    readonly qty: number,
  ) {}
  check = () => true;
  run(m: Model, r: Real) {
    take(m, this.qty);
    apply(r, drawFefo(r.lots, this.qty), -this.qty);
  }
  toString = () => `${this.what} ${this.qty}`;
}
class ReturnRestock implements Cmd {
  constructor(readonly qty: number) {}
  check = () => true;
  run(m: Model, r: Real) {
    addUndated(m, this.qty);
    apply(r, balancedDeltas(undefined, this.qty), this.qty);
  }
  toString = () => `return ${this.qty}`;
}
class Count implements Cmd {
  constructor(readonly counted: number) {}
  check = () => true;
  run(m: Model, r: Real) {
    const diff = this.counted - r.onHand;
    if (diff < 0) {
      take(m, -diff);
      apply(r, drawFefo(r.lots, -diff), diff);
    } else if (diff > 0) {
      addUndated(m, diff);
      apply(r, balancedDeltas(undefined, diff), diff);
    }
  }
  toString = () => `count ${this.counted}`;
}
/** Writes off every lot past its date, as much of it as the shelf shows. */
class Expire implements Cmd {
  check = () => true;
  run(m: Model, r: Real) {
    const gone = lotView(r.lots).filter((l) => l.expiresOn !== null && daysToExpiry(l.expiresOn, TODAY) < 0);
    for (const l of gone) {
      let n = l.qty;
      m.units = m.units.filter((u) => !(u.batch === l.batch && u.expiresOn === l.expiresOn && n-- > 0));
      apply(r, [{ batch: l.batch, expiresOn: l.expiresOn!, qty: -l.qty }], -l.qty);
    }
  }
  toString = () => "expire";
}

/**
 * A stocktake counted by lot: the counters find what is on the shelf per lot (the model's units
 * less what is owed), some lots short or over by `adjust`, maybe a lot the book did not know
 * (`found`). Approval moves each lot by its count less the snapshot: afterwards the store's lots
 * are exactly what was counted, the undated rest included, and none is negative.
 */
class CountByLot implements Cmd {
  constructor(
    readonly adjust: { k: number; d: number }[],
    readonly found: { batch: string; expiresOn: string | null; qty: number } | null,
  ) {}
  check = () => true;
  run(m: Model, r: Real) {
    const counted = modelView(m).map((l) => ({ batch: l.batch, expiresOn: l.expiresOn, qty: l.qty }));
    for (const a of this.adjust)
      if (counted.length) {
        const l = counted[a.k % counted.length]!;
        l.qty = Math.max(0, l.qty + a.d);
      }
    if (this.found) {
      const f = this.found;
      const same = counted.find(
        (l) => l.batch === f.batch && (f.batch === UNDATED || l.expiresOn === f.expiresOn),
      );
      if (same) same.qty += f.qty;
      else counted.push({ ...f, expiresOn: f.batch === UNDATED ? null : f.expiresOn });
    }
    const total = counted.reduce((a, l) => a + l.qty, 0);
    const line = { expected: r.onHand, counted: total, lots: countedLots(r.lots, counted) };
    // Nothing in the book and nothing found: no lots to name, nothing moves.
    const deltas = line.lots.length === 0 ? [] : countLotDeltas(line);
    expect(deltas).toBeDefined();
    apply(r, deltas!, total - r.onHand);
    // After approval the lots are what was counted: nothing owed, no negative (undated) rest.
    expect(r.lots.every((l) => l.qty > 0)).toBe(true);
    expect(r.lots).toEqual(
      applyLotDeltas(
        [],
        counted.map((l) => ({ batch: l.batch, expiresOn: l.expiresOn ?? undefined, qty: l.qty })),
      ),
    );
    m.owed = 0;
    m.units = counted.flatMap((l) =>
      Array.from({ length: l.qty }, () => ({ batch: l.batch, expiresOn: l.expiresOn })),
    );
  }
  toString = () => `count by lot ${JSON.stringify(this.adjust)} found ${JSON.stringify(this.found)}`;
}

function checkAgree(m: Model, r: Real, shuffle: number[]) {
  expect(r.lots.reduce((s, l) => s + l.qty, 0)).toBe(r.onHand);
  expect(r.onHand).toBe(m.units.length - m.owed);
  expect(lotView(r.lots)).toEqual(modelView(m));
  // HQ's mirror: the same deltas in another order give the same lots.
  const order = r.log.map((d, i) => ({ d, k: shuffle[i % shuffle.length]! * 1000 + i }));
  order.sort((a, b) => a.k - b.k);
  expect(
    applyLotDeltas(
      [],
      order.map((o) => o.d),
    ),
  ).toEqual(r.lots);
}

/** The command, then the agreement check. */
function checked(c: Cmd, shuffle: number[]): Cmd {
  return {
    check: (m) => c.check(m),
    run: (m, r) => {
      c.run(m, r);
      checkAgree(m, r, shuffle);
    },
    toString: () => c.toString(),
  };
}

test("batch stock: receive, FEFO sales and transfers, counts (also by lot), returns and write-offs agree with a plain model and with HQ's shuffled mirror", () => {
  const commands = [
    fc
      .tuple(fc.constantFrom(...BATCHES), fc.constantFrom(...DATES), fc.integer({ min: 1, max: 12 }))
      .map(([b, e, q]) => new Receive(b, e, q)),
    fc.integer({ min: 1, max: 9 }).map((q) => new Draw("sell", q)),
    fc.integer({ min: 1, max: 6 }).map((q) => new Draw("transfer_out", q)),
    fc.integer({ min: 1, max: 3 }).map((q) => new ReturnRestock(q)),
    fc.integer({ min: 0, max: 20 }).map((c) => new Count(c)),
    fc.constant(new Expire()),
    fc
      .tuple(
        fc.array(fc.record({ k: fc.nat(5), d: fc.integer({ min: -4, max: 3 }) }), { maxLength: 3 }),
        fc.option(
          fc.record({
            batch: fc.constantFrom(UNDATED, ...BATCHES),
            expiresOn: fc.constantFrom(...DATES),
            qty: fc.integer({ min: 1, max: 3 }),
          }),
        ),
      )
      .map(([adjust, found]) => new CountByLot(adjust, found)),
  ];
  fc.assert(
    fc.property(
      fc.commands(commands, { maxCommands: 40 }),
      fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 7 }),
      (cmds, shuffle) => {
        const m: Model = { units: [], owed: 0 };
        const r: Real = { lots: [], log: [], onHand: 0 };
        fc.modelRun(
          () => ({ model: m, real: r }),
          [...cmds].map((c) => checked(c, shuffle)),
        );
      },
    ),
    { numRuns: RUNS },
  );
});

test("FEFO by example: undated first, then earliest expiry, then batch; an oversell is owed by the undated lot", () => {
  const lots: Lot[] = [
    { batch: "B", expiresOn: "2026-12-12", qty: 4 },
    { batch: "A", expiresOn: "2026-12-12", qty: 2 },
    { batch: "C", expiresOn: "2026-12-09", qty: 3 },
    { batch: UNDATED, expiresOn: null, qty: 1 },
  ];
  expect(drawFefo(lots, 7)).toEqual([
    { batch: UNDATED, qty: -1 },
    { batch: "C", expiresOn: "2026-12-09", qty: -3 },
    { batch: "A", expiresOn: "2026-12-12", qty: -2 },
    { batch: "B", expiresOn: "2026-12-12", qty: -1 },
  ]);
  const after = applyLotDeltas(lots, drawFefo(lots, 12));
  expect(after).toEqual([{ batch: UNDATED, expiresOn: null, qty: -2 }]);
  // Received after the oversell: the shelf shows the 2 owed units gone from the first lot.
  const got = applyLotDeltas(after, [{ batch: "D", expiresOn: "2026-12-20", qty: 5 }]);
  expect(lotView(got)).toEqual([{ batch: "D", expiresOn: "2026-12-20", qty: 3 }]);
  expect(() => drawFefo(lots, -1)).toThrow(RangeError);
  expect(() => drawFefo(lots, 1.5)).toThrow(RangeError);
});

test("forged or old events: lot deltas that do not add up are balanced into the undated lot", () => {
  expect(balancedDeltas([{ batch: "A", expiresOn: "2026-12-09", qty: -50 }], -3)).toEqual([
    { batch: "A", expiresOn: "2026-12-09", qty: -50 },
    { batch: UNDATED, qty: 47 },
  ]);
  expect(balancedDeltas(undefined, -3)).toEqual([{ batch: UNDATED, qty: -3 }]);
  expect(balancedDeltas([{ batch: "A", expiresOn: "2026-12-09", qty: 0 }], 0)).toEqual([]);
});

test("expiry dates: real calendar days only; days to expiry counts the last day as 0", () => {
  for (const ok of ["2026-12-31", "2028-02-29", "2100-01-01"]) expect(isExpiryDate(ok)).toBe(true);
  for (const bad of [
    "2026-02-30",
    "2027-02-29",
    "26-12-01",
    "2026-1-1",
    "2026-12-01T00:00",
    "1999-12-31",
    "",
  ])
    expect(isExpiryDate(bad)).toBe(false);
  expect(daysToExpiry("2026-12-07", TODAY)).toBe(0);
  expect(daysToExpiry("2026-12-10", TODAY)).toBe(3);
  expect(daysToExpiry("2026-12-06", TODAY)).toBe(-1);
});
