// The coupons API (a few lines per route: validate, call coupons.ts, answer). Registered by
// http/app.ts through its route() so auth and validation are the same as every other route.
import { z } from "zod";
import type { Access, Principal } from "../http/auth.ts";
import { ConflictQuery, CouponQuery, type Coupons, IssueInput } from "./coupons.ts";

interface Spec {
  method: "get" | "post";
  path: string;
  summary: string;
  access: Access;
  body?: z.ZodType;
  query?: z.ZodObject;
}
type Route = (
  spec: Spec,
  handler: (
    c: { req: { param(name: string): string | undefined } },
    input: { body: unknown; query: unknown; principal: Principal },
  ) => unknown,
) => void;

const ResolveInput = z.strictObject({ note: z.string().min(1).max(500) });

/** `coupons` is read per request: the app is built before the hub assembles its parts. */
export function couponRoutes(route: Route, hubCoupons: () => Coupons, actor: (p: Principal) => string) {
  const coupons = {
    issue: (a: string, b: IssueInput) => hubCoupons().issue(a, b),
    list: (q: CouponQuery) => hubCoupons().list(q),
    conflicts: (q: ConflictQuery) => hubCoupons().conflicts(q),
    resolveConflict: (id: number, a: string, n: string) => hubCoupons().resolveConflict(id, a, n),
    syncSpent: (a: string) => hubCoupons().syncSpent(a),
  };
  route(
    {
      method: "post",
      path: "/api/v1/coupons/issue",
      summary:
        "Issue coupons bound to a coupon-gated promotion: codes, count, or one per member (memberIds); sent to every store at once",
      access: "write",
      body: IssueInput,
    },
    (_c, { body, principal }) => coupons.issue(actor(principal), body as IssueInput),
  );
  route(
    {
      method: "get",
      path: "/api/v1/coupons",
      summary: "Coupons with their uses (promotionId, memberId, status, code, limit)",
      access: "read",
      query: CouponQuery,
    },
    (_c, { query }) => coupons.list(query as CouponQuery),
  );
  route(
    {
      method: "get",
      path: "/api/v1/coupons/conflicts",
      summary: "One-time coupons used by two sales (status open|resolved|all)",
      access: "read",
      query: ConflictQuery,
    },
    (_c, { query }) => coupons.conflicts(query as ConflictQuery),
  );
  route(
    {
      method: "post",
      path: "/api/v1/coupons/conflicts/{id}/resolve",
      summary: "Close a coupon conflict with a note",
      access: "write",
      body: ResolveInput,
    },
    (c, { body, principal }) =>
      coupons.resolveConflict(Number(c.req.param("id")), actor(principal), (body as { note: string }).note),
  );
  route(
    {
      method: "post",
      path: "/api/v1/coupons/sync",
      summary: "Send the coupons spent since the last sync down now",
      access: "write",
    },
    (_c, { principal }) => coupons.syncSpent(actor(principal)) ?? { coupons: 0 },
  );
}
