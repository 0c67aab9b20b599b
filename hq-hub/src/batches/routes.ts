// The batches API: lots near expiry across the chain (or a store), a store's lots of a SKU, the
// markdown rules, and the markdown run (a change set to the pilot stores, promoted as usual).
import { z } from "@hono/zod-openapi";
import { authorize } from "../http/auth.ts";
import { named, type RouteModule } from "../http/route.ts";
import { MarkdownRuleInput } from "./markdown.ts";
import { MarkdownScheduleInput } from "./markdown-schedule.ts";

const tag = "batches";

const Lot = z.object({ batch: z.string(), expiresOn: z.string().nullable(), qty: z.number().int() });

const NearExpiryItem = z.object({
  storeId: z.string(),
  storeName: z.string(),
  region: z.string().nullable(),
  sku: z.string(),
  name: z.string(),
  category: z.array(z.string()),
  batch: z.string(),
  expiresOn: z.string(),
  daysLeft: z.number().int(),
  qty: z.number().int(),
  onHand: z.number().int(),
});
const NearExpiry = z
  .object({ today: z.string(), days: z.number().int(), items: z.array(NearExpiryItem) })
  .openapi("NearExpiry");

const StoreLots = z
  .object({
    storeId: z.string(),
    sku: z.string(),
    onHand: z.number().int(),
    lots: z.array(Lot),
    shelf: z.array(Lot),
  })
  .openapi("StoreLots");

const Rule = z
  .object({
    id: z.string(),
    name: z.string(),
    category: z.string().nullable(),
    maxDaysLeft: z.number().int(),
    minQty: z.number().int(),
    percent: z.number().int(),
    active: z.boolean(),
    updatedBy: z.string(),
    updatedAt: z.string(),
  })
  .openapi("MarkdownRule");

const Markdown = z
  .object({
    storeId: z.string(),
    sku: z.string(),
    expiresOn: z.string(),
    promotionId: z.string(),
    ruleId: z.string(),
    percent: z.number().int(),
    changesetId: z.number().int(),
    createdAt: z.string(),
  })
  .openapi("LotMarkdown");

const Planned = z.object({
  storeId: z.string(),
  sku: z.string(),
  expiresOn: z.string(),
  ruleId: z.string(),
  percent: z.number().int(),
  qty: z.number().int(),
  daysLeft: z.number().int(),
  promotionId: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
});
const RunResult = z
  .object({
    changesetId: z.number().int().nullable(),
    state: z.string().nullable(),
    markdowns: z.array(Planned),
  })
  .openapi("MarkdownRun");

const RuleBody = named(MarkdownRuleInput, "MarkdownRuleInput");
const ScheduleBody = named(MarkdownScheduleInput, "MarkdownScheduleInput");
const Schedule = z
  .object({
    enabled: z.boolean(),
    /** HH:MM, China time. */
    at: z.string(),
    updatedBy: z.string().nullable(),
    updatedAt: z.string().nullable(),
  })
  .openapi("MarkdownSchedule");
const ScheduledRun = z
  .object({
    day: z.string(),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    changesetId: z.number().int().nullable(),
    markdowns: z.number().int().nullable(),
    error: z.string().nullable(),
  })
  .openapi("MarkdownScheduledRun");
const scheduleOut = (s: { enabled: boolean; at: string; updatedBy: string; updatedAt: string } | null) =>
  s
    ? { enabled: s.enabled, at: s.at, updatedBy: s.updatedBy, updatedAt: s.updatedAt }
    : { enabled: false, at: "07:00", updatedBy: null, updatedAt: null };

export const batchRoutes: RouteModule = (r, hub, s) => {
  r.route(
    {
      method: "get",
      path: "/api/v1/batches/near-expiry",
      summary:
        "Dated lots on the shelf with at most `days` days left (past ones too), soonest first, across the chain or one store; a regional manager sees its region",
      access: "read",
      tag,
      query: z.object({
        store: z.string().max(16).optional(),
        days: z.coerce.number().int().min(0).max(60).default(3),
      }),
      response: NearExpiry,
    },
    ({ query, principal }) => {
      if (query.store) authorize(principal, "read", s.regionOfStore(query.store));
      return hub.batches.nearExpiry({
        days: query.days,
        ...(query.store ? { storeIds: [query.store] } : {}),
        ...(principal.role === "regional_manager" ? { regions: [principal.region!] } : {}),
      });
    },
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/stores/{id}/lots/{sku}",
      summary:
        "A store's lots of a SKU as HQ mirrors them (the undated rest is on-hand less the dated lots) and what is on the shelf FEFO",
      access: "read",
      tag,
      response: StoreLots,
    },
    ({ params, principal }) => {
      authorize(principal, "read", s.regionOfStore(params.id));
      return hub.batches.lotsOf(params.id, params.sku);
    },
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/batches/markdown-rules",
      summary: "The chain's expiry markdown rules, by days left",
      access: "read",
      tag,
      response: z.array(Rule),
    },
    () => hub.batches.rules(),
  );
  r.route(
    {
      method: "post",
      path: "/api/v1/batches/markdown-rules",
      summary:
        "Add an expiry markdown rule (days left at most, stock at least, percent off; optionally one category)",
      access: "admin",
      tag,
      body: RuleBody,
      response: Rule,
    },
    ({ body, principal }) => hub.batches.putRule(s.actor(principal), body),
  );
  r.route(
    {
      method: "put",
      path: "/api/v1/batches/markdown-rules/{id}",
      summary: "Change an expiry markdown rule (or switch it off with active: false)",
      access: "admin",
      tag,
      body: RuleBody,
      response: Rule,
    },
    ({ params, body, principal }) => hub.batches.putRule(s.actor(principal), body, params.id),
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/batches/markdowns",
      summary: "The markdowns made so far (one per store, SKU and expiry day) with their change set",
      access: "read",
      tag,
      query: z.object({ store: z.string().max(16).optional() }),
      response: z.array(Markdown),
    },
    ({ query, principal }) => {
      if (query.store) authorize(principal, "read", s.regionOfStore(query.store));
      else authorize(principal, "admin");
      return hub.batches.markdowns(query.store ? [query.store] : undefined);
    },
  );
  r.route(
    {
      method: "post",
      path: "/api/v1/batches/markdowns/run",
      summary:
        "Apply the markdown rules to the lots on the shelf now: new or deeper markdowns go into one change set released to its pilot stores (promote it like any other)",
      access: "admin",
      tag,
      response: RunResult,
    },
    ({ principal }) => hub.batches.runMarkdowns(s.actor(principal)),
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/batches/markdown-schedule",
      summary: "When the chain's expiry markdowns run by themselves (daily, China time); off until set",
      access: "read",
      tag,
      response: Schedule,
    },
    () => scheduleOut(hub.markdownRuns.schedule()),
  );
  r.route(
    {
      method: "put",
      path: "/api/v1/batches/markdown-schedule",
      summary:
        "Run the expiry markdowns every day at HH:MM (China time): once a day, also after a restart; each run audited",
      access: "admin",
      tag,
      body: ScheduleBody,
      response: Schedule,
    },
    ({ body, principal }) => scheduleOut(hub.markdownRuns.setSchedule(s.actor(principal), body)),
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/batches/markdown-runs",
      summary: "The scheduled markdown runs, newest day first (started, finished, the change set they made)",
      access: "read",
      tag,
      response: z.array(ScheduledRun),
    },
    () => hub.markdownRuns.runs(),
  );
};
