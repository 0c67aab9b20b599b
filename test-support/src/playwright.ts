// The browser suites' @playwright/test settings, one for both UIs: Debian's chromium by
// executablePath, `e2e/*.e2e.ts` files run two at a time (2 cores here) with their cases in
// order, no retries (a flaky case is a bug to fix), a JUnit report that `npm test` counts, and
// for a failed case its trace and screenshots under test-results/<pkg>-e2e/.
import { resolve } from "node:path";
import type { PlaywrightTestConfig } from "@playwright/test";
import { CHROMIUM, CHROMIUM_ARGS } from "./chromium.ts";
import { ROOT } from "./procs.ts";

export function browserSuiteConfig(o: {
  /** The UI package's folder name (terminal-ui, hq-console). */
  pkg: string;
  viewport: { width: number; height: number };
  locale?: string;
}): PlaywrightTestConfig {
  const results = resolve(ROOT, "test-results");
  return {
    testDir: resolve(ROOT, o.pkg, "e2e"),
    testMatch: /\.e2e\.ts$/,
    globalSetup: resolve(ROOT, o.pkg, "e2e/global-setup.ts"),
    outputDir: resolve(results, `${o.pkg}-e2e`),
    fullyParallel: false,
    workers: Number(process.env.E2E_WORKERS ?? 2),
    retries: 0,
    timeout: 60_000,
    reporter: [
      ["list"],
      ["junit", { outputFile: process.env.E2E_JUNIT ?? resolve(results, `${o.pkg}-e2e.xml`) }],
    ],
    use: {
      viewport: o.viewport,
      locale: o.locale ?? "zh-CN",
      launchOptions: { executablePath: CHROMIUM, args: CHROMIUM_ARGS },
      // A failed case keeps its trace: every action with its call log, console and network. DOM
      // snapshots and screencast frames cost ~30% more time on every passing case, so they are
      // recorded only with E2E_TRACE=full (re-run a failure with it to step through the DOM).
      trace: {
        mode: "retain-on-failure",
        snapshots: process.env.E2E_TRACE === "full",
        screenshots: process.env.E2E_TRACE === "full",
      },
      screenshot: "only-on-failure",
    },
  };
}
