// npm run faults [-- --short | --long | --faults N] [--seed N] [--stores N] [--only a,b]
// [--broker embedded|mosquitto] [--power-cut-drop-all] [--one-at-a-time] [--fast] [--plant F001=bug,...]
// [--expensive-share 0.02] [--full-every 200] [--minutes M]: the
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
// --storm N [--backlog B] [--link-drop] [--direct]: the reconnect storm alone (tests/faults/storm.ts): N simulated stores,
// the hub killed, B sales each made offline, every store reconnecting at once.
if (opt("--storm")) {
  const { mkdtempSync, rmSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const { runStorm, formatStorm } = await import("../tests/faults/storm.ts");
  const dir = mkdtempSync(join(tmpdir(), "storm-"));
  const r = await runStorm({
    stores: Number(opt("--storm")),
    backlog: Number(opt("--backlog") ?? 20),
    dir,
    outage: args.includes("--link-drop") ? "link-drop" : "hub-kill",
    enroll: args.includes("--direct") ? "direct" : "api",
  });
  console.log(formatStorm(r));
  if (!r.violations.length) rmSync(dir, { recursive: true, force: true });
  else console.log(`data kept in ${dir}`);
  process.exit(r.violations.length ? 1 : 0);
}
const seed = Number(opt("--seed") ?? Math.floor(Math.random() * 2 ** 31));
// --short (the default): one fault of every class and 3 more; --long: 200; --faults N: N.
const broker = (opt("--broker") ?? "embedded") as "embedded" | "mosquitto";
if (broker !== "embedded" && broker !== "mosquitto")
  throw new Error(`--broker: embedded or mosquitto, not ${broker}`);
// --long: issue 21's measured mode, 10,000 faults, mostly cheap (processes stay up), expensive
// ones at --expensive-share (default 2 %), 12 stores, incremental checks, a full one every
// --full-every faults (default 200), after every chain fault and at the end; --minutes M stops
// drawing after M minutes (the report says how many ran).
const long = args.includes("--long");
const faults = Number(opt("--faults") ?? (long ? 10_000 : classesFor(broker, host().skipped).length + 3));
const share = opt("--expensive-share");
const mix = long || share !== undefined ? { expensiveShare: Number(share ?? 0.02) } : undefined;
const only = (opt("--only")?.split(",").filter(Boolean) ?? []) as FaultClass[];
for (const f of only)
  if (!FAULT_CLASSES.includes(f))
    throw new Error(`--only: no fault class ${f} (${FAULT_CLASSES.join(", ")})`);
console.log(`faults: seed ${seed}`);
// A SIGTERM/SIGINT (a `timeout` around a long run, Ctrl-C) stops drawing faults: the end's
// check, the table and the cleanup (processes, loop mounts) still run; a second one exits at once.
let stopRequested = false;
for (const sig of ["SIGTERM", "SIGINT"] as const)
  process.on(sig, () => {
    if (stopRequested) process.exit(130);
    stopRequested = true;
    console.log(`faults: ${sig}: no more faults; the final check and cleanup follow (again to exit at once)`);
  });
const report = await runFaults({
  stopRequested: () => stopRequested,
  seed,
  faults,
  stores: Number(opt("--stores") ?? (long ? 12 : 3)),
  only,
  keepDir: args.includes("--keep"),
  broker,
  brokerPersistence: !args.includes("--no-broker-persistence"),
  powerCutKeepsPrefix: !args.includes("--power-cut-drop-all"),
  parallel: !args.includes("--one-at-a-time"),
  fast: args.includes("--fast") || long,
  ...(mix ? { mix, fullEvery: Number(opt("--full-every") ?? 200) } : {}),
  ...(opt("--minutes") ? { deadlineMs: Number(opt("--minutes")) * 60_000 } : {}),
  // --plant F001=skip_outbox_row,F002=skip_fsync: a planted edge bug per store.
  plants: Object.fromEntries((opt("--plant")?.split(",").filter(Boolean) ?? []).map((p) => p.split("="))),
  // Planted bugs from the environment, so the printed replay line carries them.
  env: Object.fromEntries(
    ["HQ_PLANT_BUG", "STORE_EDGE_PLANT_BUG"].flatMap((k) => (process.env[k] ? [[k, process.env[k]!]] : [])),
  ),
});
console.log(formatReport(report));
process.exit(report.violations.length ? 1 : 0);
