// The HTTP API the terminal UI talks to (documented in docs/store-edge.md), put together: the
// error answers, who may call what, body limits, then each folder's routes (staff/, shift/,
// sale/, coupons/, payments/, returns/, journal/, lanes/, and the store-level reads beside this
// file). Routes are thin: validate the body with zod (400 naming the field, body.ts), call the
// service, answer JSON. Domain errors carry their own status and field.
//
// Who may call what (the store LAN is not trusted): every /lanes/:lane/... route but the sign-in
// and a supervisor's unlock of a locked code needs that lane's cashier session, `Authorization: Bearer <token>` from POST
// /lanes/:lane/login (401 otherwise, staff/sessions.ts); the store-level reads that show
// sales and carts (GET /lanes, /suspended, /sales/:receiptNo) need any lane's session; catalog,
// stock and status reads are open (the terminal shows them before sign-in, nothing in them is a
// customer's); stock counts and receivings carry a cashier's code and PIN in their body. Every
// PIN is checked by staff/verify-pin.ts (durable per-code lockout, per-source limit).
import { existsSync, statSync } from "node:fs";
import { join, normalize } from "node:path";
import type { Context } from "hono";
import { Hono } from "hono";
import { batchRoutes } from "../batches/routes.ts";
import { couponRoutes } from "../coupons/routes.ts";
import type { Edge } from "../edge.ts";
import { EdgeError, invalid } from "../errors.ts";
import { errorLog } from "../health/log-limit.ts";
import { StorageError } from "../health/storage.ts";
import { journalRoutes } from "../journal/routes.ts";
import { laneRoutes } from "../lanes/routes.ts";
import { pointsRoutes } from "../member/points-routes.ts";
import { memberRoutes } from "../member/routes.ts";
import { paymentRoutes } from "../payments/routes.ts";
import { returnRoutes } from "../returns/routes.ts";
import { saleRoutes } from "../sale/routes.ts";
import { setupPage, setupRoutes } from "../setup/routes.ts";
import { shiftRoutes } from "../shift/routes.ts";
import { staffRoutes } from "../staff/routes.ts";
import { bearerToken, SessionError } from "../staff/sessions.ts";
import { LOCAL_SOURCE, pinSource } from "../staff/verify-pin.ts";
import { stocktakeRoutes } from "../stocktake/routes.ts";
import { supplyRoutes } from "../supply/routes.ts";
import { type AppEnv, newApi } from "./body.ts";
import { bodyLimits } from "./body-limit.ts";
import { storeRoutes } from "./store-routes.ts";

export type { AppEnv } from "./body.ts";

export function createApp(edge: Edge, staticDir?: string): Hono<{ Bindings: AppEnv }> {
  const app = new Hono<{ Bindings: AppEnv }>();

  app.onError((err, c) => {
    // A full disk fails every request: said once a minute with a count (health/log-limit.ts).
    if (err instanceof StorageError)
      errorLog.log(`storage:${err.state}`, `store-edge: ${err.sqliteCode}: ${err.message}`);
    if (err instanceof EdgeError)
      return c.json(
        {
          error: err.code,
          field: err.field,
          message: err.message,
          ...(err.reason ? { reason: err.reason } : {}),
        },
        err.status as 400,
      );
    if (err instanceof SessionError) {
      c.header("www-authenticate", `Bearer realm="store-edge", error="invalid_token"`);
      return c.json({ error: err.code, field: err.field, message: err.message, reason: err.reason }, 401);
    }
    errorLog.log(`internal:${(err as Error).message}`, `store-edge: ${(err as Error).stack ?? String(err)}`);
    return c.json({ error: "internal", field: "", message: (err as Error).message }, 500);
  });
  app.notFound((c) =>
    c.json({ error: "not_found", field: "path", message: `no route ${c.req.method} ${c.req.path}` }, 404),
  );

  // How long the edge itself took, for the UI's and the benches' latency figures.
  app.use(async (c, next) => {
    const t0 = performance.now();
    await next();
    c.header("server-timing", `app;dur=${(performance.now() - t0).toFixed(2)}`);
  });

  const api = newApi();
  // Every PIN check knows which LAN address sent it (staff/verify-pin.ts limits per source).
  api.use(async (c, next) => pinSource.run(c.env?.source ?? LOCAL_SOURCE, next));
  const sessionOf = (c: Context, lane?: string) =>
    edge.staff.sessions.check(bearerToken(c.req.header("authorization")), lane);
  // The lane's session, before anything else of the request is looked at: the sign-in is the
  // only lane route open without it. A lane id that cannot be one is still a 400 on "lane".
  const laneAuth = async (c: Context, next: () => Promise<void>) => {
    const lane = c.req.param("lane") ?? "";
    if (!/^[0-9]{1,2}$/.test(lane)) throw invalid("lane", "a lane is 1-2 digits");
    // The sign-in and the unlock of a locked code (at a till where nobody can sign in) carry
    // their own code and PIN instead, checked by verifyPin under the same limits.
    if (!(c.req.method === "POST" && /\/(login|staff\/\d{3,8}\/unlock)\/?$/.test(c.req.path)))
      sessionOf(c, lane);
    await next();
  };
  api.use("/lanes/:lane/*", laneAuth); // also matches /lanes/:lane itself
  const anySession = async (c: Context, next: () => Promise<void>) => {
    sessionOf(c);
    await next();
  };
  api.use("/lanes", anySession);
  api.use("/suspended", anySession);
  api.use("/sales/*", anySession);
  // After the session checks: a body is read (never past its limit) only for a signed-in lane,
  // the sign-in itself, and the open routes.
  api.use("*", bodyLimits(edge.options.config.http ?? {}));

  api.route("/", batchRoutes(edge.batches));
  api.route("/", storeRoutes(edge));
  api.route("/", setupRoutes(edge));
  api.route("/", supplyRoutes(edge.supply, edge));
  api.route("/", stocktakeRoutes(edge.stocktakes));
  api.route("/", saleRoutes(edge));
  api.route("/", memberRoutes(edge.members));
  api.route("/", pointsRoutes(edge.points));
  api.route("/", laneRoutes(edge.lanes));
  api.route("/", staffRoutes(edge.staff));
  api.route("/", shiftRoutes(edge.shifts));
  api.route("/", couponRoutes(edge.coupons));
  api.route("/", paymentRoutes(edge.wallet));
  api.route("/", returnRoutes(edge.returns));
  api.route("/", journalRoutes(edge.journal, edge.lanes));
  app.route("/api/v1", api);
  // First boot: the setup page (setup/), before the terminal UI's fallback.
  app.get("/setup", () => setupPage());

  if (staticDir && existsSync(staticDir)) {
    // The built terminal UI (SvelteKit static adapter): files, with index.html as the fallback.
    app.get("*", (c) => {
      const rel = normalize(decodeURIComponent(c.req.path)).replace(/^(\.\.[/\\])+/, "");
      let file = join(staticDir, rel);
      if (!file.startsWith(staticDir) || !existsSync(file) || statSync(file).isDirectory())
        file = join(staticDir, "index.html");
      return new Response(Bun.file(file));
    });
  }
  return app;
}
