// Segments: a rule over the profiles (recency, frequency, spend, RFM scores, category, store,
// tier), evaluated at a time passed in; its size and a preview; saved and re-evaluated.

import { and, asc, desc, eq, exists, gt, gte, inArray, isNotNull, lt, lte, type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import { type Drizzle, openDrizzle, type Sqlite } from "../db/open.ts";
import {
  memberCategorySpend,
  memberProfiles,
  memberSegments,
  memberStoreSpend,
  members,
} from "../db/schema.ts";
import { NotFoundError, StateError } from "../errors.ts";
import { maskPhone } from "./privacy.ts";

const Range = z
  .strictObject({
    min: z.int().min(0).max(1_000_000_000_000).optional(),
    max: z.int().min(0).max(1_000_000_000_000).optional(),
  })
  .refine((r) => r.min === undefined || r.max === undefined || r.min <= r.max, {
    message: "min above max",
  });
const Score = z
  .strictObject({ min: z.int().min(1).max(5).optional(), max: z.int().min(1).max(5).optional() })
  .refine((r) => r.min === undefined || r.max === undefined || r.min <= r.max, {
    message: "min above max",
  });
const Code = z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, "1-40 letters, digits, '-' or '_'");

export const SegmentRule = z.strictObject({
  /** Days since the last visit. */
  recencyDays: Range.optional(),
  /** Visits (sales) in the profile. */
  visits: Range.optional(),
  /** Net spend in fen. */
  spendFen: Range.optional(),
  rfm: z.strictObject({ r: Score.optional(), f: Score.optional(), m: Score.optional() }).optional(),
  /** Bought in any of these categories (at least categoryMinSpendFen there, default 1 fen). */
  categories: z.array(Code).min(1).max(50).optional(),
  categoryMinSpendFen: z.int().min(1).max(1_000_000_000_000).optional(),
  /** Shopped at any of these stores. */
  stores: z.array(Code).min(1).max(500).optional(),
  tiers: z.array(z.string().min(1).max(20)).min(1).max(20).optional(),
});
export type SegmentRule = z.infer<typeof SegmentRule>;

export const SegmentInput = z.strictObject({ name: z.string().trim().min(1).max(60), rule: SegmentRule });
export type SegmentInput = z.infer<typeof SegmentInput>;

const DAY = 86_400_000;
const daysAgo = (now: Date, days: number) => new Date(now.getTime() - days * DAY).toISOString();

/** The rule as a WHERE over members joined with their profiles (builds, runs nothing). */
export function segmentWhere(orm: Drizzle, rule: SegmentRule, now: Date): SQL | undefined {
  const c: (SQL | undefined)[] = [eq(members.status, "active")];
  // Null-rejecting on the profile: SQLite turns the LEFT JOIN into an inner one, and may then
  // scan the profiles with their own conditions first, looking members up by key.
  if (needsVisit(rule)) c.push(isNotNull(memberProfiles.memberId));
  const range = (col: SQL, r?: { min?: number; max?: number }) => {
    if (!r) return;
    if (r.min !== undefined) c.push(gte(col, r.min));
    if (r.max !== undefined) c.push(lte(col, r.max));
  };
  if (rule.recencyDays) {
    c.push(isNotNull(memberProfiles.lastVisitAt));
    // At most max days ago: on or after now - max; at least min days ago: before now - min.
    if (rule.recencyDays.max !== undefined)
      c.push(gte(memberProfiles.lastVisitAt, daysAgo(now, rule.recencyDays.max)));
    if (rule.recencyDays.min !== undefined)
      c.push(lt(memberProfiles.lastVisitAt, daysAgo(now, rule.recencyDays.min)));
  }
  range(sql`COALESCE(${memberProfiles.visits}, 0)`, rule.visits);
  range(sql`COALESCE(${memberProfiles.spendFen}, 0)`, rule.spendFen);
  range(sql`COALESCE(${memberProfiles.rScore}, 0)`, rule.rfm?.r);
  range(sql`COALESCE(${memberProfiles.fScore}, 0)`, rule.rfm?.f);
  range(sql`COALESCE(${memberProfiles.mScore}, 0)`, rule.rfm?.m);
  if (rule.tiers) c.push(inArray(members.tier, rule.tiers));
  // EXISTS, correlated: probed only for the members that passed the profile's own conditions
  // (their key is the member first), rather than building the set of every category's buyers.
  if (rule.categories)
    c.push(
      exists(
        orm
          .select({ one: sql`1` })
          .from(memberCategorySpend)
          .where(
            and(
              eq(memberCategorySpend.memberId, memberProfiles.memberId),
              inArray(memberCategorySpend.category, rule.categories),
              gte(memberCategorySpend.spendFen, rule.categoryMinSpendFen ?? 1),
            ),
          ),
      ),
    );
  if (rule.stores)
    c.push(
      exists(
        orm
          .select({ one: sql`1` })
          .from(memberStoreSpend)
          .where(
            and(
              eq(memberStoreSpend.memberId, memberProfiles.memberId),
              inArray(memberStoreSpend.storeId, rule.stores),
              gt(memberStoreSpend.visits, 0),
            ),
          ),
      ),
    );
  return and(...c);
}

