// The terminal's browser: Debian's chromium (test-support's CHROMIUM, CHROMIUM_ARGS). The browser
// suites get it from @playwright/test (playwright.config.ts); the bench launches it itself.
import { rmSync } from "node:fs";
import { resolve } from "node:path";
import { CHROMIUM, CHROMIUM_ARGS, tempDir } from "@retail/test-support";
import { type Browser, type BrowserContext, chromium } from "playwright-core";

/** The terminal's screen: 1024x768, zh-CN. */
export const VIEWPORT = { width: 1024, height: 768 };
export const LOCALE = "zh-CN";
/** Screenshots of the main screens, kept whether the tests pass or not (docs, review). */
export const SHOTS = resolve(import.meta.dir, "../../../test-results/screenshots");

/**
 * A fresh context in the suite's browser (the @playwright/test `browser` fixture, so traces and
 * screenshots of its pages are kept when a test fails).
 */
export async function openContext(
  browser: Browser,
  viewport = VIEWPORT,
): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const context = await browser.newContext({ viewport, locale: LOCALE });
  return { context, close: () => context.close().catch(() => {}) };
}

/** The bench's own chromium with a fresh profile (it runs outside the test runner). */
export async function launch(viewport = VIEWPORT): Promise<{
  context: BrowserContext;
  close: () => Promise<void>;
}> {
  const profile = tempDir("terminal-ui-profile-");
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    locale: LOCALE,
    args: CHROMIUM_ARGS,
  });
  return {
    context,
    close: async () => {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
