// npm run faults [-- --short | --long | --faults N] [--seed N] [--stores N] [--only a,b]
// [--broker embedded|mosquitto] [--power-cut-drop-all] [--one-at-a-time] [--fast] [--plant F001=bug,...]: the
// standing fault suite (tests/faults/runner.ts, docs/development.md "Fault suite"). Prints the
// seed first, then each fault, any violation, and the table; exits 1 on any violation.

import { host } from "../tests/faults/host.ts";
import { formatReport, runFaults } from "../tests/faults/runner.ts";
import { classesFor, FAULT_CLASSES, type FaultClass } from "../tests/faults/schedule.ts";

const args = process.argv.slice(2);
const opt = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const seed = Number(opt("--seed") ?? Math.floor(Math.random() * 2 ** 31));
// --short (the default): one fault of every class and 3 more; --long: 200; --faults N: N.
const broker = (opt("--broker") ?? "embedded") as "embedded" | "mosquitto";
if (broker !== "embedded" && broker !== "mosquitto")
  throw new Error(`--broker: embedded or mosquitto, not ${broker}`);
const faults = Number(
  opt("--faults") ?? (args.includes("--long") ? 200 : classesFor(broker, host().skipped).length + 3),
);
const only = (opt("--only")?.split(",").filter(Boolean) ?? []) as FaultClass[];
for (const f of only)
  if (!FAULT_CLASSES.includes(f))
    throw new Error(`--only: no fault class ${f} (${FAULT_CLASSES.join(", ")})`);
console.log(`faults: seed ${seed}`);
const report = await runFaults({
  seed,
  faults,
  stores: Number(opt("--stores") ?? 3),
  only,
  keepDir: args.includes("--keep"),
  broker,
  brokerPersistence: !args.includes("--no-broker-persistence"),
  powerCutKeepsPrefix: !args.includes("--power-cut-drop-all"),
  parallel: !args.includes("--one-at-a-time"),
  fast: args.includes("--fast") || args.includes("--long"),
  // --plant F001=skip_outbox_row,F002=skip_fsync: a planted edge bug per store.
  plants: Object.fromEntries((opt("--plant")?.split(",").filter(Boolean) ?? []).map((p) => p.split("="))),
  // Planted bugs from the environment, so the printed replay line carries them.
  env: Object.fromEntries(
    ["HQ_PLANT_BUG", "STORE_EDGE_PLANT_BUG"].flatMap((k) => (process.env[k] ? [[k, process.env[k]!]] : [])),
  ),
});
console.log(formatReport(report));
process.exit(report.violations.length ? 1 : 0);
