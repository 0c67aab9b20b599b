// Hostile HTTP against a real edge process (issue 13 item 6): huge bodies, chunked and with a
// Content-Length, to the lane sign-in (open without a session) and to the open stock count
// route. Each is answered 413 naming the limit, and the edge's peak memory stays bounded.
import { afterAll, expect, setDefaultTimeout, test } from "bun:test";
import { procMemory, rawRequest } from "@retail/test-support";
import { tempDir } from "../testing/fixtures.ts";
import { type Proc, startEdge, stop } from "../testing/procs.ts";

// Real processes on a shared 2-core machine: generous, never a timed assertion.
setDefaultTimeout(240_000);

const MB = 1024 * 1024;
const dir = tempDir("edge-hostile-");
let edge: Proc | undefined;
afterAll(async () => {
  await stop(edge);
});

test("8 x 80 MB to /lanes/1/login and 2 x 80 MB to /stock/counts: 413 naming the limit, peak RSS bounded", async () => {
  edge = await startEdge(dir);
  const http = edge.ready.http!;
  const pid = edge.proc.pid;
  expect((await fetch(`${http}/api/v1/status`)).status).toBe(200);
  const before = await procMemory(pid, "VmRSS");

  const answers = await Promise.all(
    Array.from({ length: 8 }, (_, i) =>
      rawRequest(http, "POST", "/api/v1/lanes/1/login", { bodyBytes: 80 * MB, chunked: i % 2 === 0 }),
    ),
  );
  for (const a of answers) {
    expect(a.status).toBe(413);
    expect(JSON.parse(a.body)).toMatchObject({ error: "too_large", field: "body", limit: 16 * 1024 });
  }
  for (const chunked of [true, false]) {
    const a = await rawRequest(http, "POST", "/api/v1/stock/counts", { bodyBytes: 80 * MB, chunked });
    expect(a.status).toBe(413);
    expect(JSON.parse(a.body)).toMatchObject({ error: "too_large", field: "body", limit: 256 * 1024 });
  }
  // A lane route behind the session: 401 before any of the body is read.
  const anon = await rawRequest(http, "POST", "/api/v1/lanes/1/scan", { bodyBytes: 80 * MB, chunked: true });
  expect(anon.status).toBe(401);

  const peak = await procMemory(pid, "VmHWM");
  console.log(`edge RSS before ${(before / MB).toFixed(0)} MB, peak ${(peak / MB).toFixed(0)} MB`);
  // Without limits the edge read each body whole; bounded means within 96 MB of the baseline.
  expect(peak - before).toBeLessThan(96 * MB);

  // A normal sign-in body is still read and judged: a wrong PIN is not a 413.
  const small = await rawRequest(http, "POST", "/api/v1/lanes/1/login", {
    bodyBytes: 0,
    chunked: true,
    body: JSON.stringify({ cashierId: "1001", pin: "0000" }),
  });
  expect(small.status).not.toBe(413);
  expect(edge.proc.exitCode).toBeNull();
});
