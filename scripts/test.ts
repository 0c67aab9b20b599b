// Runs every test runner of every package and ends with one plain line, "N passed, N failed",
// which CI reads. Each package's bun tests run in their own process with a JUnit report, so the
// count does not depend on the console format of any runner.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dir, "..");
const packages = [
  "protocol",
  "sqlite-kit",
  "firmware-bridge",
  "store-edge",
  "hq-hub",
  "terminal-ui",
  "hq-console",
];
const only = process.argv.slice(2);
const reportDir = join(root, "test-results");
rmSync(reportDir, { recursive: true, force: true });
mkdirSync(reportDir, { recursive: true });

spawnSync("bash", [join(root, "scripts/install-system-deps.sh")], { stdio: "inherit" });

export interface Tally {
  passed: number;
  failed: number;
  /** Cases that did not run: a browser story stops at its first failed case (serial mode). */
  skipped: number;
}

/**
 * Counts JUnit <testcase> elements; a case with <failure> or <error> failed, <skipped> is
 * neither. Failed cases are named (file, then test) so the end of the log says which.
 */
export function tallyJunit(xml: string): Tally & { failedNames: string[] } {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const failedNames: string[] = [];
  const re = /<testcase\b([^>]*?)(\/>|>([\s\S]*?)<\/testcase>)/g;
  for (const m of xml.matchAll(re)) {
    const body = m[3] ?? "";
    if (/<(failure|error)\b/.test(body)) {
      failed++;
      const attr = (k: string) => unescapeXml(new RegExp(`\\b${k}="([^"]*)"`).exec(m[1] ?? "")?.[1] ?? "");
      failedNames.push([attr("file") || attr("classname"), attr("name")].filter(Boolean).join(" > "));
    } else if (/<skipped\b/.test(body)) skipped++;
    else passed++;
  }
  return { passed, failed, skipped, failedNames };
}

function unescapeXml(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

function hasTests(dir: string): boolean {
  const walk = (d: string): boolean =>
    readdirSync(d, { withFileTypes: true }).some((e) => {
      if (e.name === "node_modules" || e.name.startsWith(".")) return false;
      const p = join(d, e.name);
      return e.isDirectory() ? walk(p) : /\.test\.ts$/.test(e.name);
    });
  return existsSync(dir) && walk(dir);
}

const total: Tally = { passed: 0, failed: 0, skipped: 0 };
// CI shows only the end of the log: the failures are listed again just above the last line.
const failures: string[] = [];
const bun = process.execPath;
for (const pkg of packages) {
  if (only.length && !only.includes(pkg)) continue;
  const dir = join(root, pkg);
  if (!hasTests(join(dir, "src"))) continue;
  const report = join(reportDir, `${pkg}.xml`);
  console.log(`\n=== ${pkg}: bun test`);
  const r = spawnSync(
    bun,
    ["test", "--timeout=60000", "--reporter=junit", `--reporter-outfile=${report}`, "./src"],
    {
      cwd: dir,
      stdio: "inherit",
    },
  );
  const t = existsSync(report)
    ? tallyJunit(readFileSync(report, "utf8"))
    : { passed: 0, failed: 0, skipped: 0, failedNames: [] };
  // A runner that crashed or exited non-zero without reporting a failure still counts as one.
  if (r.status !== 0 && t.failed === 0) {
    t.failed = 1;
    t.failedNames.push(
      `the ${pkg} runner exited with ${r.status ?? r.signal} without a report of a failed test`,
    );
  }
  failures.push(...t.failedNames.map((n) => `${pkg}: ${n}`));
  total.passed += t.passed;
  total.failed += t.failed;
  total.skipped += t.skipped;
}

// Cross-package tests (tests/: the rollout model drives the hub's catalog and the edge's
// replica together; the fault suite's short mode runs real hub and edge processes), run from
// the root.
if (!only.length || only.includes("tests")) {
  const report = join(reportDir, "tests.xml");
  console.log("\n=== tests: bun test");
  const r = spawnSync(
    bun,
    ["test", "--timeout=600000", "--reporter=junit", `--reporter-outfile=${report}`, "./tests"],
    { cwd: root, stdio: "inherit" },
  );
  const t = existsSync(report)
    ? tallyJunit(readFileSync(report, "utf8"))
    : { passed: 0, failed: 0, skipped: 0, failedNames: [] };
  if (r.status !== 0 && t.failed === 0) {
    t.failed = 1;
    t.failedNames.push(
      `the tests runner exited with ${r.status ?? r.signal} without a report of a failed test`,
    );
  }
  failures.push(...t.failedNames.map((n) => `tests: ${n}`));
  total.passed += t.passed;
  total.failed += t.failed;
  total.skipped += t.skipped;
}

// Browser suites: @playwright/test with each UI's playwright.config.ts (Debian chromium, traces
// and screenshots of failed cases under test-results/<pkg>-e2e/), run under bun like every other
// runner here; its JUnit report is counted like the bun suites'.
const playwrightCli = join(root, "node_modules/@playwright/test/cli.js");
for (const pkg of ["terminal-ui", "hq-console"]) {
  if (only.length && !only.includes(pkg)) continue;
  const config = join(root, pkg, "playwright.config.ts");
  if (!existsSync(config)) continue;
  const report = join(reportDir, `${pkg}-e2e.xml`);
  console.log(`\n=== ${pkg}: playwright`);
  const r = spawnSync(bun, [playwrightCli, "test", "-c", config], {
    cwd: join(root, pkg),
    stdio: "inherit",
    env: { ...process.env, E2E_JUNIT: report },
  });
  const t = existsSync(report)
    ? tallyJunit(readFileSync(report, "utf8"))
    : { passed: 0, failed: 0, skipped: 0, failedNames: [] };
  if (r.status !== 0 && t.failed === 0) {
    t.failed = 1;
    t.failedNames.push(
      `the ${pkg} browser runner exited with ${r.status ?? r.signal} without a report of a failed test`,
    );
  }
  failures.push(...t.failedNames.map((n) => `${pkg} e2e: ${n}`));
  total.passed += t.passed;
  total.failed += t.failed;
  total.skipped += t.skipped;
}

if (failures.length) console.log(`\nfailed:\n${failures.map((f) => `  ${f}`).join("\n")}`);
// Cases that did not run (hardware-only contracts without their device, the rest of a browser
// story after its first failure) on a line of their own: CI reads the last line, and it stays
// exactly "N passed, N failed".
if (total.skipped)
  console.log(`${total.skipped} skipped (not run: hardware not attached, or after a failed case)`);
console.log(`${total.passed} passed, ${total.failed} failed`);
process.exit(total.failed > 0 || total.passed === 0 ? 1 : 0);
