// Campaigns: a saved segment's members who consented to marketing, split by a seeded random
// draw into treated (a coupon each, issued through coupons/ and sent to every store) and a
// holdout control (nothing); over the window, redemption and spend per member of both groups,
// and the uplift with its confidence interval (uplift.ts says the method).
import { IsoTime, prng } from "@retail/protocol";
import { and, asc, countDistinct, desc, eq, gte, isNotNull, lt, sql } from "drizzle-orm";
import { z } from "zod";
import type { Coupons } from "../coupons/coupons.ts";
import { MAX_ISSUE } from "../coupons/coupons.ts";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import {
  campaignMembers,
  couponRedemptions,
  memberActivity,
  memberCampaigns,
  memberConsents,
  memberSegments,
} from "../db/schema.ts";
import { NotFoundError, ValidationError } from "../errors.ts";
import { campaignLifecycle, campaignStatus, campaignWindowEnd } from "./campaign-lifecycle.ts";
import type { Segments } from "./segments.ts";
import { assignGroups, statsFromSums, type Uplift, upliftOf } from "./uplift.ts";

/** A campaign may start up to this far back (coupons already handed out on paper, say). */
const MAX_BACKDATE_MS = 30 * 86_400_000;
const MAX_WINDOW_MS = 366 * 86_400_000;

export const CampaignInput = z.strictObject({
  name: z.string().trim().min(1).max(60),
  segmentId: z.int().min(1),
  /** A coupon-gated promotion (coupons/ checks it). */
  promotionId: z.string().min(1).max(40),
  holdoutPercent: z.int().min(1).max(90),
  /** The holdout draw's seed (recorded; random when absent). */
  seed: z
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .optional(),
  startsAt: IsoTime,
  endsAt: IsoTime,
});
export type CampaignInput = z.infer<typeof CampaignInput>;

