// The reports API: sales by day, store or category and money by tender method over business
// days; a regional manager reads only its region's stores (http/scope.ts readScope).
import { z } from "@hono/zod-openapi";
import { fromZod } from "../errors.ts";
import type { RouteModule } from "../http/route.ts";
import { MarginQuery } from "./margin-report.ts";
import { ReportFileQuery, reportFile } from "./report-files.ts";
import { ReportQuery, TenderQuery } from "./reports.ts";

const Totals = z
  .object({
    saleCount: z.number().int(),
    returnCount: z.number().int(),
    grossFen: z.number().int(),
    discountFen: z.number().int(),
    netFen: z.number().int(),
    taxFen: z.number().int(),
    refundFen: z.number().int(),
  })
  .openapi("Totals");
/** Stores left out because their figures are beyond exact integers (the money caps). */
export const ExcludedStore = z.object({ storeId: z.string(), reason: z.string() }).openapi("ExcludedStore");
const SalesReport = z
  .object({
    from: z.string(),
    to: z.string(),
    by: z.enum(["day", "week", "month", "store", "region", "category", "cashier"]),
    rows: z.array(Totals.extend({ key: z.string(), label: z.string() })),
    totals: Totals,
    excluded: z.array(ExcludedStore),
  })
  .openapi("SalesReport");
const TenderReport = z
  .object({
    rows: z.array(z.object({ method: z.string(), count: z.number().int(), amountFen: z.number().int() })),
    totalFen: z.number().int(),
    excluded: z.array(ExcludedStore),
  })
  .openapi("TenderReport");
const MarginFigures = z
  .object({
    soldQty: z.number().int(),
    returnedQty: z.number().int(),
    revenueFen: z.number().int(),
    costFen: z.number().int(),
    marginFen: z.number().int(),
    marginBp: z.number().int().nullable(),
    discountFen: z.number().int().optional(),
  })
  .openapi("MarginFigures");
const MarginReport = z
  .object({
    from: z.string(),
    to: z.string(),
    by: z.enum(["store", "region", "category", "sku", "promotion"]),
    rows: z.array(MarginFigures.extend({ key: z.string(), label: z.string() })),
    totals: MarginFigures,
    excluded: z.array(ExcludedStore),
  })
  .openapi("MarginReport");
const ReturnsReport = z
  .object({
    returns: z.object({ count: z.number().int(), refundFen: z.number().int() }),
    byReason: z.array(z.object({ reason: z.string(), count: z.number().int(), refundFen: z.number().int() })),
    byAction: z.array(z.object({ action: z.string(), count: z.number().int(), amountFen: z.number().int() })),
    byCashier: z.array(
      z.object({
        cashierId: z.string(),
        name: z.string(),
        returns: z.number().int(),
        refundFen: z.number().int(),
        actions: z.number().int(),
        voids: z.number().int(),
        actionFen: z.number().int(),
      }),
    ),
    excluded: z.array(ExcludedStore),
  })
  .openapi("ReturnsReport");
const CategoryNameInput = z.strictObject({ name: z.string().min(1).max(40) });

const tag = "reports";

export const reportRoutes: RouteModule = (r, hub, s) => {
  r.route(
    {
      method: "get",
      path: "/api/v1/reports/sales",
      summary:
        "Sales by day, ISO week, month, store, region, top-level category or cashier over business days from..to (training excluded)",
      access: "read",
      tag,
      query: ReportQuery,
      response: SalesReport,
    },
    ({ query, principal }) => hub.reports.sales(query, s.readScope(principal, query.store)),
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/reports/tenders",
      summary: "Money by tender method over business days from..to (net of change and refunds)",
      access: "read",
      tag,
      query: TenderQuery,
      response: TenderReport,
    },
    ({ query, principal }) => hub.reports.tenders(query, s.readScope(principal, query.store)),
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/reports/margin",
      summary:
        "Revenue net of VAT and returns, cost (the costing ledger's cost of the units sold, less what returns put back) and gross margin by store, region, category, SKU or promotion over business days from..to",
      access: "read",
      tag,
      query: MarginQuery,
      response: MarginReport,
    },
    ({ query, principal }) => hub.margin.margin(query, s.readScope(principal, query.store)),
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/reports/returns",
      summary:
        "Returns by reason and supervised till actions (voids, price overrides, no-sale opens, returns without receipt, cash refunds) by action and per cashier over business days from..to",
      access: "read",
      tag,
      query: TenderQuery,
      response: ReturnsReport,
    },
    ({ query, principal }) => hub.returnsVoids.report(query, s.readScope(principal, query.store)),
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/reports/export",
      summary:
        "A report as a file: report=sales|tenders|margin|returns, format=csv|xlsx, lang=zh-CN|en, with the report's own from, to, by and store (amounts in yuan as exact decimals)",
      access: "read",
      tag,
      query: ReportFileQuery,
      response: z.string().openapi({ description: "the file (Content-Disposition names it)" }),
    },
    ({ query, principal }) => {
      const scope = s.readScope(principal, query.store);
      const { report: _r, format: _f, lang: _l, ...rest } = query;
      // The report's own query schema checks `by` (and the rest) as its JSON route does.
      const parse = <T>(schema: z.ZodType<T>): T => {
        const r = schema.safeParse(rest);
        if (!r.success) throw fromZod(r.error, "query");
        return r.data;
      };
      const report =
        query.report === "sales"
          ? hub.reports.sales(parse(ReportQuery), scope)
          : query.report === "margin"
            ? hub.margin.margin(parse(MarginQuery), scope)
            : query.report === "tenders"
              ? hub.reports.tenders(parse(TenderQuery), scope)
              : hub.returnsVoids.report(parse(TenderQuery), scope);
      const f = reportFile(query, report);
      return new Response(f.bytes, {
        headers: {
          "content-type": f.contentType,
          "content-disposition": `attachment; filename="${f.filename}"`,
        },
      });
    },
  );
  r.route(
    {
      method: "put",
      path: "/api/v1/reports/categories/{code}",
      summary: "Name a top-level category code for the reports (zh-CN)",
      access: "admin",
      tag,
      body: CategoryNameInput,
      response: z.object({ code: z.string(), name: z.string() }),
    },
    ({ params, body }) => hub.reports.nameCategory(params.code, body.name),
  );
};
