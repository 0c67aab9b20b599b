// The reconciliation API: import a settlement file (WeChat Pay trade bill, Alipay 业务明细 in
// GBK, a bank statement) as the raw bytes, list the runs, a run's items (every line and tender,
// or only the differences with their reasons), and post a wallet run's settlement and fees.
import { z } from "@hono/zod-openapi";
import { ValidationError } from "../errors.ts";
import type { ApiHub } from "../http/api-hub.ts";
import type { RouteModule } from "../http/route.ts";
import { ITEM_STATUSES } from "./match.ts";
import { ItemReasonOut } from "./reason-schema.ts";
import { createReconciliation, Day, ImportQuery, type Reconciliation } from "./reconciliation.ts";

const tag = "reconciliation";

const StoreSettlementOut = z
  .object({
    storeId: z.string(),
    clearedFen: z.number().int(),
    feeFen: z.number().int(),
    bankFen: z.number().int(),
  })
  .openapi("StoreSettlement");
const ReconRunOut = z
  .object({
    id: z.number().int(),
    source: z.enum(["wechat", "alipay", "bank"]),
    billDate: z.string(),
    fileName: z.string(),
    until: z.string().nullable(),
    importedAt: z.string(),
    importedBy: z.string(),
    entries: z.number().int(),
    badRows: z.number().int(),
    differences: z.number().int(),
    paymentsFen: z.number().int(),
    refundsFen: z.number().int(),
    feesFen: z.number().int(),
    netFen: z.number().int(),
    settlement: z.array(StoreSettlementOut),
    postedAt: z.string().nullable(),
    vouchers: z.array(z.number().int()),
  })
  .openapi("ReconRun");
const ReconItemOut = z
  .object({
    id: z.number().int(),
    status: z.enum(ITEM_STATUSES),
    kind: z.enum(["payment", "refund", "reversed", "settlement", "row"]),
    transactionId: z.string(),
    refundId: z.string(),
    storeId: z.string().nullable(),
    docKind: z.enum(["sale", "return"]).nullable(),
    docId: z.string().nullable(),
    fileFen: z.number().int().nullable(),
    hqFen: z.number().int().nullable(),
    feeFen: z.number().int(),
    row: z.number().int().nullable(),
    column: z.string().nullable(),
    reason: z.string().openapi({ description: "why, in English (the hub's sentence of `why`)" }),
    why: ItemReasonOut.nullable().openapi({
      description: "why, as a code and the fields it names; null on items stored before it was kept",
    }),
    raw: z.string().nullable(),
  })
  .openapi("ReconItem");

// One service per hub connection (the hub's folders are built once; this one on first use).
const services = new WeakMap<object, Reconciliation>();
const service = (hub: ApiHub) => {
  let s = services.get(hub.db);
  if (!s) {
    s = createReconciliation({ db: hub.db, now: () => new Date(), merchants: hub.config.walletMerchants });
    services.set(hub.db, s);
  }
  return s;
};
const RunId = (id: string) => {
  if (!/^[1-9]\d{0,15}$/.test(id)) throw new ValidationError("id", `"${id.slice(0, 20)}" is not a run id`);
  return Number(id);
};

export const reconciliationRoutes: RouteModule = (r, hub, s) => {
  r.route(
    {
      method: "post",
      path: "/api/v1/reconciliation/imports",
      summary:
        "Import one settlement file as it was downloaded (the body is the file's bytes: WeChat Pay's trade bill, Alipay's 业务明细 in GBK, or a bank statement CSV) for the day it settles; every line is matched with HQ's wallet tenders by transaction / refund id (bank: with the imported wallet days' net settlements), bad rows are kept with their line and column, the rest imports",
      access: "admin",
      tag,
      query: ImportQuery,
      textBody: "bytes",
      response: ReconRunOut,
    },
    ({ query, body, principal }) =>
      service(hub).importFile(query, body as unknown as Uint8Array, s.actor(principal)),
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/reconciliation/runs",
      summary: "Reconciliation runs, newest bill day first (optionally from / to a bill day)",
      access: "read",
      tag,
      query: z.object({ from: Day.optional(), to: Day.optional() }),
      response: z.array(ReconRunOut),
    },
    ({ query }) => service(hub).runs(query),
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/reconciliation/runs/{id}",
      summary: "One reconciliation run with its totals and what it settles per store",
      access: "read",
      tag,
      response: ReconRunOut,
    },
    ({ params }) => service(hub).run(RunId(params.id)),
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/reconciliation/runs/{id}/items",
      summary:
        "A run's items: every file line and HQ tender with its status (matched, not_at_hq, not_in_file, amount_mismatch, refund_mismatch, ...) and the reason; `differences=1` for the differences only",
      access: "read",
      tag,
      query: z.object({ differences: z.enum(["0", "1"]).optional() }),
      response: z.array(ReconItemOut),
    },
    ({ params, query }) =>
      service(hub).items(RunId(params.id), { differencesOnly: query.differences === "1" }),
  );
  r.route(
    {
      method: "post",
      path: "/api/v1/reconciliation/runs/{id}/post",
      summary:
        "Post a wallet run's settlement: per store one voucher Dr 1002 bank + Dr 6603.01 fees / Cr 1012.01 (WeChat Pay) or 1012.02 (Alipay), once per wallet, bill day and store",
      access: "admin",
      tag,
      response: ReconRunOut,
    },
    ({ params, principal }) => service(hub).post(RunId(params.id), s.actor(principal)),
  );
};
