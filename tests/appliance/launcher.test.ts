// The npm bins for a user with only node and npm on the PATH (issue 20 item 1): the bins are
// node launchers (store-edge/bin, hq-hub/bin) running the CLI under npm's bun, passing the exit
// status and signals through. Before them the bin was `#!/usr/bin/env bun` and failed with
// "env: bun: No such file or directory".
import { afterAll, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { ROOT, startCommand, stop, tempDir } from "@retail/test-support";
import { spawn } from "bun";

setDefaultTimeout(60_000);

const NODE = Bun.which("node");
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A PATH holding node and nothing else (no bun anywhere on it). */
function nodeOnlyPath(): string {
  if (!NODE) throw new Error("node is not installed");
  const dir = tempDir("node-only-");
  dirs.push(dir);
  symlinkSync(NODE, join(dir, "node"));
  return dir;
}

function bin(pkg: string): string {
  const manifest = JSON.parse(readFileSync(join(ROOT, pkg, "package.json"), "utf8")) as {
    bin: Record<string, string>;
  };
  const rel = manifest.bin[pkg];
  if (!rel) throw new Error(`${pkg}/package.json has no bin ${pkg}`);
  return join(ROOT, pkg, rel);
}

async function run(file: string, args: string[], PATH: string) {
  const p = spawn([file, ...args], {
    env: { PATH, HOME: process.env.HOME ?? "/tmp" },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, err] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text()]);
  return { code: await p.exited, out, err };
}

test("store-edge and hq-hub bins answer --help with only node on the PATH", async () => {
  const PATH = nodeOnlyPath();
  const edge = await run(bin("store-edge"), ["--help"], PATH);
  expect(edge.err).toBe("");
  expect(edge.code).toBe(0);
  expect(edge.out).toContain("store-edge <command>");
  const hub = await run(bin("hq-hub"), ["--help"], PATH);
  expect(hub.code).toBe(0);
  expect(hub.out).toContain("Usage: hq-hub <command>");
  // The exit status comes through: an unknown command is 2 in the CLI.
  const bad = await run(bin("store-edge"), ["frobnicate"], PATH);
  expect(bad.code).toBe(2);
  expect(bad.err).toContain("unknown command frobnicate");
});

test("serve through the node launcher: SIGTERM reaches the edge, which stops cleanly", async () => {
  const PATH = nodeOnlyPath();
  const data = tempDir("launcher-edge-");
  dirs.push(data);
  const edge = await startCommand(
    [bin("store-edge"), "serve", "--port", "0", "--host", "127.0.0.1", "--data", data],
    "EDGE_READY",
    { PATH },
  );
  try {
    const res = await fetch(`${edge.ready.http}/api/v1/status`);
    expect(res.status).toBe(200);
    expect(existsSync(join(data, "run.json"))).toBe(true);
    edge.proc.kill("SIGTERM");
    expect(await edge.proc.exited).toBe(0);
    // The edge's own SIGTERM handler ran (it removes run.json), not just the launcher dying.
    expect(existsSync(join(data, "run.json"))).toBe(false);
  } finally {
    await stop(edge);
  }
});
