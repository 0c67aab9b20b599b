// The API's front door at its base URL: /api/v1 answers an index (links, version), the OpenAPI
// document generated from the route declarations, and an interactive reference page (Swagger
// UI from the swagger-ui-dist package, served from here: no CDN, works on an offline LAN).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { OpenAPIHono } from "@hono/zod-openapi";
import { hubAssetsDir } from "../appliance.ts";
import type { Env } from "./route.ts";

export const API_BASE = "/api/v1";
export const API_VERSION = "1";
export const DOCUMENT_PATH = `${API_BASE}/openapi.json`;
export const REFERENCE_PATH = `${API_BASE}/reference`;

/** The document as every route declared it (OpenAPI 3.1). */
export function openApiDocument(app: OpenAPIHono<Env>) {
  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer" });
  return app.getOpenAPI31Document({
    openapi: "3.1.0",
    info: {
      title: "HQ hub API",
      version: API_VERSION,
      description:
        "The chain's HQ: stores and enrollment, master data and change sets, stock, replenishment, reports, finance, completeness, fleet. Bearer token (HQ_ADMIN_TOKEN or one from POST /api/v1/tokens); errors are { error, field?, message?, reason? }.",
    },
    servers: [{ url: "/" }],
    security: [{ bearer: [] }],
  });
}

export const ASSETS: Record<string, string> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
  "favicon-32x32.png": "image/png",
};

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>HQ hub API reference</title>
<link rel="icon" href="${REFERENCE_PATH}/favicon-32x32.png">
<link rel="stylesheet" href="${REFERENCE_PATH}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${REFERENCE_PATH}/swagger-ui-bundle.js"></script>
<script src="${REFERENCE_PATH}/init.js"></script>
</body>
</html>
`;
const INIT = `window.ui = SwaggerUIBundle({
  url: ${JSON.stringify(DOCUMENT_PATH)},
  dom_id: "#swagger-ui",
  deepLinking: true,
  persistAuthorization: true,
});
`;

/** The document, the reference page and its assets; the index is a declared route (meta-routes). */
export function serveReference(app: OpenAPIHono<Env>) {
  let doc: unknown;
  // Built once, on first ask: every route is registered by then.
  const document = () => (doc ??= openApiDocument(app));
  app.get(DOCUMENT_PATH, (c) => c.json(document()));
  // Where it always was (the console's dev proxy and older scripts read it here).
  app.get("/openapi.json", (c) => c.json(document()));
  app.get(REFERENCE_PATH, (c) => c.html(PAGE));
  const assets = hubAssetsDir();
  // A compiled hub carries the three files (appliance.ts); a checkout reads the package.
  const dist = assets
    ? join(assets, "reference")
    : dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
  const cache = new Map<string, ArrayBuffer>();
  app.get(`${REFERENCE_PATH}/:file`, (c) => {
    const file = c.req.param("file");
    if (file === "init.js") return c.body(INIT, 200, { "content-type": "text/javascript; charset=utf-8" });
    const type = ASSETS[file];
    if (!type) return c.json({ error: "not_found", message: `no reference asset ${file}` }, 404);
    let bytes = cache.get(file);
    if (!bytes) {
      bytes = new Uint8Array(readFileSync(join(dist, file))).buffer;
      cache.set(file, bytes);
    }
    return c.body(bytes, 200, { "content-type": type, "cache-control": "public, max-age=86400" });
  });
}
