// The finance API: posting runs, accounting months and their close, vouchers, the trial
// balance and the store-days that could not be posted. Reads are scoped to a regional
// manager's region; the writes are hq_admin's.
import { z } from "@hono/zod-openapi";
import type { RouteModule } from "../http/route.ts";
import { FinanceQuery } from "./finance.ts";

const FinanceFailure = z
  .object({
    storeId: z.string(),
    businessDay: z.string(),
    reason: z.string(),
    failedAt: z.string(),
    triedAt: z.string(),
  })
  .openapi("FinanceFailure");
const Voucher = z
  .object({
    id: z.number().int(),
    storeId: z.string(),
    businessDay: z.string(),
    sourceDay: z.string(),
    postedAt: z.string(),
    memo: z.string(),
    lines: z.array(
      z.object({
        account: z.string(),
        accountName: z.string(),
        debitFen: z.number().int(),
        creditFen: z.number().int(),
      }),
    ),
    debitFen: z.number().int(),
    creditFen: z.number().int(),
  })
  .openapi("Voucher");
const Period = z
  .object({
    period: z.string(),
    status: z.enum(["open", "closed"]),
    closedAt: z.string().nullable(),
    closedBy: z.string().nullable(),
    vouchers: z.number().int(),
    debitFen: z.number().int(),
  })
  .openapi("Period");
const TrialBalance = z
  .object({
    rows: z.array(
      z.object({
        account: z.string(),
        name: z.string(),
        debitFen: z.number().int(),
        creditFen: z.number().int(),
      }),
    ),
    debitFen: z.number().int(),
    creditFen: z.number().int(),
  })
  .openapi("TrialBalance");

const tag = "finance";

export const financeRoutes: RouteModule = (r, hub, s) => {
  r.route(
    {
      method: "post",
      path: "/api/v1/finance/post",
      summary: "Post what was ingested since the last run as vouchers (one per store and day that changed)",
      access: "admin",
      tag,
      response: z
        .object({ vouchers: z.number().int(), failed: z.array(FinanceFailure) })
        .openapi("PostingRun"),
    },
    () => hub.finance.post(),
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/finance/periods",
      summary: "Accounting months, open or closed",
      access: "read",
      tag,
      response: z.array(Period),
    },
    ({ principal }) =>
      hub.finance.periods(principal.role === "regional_manager" ? principal.region : undefined),
  );
  r.route(
    {
      method: "post",
      path: "/api/v1/finance/periods/{period}/close",
      summary: "Close a month (YYYY-MM): later entries for its days post on the next open month",
      access: "admin",
      tag,
      response: z
        .object({ period: z.string(), closedAt: z.string(), closedBy: z.string(), posted: z.number().int() })
        .openapi("PeriodClosed"),
    },
    ({ params, principal }) => hub.finance.closePeriod(params.period, s.actor(principal)),
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/finance/vouchers",
      summary: "Vouchers whose accounting date is in from..to, with their lines",
      access: "read",
      tag,
      query: FinanceQuery,
      response: z.array(Voucher),
    },
    ({ query, principal }) => hub.finance.vouchers(query, s.readScope(principal, query.store)),
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/finance/failures",
      summary:
        "Store-days finance could not post (figures beyond exact integers, unbalanced), with the reason; retried on every posting run",
      access: "read",
      tag,
      query: z.object({ store: z.string().min(1).optional() }),
      response: z.array(FinanceFailure),
    },
    ({ query, principal }) => hub.finance.failures(s.readScope(principal, query.store)),
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/finance/trial-balance",
      summary: "Debit and credit totals per account over vouchers dated from..to",
      access: "read",
      tag,
      query: FinanceQuery,
      response: TrialBalance,
    },
    ({ query, principal }) => hub.finance.trialBalance(query, s.readScope(principal, query.store)),
  );
};
