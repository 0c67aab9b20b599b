import { describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { en, screens, zh } from "./index.ts";

const HAN = /\p{Script=Han}/u;

describe("the console's dictionary, one file per screen", () => {
  test("every file in lib/i18n/ is merged (a file left out would show keys, not words)", () => {
    const files = readdirSync(import.meta.dir)
      .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts") && f !== "index.ts")
      .map((f) => f.replace(/\.ts$/, ""))
      .sort();
    expect(Object.keys(screens).sort()).toEqual(files);
  });

  test("no key is defined by two screens (the later one would silently win)", () => {
    const owner = new Map<string, string>();
    const twice: string[] = [];
    for (const [name, screen] of Object.entries(screens)) {
      for (const key of Object.keys(screen.zh)) {
        const first = owner.get(key);
        if (first) twice.push(`${key}: ${first} and ${name}`);
        owner.set(key, name);
      }
    }
    expect(twice).toEqual([]);
  });

  test("each screen has an English text for every zh-CN text and nothing more, none empty", () => {
    for (const [name, screen] of Object.entries(screens)) {
      expect(`${name}: ${Object.keys(screen.en).sort().join(",")}`).toBe(
        `${name}: ${Object.keys(screen.zh).sort().join(",")}`,
      );
      for (const [key, text] of [...Object.entries(screen.zh), ...Object.entries(screen.en)]) {
        expect(`${name}.${key}: ${text.trim() === "" ? "empty" : "ok"}`).toBe(`${name}.${key}: ok`);
      }
    }
  });

  test("English mode is English: no Chinese text except the switch back to 中文", () => {
    const chinese = Object.entries(en).filter(([key, text]) => key !== "language" && HAN.test(text));
    expect(chinese).toEqual([]);
    expect(zh.language).toBe("English");
    expect(en.language).toBe("中文");
  });

  test("the merged dictionary holds every screen's keys", () => {
    const total = Object.values(screens).reduce((n, s) => n + Object.keys(s.zh).length, 0);
    expect(Object.keys(zh).length).toBe(total);
    expect(Object.keys(en).length).toBe(total);
    expect(zh.fleet).toBe("门店");
    expect(en.reconciliation).toBe("Reconciliation");
  });
});