export function createCampaigns(deps: { db: Sqlite; now: () => Date; coupons: Coupons; segments: Segments }) {
  const { db, now, coupons, segments } = deps;
  const orm = openDrizzle(db);

  // The latest marketing consent of a member: one probe per segment member, prepared once.
  const latestConsent = orm
    .select({ granted: memberConsents.granted })
    .from(memberConsents)
    .where(and(eq(memberConsents.memberId, sql.placeholder("id")), eq(memberConsents.purpose, "marketing")))
    .orderBy(desc(memberConsents.id))
    .limit(1)
    .prepare();
  const mayMarket = (id: string) => latestConsent.get({ id })?.granted === 1;

  function get(id: number) {
    const c = orm.select().from(memberCampaigns).where(eq(memberCampaigns.id, id)).get();
    if (!c) throw new NotFoundError("campaign", String(id));
    return { ...c, status: campaignStatus(c, now()) };
  }

  function list() {
    const at = now();
    return {
      campaigns: orm
        .select()
        .from(memberCampaigns)
        .orderBy(asc(memberCampaigns.id))
        .all()
        .map((c) => ({ ...c, status: campaignStatus(c, at) })),
    };
  }

  function create(actor: string, input: CampaignInput) {
    const at = now();
    const startsAt = new Date(input.startsAt);
    const endsAt = new Date(input.endsAt);
    if (endsAt <= startsAt) throw new ValidationError("endsAt", "the campaign ends before it starts");
    if (endsAt <= at) throw new ValidationError("endsAt", "the campaign would be over already");
    if (at.getTime() - startsAt.getTime() > MAX_BACKDATE_MS)
      throw new ValidationError("startsAt", "a campaign starts at most 30 days back");
    if (endsAt.getTime() - startsAt.getTime() > MAX_WINDOW_MS)
      throw new ValidationError("endsAt", "a campaign runs at most 366 days");
    const seg = orm.select().from(memberSegments).where(eq(memberSegments.id, input.segmentId)).get();
    if (!seg) throw new ValidationError("segmentId", `unknown segment ${input.segmentId}`);
    const targets = segments.memberIds(segments.get(seg.id).rule, at).filter(mayMarket);
    const seed = input.seed ?? Math.floor(Math.random() * 2 ** 31);
    const treatedFlags = assignGroups(targets.length, input.holdoutPercent, prng(seed));
    const treated = targets.filter((_, i) => treatedFlags[i]);
    const control = targets.filter((_, i) => !treatedFlags[i]);
    if (treated.length < 2 || control.length < 2)
      throw new ValidationError(
        "segmentId",
        `segment ${seg.name} has ${targets.length} members who consented to marketing: too few for a treated and a control group`,
      );
    // The coupons first (coupons/ checks the promotion): nothing is recorded if it refuses.
    const codes = new Map<string, string>();
    for (let i = 0; i < treated.length; i += MAX_ISSUE) {
      const r = coupons.issue(actor, {
        promotionId: input.promotionId,
        memberIds: treated.slice(i, i + MAX_ISSUE),
        validUntil: endsAt.toISOString(),
      });
      for (const c of r.coupons) if (c.memberId) codes.set(c.memberId, c.code);
    }
    let id = 0;
    db.transaction(() => {
      id = orm
        .insert(memberCampaigns)
        .values({
          name: input.name,
          segmentId: seg.id,
          promotionId: input.promotionId,
          holdoutPercent: input.holdoutPercent,
          seed,
          startsAt: startsAt.toISOString(),
          endsAt: endsAt.toISOString(),
          treated: treated.length,
          control: control.length,
          createdBy: actor,
          createdAt: at.toISOString(),
        })
        .returning({ id: memberCampaigns.id })
        .get().id;
      const add = orm
        .insert(campaignMembers)
        .values({
          campaignId: id,
          memberId: sql.placeholder("memberId"),
          treated: sql.placeholder("treated"),
          couponCode: sql.placeholder("code"),
        })
        .prepare();
      for (const m of treated) add.run({ memberId: m, treated: 1, code: codes.get(m) ?? null });
      for (const m of control) add.run({ memberId: m, treated: 0, code: null });
    })();
    return get(id);
  }

  /** The campaign's members (phones are not here: ids and groups only). */
  function memberList(id: number, limit = 1000, offset = 0) {
    get(id);
    return {
      members: orm
        .select({
          memberId: campaignMembers.memberId,
          treated: campaignMembers.treated,
          couponCode: campaignMembers.couponCode,
        })
        .from(campaignMembers)
        .where(eq(campaignMembers.campaignId, id))
        .orderBy(asc(campaignMembers.memberId))
        .limit(limit)
        .offset(offset)
        .all()
        .map((m) => ({ ...m, treated: m.treated === 1 })),
    };
  }

  /**
   * Redemption and spend per member over the window for both groups, the uplift and its CI.
   * Spend is each member's net (sales less returns) in [startsAt, min(endsAt, now)).
   */
  function results(id: number): ReturnType<typeof get> & {
    asOf: string;
    redeemed: number;
    redemptionPercent: number;
    uplift: Uplift | null;
  } {
    const c = get(id);
    const at = now();
    const end = campaignWindowEnd(c);
    const until = at.toISOString() < end ? at.toISOString() : end;
    // Spend per member over the window, summed per group in SQL (n, Σx, Σx²): only members who
    // bought in the window join; the others add 0 to both sums, and n is the group's size.
    const spend = orm
      .select({
        memberId: memberActivity.memberId,
        fen: sql<number>`SUM(${memberActivity.netFen})`.as("fen"),
      })
      .from(memberActivity)
      .where(and(gte(memberActivity.at, c.startsAt), lt(memberActivity.at, until)))
      .groupBy(memberActivity.memberId)
      .as("spend");
    const sums = orm
      .select({
        treated: campaignMembers.treated,
        total: sql<number>`SUM(${spend.fen})`,
        // TOTAL: a float sum, as Σx² of a million members may pass 64-bit integers.
        squares: sql<number>`TOTAL(${spend.fen} * ${spend.fen})`,
      })
      .from(spend)
      .innerJoin(
        campaignMembers,
        and(eq(campaignMembers.campaignId, id), eq(campaignMembers.memberId, spend.memberId)),
      )
      .groupBy(campaignMembers.treated)
      .all();
    const of = (treated: number) => {
      const r = sums.find((x) => x.treated === treated);
      return statsFromSums(treated ? c.treated : c.control, r?.total ?? 0, r?.squares ?? 0);
    };
    const redeemed =
      orm
        .select({ n: countDistinct(campaignMembers.memberId) })
        .from(campaignMembers)
        .innerJoin(couponRedemptions, eq(couponRedemptions.code, campaignMembers.couponCode))
        .where(and(eq(campaignMembers.campaignId, id), isNotNull(campaignMembers.couponCode)))
        .get()?.n ?? 0;
    return {
      ...c,
      asOf: until,
      redeemed,
      redemptionPercent: c.treated ? Math.round((1000 * redeemed) / c.treated) / 10 : 0,
      uplift: c.treated >= 2 && c.control >= 2 ? upliftOf(of(1), of(0)) : null,
    };
  }

  /** How many members of a segment a campaign would reach (marketing consent). */
  function reach(segmentId: number) {
    const ids = segments.memberIds(segments.get(segmentId).rule, now());
    let n = 0;
    for (const m of ids) if (mayMarket(m)) n++;
    return { segment: ids.length, consented: n };
  }

  /**
   * Cancels a planned or running campaign (409 naming its status otherwise): recorded with who
   * and when, its window closes now (results measure up to here), and its treated members'
   * unused coupons are voided at every store.
   */
  function cancel(actor: string, id: number) {
    const c = get(id);
    campaignLifecycle.apply(String(id), c.status, "cancel");
    const at = now().toISOString();
    orm
      .update(memberCampaigns)
      .set({ cancelledAt: at, cancelledBy: actor })
      .where(eq(memberCampaigns.id, id))
      .run();
    const codes = orm
      .select({ code: campaignMembers.couponCode })
      .from(campaignMembers)
      .where(and(eq(campaignMembers.campaignId, id), isNotNull(campaignMembers.couponCode)))
      .all()
      .map((r) => r.code!);
    const voided = coupons.voidUnused(actor, codes, `campaign ${id} cancelled`);
    return { ...get(id), couponsVoided: voided };
  }

  return { create, get, list, results, memberList, reach, cancel };
}

export type Campaigns = ReturnType<typeof createCampaigns>;
