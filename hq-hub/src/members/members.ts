// Reading members and their profiles (kept by ingest, profile.ts): the list, one member's
// profile with favourites, points history and coupons. Phone numbers are masked unless the
// caller may see them (privacy.ts).
import { and, asc, count, desc, eq, like, or, sql } from "drizzle-orm";
import { z } from "zod";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import {
  couponRedemptions,
  coupons,
  memberActivity,
  memberCategorySpend,
  memberProfiles,
  memberStoreSpend,
  members,
} from "../db/schema.ts";
import { NotFoundError } from "../errors.ts";
import { maskPhone } from "./privacy.ts";

export const MemberQuery = z.object({
  /** Part of the id, or the phone's last digits. */
  q: z.string().max(40).optional(),
  tier: z.string().max(20).optional(),
  status: z.enum(["active", "inactive"]).optional(),
  /** id, name, spend, visits or lastVisit; "-" first for descending. */
  sort: z
    .enum(["id", "name", "spend", "visits", "lastVisit", "-id", "-name", "-spend", "-visits", "-lastVisit"])
    .default("id"),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
});
export type MemberQuery = z.infer<typeof MemberQuery>;

/** Average basket in whole fen (integer division, half up): spend / visits. */
export function averageBasket(spendFen: number, visits: number): number {
  if (visits <= 0) return 0;
  return Math.floor((2 * spendFen + visits) / (2 * visits));
}

export function createMemberReads(db: Sqlite) {
  const orm = openDrizzle(db);

  function list(query: MemberQuery, revealPhone: boolean) {
    const pattern = query.q ? `%${query.q.replace(/[%_]/g, "")}%` : undefined;
    const where = and(
      query.tier ? eq(members.tier, query.tier) : undefined,
      query.status ? eq(members.status, query.status) : undefined,
      pattern
        ? or(
            like(members.id, pattern),
            like(members.name, pattern),
            like(members.phone, `%${query.q!.slice(-4)}`),
          )
        : undefined,
    );
    const visits = sql<number>`COALESCE(${memberProfiles.visits}, 0)`;
    const spend = sql<number>`COALESCE(${memberProfiles.spendFen}, 0)`;
    const column = {
      id: members.id,
      name: members.name,
      spend,
      visits,
      lastVisit: memberProfiles.lastVisitAt,
    }[query.sort.replace(/^-/, "") as "id"];
    const dir = query.sort.startsWith("-") ? desc : asc;
    const total = orm.select({ n: count() }).from(members).where(where).get()?.n ?? 0;
    const rows = orm
      .select({
        id: members.id,
        phone: members.phone,
        name: members.name,
        tier: members.tier,
        points: members.points,
        status: members.status,
        visits,
        spendFen: spend,
        lastVisitAt: memberProfiles.lastVisitAt,
      })
      .from(members)
      .leftJoin(memberProfiles, eq(memberProfiles.memberId, members.id))
      .where(where)
      .orderBy(...(column === members.id ? [dir(members.id)] : [dir(column), asc(members.id)]))
      .limit(query.limit)
      .offset(query.offset)
      .all();
    return {
      total,
      members: rows.map((r) => ({
        ...r,
        phone: revealPhone ? r.phone : maskPhone(r.phone),
        averageBasketFen: averageBasket(r.spendFen, r.visits),
      })),
    };
  }

  function profile(memberId: string, revealPhone: boolean) {
    const m = orm.select().from(members).where(eq(members.id, memberId)).get();
    if (!m) throw new NotFoundError("member", memberId);
    const p = orm.select().from(memberProfiles).where(eq(memberProfiles.memberId, memberId)).get();
    const visits = p?.visits ?? 0;
    const spendFen = p?.spendFen ?? 0;
    const favouriteCategories = orm
      .select({ category: memberCategorySpend.category, spendFen: memberCategorySpend.spendFen })
      .from(memberCategorySpend)
      .where(eq(memberCategorySpend.memberId, memberId))
      .orderBy(desc(memberCategorySpend.spendFen), asc(memberCategorySpend.category))
      .limit(5)
      .all();
    const favouriteStores = orm
      .select({
        storeId: memberStoreSpend.storeId,
        visits: memberStoreSpend.visits,
        spendFen: memberStoreSpend.spendFen,
      })
      .from(memberStoreSpend)
      .where(eq(memberStoreSpend.memberId, memberId))
      .orderBy(desc(memberStoreSpend.visits), desc(memberStoreSpend.spendFen), asc(memberStoreSpend.storeId))
      .limit(5)
      .all();
    const pointsHistory = orm
      .select({
        storeId: memberActivity.storeId,
        kind: memberActivity.docKind,
        docId: memberActivity.docId,
        at: memberActivity.at,
        netFen: memberActivity.netFen,
        points: memberActivity.points,
      })
      .from(memberActivity)
      .where(eq(memberActivity.memberId, memberId))
      .orderBy(desc(memberActivity.at))
      .limit(50)
      .all();
    const held = orm
      .select({
        code: coupons.code,
        promotionId: coupons.promotionId,
        status: coupons.status,
        validUntil: coupons.validUntil,
        uses: orm.$count(couponRedemptions, eq(couponRedemptions.code, coupons.code)),
      })
      .from(coupons)
      .where(eq(coupons.memberId, memberId))
      .orderBy(asc(coupons.code))
      .limit(200)
      .all();
    return {
      id: m.id,
      phone: revealPhone ? m.phone : maskPhone(m.phone),
      name: m.name,
      tier: m.tier,
      points: m.points,
      status: m.status,
      visits,
      spendFen,
      returnsFen: p?.returnsFen ?? 0,
      averageBasketFen: averageBasket(spendFen, visits),
      firstVisitAt: p?.firstVisitAt ?? null,
      lastVisitAt: p?.lastVisitAt ?? null,
      rfm: { r: p?.rScore ?? 0, f: p?.fScore ?? 0, m: p?.mScore ?? 0 },
      favouriteCategories,
      favouriteStores,
      pointsHistory,
      coupons: {
        held: held.filter((c) => c.status === "issued" && c.uses === 0).length,
        used: held.filter((c) => c.uses > 0).length,
        usedAtTill: p?.couponsUsed ?? 0,
        list: held,
      },
    };
  }

  return { list, profile };
}

export type MemberReads = ReturnType<typeof createMemberReads>;
