// The console's browser suite (e2e/*.e2e.ts) on @playwright/test, run by `npm test` (through
// scripts/test.ts, which reads the JUnit report) or `npm run e2e -w @retail/hq-console`: one
// story against one real HQ hub. The settings are shared with the terminal
// (test-support/src/playwright.ts).
import { browserSuiteConfig } from "@retail/test-support";

export default browserSuiteConfig({ pkg: "hq-console", viewport: { width: 1280, height: 800 } });
