// Runs every test runner of every package and ends with one plain line, "N passed, N failed",
// which CI reads. Each package's bun tests run in their own process with a JUnit report, so the
// count does not depend on the console format of any runner.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dir, "..");
const packages = ["protocol", "firmware-bridge", "store-edge", "hq-hub", "terminal-ui", "hq-console"];
const only = process.argv.slice(2);
const reportDir = join(root, "test-results");
rmSync(reportDir, { recursive: true, force: true });
mkdirSync(reportDir, { recursive: true });

spawnSync("bash", [join(root, "scripts/install-system-deps.sh")], { stdio: "inherit" });

export interface Tally {
  passed: number;
  failed: number;
}

/** Counts JUnit <testcase> elements; a case with <failure> or <error> failed, <skipped> is neither. */
export function tallyJunit(xml: string): Tally {
  let passed = 0;
  let failed = 0;
  const re = /<testcase\b[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g;
  for (const m of xml.matchAll(re)) {
    const body = m[2] ?? "";
    if (/<(failure|error)\b/.test(body)) failed++;
    else if (!/<skipped\b/.test(body)) passed++;
  }
  return { passed, failed };
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

const total: Tally = { passed: 0, failed: 0 };
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
  const t = existsSync(report) ? tallyJunit(readFileSync(report, "utf8")) : { passed: 0, failed: 0 };
  // A runner that crashed or exited non-zero without reporting a failure still counts as one.
  if (r.status !== 0 && t.failed === 0) t.failed = 1;
  total.passed += t.passed;
  total.failed += t.failed;
}

// Browser suites (Playwright) register here as the UI packages gain them.
for (const pkg of ["terminal-ui", "hq-console"]) {
  if (only.length && !only.includes(pkg)) continue;
  const script = join(root, pkg, "e2e/run.ts");
  if (!existsSync(script)) continue;
  const report = join(reportDir, `${pkg}-e2e.xml`);
  console.log(`\n=== ${pkg}: playwright`);
  const r = spawnSync(bun, [script, report], { cwd: join(root, pkg), stdio: "inherit" });
  const t = existsSync(report) ? tallyJunit(readFileSync(report, "utf8")) : { passed: 0, failed: 0 };
  if (r.status !== 0 && t.failed === 0) t.failed = 1;
  total.passed += t.passed;
  total.failed += t.failed;
}

console.log(`${total.passed} passed, ${total.failed} failed`);
process.exit(total.failed > 0 || total.passed === 0 ? 1 : 0);
