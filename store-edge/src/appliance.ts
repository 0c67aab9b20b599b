// The appliance build (docs/appliance.md): `bun build --compile` puts the terminal UI and the
// migrations inside the executable (Bun's embedded files), where they can be read but not listed.
// At start they are written once per version into a folder on disk (the systemd unit's
// RuntimeDirectory, else the OS temp dir), and the edge serves and migrates from there exactly
// as it does from a source checkout. From a checkout nothing here is set.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export interface ApplianceBuild {
  /** e.g. "0.1.0+g7b93aee": package version + git describe, fixed at build time. */
  version: string;
  /** sha256 of the embedded files (prefix): two builds of one "-dirty" version differ in it. */
  filesHash: string;
  /** Relative path in the unpacked tree ("ui/index.html", "db/migrations/0001_init.sql") -> embedded path. */
  files: Record<string, string>;
}

declare global {
  var __RETAIL_APPLIANCE__: ApplianceBuild | undefined;
  var __RETAIL_APPLIANCE_DIR__: string | undefined;
}

/** The build this process runs from, when it is a compiled appliance. */
export function applianceBuild(): ApplianceBuild | undefined {
  return globalThis.__RETAIL_APPLIANCE__;
}

/** Where the embedded files were unpacked (ui/, db/), when this is an appliance. */
export function applianceDir(): string | undefined {
  return globalThis.__RETAIL_APPLIANCE_DIR__;
}

/**
 * Writes the embedded files under `root/<version>-<filesHash>` unless a previous start already did (a
 * marker written last) and returns the folder. A half-written folder (power cut) has no
 * marker and is written again. Only the process's entry point makes it the one the edge reads
 * (`useApplianceDir`): a test unpacking into a temp folder must not redirect every later Edge
 * in the same process to it.
 */
export function unpackAppliance(build: ApplianceBuild, root = defaultRoot()): string {
  const dir = join(root, `${build.version}-${build.filesHash}`.replace(/[^\w.+-]/g, "_"));
  const marker = join(dir, ".complete");
  if (!existsSync(marker)) {
    for (const [rel, embedded] of Object.entries(build.files)) {
      const out = join(dir, rel);
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(`${out}.tmp`, readFileSync(embedded));
      renameSync(`${out}.tmp`, out);
    }
    writeFileSync(marker, `${build.version}\n`);
  }
  return dir;
}

/** From now on this process reads its UI and migrations from `dir` (a compiled appliance's start). */
export function useApplianceDir(dir: string): void {
  globalThis.__RETAIL_APPLIANCE_DIR__ = dir;
}

function defaultRoot(): string {
  const uid = typeof process.getuid === "function" ? process.getuid() : 0;
  return process.env.STORE_EDGE_ASSETS_DIR || join(tmpdir(), `store-edge-${uid}`);
}
