// The OpenAPI document is generated from the route declarations: it must be a valid OpenAPI 3
// document, list every route the app answers with a response schema, and be what the reference
// page at the API's base URL shows (served from here, no CDN).
import { describe, expect, test } from "bun:test";
import { Validator } from "@seriousme/openapi-schema-validator";
import type { ApiHub } from "./api-hub.ts";
import { createApp } from "./app.ts";

// Nothing is called at build time: the hub's parts are read per request.
const app = createApp({} as ApiHub);
const NOT_API = new Set(["/api/v1/openapi.json", "/api/v1/reference", "/api/v1/reference/:file"]);

type Doc = {
  openapi: string;
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema?: object }> }> }>
  >;
};

/** Routes the app answers under /api that the document does not list with a 200 JSON schema. */
function undocumented(routes: readonly { method: string; path: string }[], doc: Doc): string[] {
  const missing: string[] = [];
  for (const r of routes) {
    if (!r.path.startsWith("/api/") && r.path !== "/api/v1") continue;
    if (NOT_API.has(r.path) || r.method === "ALL") continue;
    const path = r.path.replace(/:(\w+)/g, "{$1}");
    const op = doc.paths[path]?.[r.method.toLowerCase()];
    // A JSON answer, or a file download (an edge release's executable) with its schema.
    const content = op?.responses["200"]?.content;
    const schema = content?.["application/json"]?.schema ?? content?.["application/octet-stream"]?.schema;
    if (!schema || Object.keys(schema).length === 0) missing.push(`${r.method} ${r.path}`);
  }
  return missing;
}

async function documentOf(): Promise<Doc> {
  const res = await app.request("/api/v1/openapi.json");
  expect(res.status).toBe(200);
  return (await res.json()) as Doc;
}

describe("OpenAPI document", () => {
  test("is a valid OpenAPI 3.1 document", async () => {
    const doc = await documentOf();
    expect(doc.openapi).toBe("3.1.0");
    const result = await new Validator().validate(doc as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    // Validating the whole document (every folder's routes) takes seconds on a loaded 2-core machine.
  }, 60_000);

  test("every route registered on the app is in it with a response schema", async () => {
    const doc = await documentOf();
    const api = app.routes.filter((r) => r.path.startsWith("/api/"));
    // All of them, not a handful: the hub has some 70 routes.
    expect(api.length).toBeGreaterThan(60);
    expect(undocumented(app.routes, doc)).toEqual([]);
    // The same document at the old address.
    expect(await (await app.request("/openapi.json")).json()).toEqual(doc);
  });

  test("a route added beside the declarations is caught", async () => {
    const doc = await documentOf();
    const planted = [...app.routes, { method: "GET", path: "/api/v1/stores/:id/secret" }];
    expect(undocumented(planted, doc)).toEqual(["GET /api/v1/stores/:id/secret"]);
  });

  test("errors and access are documented: the error shape, 401/403 on token routes, none on public ones", async () => {
    const doc = await documentOf();
    const stores = doc.paths["/api/v1/stores"]!.get!;
    expect(Object.keys(stores.responses)).toEqual(
      expect.arrayContaining(["200", "400", "401", "403", "404"]),
    );
    expect(stores.responses["403"]!.content!["application/json"]!.schema).toEqual({
      $ref: "#/components/schemas/ApiError",
    });
    const enroll = doc.paths["/api/v1/enroll"]!.post! as unknown as {
      security: unknown[];
      responses: object;
    };
    expect(enroll.security).toEqual([]);
    expect(Object.keys(enroll.responses)).not.toContain("401");
    expect(Object.keys(enroll.responses)).toContain("429");
  });
});

describe("the API's base URL", () => {
  test("/api/v1 answers an index linking the document and the reference page", async () => {
    const res = await app.request("/api/v1");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      name: "HQ hub API",
      version: "1",
      links: { openapi: "/api/v1/openapi.json", reference: "/api/v1/reference", health: "/api/v1/health" },
    });
  });

  test("the reference page loads Swagger UI from the hub itself, on the same document", async () => {
    const page = await app.request("/api/v1/reference");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    const html = await page.text();
    // No CDN: every script and stylesheet is a path on this server.
    const urls = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(urls.length).toBeGreaterThanOrEqual(3);
    for (const url of urls) {
      expect(url.startsWith("/api/v1/reference/")).toBe(true);
      const asset = await app.request(url);
      expect(asset.status).toBe(200);
      expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(0);
    }
    const bundle = await (await app.request("/api/v1/reference/swagger-ui-bundle.js")).text();
    expect(bundle).toContain("SwaggerUIBundle");
    const init = await (await app.request("/api/v1/reference/init.js")).text();
    expect(init).toContain('"/api/v1/openapi.json"');
    // Only the listed assets: nothing else of the package (or the disk) is reachable.
    expect((await app.request("/api/v1/reference/package.json")).status).toBe(404);
    expect((await app.request("/api/v1/reference/..%2f..%2fpackage.json")).status).toBe(404);
  });
});
