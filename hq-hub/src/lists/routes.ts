// The chain-scale lists' routes (issue 19 item 2): promotions, cashiers and suppliers paged,
// sorted and filtered by the hub. Mounted before suppliers/routes.ts so `/suppliers/page` is not
// taken for a supplier's id.
import { z } from "@hono/zod-openapi";
import { CashierV1, PromotionV1 } from "@retail/protocol";
import type { RouteModule } from "../http/route.ts";
import { named } from "../http/route.ts";
import { Supplier } from "../suppliers/routes.ts";
import { CashierListQuery, createLists, PromotionListQuery, SupplierListQuery } from "./lists.ts";

const total = z.number().int();
const CashierListRow = CashierV1.omit({ pinHash: true })
  .extend({ hasPin: z.boolean() })
  .openapi("CashierListRow");

export const listRoutes: RouteModule = (r, hub) => {
  let lists: ReturnType<typeof createLists> | undefined;
  const l = () => {
    lists ??= createLists(hub.orm);
    return lists;
  };
  r.route(
    {
      method: "get",
      path: "/api/v1/promotions/page",
      summary:
        "Promotions (HQ's working copy) searched by id, name or coupon code, filtered by kind and coupon (1: coupon-gated, 0: not), sorted (id, name, kind; '-' for descending) and paged with the total",
      access: "read",
      tag: "catalog",
      query: PromotionListQuery,
      response: z
        .object({ rows: z.array(named(PromotionV1, "PromotionV1")), total })
        .openapi("PromotionPage"),
    },
    ({ query }) => l().listPromotions(query),
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/cashiers/page",
      summary:
        "Cashiers searched by code or name, filtered by role and status, sorted (id, name, role, status) and paged with the total; whether a PIN is set, never its hash",
      access: "read",
      tag: "catalog",
      query: CashierListQuery,
      response: z.object({ rows: z.array(CashierListRow), total }).openapi("CashierPage"),
    },
    ({ query }) => l().listCashiers(query),
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/suppliers/page",
      summary:
        "Suppliers searched by code, name or tax id, filtered by status (active, inactive, all), sorted (id, name, leadTimeDays) and paged with the total",
      access: "read",
      tag: "suppliers",
      query: SupplierListQuery,
      response: z.object({ rows: z.array(Supplier), total }).openapi("SupplierPage"),
    },
    ({ query }) => l().listSuppliers(query),
  );
};
