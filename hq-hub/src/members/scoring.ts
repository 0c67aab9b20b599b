// The scheduled member runs (clock passed in): tiers by rule over their windows (members whose
// tier changed are marked dirty, so the member sync sends them to every store), and RFM scores
// (quintiles 1-5 of recency, frequency and spend among members with a visit; 0 without).
import { desc, eq, gte, sql } from "drizzle-orm";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import { memberActivity, memberRuns, members, memberTierRules } from "../db/schema.ts";
import { checkTierRules, type TierRule, tierFor, windowStart } from "./tiers.ts";

/** The runs happen at most this often (the hub's timer asks more often). */
export const RUN_EVERY_MS = 24 * 3600_000;

export function createScoring(db: Sqlite) {
  const orm = openDrizzle(db);

  function rules(): TierRule[] {
    return orm
      .select({
        tier: memberTierRules.tier,
        rank: memberTierRules.rank,
        metric: memberTierRules.metric,
        windowDays: memberTierRules.windowDays,
        minValue: memberTierRules.minValue,
      })
      .from(memberTierRules)
      .orderBy(desc(memberTierRules.rank))
      .all() as TierRule[];
  }

  function setRules(input: TierRule[]): TierRule[] {
    const sorted = checkTierRules(input);
    db.transaction(() => {
      orm.delete(memberTierRules).run();
      for (const r of sorted) orm.insert(memberTierRules).values(r).run();
    })();
    return rules();
  }

  function record(kind: string, now: Date, count: number, changed: number) {
    orm.insert(memberRuns).values({ kind, ranAt: now.toISOString(), members: count, changed }).run();
    return { kind, ranAt: now.toISOString(), members: count, changed };
  }

  /** Recomputes every member's tier from the rules at `now`. */
  function runTiers(now: Date) {
    const sorted = rules();
    if (sorted.length === 0) return record("tiers", now, 0, 0);
    checkTierRules(sorted);
    const totals = new Map<string, Map<string, number>>();
    for (const r of sorted) {
      const key = `${r.metric}|${r.windowDays}`;
      if (totals.has(key)) continue;
      const col = r.metric === "spend" ? memberActivity.netFen : memberActivity.points;
      const rows = orm
        .select({ memberId: memberActivity.memberId, total: sql<number>`SUM(${col})` })
        .from(memberActivity)
        .where(gte(memberActivity.at, windowStart(now, r.windowDays)))
        .groupBy(memberActivity.memberId)
        .all();
      totals.set(key, new Map(rows.map((x) => [x.memberId, x.total])));
    }
    const all = orm.select({ id: members.id, tier: members.tier }).from(members).all();
    const setTier = orm
      .update(members)
      .set({ tier: sql.placeholder("tier") as never, dirty: 1 })
      .where(eq(members.id, sql.placeholder("id")))
      .prepare();
    let changed = 0;
    db.transaction(() => {
      for (const m of all) {
        const tier = tierFor(sorted, (metric, days) => totals.get(`${metric}|${days}`)?.get(m.id) ?? 0);
        if (tier !== m.tier) {
          setTier.run({ tier, id: m.id });
          changed++;
        }
      }
    })();
    return record("tiers", now, all.length, changed);
  }

  /** RFM quintiles over the profiles (members without a visit score 0). */
  function scoreRfm(now: Date) {
    // Raw SQL: window functions (ntile) have no drizzle builder. One upsert from a select: a
    // million members in one pass (the rows are looked up by key), not a million updates.
    const r = db
      .prepare(
        `INSERT INTO member_profiles (member_id, r_score, f_score, m_score)
         SELECT member_id,
                ntile(5) OVER (ORDER BY last_visit_at, member_id),
                ntile(5) OVER (ORDER BY visits, member_id),
                ntile(5) OVER (ORDER BY spend_fen, member_id)
         FROM member_profiles WHERE visits > 0
         ON CONFLICT (member_id) DO UPDATE SET
           r_score = excluded.r_score, f_score = excluded.f_score, m_score = excluded.m_score`,
      )
      .run();
    return record("rfm", now, Number(r.changes), Number(r.changes));
  }

  function lastRun(kind: string) {
    return orm
      .select()
      .from(memberRuns)
      .where(eq(memberRuns.kind, kind))
      .orderBy(desc(memberRuns.id))
      .limit(1)
      .get();
  }

  /** The daily run: tiers then RFM, when the last one is older than RUN_EVERY_MS (or `force`). */
  function runScheduled(now: Date, force = false) {
    const last = lastRun("rfm");
    if (!force && last && now.getTime() - Date.parse(last.ranAt) < RUN_EVERY_MS) return undefined;
    return { tiers: runTiers(now), rfm: scoreRfm(now) };
  }

  function runs(limit = 20) {
    return orm.select().from(memberRuns).orderBy(desc(memberRuns.id)).limit(limit).all();
  }

  return { rules, setRules, runTiers, scoreRfm, runScheduled, runs, lastRun };
}

export type Scoring = ReturnType<typeof createScoring>;
