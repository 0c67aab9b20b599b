// No production file over 400 lines without its reason (issue 15, DEVELOPERS.md "No new file over
// ~400 lines"): a .ts or .svelte file of a package's production code longer than that must say
// why in its first lines, `// Over 400 lines because <reason>` (`<!-- Over 400 lines because
// <reason> -->` in Svelte markup). Test code (tests, benches, e2e, testing/, contract suites,
// the test-support package) is not production. Prints every offender with its line count;
// exits 1 if there is any. `--root DIR` checks another tree laid out like this one.
import { type Dirent, readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";

export const MAX_LINES = 400;
/** How many of a file's first lines may hold the reason (a licence or a shebang may come first). */
const HEAD_LINES = 5;
/** The packages that ship: the servers, the UIs, protocol, the drivers and sqlite-kit. */
const PACKAGES = [
  "protocol",
  "firmware-bridge",
  "store-edge",
  "hq-hub",
  "terminal-ui",
  "hq-console",
  "sqlite-kit",
];
const SKIP_DIRS = new Set(["node_modules", "build", ".svelte-kit", "data", "e2e", "bench", "testing"]);
const isTestCode = (name: string) =>
  /\.(test|bench|contract|e2e)\.ts$|(^|\/)test-kit\.ts$|^playwright\.config\.ts$/.test(name);
const REASON = /^\s*(?:\/\/|<!--)\s*Over 400 lines because\s+\S/;

function* sources(dir: string): Generator<string> {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    if (SKIP_DIRS.has(e.name) || e.name.startsWith(".")) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* sources(p);
    else if (/\.(ts|svelte)$/.test(e.name) && !isTestCode(e.name)) yield p;
  }
}

/** Production files over the limit without a reason in their first lines, as `path: N lines`. */
export function oversized(root: string): string[] {
  const out: string[] = [];
  for (const pkg of PACKAGES)
    for (const file of sources(join(root, pkg))) {
      const lines = readFileSync(file, "utf8").split("\n");
      if (lines.at(-1) === "") lines.pop();
      if (lines.length <= MAX_LINES) continue;
      if (lines.slice(0, HEAD_LINES).some((l) => REASON.test(l))) continue;
      out.push(`${relative(root, file)}: ${lines.length} lines`);
    }
  return out;
}

if (import.meta.main) {
  const rootArg = process.argv.indexOf("--root");
  const root = rootArg > 0 ? resolve(process.argv[rootArg + 1] ?? ".") : resolve(import.meta.dir, "..");
  const bad = oversized(root);
  for (const b of bad)
    console.error(
      `${b}: over ${MAX_LINES} lines without "// Over 400 lines because ..." (or <!-- ... --> in Svelte) in its first ${HEAD_LINES} lines: split it, or say why`,
    );
  if (bad.length) process.exit(1);
}
