// A SvelteKit UI's static build, rebuilt only when build/index.html is missing or older than any
// source file, so a fresh clone serves a current UI. Both UIs' scripts/ensure-build.ts are this,
// named for their package: `npm test` (the browser suites' global setup), the terminal bench and
// `npm start` (it runs those scripts) call it.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

// ../protocol/src: both UIs bundle protocol's code (money formatting, units, codes), so a change
// there is a change of the UI too.
const SOURCES = ["src", "static", "svelte.config.js", "vite.config.ts", "package.json", "../protocol/src"];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const e of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, e)));
  return newest;
}

export interface UiBuild {
  /** The package's build/ folder (what the edge or the hub serves at "/"). */
  dir: string;
  /** True when build/index.html is missing or a source file changed after it was written. */
  isStale(): boolean;
  /** Runs `npm run build -w <workspace>` when needed (always with force); returns `dir`. */
  ensure(opts?: { force?: boolean; quiet?: boolean }): string;
  /** The script's command line: `bun <ui>/scripts/ensure-build.ts [--force]` prints `dir`. */
  main(): void;
}

/** The build of the UI package at `packageDir` (its npm workspace name: `workspace`). */
export function uiBuild(packageDir: string, workspace: string): UiBuild {
  const here = resolve(packageDir);
  const dir = join(here, "build");
  const name = workspace.replace(/^@retail\//, "");
  const isStale = () => {
    const index = join(dir, "index.html");
    if (!existsSync(index)) return true;
    const built = statSync(index).mtimeMs;
    return SOURCES.some((s) => newestMtime(join(here, s)) > built);
  };
  const ensure = (opts: { force?: boolean; quiet?: boolean } = {}) => {
    if (!opts.force && !isStale()) return dir;
    const r = spawnSync("npm", ["run", "build", "-w", workspace], {
      cwd: resolve(here, ".."),
      // Always the shipped (production) build: under `bun test` NODE_ENV is "test", and vite then
      // compiles Svelte in dev mode, a different program from the one a store or HQ runs (CI's
      // clean clone built the console that way and a form behaved differently there).
      env: { ...process.env, NODE_ENV: "production" },
      stdio: opts.quiet ? ["ignore", "pipe", "pipe"] : ["ignore", 2, 2],
      encoding: "utf8",
    });
    if (r.status !== 0 || !existsSync(join(dir, "index.html"))) {
      const out = opts.quiet ? `\n${r.stdout ?? ""}${r.stderr ?? ""}` : "";
      throw new Error(`${name} build failed (exit ${r.status})${out}`);
    }
    return dir;
  };
  const main = () => {
    try {
      console.log(ensure({ force: process.argv.includes("--force") }));
    } catch (e) {
      console.error((e as Error).message);
      process.exit(1);
    }
  };
  return { dir, isStale, ensure, main };
}
