// First boot (issue 20 item 2): GET /setup is the zh-CN setup page; GET /api/v1/setup says
// whether this edge is enrolled; POST /api/v1/setup/enroll { hq, code } enrolls it (only while it
// is not: an enrolled store is never re-enrolled from the LAN) and then restarts the edge into
// its store (exit 75; systemd starts it again). HQ rations wrong codes per address.
import { z } from "zod";
import type { Edge } from "../edge.ts";
import { EdgeError } from "../errors.ts";
import { type Api, body, newApi } from "../http/body.ts";
import { EnrollError, enrollAt } from "./enroll.ts";
import { SETUP_PAGE } from "./page.ts";

const EnrollBody = z.strictObject({
  hq: z.string().min(1).max(200),
  code: z.string().min(1).max(40),
});

export function setupRoutes(edge: Edge): Api {
  const api = newApi();
  let enrolling = false;
  api.get("/setup", (c) => {
    const e = edge.options.config.enrollment;
    return c.json({
      enrolled: !!e,
      ...(e ? { storeId: e.storeId, storeName: e.storeName } : {}),
      ...(process.env.STORE_EDGE_SETUP_HQ ? { hq: process.env.STORE_EDGE_SETUP_HQ } : {}),
    });
  });
  api.post("/setup/enroll", async (c) => {
    if (edge.options.config.enrollment)
      throw new EdgeError(
        "conflict",
        "enrollment",
        "this edge is enrolled already; re-enroll with the CLI (--force)",
      );
    if (enrolling) throw new EdgeError("conflict", "enrollment", "an enrollment is in progress");
    const b = await body(c, EnrollBody);
    enrolling = true;
    try {
      const r = await enrollAt(edge.options.dataDir, b.hq, b.code);
      edge.log(`enrolled from the setup page as ${r.storeId}; restarting into the store`);
      const restart = edge.options.onRestart;
      if (restart) setTimeout(restart, 300);
      return c.json({ storeId: r.storeId, storeName: r.storeName, restarting: !!restart });
    } catch (e) {
      if (e instanceof EnrollError) throw new EdgeError("invalid", e.field, e.message);
      throw e;
    } finally {
      enrolling = false;
    }
  });
  return api;
}

/** The page itself (outside /api). */
export const setupPage = () =>
  new Response(SETUP_PAGE, {
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
  });
