// Debian's chromium (no downloaded browser builds here): headless, sandbox off (root in CI), no
// network chatter. The browser suites get it from @playwright/test (playwright.config.ts passes
// these arguments); the bench launches it itself with a fresh profile.
import { rmSync } from "node:fs";
import { resolve } from "node:path";
import { tempDir } from "@retail/test-support";
import { type Browser, type BrowserContext, chromium } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
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
