#!/usr/bin/env bun
// Browser end-to-end tests of the HQ console: `bun hq-console/e2e/run.ts <junit-report.xml>`.
// Builds the console when it is missing or stale, starts a real HQ hub serving it, feeds the hub
// a real enrolled store over MQTT, drives Debian's chromium through playwright-core, and writes
// a JUnit report (scripts/test.ts counts it).
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { ensureConsoleBuild } from "../scripts/ensure-build.ts";
import { consoleSuite } from "./console.e2e.ts";
import { junit, type Result } from "./lib/runner.ts";

const report = resolve(process.argv[2] ?? resolve(import.meta.dir, "../../test-results/hq-console-e2e.xml"));
const { suite, setUp, tearDown } = consoleSuite();
let results: Result[] = [];
let setupError: Error | undefined;
const t0 = performance.now();
console.log(`${suite.name}`);
try {
  const build = ensureConsoleBuild();
  await setUp(build);
  results = await suite.run();
} catch (e) {
  setupError = e instanceof Error ? e : new Error(String(e));
  console.error(`set-up failed: ${setupError.stack ?? setupError.message}`);
} finally {
  await tearDown().catch((e) => console.error(`tear-down: ${(e as Error).message}`));
}
mkdirSync(dirname(report), { recursive: true });
writeFileSync(report, junit(suite.name, results, setupError));
const failed = results.filter((r) => r.error).length + (setupError ? 1 : 0);
console.log(
  `hq-console e2e: ${results.length - results.filter((r) => r.error).length} passed, ${failed} failed in ${((performance.now() - t0) / 1000).toFixed(1)} s; report ${report}`,
);
process.exit(failed ? 1 : 0);
