// The stocktake API: open a count at a store (sent down as stocktake.update), list and read
// sessions with their variances at average cost, approve (adjustments posted and sent down as
// a stock.movement), reject or cancel (the store is told), and the stocktake alerts.
import { z } from "@hono/zod-openapi";
import { authorize } from "../http/auth.ts";
import type { RouteModule } from "../http/route.ts";
import { DecideInput, OpenStocktakeInput } from "./stocktakes.ts";

const Status = z.enum(["requested", "submitted", "approved", "rejected", "cancelled"]);

const Summary = z
  .object({
    id: z.string(),
    storeId: z.string(),
    kind: z.enum(["full", "cycle"]),
    status: Status,
    origin: z.enum(["hq", "store"]),
    skus: z.array(z.string()),
    recountOver: z.number().int(),
    openedBy: z.string(),
    openedAt: z.string(),
    submittedBy: z.string().nullable(),
    submittedAt: z.string().nullable(),
    decidedBy: z.string().nullable(),
    decidedAt: z.string().nullable(),
    note: z.string().nullable(),
    lineCount: z.number().int(),
    differing: z.number().int(),
  })
  .openapi("StocktakeSummary");

const AlertKind = z.enum(["negative_book", "big_variance"]);

const Detail = Summary.extend({
  lines: z.array(
    z.object({
      sku: z.string(),
      name: z.string().nullable(),
      expected: z.number().int(),
      counted: z.number().int(),
      recounted: z.boolean(),
      counters: z.array(z.string()),
      /** Dated goods counted by lot: each lot's snapshot and count (batch "" the undated rest). */
      lots: z
        .array(
          z.object({
            batch: z.string(),
            expiresOn: z.string().optional(),
            expected: z.number().int(),
            counted: z.number().int(),
          }),
        )
        .optional(),
      diff: z.number().int(),
      averageFen: z.number().int().nullable(),
      valueFen: z.number().int().nullable(),
    }),
  ),
  alerts: z.array(z.object({ sku: z.string(), kind: AlertKind })),
  totals: z.object({ gainFen: z.number().int(), lossFen: z.number().int(), unvalued: z.number().int() }),
}).openapi("Stocktake");

const Alert = z
  .object({
    sessionId: z.string(),
    storeId: z.string(),
    sku: z.string(),
    name: z.string().nullable(),
    kind: AlertKind,
    expected: z.number().int(),
    counted: z.number().int(),
    diff: z.number().int(),
    valueFen: z.number().int().nullable(),
    status: Status,
    submittedAt: z.string().nullable(),
  })
  .openapi("StocktakeAlert");

const Decided = z.object({ session: Summary }).openapi("StocktakeDecided");

const tag = "stocktakes";

export const stocktakeRoutes: RouteModule = (r, hub, s) => {
  const regions = (p: { role: string; region?: string }) =>
    p.role === "regional_manager" ? { regions: [p.region!] } : {};
  r.route(
    {
      method: "get",
      path: "/api/v1/stocktakes",
      summary:
        "Stocktake sessions, newest first (a store's, or by status); a regional manager sees its region",
      access: "read",
      tag,
      query: z.object({ store: z.string().max(16).optional(), status: Status.optional() }),
      response: z.array(Summary),
    },
    ({ query, principal }) => {
      if (query.store) authorize(principal, "read", s.regionOfStore(query.store));
      return hub.stocktakes.list({
        ...(query.store ? { storeId: query.store } : {}),
        ...(query.status ? { status: query.status } : {}),
        ...regions(principal),
      });
    },
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/stocktakes/alerts",
      summary:
        "Stocktake alerts: book stock below zero when a count opened, and big variances (at least ¥200 at average cost), of sessions awaiting approval or decided in the last `days` days",
      access: "read",
      tag,
      query: z.object({
        store: z.string().max(16).optional(),
        days: z.coerce.number().int().min(1).max(366).default(30),
      }),
      response: z.array(Alert),
    },
    ({ query, principal }) => {
      if (query.store) authorize(principal, "read", s.regionOfStore(query.store));
      return hub.stocktakes.alerts({
        ...(query.store ? { storeId: query.store } : {}),
        days: query.days,
        ...regions(principal),
      });
    },
  );
  r.route(
    {
      method: "post",
      path: "/api/v1/stocktakes",
      summary:
        "Open a stocktake at a store (full, or a cycle count of named SKUs); the store is told (stocktake.update)",
      access: "write",
      tag,
      body: OpenStocktakeInput,
      response: Decided,
    },
    async ({ body, principal }) => {
      authorize(principal, "write", s.regionOfStore(body.storeId));
      const o = hub.stocktakes.open(body, s.actor(principal));
      await hub.send(o.session.storeId, "stocktake.update", o.update);
      return { session: o.session };
    },
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/stocktakes/{id}",
      summary:
        "A stocktake with each line's difference from the snapshot, valued at the store's average cost, and its alerts",
      access: "read",
      tag,
      response: Detail,
    },
    ({ params, principal }) => {
      const st = hub.stocktakes.get(params.id);
      authorize(principal, "read", s.regionOfStore(st.storeId));
      return st;
    },
  );
  for (const step of ["approve", "reject", "cancel"] as const)
    r.route(
      {
        method: "post",
        path: `/api/v1/stocktakes/{id}/${step}`,
        summary:
          step === "approve"
            ? "Approve a submitted count: its differences are posted as count adjustments (at average cost) and sent to the store"
            : step === "reject"
              ? "Reject a submitted count: nothing moves; the store is told"
              : "Cancel a stocktake the store has not submitted; the store is told",
        access: "write",
        tag,
        body: DecideInput,
        response: Decided,
      },
      async ({ params, body, principal }) => {
        authorize(principal, "write", s.regionOfStore(hub.stocktakes.get(params.id).storeId));
        const actor = s.actor(principal);
        const d =
          step === "approve"
            ? hub.stocktakes.approve(params.id, actor, body.note)
            : { ...hub.stocktakes[step](params.id, actor, body.note), movement: undefined };
        if (d.movement) await hub.send(d.session.storeId, "stock.movement", d.movement);
        await hub.send(d.session.storeId, "stocktake.update", d.update);
        return { session: d.session };
      },
    );
};