/** Whether only members with a visit (a profile) can match: then the profiles drive the scan. */
export function needsVisit(rule: SegmentRule): boolean {
  return Boolean(
    rule.recencyDays ||
      (rule.visits?.min ?? 0) > 0 ||
      (rule.spendFen?.min ?? 0) > 0 ||
      rule.rfm?.r?.min ||
      rule.rfm?.f?.min ||
      rule.rfm?.m?.min ||
      rule.categories ||
      rule.stores,
  );
}

export function createSegments(db: Sqlite, now: () => Date) {
  const orm = openDrizzle(db);

  function size(rule: SegmentRule, at = now()): number {
    const r = orm
      .select({ n: sql<number>`COUNT(*)` })
      .from(members)
      .leftJoin(memberProfiles, eq(memberProfiles.memberId, members.id))
      .where(segmentWhere(orm, rule, at))
      .get();
    return r?.n ?? 0;
  }

  /** The segment's member ids (a campaign's targets), in id order. */
  function memberIds(rule: SegmentRule, at = now()): string[] {
    return orm
      .select({ id: members.id })
      .from(members)
      .leftJoin(memberProfiles, eq(memberProfiles.memberId, members.id))
      .where(segmentWhere(orm, rule, at))
      .orderBy(asc(members.id))
      .all()
      .map((r) => r.id);
  }

  /** Size and the 20 biggest spenders of a rule (phones masked unless revealed). */
  function preview(rule: SegmentRule, revealPhone: boolean, at = now()) {
    const rows = orm
      .select({
        id: members.id,
        phone: members.phone,
        tier: members.tier,
        visits: sql<number>`COALESCE(${memberProfiles.visits}, 0)`,
        spendFen: sql<number>`COALESCE(${memberProfiles.spendFen}, 0)`,
        lastVisitAt: memberProfiles.lastVisitAt,
        r: sql<number>`COALESCE(${memberProfiles.rScore}, 0)`,
        f: sql<number>`COALESCE(${memberProfiles.fScore}, 0)`,
        m: sql<number>`COALESCE(${memberProfiles.mScore}, 0)`,
        // The size in the same pass (the window counts every row before the LIMIT).
        size: sql<number>`COUNT(*) OVER ()`,
      })
      .from(members)
      .leftJoin(memberProfiles, eq(memberProfiles.memberId, members.id))
      .where(segmentWhere(orm, rule, at))
      .orderBy(desc(sql`COALESCE(${memberProfiles.spendFen}, 0)`), asc(members.id))
      .limit(20)
      .all();
    return {
      size: rows[0]?.size ?? 0,
      evaluatedAt: at.toISOString(),
      members: rows.map(({ size: _n, ...r }) => ({
        ...r,
        phone: revealPhone ? r.phone : maskPhone(r.phone),
      })),
    };
  }

  const toOut = (r: typeof memberSegments.$inferSelect) => ({
    id: r.id,
    name: r.name,
    rule: JSON.parse(r.ruleJson) as SegmentRule,
    createdBy: r.createdBy,
    createdAt: r.createdAt,
    evaluatedAt: r.evaluatedAt,
    size: r.size,
  });

  function get(id: number) {
    const r = orm.select().from(memberSegments).where(eq(memberSegments.id, id)).get();
    if (!r) throw new NotFoundError("segment", String(id));
    return toOut(r);
  }

  function save(actor: string, input: SegmentInput) {
    const taken = orm
      .select({ id: memberSegments.id })
      .from(memberSegments)
      .where(eq(memberSegments.name, input.name))
      .get();
    if (taken) throw new StateError(input.name, `a segment named ${input.name} exists already`);
    const at = now();
    const { id } = orm
      .insert(memberSegments)
      .values({
        name: input.name,
        ruleJson: JSON.stringify(input.rule),
        createdBy: actor,
        createdAt: at.toISOString(),
        evaluatedAt: at.toISOString(),
        size: size(input.rule, at),
      })
      .returning({ id: memberSegments.id })
      .get();
    return get(id);
  }

  /** Re-evaluates a saved segment now: its size and when. */
  function evaluate(id: number) {
    const s = get(id);
    const at = now();
    orm
      .update(memberSegments)
      .set({ size: size(s.rule, at), evaluatedAt: at.toISOString() })
      .where(eq(memberSegments.id, id))
      .run();
    return get(id);
  }

  function list() {
    return { segments: orm.select().from(memberSegments).orderBy(asc(memberSegments.id)).all().map(toOut) };
  }

  return { size, memberIds, preview, get, save, evaluate, list };
}

export type Segments = ReturnType<typeof createSegments>;
