// The finance API: posting runs, accounting months and their close, vouchers, the trial
// balance and the store-days that could not be posted. Reads are scoped to a regional
// manager's region; the writes are hq_admin's.
import { z } from "@hono/zod-openapi";
import type { RouteModule } from "../http/route.ts";
import { FinanceQuery, VoucherPageQuery } from "./finance.ts";

const FinanceFailure = z
  .object({
    storeId: z.string(),
    businessDay: z.string(),
    reason: z.string(),
    failedAt: z.string(),
    triedAt: z.string(),
  })
  .openapi("FinanceFailure");
const HeldStore = z
  .object({
    storeId: z.string(),
    fromLedgerId: z.number().int(),
    movements: z.number().int(),
    reason: z.string(),
    heldAt: z.string(),
    triedAt: z.string(),
  })
  .openapi("InventoryHeldStore");
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

const ValuationReport = z
  .object({
    date: z.string(),
    rows: z.array(
      z.object({
        storeId: z.string(),
        category: z.string(),
        onHand: z.number().int(),
        valueFen: z.number().int(),
      }),
    ),
    stores: z.array(
      z.object({
        storeId: z.string(),
        inventoryAccount: z.string(),
        valuationFen: z.number().int(),
        accountFen: z.number().int(),
        differenceFen: z.number().int(),
      }),
    ),
    valuationFen: z.number().int(),
    accountFen: z.number().int(),
    differenceFen: z.number().int(),
    unpostedMovements: z.number().int(),
  })
  .openapi("ValuationReport");
const ValuationQuery = z.object({
  date: z.iso.date({ message: "a date YYYY-MM-DD" }),
  store: z.string().min(1).max(32).optional(),
});

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
      path: "/api/v1/finance/vouchers/page",
      summary:
        "A page of the vouchers dated from..to (by day, store, then as posted; limit 1-200, 20 by default; offset), with the range's voucher count and debit and credit totals",
      access: "read",
      tag,
      query: VoucherPageQuery,
      response: z
        .object({
          rows: z.array(Voucher),
          total: z.number().int(),
          debitFen: z.number().int(),
          creditFen: z.number().int(),
        })
        .openapi("VoucherPage"),
    },
    ({ query, principal }) => hub.finance.voucherPage(query, s.readScope(principal, query.store)),
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
  r.route(
    {
      method: "post",
      path: "/api/v1/finance/inventory/post",
      summary:
        "Cost the stock ledger and post its movements not posted yet as inventory vouchers (COGS per store-day, receipts against GRNI, counts, transfers), each exactly once",
      access: "admin",
      tag,
      response: z
        .object({
          movements: z.number().int(),
          vouchers: z.number().int(),
          held: z.array(HeldStore).optional(),
        })
        .openapi("InventoryPostingRun"),
    },
    () => hub.books.postInventory(),
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/finance/inventory/holds",
      summary:
        "Stores whose inventory posting is held: one store's movement that cannot post (e.g. its company's inventory account inactive) stops only that store; since which ledger id, how many movements wait and why (retried on every run); a regional manager sees its region",
      access: "read",
      tag,
      response: z.array(HeldStore),
    },
    ({ principal }) => {
      const { region } = s.readScope(principal, undefined);
      return hub.books.held().filter((h) => region === undefined || s.regionOfStore(h.storeId) === region);
    },
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/finance/valuation",
      summary:
        "Stock valuation per store and category at the end of a day, beside each store's inventory account balance (equal once every movement is posted)",
      access: "read",
      tag,
      query: ValuationQuery,
      response: ValuationReport,
    },
    ({ query, principal }) => {
      const scope = s.readScope(principal, query.store);
      const region = scope.region;
      return hub.books.valuation({
        date: query.date,
        ...(scope.store ? { store: scope.store } : {}),
        ...(region ? { region: (id: string) => s.storeRegion(id) === region } : {}),
      });
    },
  );
};
