// The completeness API: the daily proof that HQ holds every receipt of every store-day (the
// stores' day digests against what HQ committed). A regional manager sees its region's stores.
import { z } from "@hono/zod-openapi";
import { authorize } from "../http/auth.ts";
import type { RouteModule } from "../http/route.ts";
import { CompletenessQuery } from "./completeness.ts";

const DayStatus = z.enum(["complete", "incomplete", "pending", "no_digest"]).openapi("DayStatus");
const Cell = z
  .object({
    storeId: z.string(),
    businessDay: z.string(),
    status: DayStatus,
    final: z.boolean(),
    storeCount: z.number().int().optional(),
    hqCount: z.number().int(),
    missing: z.number().int(),
    extra: z.number().int(),
    later: z.number().int(),
  })
  .openapi("CompletenessCell");
const Grid = z
  .object({
    from: z.string(),
    to: z.string(),
    days: z.array(z.string()),
    stores: z.array(z.object({ id: z.string(), name: z.string() })),
    cells: z.array(Cell),
  })
  .openapi("CompletenessGrid");
const DaySummary = z
  .object({
    receiptCount: z.number().int(),
    sales: z.object({ count: z.number().int(), net: z.number().int(), tax: z.number().int() }),
    returns: z.object({ count: z.number().int(), refund: z.number().int() }),
    salesByTender: z.record(z.string(), z.number().int()),
    returnsByTender: z.record(z.string(), z.number().int()),
    receiptsHash: z.string(),
  })
  .openapi("DaySummary");
/** One store-day: the verdict (a digest came) or what HQ holds (status no_digest, receipts). */
const DayDetail = z
  .object({
    storeId: z.string(),
    businessDay: z.string(),
    status: DayStatus,
    hq: DaySummary,
    /** no_digest: the receipt numbers HQ holds of the day. */
    receipts: z.array(z.string()).optional(),
    receivedAt: z.string().optional(),
    final: z.boolean().optional(),
    digestSeq: z.number().int().optional(),
    firstSeq: z.number().int().optional(),
    lastSeq: z.number().int().optional(),
    asOf: z.string().optional(),
    store: DaySummary.optional(),
    missing: z.array(z.string()).optional(),
    extra: z.array(z.string()).optional(),
    later: z.array(z.string()).optional(),
    mismatches: z
      .array(
        z.object({
          field: z.string(),
          store: z.union([z.number(), z.string()]),
          hq: z.union([z.number(), z.string()]),
        }),
      )
      .optional(),
    listed: z.boolean().optional(),
    caughtUp: z.boolean().optional(),
  })
  .openapi("DayDetail");
const MonthProof = z
  .object({
    period: z.string(),
    complete: z.boolean(),
    storeDays: z.number().int(),
    through: z.string(),
    problems: z.array(
      z.object({
        storeId: z.string(),
        businessDay: z.string(),
        status: z.enum(["incomplete", "pending", "no_digest", "not_final"]),
        missing: z.number().int(),
        extra: z.number().int(),
      }),
    ),
  })
  .openapi("MonthProof");

const tag = "completeness";

export const completenessRoutes: RouteModule = (r, hub, s) => {
  r.route(
    {
      method: "get",
      path: "/api/v1/completeness",
      summary: "Store x business-day grid (at most 62 days): complete, incomplete, pending or no digest",
      access: "read",
      tag,
      query: CompletenessQuery,
      response: Grid,
    },
    ({ query, principal }) => hub.completeness.grid(query, s.readScope(principal, query.storeId)),
  );
  // Before {storeId}/{day}: "month/2026-11" matches both patterns, the first registered answers.
  r.route(
    {
      method: "get",
      path: "/api/v1/completeness/month/{period}",
      summary:
        "Month end: is every store-day of the month (YYYY-MM) proven complete? Lists those that are not",
      access: "read",
      tag,
      response: MonthProof,
    },
    ({ params, principal }) => hub.completeness.month(params.period, s.readScope(principal, undefined)),
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/completeness/{storeId}/{day}",
      summary: "One store-day: the store's digest against HQ, with missing and extra receipts by number",
      access: "read",
      tag,
      response: DayDetail,
    },
    ({ params, principal }) => {
      authorize(principal, "read", s.regionOfStore(params.storeId));
      return hub.completeness.detail(params.storeId, params.day);
    },
  );
};
