// The built HQ console (SvelteKit adapter-static) served at "/": a file when one matches the
// path, index.html otherwise so the console's own routes survive a reload. Nothing under /api
// is ever answered with the page: an unknown API path stays a JSON 404.
import { existsSync, statSync } from "node:fs";
import { join, normalize, resolve, sep } from "node:path";
import type { Env, Hono } from "hono";

export function serveConsole<E extends Env>(app: Hono<E>, dir: string): boolean {
  const root = resolve(dir);
  const index = join(root, "index.html");
  if (!existsSync(index)) return false;
  app.get("*", (c, next) => {
    const path = c.req.path;
    if (path === "/api" || path.startsWith("/api/")) return next();
    let rel: string;
    try {
      rel = normalize(decodeURIComponent(path));
    } catch {
      return c.json(
        { error: "validation", field: "path", message: "the path is not valid URL encoding" },
        400,
      );
    }
    const file = resolve(root, `.${sep}${rel}`);
    const inside = file === root || file.startsWith(root + sep);
    const served = inside && existsSync(file) && statSync(file).isFile() ? file : index;
    // Hashed assets never change; the page itself must be re-read so a new build is picked up.
    const immutable = served !== index && rel.includes(`${sep}_app${sep}immutable${sep}`);
    return new Response(Bun.file(served), {
      headers: { "cache-control": immutable ? "public, max-age=31536000, immutable" : "no-cache" },
    });
  });
  return true;
}
