// The terminal's browser suites (e2e/*.e2e.ts) on @playwright/test, run by `npm test` (through
// scripts/test.ts, which reads the JUnit report) or `npm run e2e -w @retail/terminal-ui`. Each
// file is one story against its own HQ hub and store edge; the settings are shared with
// hq-console (test-support/src/playwright.ts).
import { browserSuiteConfig } from "@retail/test-support";
import { LOCALE, VIEWPORT } from "./e2e/lib/browser.ts";

export default browserSuiteConfig({ pkg: "terminal-ui", viewport: VIEWPORT, locale: LOCALE });
