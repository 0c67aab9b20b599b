#!/usr/bin/env bun
// Browser end-to-end tests of the terminal UI: `bun terminal-ui/e2e/run.ts <junit-report.xml>`.
// Builds the UI when it is missing or stale, starts a real HQ hub and store edge per suite, drives
// Debian's chromium through playwright-core, and writes a JUnit report (scripts/test.ts counts it).
// `E2E_SUITE=screens` (or `shift`, `supervisor`, `order`) runs one suite only.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { ensureTerminalBuild } from "../scripts/ensure-build.ts";
import { junitSuites, type Result, type Suite } from "./lib/runner.ts";
import { orderAdjustSuite } from "./order-adjust.e2e.ts";
import { screensSuite } from "./screens.e2e.ts";
import { shiftSuite } from "./shift.e2e.ts";
import { supervisorSuite } from "./supervisor.e2e.ts";

const report = resolve(process.argv[2] ?? resolve(import.meta.dir, "../../test-results/terminal-ui-e2e.xml"));
const all: [string, () => { suite: Suite; setUp: () => Promise<void>; tearDown: () => Promise<void> }][] = [
  ["shift", shiftSuite],
  ["screens", screensSuite],
  ["supervisor", supervisorSuite],
  ["order", orderAdjustSuite],
];
const only = process.env.E2E_SUITE;
const parts: { name: string; results: Result[]; setupError?: Error }[] = [];
const t0 = performance.now();
ensureTerminalBuild();
for (const [key, make] of all) {
  if (only && only !== key) continue;
  const { suite, setUp, tearDown } = make();
  console.log(`${suite.name}`);
  const part: (typeof parts)[number] = { name: suite.name, results: [] };
  try {
    await setUp();
    part.results = await suite.run();
  } catch (e) {
    part.setupError = e instanceof Error ? e : new Error(String(e));
    console.error(`set-up failed: ${part.setupError.stack ?? part.setupError.message}`);
  } finally {
    await tearDown().catch((e) => console.error(`tear-down: ${(e as Error).message}`));
  }
  parts.push(part);
}
mkdirSync(dirname(report), { recursive: true });
writeFileSync(report, junitSuites(parts));
const cases = parts.reduce((s, p) => s + p.results.length + (p.setupError ? 1 : 0), 0);
const failed = parts.reduce(
  (s, p) => s + p.results.filter((r) => r.error).length + (p.setupError ? 1 : 0),
  0,
);
console.log(
  `terminal-ui e2e: ${cases - failed} passed, ${failed} failed in ${((performance.now() - t0) / 1000).toFixed(1)} s; report ${report}`,
);
process.exit(failed ? 1 : 0);
