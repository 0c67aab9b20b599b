// The chart of accounts API: companies and their stores, each company's accounts and posting
// rules. Reads for any role; changes are hq_admin's, checked by chart.ts (400 naming the field).
import { z } from "@hono/zod-openapi";
import type { RouteModule } from "../http/route.ts";
import { AccountInput, CompanyInput, RuleInput } from "./accounts.ts";

const tag = "accounts";

const Company = z.object({ id: z.string(), name: z.string() }).openapi("Company");
const CompanyListed = z
  .object({ id: z.string(), name: z.string(), stores: z.number().int() })
  .openapi("CompanyListed");
const LedgerAccount = z
  .object({
    code: z.string(),
    name: z.string(),
    nameEn: z.string(),
    category: z.string(),
    side: z.enum(["debit", "credit"]),
    active: z.boolean(),
  })
  .openapi("LedgerAccount");
const Chart = z
  .object({
    companyId: z.string(),
    accounts: z.array(LedgerAccount.extend({ updatedBy: z.string(), updatedAt: z.string() })),
    rules: z.array(
      z.object({
        role: z.string(),
        description: z.string(),
        account: z.string(),
        categories: z.array(z.string()),
        updatedBy: z.string(),
        updatedAt: z.string(),
      }),
    ),
  })
  .openapi("ChartOfAccounts");

export const accountRoutes: RouteModule = (r, hub, s) => {
  r.route(
    {
      method: "get",
      path: "/api/v1/accounts/companies",
      summary:
        "The companies keeping books, with how many stores each (a store not assigned is company default's)",
      access: "read",
      tag,
      response: z.array(CompanyListed),
    },
    () => hub.accounts.list(),
  );
  r.route(
    {
      method: "put",
      path: "/api/v1/accounts/companies/{id}",
      summary: "Create (with the CAS default chart and posting rules) or rename a company",
      access: "admin",
      tag,
      body: CompanyInput,
      response: Company,
    },
    ({ params, body }) => hub.accounts.putCompany(params.id, body),
  );
  r.route(
    {
      method: "put",
      path: "/api/v1/accounts/companies/{id}/stores/{storeId}",
      summary: "Keep a store's books in this company from now on (vouchers already posted stay as they are)",
      access: "admin",
      tag,
      response: z.object({ storeId: z.string(), companyId: z.string() }).openapi("CompanyStore"),
    },
    ({ params }) => hub.accounts.assignStore(params.id, params.storeId),
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/accounts/companies/{id}/chart",
      summary: "A company's chart of accounts and posting rules, with who changed each last",
      access: "read",
      tag,
      response: Chart,
    },
    ({ params }) => hub.accounts.chart(params.id),
  );
  r.route(
    {
      method: "put",
      path: "/api/v1/accounts/companies/{id}/accounts/{code}",
      summary:
        "Add or change an account (CAS code, class from its first digit, parent must exist; not deactivated while a posting rule or an active sub-account uses it)",
      access: "admin",
      tag,
      body: AccountInput,
      response: LedgerAccount,
    },
    ({ params, body, principal }) =>
      hub.accounts.putAccount(params.id, params.code, body, s.actor(principal)),
  );
  r.route(
    {
      method: "put",
      path: "/api/v1/accounts/companies/{id}/rules/{role}",
      summary: "Point a posting role at an active leaf account of an allowed class (e.g. count_loss -> 6711)",
      access: "admin",
      tag,
      body: RuleInput,
      response: z.object({ role: z.string(), account: z.string() }).openapi("PostingRule"),
    },
    ({ params, body, principal }) => hub.accounts.putRule(params.id, params.role, body, s.actor(principal)),
  );
};
