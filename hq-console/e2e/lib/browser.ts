// Debian's chromium driven by playwright-core (no downloaded browser builds here): headless,
// sandbox off (root in CI), no network chatter, a fresh profile per launch.
import { rmSync } from "node:fs";
import { type BrowserContext, chromium } from "playwright-core";
import { tempDir } from "./procs.ts";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export async function launch(viewport = { width: 1280, height: 800 }): Promise<{
  context: BrowserContext;
  close: () => Promise<void>;
}> {
  const profile = tempDir("profile-");
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    locale: "zh-CN",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return {
    context,
    close: async () => {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
