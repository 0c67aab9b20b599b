// The import check (scripts/check-imports.ts, part of `npm run lint`) forbids import cycles inside
// a package, type-only imports included: run on planted trees laid out like this repository.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const repo = join(import.meta.dir, "..");
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

// Import lines of the planted files, spelled so the check does not read them in this file.
const imp = (what: string, spec: string) => `${"im"}port ${what} from "${spec}";\n`;

/** Runs the check on a planted tree (or the repository): exit code and what it printed. */
function check(files?: Record<string, string>): { code: number; out: string; err: string } {
  let root = repo;
  if (files) {
    root = mkdtempSync(join(tmpdir(), "import-check-"));
    dirs.push(root);
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, name)), { recursive: true });
      writeFileSync(join(root, name), text);
    }
  }
  const run = Bun.spawnSync([process.execPath, join(repo, "scripts/check-imports.ts"), "--root", root]);
  return { code: run.exitCode, out: run.stdout.toString(), err: run.stderr.toString() };
}

describe("import cycles inside a package", () => {
  test("two modules importing each other, one of them for a type only (as http/app.ts <-> hub.ts was)", () => {
    const r = check({
      "hq-hub/src/hub.ts": `${imp("{ createApp }", "./http/app.ts")}export const hub = createApp;\n`,
      "hq-hub/src/http/app.ts": `${imp("type { Hub }", "../hub.ts")}export function createApp(h: Hub) {}\n`,
    });
    expect(r.code).toBe(1);
    expect(r.err).toContain("hq-hub: import cycle src/http/app.ts -> src/hub.ts -> src/http/app.ts");
  });

  test("a longer loop through an index.ts, a re-export and a dynamic import", () => {
    const r = check({
      "store-edge/src/a.ts": `${"ex"}port * from "./b";\n`,
      "store-edge/src/b/index.ts": `const c = await ${"im"}port("../c.ts");\n`,
      "store-edge/src/c.ts": `${"im"}port "./a.ts";\n`,
      "store-edge/src/d.ts": imp("{ x }", "./a.ts"),
    });
    expect(r.code).toBe(1);
    expect(r.err).toContain("store-edge: import cycle src/a.ts -> src/b/index.ts -> src/c.ts -> src/a.ts");
    expect(r.err).toContain("1 import cycle(s)");
  });

  test("one-way imports pass, like protocol's messages.ts, money-caps.ts and cap-violation.ts now", () => {
    const r = check({
      "protocol/src/messages.ts": imp("{ MAX }", "./money-caps.ts") + imp("{ z }", "zod"),
      "protocol/src/money-caps.ts": "export const MAX = 1;\n",
      "protocol/src/cap-violation.ts":
        imp("type { Env }", "./messages.ts") + imp("type { Caps }", "./money-caps.ts"),
    });
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
  });

  test("the repository has none", () => {
    const r = check();
    expect(r.err).toBe("");
    expect(r.out).toContain("no package has an import cycle");
    expect(r.code).toBe(0);
  });
});
