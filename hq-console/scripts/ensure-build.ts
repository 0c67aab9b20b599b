#!/usr/bin/env bun
// Builds the HQ console when hq-console/build/index.html is missing or older than any source
// file, then prints the build directory (test-support's uiBuild). `npm test` (the browser suites'
// global setup) and `npm start` call it; the hub serves it at "/" (HQ_CONSOLE_DIR).
//   bun hq-console/scripts/ensure-build.ts [--force]     or     import { ensureConsoleBuild } from it.
import { resolve } from "node:path";
import { uiBuild } from "@retail/test-support";

const build = uiBuild(resolve(import.meta.dir, ".."), "@retail/hq-console");
export const BUILD_DIR = build.dir;
export const ensureConsoleBuild = build.ensure;
if (import.meta.main) build.main();
