#!/usr/bin/env bun
// Builds the terminal UI when terminal-ui/build/index.html is missing or older than any source
// file, then prints the build directory (test-support's uiBuild). `npm test` (the browser suites'
// global setup) and `npm start` call it; the store edge serves that directory at "/".
//   bun terminal-ui/scripts/ensure-build.ts [--force]     or     import { ensureTerminalBuild } from it.
import { resolve } from "node:path";
import { uiBuild } from "@retail/test-support";

const build = uiBuild(resolve(import.meta.dir, ".."), "@retail/terminal-ui");
export const BUILD_DIR = build.dir;
export const ensureTerminalBuild = build.ensure;
if (import.meta.main) build.main();
