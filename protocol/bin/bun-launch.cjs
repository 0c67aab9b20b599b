// Shared by the store-edge and hq-hub bins (both depend on protocol; a bin may not point outside
// its package). Finds npm's bun and runs a TypeScript entry point under it. Node has no exec(): the child
// runs beside this process, which forwards SIGTERM/SIGINT/SIGHUP and exits as the child did.
const { spawn } = require("node:child_process");
const { existsSync } = require("node:fs");
const { dirname, join } = require("node:path");

/** BUN_BINARY, else the `bun` package's binary, else the nearest node_modules/.bin/bun. */
function findBun(from) {
  if (process.env.BUN_BINARY) return process.env.BUN_BINARY;
  try {
    const pkg = require.resolve("bun/package.json", { paths: [from] });
    const bin = join(dirname(pkg), "bin", "bun.exe");
    if (existsSync(bin)) return bin;
  } catch {
    // not resolvable from here: walk up
  }
  for (let dir = from; ; dir = dirname(dir)) {
    const bin = join(dir, "node_modules", ".bin", "bun");
    if (existsSync(bin)) return bin;
    if (dirname(dir) === dir) break;
  }
  return undefined;
}

function launch(entry) {
  const bun = findBun(__dirname);
  if (!bun) {
    console.error(
      `cannot find bun: run "npm install" in the project (bun is an npm devDependency) or set BUN_BINARY`,
    );
    process.exit(127);
  }
  const child = spawn(bun, [entry, ...process.argv.slice(2)], { stdio: "inherit" });
  const signals = ["SIGTERM", "SIGINT", "SIGHUP"];
  const forward = (sig) => child.kill(sig);
  for (const sig of signals) process.on(sig, forward);
  child.on("error", (e) => {
    console.error(`cannot start ${bun}: ${e.message}`);
    process.exit(127);
  });
  child.on("exit", (code, signal) => {
    for (const sig of signals) process.off(sig, forward);
    if (signal) process.kill(process.pid, signal);
    else process.exit(code ?? 1);
  });
}

module.exports = { findBun, launch };
