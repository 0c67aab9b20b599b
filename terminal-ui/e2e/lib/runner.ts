// A small sequential test runner for the browser suites: named cases run in order (a shift is
// a story), each timed, its error kept; a JUnit XML report at the end (scripts/test.ts counts
// its <testcase> elements). No retries: a flaky case is a bug to fix.

export interface Case {
  name: string;
  fn: () => Promise<void>;
  timeoutMs: number;
}

export interface Result {
  name: string;
  ms: number;
  error?: Error;
  skipped?: string;
}

export class Suite {
  readonly cases: Case[] = [];
  constructor(readonly name: string) {}

  test(name: string, fn: () => Promise<void>, timeoutMs = 60_000): void {
    this.cases.push({ name, fn, timeoutMs });
  }

  async run(log: (s: string) => void = console.log): Promise<Result[]> {
    const results: Result[] = [];
    for (const c of this.cases) {
      const t0 = performance.now();
      let timer: ReturnType<typeof setTimeout> | undefined;
      try {
        await Promise.race([
          c.fn(),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`timed out after ${c.timeoutMs} ms`)), c.timeoutMs);
          }),
        ]);
        const ms = performance.now() - t0;
        results.push({ name: c.name, ms });
        log(`  ✓ ${c.name} (${ms.toFixed(0)} ms)`);
      } catch (e) {
        const ms = performance.now() - t0;
        const error = e instanceof Error ? e : new Error(String(e));
        results.push({ name: c.name, ms, error });
        log(
          `  ✗ ${c.name} (${ms.toFixed(0)} ms)\n    ${(error.stack ?? error.message).split("\n").slice(0, 8).join("\n    ")}`,
        );
      } finally {
        clearTimeout(timer);
      }
    }
    return results;
  }
}

const esc = (s: string) =>
  s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f]/g, "");

/** One JUnit document for several suites run one after another. */
export function junitSuites(parts: { name: string; results: Result[]; setupError?: Error }[]): string {
  const blocks = parts.map((p) => testsuite(p.name, p.results, p.setupError));
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n${blocks.join("\n")}\n</testsuites>\n`;
}

function testsuite(suite: string, results: Result[], setupError?: Error): string {
  const all = setupError ? [...results, { name: "suite set-up", ms: 0, error: setupError }] : results;
  const failures = all.filter((r) => r.error).length;
  const skipped = all.filter((r) => r.skipped).length;
  const total = all.reduce((s, r) => s + r.ms, 0) / 1000;
  const cases = all.map((r) => {
    const head = `  <testcase classname="${esc(suite)}" name="${esc(r.name)}" time="${(r.ms / 1000).toFixed(3)}"`;
    if (r.error)
      return `${head}>\n    <failure message="${esc(r.error.message.split("\n")[0] ?? "")}">${esc(r.error.stack ?? r.error.message)}</failure>\n  </testcase>`;
    if (r.skipped) return `${head}>\n    <skipped message="${esc(r.skipped)}"/>\n  </testcase>`;
    return `${head}/>`;
  });
  return `<testsuite name="${esc(suite)}" tests="${all.length}" failures="${failures}" skipped="${skipped}" time="${total.toFixed(3)}">\n${cases.join("\n")}\n</testsuite>`;
}
