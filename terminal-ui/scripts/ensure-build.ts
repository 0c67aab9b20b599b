#!/usr/bin/env bun
// Builds the terminal UI when terminal-ui/build/index.html is missing or older than any source
// file, then prints the build directory. `npm test` (through e2e/run.ts) and `npm start` call it
// so a fresh clone serves a current UI; the store edge serves that directory at "/".
//   bun terminal-ui/scripts/ensure-build.ts [--force]     or     import { ensureTerminalBuild } from it.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

const here = resolve(import.meta.dir, "..");
export const BUILD_DIR = join(here, "build");
const SOURCES = ["src", "static", "svelte.config.js", "vite.config.ts", "package.json"];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const e of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, e)));
  return newest;
}

/** True when build/index.html is missing or a source file changed after it was written. */
export function buildIsStale(): boolean {
  const index = join(BUILD_DIR, "index.html");
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  return SOURCES.some((s) => newestMtime(join(here, s)) > built);
}

/** Runs `npm run build -w @retail/terminal-ui` when needed; returns the build directory. */
export function ensureTerminalBuild(opts: { force?: boolean; quiet?: boolean } = {}): string {
  if (!opts.force && !buildIsStale()) return BUILD_DIR;
  const root = resolve(here, "..");
  const r = spawnSync("npm", ["run", "build", "-w", "@retail/terminal-ui"], {
    cwd: root,
    stdio: opts.quiet ? ["ignore", "pipe", "pipe"] : ["ignore", 2, 2],
    encoding: "utf8",
  });
  if (r.status !== 0 || !existsSync(join(BUILD_DIR, "index.html"))) {
    const out = opts.quiet ? `\n${r.stdout ?? ""}${r.stderr ?? ""}` : "";
    throw new Error(`terminal-ui build failed (exit ${r.status})${out}`);
  }
  return BUILD_DIR;
}

if (import.meta.main) {
  try {
    console.log(ensureTerminalBuild({ force: process.argv.includes("--force") }));
  } catch (e) {
    console.error((e as Error).message);
    process.exit(1);
  }
}
