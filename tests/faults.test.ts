// The standing fault suite's short mode inside npm test: a real hub and three real edges selling
// through TCP proxies, one fault of every class in a seeded order, the invariants checked after each fault from both databases. And the proof
// that it finds something: with a bug planted in the hub (HQ_PLANT_BUG=ack_before_commit, acks
// published before the commit) a run of hub kills reports violations with its seed.
import { expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { host } from "./faults/host.ts";
import { formatReport, runFaults } from "./faults/runner.ts";
import { classesFor, drawSchedule, roundsOf } from "./faults/schedule.ts";
import { formatStorm, runStorm } from "./faults/storm.ts";

setDefaultTimeout(600_000);
const seed = Number(process.env.FAULTS_SEED ?? Math.floor(Math.random() * 2 ** 31));

test("short mode: every fault class injected against real processes, 0 violations", async () => {
  const lines: string[] = [];
  const report = await runFaults({
    seed,
    faults: classesFor("embedded", host().skipped).length,
    stores: 3,
    fast: true, // faults held 0.3-1.5 s: keeps npm test's share under its budget
    log: (l) => lines.push(l),
  });
  const table = formatReport(report);
  console.log(table);
  expect(
    report.rows
      .filter((r) => r.fault !== "final")
      .map((r) => r.fault)
      .sort(),
  ).toEqual(classesFor("embedded", host().skipped).sort());
  expect(report.sales).toBeGreaterThan(0);
  // On failure the message carries the seed (and the violations) that replay it.
  expect({ seed, violations: report.violations.slice(0, 20) }).toEqual({ seed, violations: [] });
});

test("the broker alone killed: the hub on an external Mosquitto, kill -9 and restart, 0 violations", async () => {
  // Mosquitto with on-disk persistence (the runner's default, as a chain runs it): the restart
  // restores the hub's persistent session, and the hub subscribes again (issue 21's finding).
  const report = await runFaults({
    seed,
    faults: 2,
    stores: 2,
    only: ["kill9-broker"],
    broker: "mosquitto",
    brokerPersistence: true,
    log: () => {},
  });
  console.log(formatReport(report));
  expect(report.rows.find((r) => r.fault === "kill9-broker")?.count).toBe(2);
  expect(report.sales).toBeGreaterThan(0);
  expect({ seed, violations: report.violations.slice(0, 20) }).toEqual({ seed, violations: [] });
});

test("a planted bug (the hub acks before it commits) is found and reported with its seed", async () => {
  const report = await runFaults({
    seed,
    faults: 2,
    stores: 2,
    only: ["kill9-hub"],
    env: { HQ_PLANT_BUG: "ack_before_commit" },
    log: () => {},
  });
  const table = formatReport(report);
  console.log(table);
  expect(report.violations.length).toBeGreaterThan(0);
  expect(report.violations.map((v) => v.invariant)).toContain("delivered only when HQ holds it");
  expect(table).toContain(`FAILED with seed ${seed}`);
  expect(table).toContain(`npm run faults -- --seed ${seed}`);
  rmSync(report.dir, { recursive: true, force: true }); // kept by the runner for a real failure
});

test("planted edge bugs (a sale without its outbox row, a commit not fsynced, half a change set) are found and reported with the seed", async () => {
  // One run, one bug per store (STORE_EDGE_PLANT_BUG in that edge's environment), a power cut
  // on every store (the shim drops every unsynced write):
  // - F001 skip_outbox_row: a sale committed without its sale.completed outbox row never reaches HQ;
  // - F002 skip_fsync: durable commits with synchronous=NORMAL (WAL commits not fsynced): a kill -9
  //   would not show it, the power cut loses sales the cashier was told were committed;
  // - F003 half_changeset: a delta version of several items applied with its first half only and
  //   marked applied (the runner's releases set two prices at once).
  const plants = { F001: "skip_outbox_row", F002: "skip_fsync", F003: "half_changeset" };
  const report = await runFaults({
    seed,
    faults: 3,
    stores: 3,
    only: ["power-cut"],
    plants,
    powerCutKeepsPrefix: false,
    log: () => {},
  });
  const table = formatReport(report);
  console.log(table);
  const found = (storeId: string) =>
    report.violations.filter((v) => v.storeId === storeId).map((v) => v.invariant);
  expect(found("F001")).toContain("sale at HQ exactly once");
  expect(found("F003")).toContain("no store runs half a change set");
  if (report.skipped["power-cut"])
    console.log(`power-cut skipped on this machine: ${report.skipped["power-cut"]}`);
  else expect(found("F002")).toContain("a sale acknowledged to the cashier survives power loss");
  expect(table).toContain(`FAILED with seed ${seed}`);
  expect(table).toContain(`npm run faults -- --seed ${seed}`);
  expect(table).toContain("--plant F001=skip_outbox_row,F002=skip_fsync,F003=half_changeset");
  rmSync(report.dir, { recursive: true, force: true });
});

test("the long mode (store lanes, batched checks from the databases) finds planted edge bugs right after a fault, with the seed", async () => {
  // The long mode checks each store after each of its faults from edge.db and hq.db snapshots
  // (no drain, no HTTP): a sale without its outbox event and half a change set must be found
  // there, attributed to a fault (#n ...), not only by the final full check. F003 runs clean.
  const plants = { F001: "skip_outbox_row", F002: "half_changeset" };
  const report = await runFaults({
    seed,
    faults: 150,
    stores: 3,
    only: ["net-latency", "net-cut", "clock-forward"],
    plants,
    mix: { expensiveShare: 0 },
    fullEvery: 1000,
    log: () => {},
  });
  const table = formatReport(report);
  console.log(table);
  const afterAFault = (storeId: string, invariant: string) =>
    report.violations.filter(
      (v) => v.storeId === storeId && v.invariant === invariant && v.after.startsWith("#"),
    );
  expect(afterAFault("F001", "a committed sale has its outbox event").length).toBeGreaterThan(0);
  expect(afterAFault("F002", "no store runs half a change set").length).toBeGreaterThan(0);
  expect(report.violations.filter((v) => v.storeId === "F003")).toEqual([]);
  expect(report.phases.incrementalChecks).toBeGreaterThan(0);
  expect(table).toContain(`FAILED with seed ${seed}`);
  expect(table).toContain(`npm run faults -- --seed ${seed}`);
  expect(table).toContain("--plant F001=skip_outbox_row,F002=half_changeset");
  rmSync(report.dir, { recursive: true, force: true });
});

test("reconnect storm: simulated stores with backlogs reconnect at once after the hub's kill -9; every event at HQ exactly once, gapless, acked", async () => {
  // 25 stores here (npm test's budget); `npm run faults -- --storm 1000` is issue 21's size
  // (docs/benchmarks.md). Each store: 2 sales acked, the hub killed, 10 sales made offline.
  const dir = mkdtempSync(join(tmpdir(), "storm-"));
  const r = await runStorm({ stores: 25, backlog: 10, dir, log: () => {} });
  console.log(formatStorm(r));
  expect(r.stores).toBe(25);
  expect(r.backlogEvents).toBe(250);
  expect(r.events).toBe(300);
  expect(r.violations).toEqual([]);
  rmSync(dir, { recursive: true, force: true });
});

test("the long mode's draw: mostly cheap faults at the stated share, every store once per turn, so rounds fill up", () => {
  const s = drawSchedule(7, 2000, 10, undefined, classesFor("embedded"), true, { expensiveShare: 0.05 });
  const cheap = new Set([
    "net-cut",
    "net-latency",
    "net-halfopen",
    "net-loss",
    "net-reorder",
    "clock-forward",
    "clock-back",
    "poison",
    "duplicate",
  ]);
  const dear = s.slice(40).filter((f) => !cheap.has(f.kind)).length / (s.length - 40);
  expect(dear).toBeGreaterThan(0.02);
  expect(dear).toBeLessThan(0.09);
  // The first cover still holds every class once.
  expect(new Set(s.slice(0, classesFor("embedded").length).map((f) => f.kind)).size).toBe(
    classesFor("embedded").length,
  );
  const rounds = roundsOf(s, true);
  expect(s.length / rounds.length).toBeGreaterThan(5); // ~10 stores a round, broken by chain faults
  for (const r of rounds) expect(new Set(r.map((f) => f.store)).size).toBe(r.length);
  expect(
    drawSchedule(7, 2000, 10, undefined, classesFor("embedded"), true, { expensiveShare: 0.05 }),
  ).toEqual(s);
});
