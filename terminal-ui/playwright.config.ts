// The terminal's browser suites (e2e/*.e2e.ts) on @playwright/test, run by `npm test` (through
// scripts/test.ts, which reads the JUnit report) or `npm run e2e -w @retail/terminal-ui`.
// Each file is one story against its own HQ hub and store edge; the files run two at a time
// (the machines here have 2 cores), the cases of a file in order. Debian's chromium, traces and
// screenshots kept for failed cases under test-results/terminal-ui-e2e/.
import { resolve } from "node:path";
import { defineConfig } from "@playwright/test";
import { CHROMIUM, CHROMIUM_ARGS, LOCALE, VIEWPORT } from "./e2e/lib/browser.ts";

const results = resolve(import.meta.dir, "../test-results");

export default defineConfig({
  testDir: "e2e",
  testMatch: /\.e2e\.ts$/,
  globalSetup: "./e2e/global-setup.ts",
  outputDir: resolve(results, "terminal-ui-e2e"),
  fullyParallel: false,
  workers: Number(process.env.E2E_WORKERS ?? 2),
  // No retries: a flaky case is a bug to fix.
  retries: 0,
  timeout: 60_000,
  reporter: [
    ["list"],
    ["junit", { outputFile: process.env.E2E_JUNIT ?? resolve(results, "terminal-ui-e2e.xml") }],
  ],
  use: {
    viewport: VIEWPORT,
    locale: LOCALE,
    launchOptions: { executablePath: CHROMIUM, args: CHROMIUM_ARGS },
    // DOM snapshots only: the screencast frames cost CPU on every action of every passing case.
    trace: { mode: "retain-on-failure", screenshots: false, snapshots: true },
    screenshot: "only-on-failure",
  },
});
