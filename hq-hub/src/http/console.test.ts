// The console's files are served from its build folder, with index.html for the console's own
// routes; nothing outside the folder is reachable and API paths are never answered with the page.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Hono } from "hono";
import { serveConsole } from "./console.ts";

let dir: string;
let app: Hono;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "hq-console-"));
  const build = join(dir, "build");
  mkdirSync(join(build, "_app/immutable"), { recursive: true });
  writeFileSync(join(build, "index.html"), "<!doctype html><title>总部</title>");
  writeFileSync(join(build, "_app/immutable/app.abc.js"), "console.log(1)");
  writeFileSync(join(dir, "secret.txt"), "not for the web");
  app = new Hono();
  app.get("/api/v1/health", (c) => c.json({ ok: true }));
  expect(serveConsole(app, build)).toBe(true);
  app.notFound((c) => c.json({ error: "not_found" }, 404));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("HQ console static files", () => {
  test("/ and a console route are the page, not cached; a hashed asset is immutable", async () => {
    for (const path of ["/", "/fleet", "/changesets/12"]) {
      const r = await app.request(path);
      expect(r.status).toBe(200);
      expect(await r.text()).toContain("<title>总部</title>");
      expect(r.headers.get("cache-control")).toBe("no-cache");
    }
    const js = await app.request("/_app/immutable/app.abc.js");
    expect(await js.text()).toBe("console.log(1)");
    expect(js.headers.get("cache-control")).toContain("immutable");
  });

  test("paths that climb out of the build folder get the page, never the file", async () => {
    for (const path of ["/../secret.txt", "/%2e%2e/secret.txt", "/_app/%2e%2e/%2e%2e/secret.txt"]) {
      const body = await (await app.request(path)).text();
      expect(body).not.toContain("not for the web");
    }
  });

  test("API paths keep their JSON answers: a known route, and a 404 for an unknown one", async () => {
    expect(await (await app.request("/api/v1/health")).json()).toEqual({ ok: true });
    const r = await app.request("/api/v1/nothing-here");
    expect(r.status).toBe(404);
    expect(await r.json()).toEqual({ error: "not_found" });
  });

  test("a folder without index.html is not served", () => {
    expect(serveConsole(new Hono(), join(dir, "missing"))).toBe(false);
  });
});
