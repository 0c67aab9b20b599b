import { expect, test } from "bun:test";
import { COST_DEFER_MAX_MS, costBatchesNow, costCatchUpTick, IDLE_BATCHES } from "./schedule.ts";

test("cost catches up when ingest is not draining, in more than one batch", () => {
  expect(costBatchesNow({ draining: false, sinceLastRunMs: 0 })).toBe(IDLE_BATCHES);
  expect(IDLE_BATCHES).toBeGreaterThan(1);
});

test("while ingest drains a backlog the timer waits, but never longer than COST_DEFER_MAX_MS", () => {
  expect(costBatchesNow({ draining: true, sinceLastRunMs: 2_000 })).toBe(0);
  expect(costBatchesNow({ draining: true, sinceLastRunMs: COST_DEFER_MAX_MS - 1 })).toBe(0);
  expect(costBatchesNow({ draining: true, sinceLastRunMs: COST_DEFER_MAX_MS })).toBe(1);
  expect(costBatchesNow({ draining: true, sinceLastRunMs: 10 * COST_DEFER_MAX_MS })).toBe(1);
});

test("the timer's tick: two batches when ingest is quiet, none while it drains", () => {
  const calls: { batch: number; maxBatches: number }[] = [];
  let draining = false;
  const tick = costCatchUpTick(
    (o) => {
      calls.push(o);
      return 0;
    },
    () => draining,
  );
  tick();
  expect(calls).toEqual([{ batch: 1000, maxBatches: IDLE_BATCHES }]);
  draining = true;
  tick();
  tick();
  expect(calls.length).toBe(1); // waits (up to COST_DEFER_MAX_MS) for the drain to end
  draining = false;
  tick();
  expect(calls.length).toBe(2);
});
