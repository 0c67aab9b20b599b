// The CLI as a process: help for every command, config file + environment overrides, a clean
// stop on SIGTERM (run.json removed, exit 0), status of a stopped edge from its database.
import { expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "./config.ts";
import { tempDir } from "./testing/fixtures.ts";
import { edgeCall, runEdgeCli, startEdge } from "./testing/procs.ts";

// Real processes on a shared CI machine: generous, never a timed assertion.
setDefaultTimeout(120_000);

test("every command has --help", async () => {
  for (const args of [["--help"], ["serve", "--help"], ["enroll", "--help"], ["status", "--help"]]) {
    const r = await runEdgeCli(args);
    expect(r.code).toBe(0);
    expect(r.out).toContain("store-edge");
  }
  const bad = await runEdgeCli(["frobnicate"]);
  expect(bad.code).toBe(2);
  expect(bad.err).toContain("unknown command frobnicate");
  const noCode = await runEdgeCli(["enroll", "--hq", "http://127.0.0.1:1", "--data", tempDir()]);
  expect(noCode.err).toContain("--code CODE is required");
});

test("config file with environment overrides; a bad field is named", () => {
  const dir = tempDir();
  writeFileSync(
    join(dir, "store-edge.json"),
    JSON.stringify({ http: { port: 9000 }, link: { ackTimeoutMs: 5000 } }),
  );
  const c = loadConfig(dir, { STORE_EDGE_PORT: "9100", STORE_EDGE_BACKOFF_BASE_MS: "250" });
  expect(c.http.port).toBe(9100);
  expect(c.link.ackTimeoutMs).toBe(5000);
  expect(c.link.backoffBaseMs).toBe(250);
  expect(c.link.backoffCapMs).toBe(60_000);
  writeFileSync(join(dir, "store-edge.json"), JSON.stringify({ http: { port: "eighty" } }));
  expect(() => loadConfig(dir, {})).toThrow(/http\.port/);
  expect(() => loadConfig(tempDir(), { STORE_EDGE_PORT: "-1" })).toThrow(/STORE_EDGE_PORT/);
});

test("serve on port 0 prints EDGE_READY, stops cleanly on SIGTERM; status reads the stopped edge", async () => {
  const dir = tempDir();
  const edge = await startEdge(dir);
  const s = await edgeCall<{ store: { storeId: string } }>(edge.ready.http!, "GET", "/status");
  expect(s.body.store.storeId).toBe("DEMO");
  expect(existsSync(join(dir, "run.json"))).toBe(true);
  edge.proc.kill("SIGTERM");
  expect(await edge.proc.exited).toBe(0);
  expect(existsSync(join(dir, "run.json"))).toBe(false);
  const st = await runEdgeCli(["status", "--data", dir]);
  expect(st.code).toBe(0);
  expect(st.out).toContain("not running");
  expect(st.out).toContain("(not enrolled)");
});
