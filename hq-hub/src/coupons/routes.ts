// The coupons API (a few lines per route: validate, call coupons.ts, answer).
import { z } from "@hono/zod-openapi";
import { CouponV1 } from "@retail/protocol";
import type { RouteModule } from "../http/route.ts";
import { ConflictQuery, CouponQuery, IssueInput } from "./coupons.ts";

const ResolveInput = z.strictObject({ note: z.string().min(1).max(500) });

const Use = z.object({ storeId: z.string(), saleId: z.string(), at: z.string() });
const CouponRow = z
  .object({
    code: z.string(),
    promotionId: z.string(),
    memberId: z.string().nullable(),
    validUntil: z.string().nullable(),
    status: z.enum(["issued", "redeemed", "void"]),
    multiUse: z.boolean(),
    uses: z.number().int(),
    /** The first sale that used it, or null. */
    firstUse: Use.nullable(),
  })
  .openapi("CouponRow");
const CouponConflict = z
  .object({
    id: z.number().int(),
    code: z.string(),
    first: Use,
    second: Use,
    detectedAt: z.string(),
    status: z.enum(["open", "resolved"]),
    resolvedBy: z.string().nullable(),
    resolvedAt: z.string().nullable(),
    note: z.string().nullable(),
  })
  .openapi("CouponConflict");
const Issued = z
  .object({
    changesetId: z.number().int(),
    version: z.number().int().nullable(),
    promotionId: z.string(),
    coupons: z.array(CouponV1),
  })
  .openapi("CouponsIssued");

const tag = "coupons";

export const couponRoutes: RouteModule = (r, hub, s) => {
  r.route(
    {
      method: "post",
      path: "/api/v1/coupons/issue",
      summary:
        "Issue coupons bound to a coupon-gated promotion: codes, count, or one per member (memberIds); sent to every store at once",
      access: "write",
      tag,
      body: IssueInput,
      response: Issued,
    },
    ({ body, principal }) => hub.coupons.issue(s.actor(principal), body),
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/coupons",
      summary:
        "Coupons with their uses (promotionId, memberId, status, code; q: a code's start or a member id; limit/offset) and the total of the hits",
      access: "read",
      tag,
      query: CouponQuery,
      response: z.object({ coupons: z.array(CouponRow), total: z.number().int() }).openapi("CouponPage"),
    },
    ({ query }) => hub.coupons.list(query),
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/coupons/conflicts",
      summary: "One-time coupons used by two sales (status open|resolved|all)",
      access: "read",
      tag,
      query: ConflictQuery,
      response: z.object({ conflicts: z.array(CouponConflict) }),
    },
    ({ query }) => hub.coupons.conflicts(query),
  );
  r.route(
    {
      method: "post",
      path: "/api/v1/coupons/conflicts/{id}/resolve",
      summary: "Close a coupon conflict with a note",
      access: "write",
      tag,
      body: ResolveInput,
      response: CouponConflict,
    },
    ({ params, body, principal }) =>
      hub.coupons.resolveConflict(Number(params.id), s.actor(principal), body.note),
  );
  r.route(
    {
      method: "post",
      path: "/api/v1/coupons/sync",
      summary: "Send the coupons spent since the last sync down now",
      access: "write",
      tag,
      response: z.object({ changesetId: z.number().int().optional(), coupons: z.number().int() }),
    },
    ({ principal }) => hub.coupons.syncSpent(s.actor(principal)) ?? { coupons: 0 },
  );
};
