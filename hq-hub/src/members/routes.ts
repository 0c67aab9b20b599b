// The members API: profiles, tier rules and the scheduled runs, segments, campaigns with their
// results, consents and PIPL requests. Phones are whole only for hq_admin (privacy.ts).
import { z } from "@hono/zod-openapi";
import type { RouteModule } from "../http/route.ts";
import { CampaignInput } from "./campaigns.ts";
import { ConsentInput } from "./consent.ts";
import { HistoryInput } from "./history.ts";
import { MemberQuery } from "./members.ts";
import { mayRevealPhone } from "./privacy.ts";
import {
  Campaign,
  CampaignResults,
  Consent,
  MemberProfile,
  MemberRow,
  Page,
  Run,
  Segment,
  SegmentPreview,
} from "./route-schemas.ts";
import { SegmentInput, SegmentRule } from "./segments.ts";
import { TierRule, TierRules } from "./tiers.ts";

const tag = "members";
const int = z.number().int();

export const memberRoutes: RouteModule = (r, hub, s) => {
  const m = () => hub.members;
  r.route(
    {
      method: "get",
      path: "/api/v1/members",
      summary:
        "Members with their profile totals (q: id, name or phone digits; tier, status; sort id|name|spend|visits|lastVisit, '-' descending; limit/offset) and the total of the hits; phones masked unless hq_admin",
      access: "read",
      tag,
      query: MemberQuery,
      response: z.object({ members: z.array(MemberRow), total: int }).openapi("MemberPage"),
    },
    ({ query, principal }) => m().reads.list(query, mayRevealPhone(principal.role)),
  );
  r.route(
    {
      method: "post",
      path: "/api/v1/members/history",
      summary: "Import past member sales (a previous loyalty system) into the profiles, each sale once",
      access: "admin",
      tag,
      body: HistoryInput,
      response: z.object({ received: int, added: int, duplicates: int }),
    },
    ({ body }) => m().importHistory(body),
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/members/tier-rules",
      summary: "The tier rules (highest rank first)",
      access: "read",
      tag,
      response: z.object({ rules: z.array(TierRule) }),
    },
    () => ({ rules: m().scoring.rules() }),
  );
  r.route(
    {
      method: "put",
      path: "/api/v1/members/tier-rules",
      summary: "Replace the tier rules (the lowest rank needs threshold 0); applied at the next run",
      access: "admin",
      tag,
      body: z.strictObject({ rules: TierRules }),
      response: z.object({ rules: z.array(TierRule) }),
    },
    ({ body }) => ({ rules: m().scoring.setRules(body.rules) }),
  );
  r.route(
    {
      method: "post",
      path: "/api/v1/members/runs",
      summary: "Run the daily member run now: tiers by rule, then RFM scores",
      access: "admin",
      tag,
      response: z.object({ tiers: Run, rfm: Run }),
    },
    () => m().runNow(),
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/members/runs",
      summary: "The latest member runs",
      access: "read",
      tag,
      response: z.object({ runs: z.array(Run.extend({ id: int })) }),
    },
    () => ({ runs: m().scoring.runs() }),
  );
  r.route(
    {
      method: "post",
      path: "/api/v1/members/segments/preview",
      summary: "A segment rule's size and its 20 biggest spenders, now",
      access: "read",
      tag,
      body: z.strictObject({ rule: SegmentRule }),
      response: SegmentPreview,
    },
    ({ body, principal }) => m().segments.preview(body.rule, mayRevealPhone(principal.role)),
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/members/segments",
      summary: "Saved segments with their last size",
      access: "read",
      tag,
      response: z.object({ segments: z.array(Segment) }),
    },
    () => m().segments.list(),
  );
  r.route(
    {
      method: "post",
      path: "/api/v1/members/segments",
      summary: "Save a segment (name, rule); evaluated at once",
      access: "write",
      tag,
      body: SegmentInput,
      response: Segment,
    },
    ({ body, principal }) => m().segments.save(s.actor(principal), body),
  );
  r.route(
    {
      method: "post",
      path: "/api/v1/members/segments/{id}/evaluate",
      summary: "Re-evaluate a saved segment now (its size)",
      access: "write",
      tag,
      response: Segment,
    },
    ({ params }) => m().segments.evaluate(Number(params.id)),
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/members/segments/{id}/reach",
      summary: "How many of a segment's members a campaign may reach (marketing consent)",
      access: "read",
      tag,
      response: z.object({ segment: int, consented: int }),
    },
    ({ params }) => m().campaigns.reach(Number(params.id)),
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/members/campaigns",
      summary: "Campaigns with their status",
      access: "read",
      tag,
      response: z.object({ campaigns: z.array(Campaign) }),
    },
    () => m().campaigns.list(),
  );
  r.route(
    {
      method: "post",
      path: "/api/v1/members/campaigns",
      summary:
        "Start a campaign: a segment's consenting members, a seeded random holdout, one coupon per treated member (sent to every store)",
      access: "admin",
      tag,
      body: CampaignInput,
      response: Campaign,
    },
    ({ body, principal }) => m().campaigns.create(s.actor(principal), body),
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/members/campaigns/{id}",
      summary:
        "A campaign's results: redemption, spend per member of both groups, uplift with a 95% CI (Welch, normal approximation)",
      access: "read",
      tag,
      response: CampaignResults,
    },
    ({ params }) => m().campaigns.results(Number(params.id)),
  );
  r.route(
    {
      method: "post",
      path: "/api/v1/members/campaigns/{id}/cancel",
      summary:
        "Cancel a planned or running campaign (409 otherwise): its window closes now and its unused coupons are voided at every store",
      access: "admin",
      tag,
      response: Campaign.extend({ couponsVoided: int }),
    },
    ({ params, principal }) => m().campaigns.cancel(s.actor(principal), Number(params.id)),
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/members/campaigns/{id}/members",
      summary: "A campaign's members: group and coupon (limit, offset)",
      access: "read",
      tag,
      query: Page,
      response: z.object({
        members: z.array(
          z.object({ memberId: z.string(), treated: z.boolean(), couponCode: z.string().nullable() }),
        ),
      }),
    },
    ({ params, query }) => m().campaigns.memberList(Number(params.id), query.limit, query.offset),
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/members/{id}",
      summary: "A member's profile: visits, spend, average basket, favourites, points history, coupons",
      access: "read",
      tag,
      response: MemberProfile,
    },
    ({ params, principal }) => m().reads.profile(params.id, mayRevealPhone(principal.role)),
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/members/{id}/consents",
      summary: "A member's consents: the current answer per purpose and every record (time, wording)",
      access: "read",
      tag,
      response: z.object({ current: z.record(z.string(), z.boolean()), history: z.array(Consent) }),
    },
    ({ params }) => m().consents.list(params.id),
  );
  r.route(
    {
      method: "post",
      path: "/api/v1/members/{id}/consents",
      summary: "Record a consent given or withdrawn (purpose, granted, the wording shown)",
      access: "write",
      tag,
      body: ConsentInput,
      response: Consent,
    },
    ({ params, body, principal }) => m().consents.record(s.actor(principal), params.id, body),
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/members/{id}/export",
      summary: "Everything HQ holds about a member (PIPL access request)",
      access: "admin",
      tag,
      response: z
        .object({
          exportedAt: z.string(),
          member: z.object({ id: z.string(), phone: z.string() }).passthrough(),
        })
        .passthrough(),
    },
    ({ params }) => m().consents.exportMember(params.id),
  );
  r.route(
    {
      method: "post",
      path: "/api/v1/members/{id}/erase",
      summary:
        "Erase a member on request: the person and profile go (HQ and stores), sales and vouchers stay",
      access: "admin",
      tag,
      response: z.object({ memberId: z.string(), erasedAt: z.string(), changesetId: int }),
    },
    ({ params, principal }) => m().consents.erase(s.actor(principal), params.id),
  );
};
