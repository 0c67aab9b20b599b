// The standing fault suite's short mode inside npm test: a real hub and three real edges selling
// through TCP proxies, one fault of every class in a seeded order, the invariants checked after each fault from both databases. And the proof
// that it finds something: with a bug planted in the hub (HQ_PLANT_BUG=ack_before_commit, acks
// published before the commit) a run of hub kills reports violations with its seed.
import { expect, setDefaultTimeout, test } from "bun:test";
import { rmSync } from "node:fs";
import { host } from "./faults/host.ts";
import { formatReport, runFaults } from "./faults/runner.ts";
import { classesFor } from "./faults/schedule.ts";

setDefaultTimeout(600_000);
const seed = Number(process.env.FAULTS_SEED ?? Math.floor(Math.random() * 2 ** 31));

test("short mode: every fault class injected against real processes, 0 violations", async () => {
  const lines: string[] = [];
  const report = await runFaults({
    seed,
    faults: classesFor("embedded", host().skipped).length,
    stores: 3,
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
    faults: 3,
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

test("a planted edge bug (a sale committed without its outbox row) is found and reported with its seed", async () => {
  const report = await runFaults({
    seed,
    faults: 1,
    stores: 1,
    only: ["kill9-edge"],
    env: { STORE_EDGE_PLANT_BUG: "skip_outbox_row" },
    log: () => {},
  });
  const table = formatReport(report);
  console.log(table);
  expect(report.violations.map((v) => v.invariant)).toContain("sale at HQ exactly once");
  expect(table).toContain(`FAILED with seed ${seed}`);
  expect(table).toContain(`npm run faults -- --seed ${seed}`);
  rmSync(report.dir, { recursive: true, force: true });
});

test("a planted edge bug (a sale's commit not fsynced) is found by a power cut and reported with its seed", async () => {
  // STORE_EDGE_PLANT_BUG=skip_fsync: durable commits run with synchronous=NORMAL (WAL commits not
  // fsynced). A kill -9 would not show it; the power cut (LD_PRELOAD shim) drops the unsynced
  // writes and the sales the cashier was told were committed are gone from edge.db.
  const report = await runFaults({
    seed,
    faults: 1,
    stores: 1,
    only: ["power-cut"],
    env: { STORE_EDGE_PLANT_BUG: "skip_fsync" },
    powerCutKeepsPrefix: false,
    log: () => {},
  });
  const table = formatReport(report);
  console.log(table);
  if (report.skipped["power-cut"]) {
    console.log(`power-cut skipped on this machine: ${report.skipped["power-cut"]}`);
    return;
  }
  expect(report.violations.map((v) => v.invariant)).toContain(
    "a sale acknowledged to the cashier survives power loss",
  );
  expect(table).toContain(`FAILED with seed ${seed}`);
  expect(table).toContain(`STORE_EDGE_PLANT_BUG=skip_fsync npm run faults -- --seed ${seed}`);
  rmSync(report.dir, { recursive: true, force: true });
});

test("a planted edge bug (half a catalog change set applied) is found and reported with its seed", async () => {
  // STORE_EDGE_PLANT_BUG=half_changeset: a delta version of several items is applied with its
  // first half only and marked applied; the runner's releases set two prices at once.
  const report = await runFaults({
    seed,
    faults: 1,
    stores: 1,
    only: ["kill9-edge"],
    env: { STORE_EDGE_PLANT_BUG: "half_changeset" },
    log: () => {},
  });
  const table = formatReport(report);
  console.log(table);
  expect(report.violations.map((v) => v.invariant)).toContain("no store runs half a change set");
  expect(table).toContain(`FAILED with seed ${seed}`);
  expect(table).toContain(`STORE_EDGE_PLANT_BUG=half_changeset npm run faults -- --seed ${seed}`);
  rmSync(report.dir, { recursive: true, force: true });
});
