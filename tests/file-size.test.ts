// The size check (scripts/check-file-size.ts, part of `npm run lint`): a production file over 400
// lines needs its reason in its first lines; run on planted trees laid out like this repository.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const repo = join(import.meta.dir, "..");
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const lines = (n: number, head = "") => `${head}${"export const x = 1;\n".repeat(n - (head ? 1 : 0))}`;

/** Runs the check on a planted tree (or the repository): exit code and what it printed. */
function check(files?: Record<string, string>): { code: number; err: string } {
  let root = repo;
  if (files) {
    root = mkdtempSync(join(tmpdir(), "size-check-"));
    dirs.push(root);
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, name)), { recursive: true });
      writeFileSync(join(root, name), text);
    }
  }
  const run = Bun.spawnSync([process.execPath, join(repo, "scripts/check-file-size.ts"), "--root", root]);
  return { code: run.exitCode, err: run.stderr.toString() };
}

describe("production files over 400 lines", () => {
  test("a 401-line module without a reason fails, named with its count; 400 lines pass", () => {
    const r = check({
      "hq-hub/src/big.ts": lines(401),
      "hq-hub/src/edge-of-limit.ts": lines(400),
    });
    expect(r.code).toBe(1);
    expect(r.err).toContain("hq-hub/src/big.ts: 401 lines");
    expect(r.err).not.toContain("edge-of-limit");
  });

  test("the reason in the first lines lets it pass, in TypeScript and in Svelte markup", () => {
    const r = check({
      "store-edge/src/big.ts": lines(500, "// Over 400 lines because it is one generated table.\n"),
      "terminal-ui/src/routes/+page.svelte": lines(
        450,
        "<!-- Over 400 lines because the screen is one form. -->\n",
      ),
      "hq-console/src/lib/Grid.svelte": lines(
        450,
        '<script lang="ts">\n// Over 400 lines because it is data.\n',
      ),
    });
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
  });

  test("a reason further down, or an empty one, does not count", () => {
    const r = check({
      "protocol/src/late.ts": `${lines(20)}// Over 400 lines because it is late.\n${lines(400)}`,
      "protocol/src/empty.ts": lines(401, "// Over 400 lines because\n"),
      "terminal-ui/src/lib/Big.svelte": lines(401),
    });
    expect(r.code).toBe(1);
    expect(r.err).toContain("protocol/src/late.ts: 421 lines");
    expect(r.err).toContain("protocol/src/empty.ts: 401 lines");
    expect(r.err).toContain("terminal-ui/src/lib/Big.svelte: 401 lines");
  });

  test("test code is not production: tests, benches, e2e, testing/ and contract suites", () => {
    const r = check({
      "hq-hub/src/big.test.ts": lines(900),
      "hq-hub/src/hub.bench.ts": lines(900),
      "hq-hub/src/broker/broker.contract.ts": lines(900),
      "store-edge/src/testing/fixtures.ts": lines(900),
      "terminal-ui/e2e/shift.e2e.ts": lines(900),
      "test-support/src/hub.ts": lines(900),
    });
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
  });

  test("this repository passes", () => {
    const r = check();
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
  });
});
