// The members API's response shapes (OpenAPI components), apart from the routes that use them.
import { z } from "@hono/zod-openapi";
import { SegmentRule } from "./segments.ts";

const int = z.number().int();

export const MemberRow = z
  .object({
    id: z.string(),
    phone: z.string(),
    name: z.string().nullable(),
    tier: z.string(),
    points: int,
    status: z.string(),
    visits: int,
    spendFen: int,
    averageBasketFen: int,
    lastVisitAt: z.string().nullable(),
  })
  .openapi("MemberRow");
export const MemberProfile = z
  .object({
    id: z.string(),
    phone: z.string(),
    name: z.string().nullable(),
    tier: z.string(),
    points: int,
    status: z.string(),
    visits: int,
    spendFen: int,
    returnsFen: int,
    averageBasketFen: int,
    firstVisitAt: z.string().nullable(),
    lastVisitAt: z.string().nullable(),
    rfm: z.object({ r: int, f: int, m: int }),
    favouriteCategories: z.array(z.object({ category: z.string(), spendFen: int })),
    favouriteStores: z.array(z.object({ storeId: z.string(), visits: int, spendFen: int })),
    pointsHistory: z.array(
      z.object({
        storeId: z.string(),
        kind: z.string(),
        docId: z.string(),
        at: z.string(),
        netFen: int,
        points: int,
      }),
    ),
    coupons: z.object({
      held: int,
      used: int,
      usedAtTill: int,
      list: z.array(
        z.object({
          code: z.string(),
          promotionId: z.string(),
          status: z.string(),
          validUntil: z.string().nullable(),
          uses: int,
        }),
      ),
    }),
  })
  .openapi("MemberProfile");
export const Run = z
  .object({ kind: z.string(), ranAt: z.string(), members: int, changed: int })
  .openapi("MemberRun");
export const Segment = z
  .object({
    id: int,
    name: z.string(),
    rule: SegmentRule,
    createdBy: z.string(),
    createdAt: z.string(),
    evaluatedAt: z.string().nullable(),
    size: int.nullable(),
  })
  .openapi("MemberSegment");
export const SegmentPreview = z
  .object({
    size: int,
    evaluatedAt: z.string(),
    members: z.array(
      z.object({
        id: z.string(),
        phone: z.string(),
        tier: z.string(),
        visits: int,
        spendFen: int,
        lastVisitAt: z.string().nullable(),
        r: int,
        f: int,
        m: int,
      }),
    ),
  })
  .openapi("SegmentPreview");
export const Campaign = z
  .object({
    id: int,
    name: z.string(),
    segmentId: int,
    promotionId: z.string(),
    holdoutPercent: int,
    seed: int,
    startsAt: z.string(),
    endsAt: z.string(),
    treated: int,
    control: int,
    createdBy: z.string(),
    createdAt: z.string(),
    cancelledAt: z.string().nullable(),
    cancelledBy: z.string().nullable(),
    status: z.enum(["planned", "running", "finished", "cancelled"]),
  })
  .openapi("Campaign");
const Group = z.object({ n: int, totalFen: int, meanFen: int, sdFen: int });
const Range = z.object({ lowFen: int, highFen: int });
export const CampaignResults = Campaign.extend({
  asOf: z.string(),
  redeemed: int,
  redemptionPercent: z.number(),
  uplift: z
    .object({
      method: z.string(),
      treated: Group,
      control: Group,
      upliftFen: int,
      ci95: Range,
      incrementalSpendFen: int,
      incrementalCi95: Range,
      relativePercent: z.number().nullable(),
    })
    .nullable(),
}).openapi("CampaignResults");
export const Consent = z
  .object({
    id: int,
    purpose: z.string(),
    granted: z.boolean(),
    wording: z.string(),
    at: z.string(),
    recordedBy: z.string(),
  })
  .openapi("MemberConsent");
export const Page = z.object({
  limit: z.coerce.number().int().min(1).max(10_000).default(1000),
  offset: z.coerce.number().int().min(0).default(0),
});
