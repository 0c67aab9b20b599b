// The till page's helpers shared by the e2e stories: find by test id, wait for a text, scan,
// approve in a supervisor dialog, screenshot. `current` returns the story's page (opened in its
// beforeAll), read at each call.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { SHOTS } from "./browser.ts";
import { until } from "./procs.ts";

export function tillPage(current: () => Page) {
  const shot = async (name: string) => {
    mkdirSync(SHOTS, { recursive: true });
    await current().screenshot({ path: join(SHOTS, `${name}.png`) });
  };
  const byId = (id: string) => current().getByTestId(id);
  const text = async (id: string) => ((await byId(id).first().textContent()) ?? "").trim();
  const expectText = async (id: string, want: string | RegExp, ms = 10_000) => {
    let last = "";
    try {
      await until(
        async () => {
          last = await text(id);
          return typeof want === "string" ? last === want : want.test(last);
        },
        ms,
        id,
      );
    } catch {
      throw new Error(`[data-testid=${id}] shows ${JSON.stringify(last)}, expected ${want}`);
    }
  };
  const visible = (id: string, ms = 10_000) => byId(id).first().waitFor({ state: "visible", timeout: ms });
  const hidden = (id: string, ms = 10_000) => byId(id).first().waitFor({ state: "hidden", timeout: ms });
  const key = (k: string) => current().keyboard.press(k);
  const scan = async (code: string) => {
    await byId("scan-input").fill(code);
    await byId("scan-input").press("Enter");
  };
  /** The supervisor's dialog: code and PIN, Enter. */
  const approve = async (dialog: string, id: string, pin: string) => {
    await visible(dialog);
    await byId(dialog).getByTestId("supervisor-id").fill(id);
    await byId(dialog).getByTestId("supervisor-pin").fill(pin);
    await byId(dialog).getByTestId("supervisor-pin").press("Enter");
  };
  return { shot, byId, text, expectText, visible, hidden, key, scan, approve };
}
