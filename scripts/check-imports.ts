// Imports point one way (ARCHITECTURE.md): protocol <- firmware-bridge <- store-edge;
// protocol <- hq-hub; the UIs import protocol (types) only. A relative import may not leave
// its package, and no module may import itself back through others (import-cycles.ts; type-only
// imports count). Prints every offending import with file and line, every cycle as its path;
// exits 1 if there is any.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { findCycles, type ImportGraph, relativeImports, resolveImport } from "./import-cycles.ts";

// --root DIR checks another tree laid out like this one (tests plant cycles in one).
const rootArg = process.argv.indexOf("--root");
const root = rootArg > 0 ? resolve(process.argv[rootArg + 1] ?? ".") : resolve(import.meta.dir, "..");
export const allowed: Record<string, string[]> = {
  protocol: [],
  "firmware-bridge": ["protocol"],
  "store-edge": ["protocol", "firmware-bridge", "sqlite-kit"],
  "hq-hub": ["protocol", "sqlite-kit"],
  "terminal-ui": ["protocol"],
  "hq-console": ["protocol"],
  // Cross-package tests: the only place both sides of a contract run together in one process.
  tests: ["protocol", "hq-hub", "store-edge", "test-support"],
  // Shared tooling of the tests that start real processes (it spawns them from their CLIs).
  "test-support": [],
  // What both servers add to the libsql package (no I/O of its own beyond the handle given).
  "sqlite-kit": [],
};
// Packages whose test code (browser suites, benches, *.test.ts) may also import these.
// (testing/ folders, test-kit.ts and *.contract.ts suites are test code too: the servers' tests
// share raw HTTP, /proc memory and Mosquitto from test-support; so are the UIs' scripts/, the
// build tooling their suites and `npm start` run from the checkout, never shipped.)
const allowedInTests: Record<string, string[]> = {
  "terminal-ui": ["test-support"],
  "hq-console": ["test-support"],
  "firmware-bridge": ["test-support"],
  "store-edge": ["test-support"],
  "hq-hub": ["test-support"],
};
/** A subpath the target package declares in its package.json "exports" ("@retail/protocol/pki"): its public surface. */
function declaredSubpath(spec: string): boolean {
  const [, pkgName, ...rest] = spec.split("/");
  try {
    const manifest = JSON.parse(readFileSync(join(root, pkgName ?? "", "package.json"), "utf8")) as {
      exports?: Record<string, string>;
    };
    return Object.hasOwn(manifest.exports ?? {}, `./${rest.join("/")}`);
  } catch {
    return false;
  }
}

const isTestCode = (rel: string) =>
  /(^|\/)(e2e|bench|testing)\/|^scripts\/|\.(test|bench|contract)\.ts$|(^|\/)test-kit\.ts$|^playwright\.config\.ts$/.test(
    rel,
  );

function* sources(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (["node_modules", "build", ".svelte-kit", "data"].includes(e.name) || e.name.startsWith(".")) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* sources(p);
    else if (/\.(ts|js|svelte|mjs)$/.test(e.name)) yield p;
  }
}

const importRe =
  /(?:import|export)\s[^'"]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|^\s*import\s*["']([^"']+)["']/gm;
const problems: string[] = [];
const cycles: string[] = [];
for (const pkg of Object.keys(allowed)) {
  const pkgDir = join(root, pkg);
  let files: string[] = [];
  try {
    files = [...sources(pkgDir)];
  } catch {
    continue;
  }
  const graph: ImportGraph = new Map();
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    if (/\.ts$/.test(file))
      graph.set(
        file,
        relativeImports(text)
          .map((spec) => resolveImport(file, spec))
          .filter((f): f is string => f !== undefined),
      );
    for (const m of text.matchAll(importRe)) {
      const spec = m[1] ?? m[2] ?? m[3] ?? "";
      const line = text.slice(0, m.index).split("\n").length;
      const where = `${relative(root, file)}:${line}`;
      if (spec.startsWith("@retail/")) {
        const target = spec.slice("@retail/".length).split("/")[0] ?? "";
        const inTests = isTestCode(relative(pkgDir, file)) && allowedInTests[pkg]?.includes(target);
        if (target !== pkg && !allowed[pkg]?.includes(target) && !inTests) {
          problems.push(
            `${where}: ${pkg} may not import ${spec} (allowed: ${allowed[pkg]?.join(", ") || "none"})`,
          );
        }
        if (spec.split("/").length > 2 && !declaredSubpath(spec))
          problems.push(`${where}: import ${spec} reaches into a package's internals`);
      } else if (spec.startsWith(".")) {
        const target = resolve(dirname(file), spec);
        if (!target.startsWith(pkgDir + sep))
          problems.push(`${where}: relative import ${spec} leaves ${pkg}/`);
      }
    }
  }
  for (const cycle of findCycles(graph))
    cycles.push(`${pkg}: import cycle ${cycle.map((f) => relative(pkgDir, f)).join(" -> ")}`);
}
if (problems.length || cycles.length) {
  if (problems.length) {
    console.error(problems.join("\n"));
    console.error(`${problems.length} import(s) point the wrong way`);
  }
  if (cycles.length) {
    console.error(cycles.join("\n"));
    console.error(
      `${cycles.length} import cycle(s) inside a package: break each with a narrower module or interface`,
    );
  }
  process.exit(1);
}
console.log(
  "imports: every package imports only what ARCHITECTURE.md allows, and no package has an import cycle",
);
