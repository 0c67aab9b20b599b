// The hub as one compiled executable (`npm run build:hub`, docs/appliance.md "The hub as one
// executable"). `bun build --compile` carries the console's static build, the migrations and
// the API reference's assets as Bun embedded files, which can be read but not listed; the hub
// reads all three from folders, so at start they are written once per build into a folder on
// disk (the unit's RuntimeDirectory, else the OS temp dir). The ingest and catch-up Workers are
// extra entry points of the same executable, named by their path inside it. From a source
// checkout nothing here is set and every folder is where it always was.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export interface HubBuild {
  /** "0.1.0+g7b93aee": package version + git describe, fixed at build time. */
  version: string;
  /** sha256 prefix of the embedded files: two "-dirty" builds of one version differ in it. */
  filesHash: string;
  /** "console/index.html", "db/migrations/0001_init.sql", "reference/swagger-ui.css" -> embedded path. */
  files: Record<string, string>;
  /** "ingest/worker.ts" -> the Worker's entry inside the executable. */
  workers: Record<string, string>;
}

declare global {
  var __RETAIL_HUB_BUILD__: HubBuild | undefined;
  var __RETAIL_HUB_ASSETS__: string | undefined;
}

/** The build this process runs from, when it is the compiled hub. */
export const hubBuild = (): HubBuild | undefined => globalThis.__RETAIL_HUB_BUILD__;

/** Where the embedded files were written (console/, db/, reference/), in a compiled hub. */
export const hubAssetsDir = (): string | undefined => globalThis.__RETAIL_HUB_ASSETS__;

/** The Worker to start for `name` ("ingest/worker.ts"): inside the executable, else `fromSource`. */
export function workerEntry(name: string, fromSource: string): string {
  return hubBuild()?.workers[name] ?? fromSource;
}

/**
 * Writes the embedded files under `root/<version>-<filesHash>` unless an earlier start did (a
 * marker written last: a start cut by a power loss writes them again), and makes that folder the
 * one this process reads from.
 */
export function unpackHub(build: HubBuild, root = defaultAssetsRoot()): string {
  const dir = join(root, `${build.version}-${build.filesHash}`.replace(/[^\w.+-]/g, "_"));
  if (!existsSync(join(dir, ".complete"))) {
    for (const [rel, embedded] of Object.entries(build.files)) {
      const out = join(dir, rel);
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(`${out}.part`, readFileSync(embedded));
      renameSync(`${out}.part`, out);
    }
    writeFileSync(join(dir, ".complete"), `${build.version}\n`);
  }
  globalThis.__RETAIL_HUB_ASSETS__ = dir;
  return dir;
}

function defaultAssetsRoot(): string {
  const uid = typeof process.getuid === "function" ? process.getuid() : 0;
  return process.env.HQ_ASSETS_DIR || join(tmpdir(), `hq-hub-${uid}`);
}
