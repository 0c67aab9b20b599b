#!/usr/bin/env bun
// Builds the HQ console when hq-console/build/index.html is missing or older than any source
// file, then prints the build directory. `npm test` (through e2e/run.ts) and `npm start` call it
// so a fresh clone serves a current console; the hub serves it at "/" (HQ_CONSOLE_DIR).
//   bun hq-console/scripts/ensure-build.ts [--force]     or     import { ensureConsoleBuild } from it.
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

/** Runs `npm run build -w @retail/hq-console` when needed; returns the build directory. */
export function ensureConsoleBuild(opts: { force?: boolean; quiet?: boolean } = {}): string {
  if (!opts.force && !buildIsStale()) return BUILD_DIR;
  const root = resolve(here, "..");
  const r = spawnSync("npm", ["run", "build", "-w", "@retail/hq-console"], {
    cwd: root,
    stdio: opts.quiet ? ["ignore", "pipe", "pipe"] : ["ignore", 2, 2],
    encoding: "utf8",
  });
  if (r.status !== 0 || !existsSync(join(BUILD_DIR, "index.html"))) {
    const out = opts.quiet ? `\n${r.stdout ?? ""}${r.stderr ?? ""}` : "";
    throw new Error(`hq-console build failed (exit ${r.status})${out}`);
  }
  return BUILD_DIR;
}

if (import.meta.main) {
  try {
    console.log(ensureConsoleBuild({ force: process.argv.includes("--force") }));
  } catch (e) {
    console.error((e as Error).message);
    process.exit(1);
  }
}
