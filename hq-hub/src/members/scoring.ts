// The scheduled member runs (clock passed in): tiers by rule over their windows (members whose
// tier changed are marked dirty, so the member sync sends them to every store), and RFM scores
// (quintiles 1-5 by value of recency, frequency and spend among members with a visit, rfm.ts;
// 0 without).
import { and, desc, eq, gt, gte, ne, or, type SQL, sql } from "drizzle-orm";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import { memberActivity, memberProfiles, memberRuns, members, memberTierRules } from "../db/schema.ts";
import { quintileCuts } from "./rfm.ts";
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

  /**
   * RFM scores over the profiles (rfm.ts): per measure a histogram in SQL (recency by day of the
   * last visit, frequency by visits, monetary by 10 yuan of spend), its quintile cuts, then one
   * UPDATE writing only the scores that changed. Members without a visit keep 0.
   */
  function scoreRfm(now: Date) {
    const buckets = {
      r: sql`substr(${memberProfiles.lastVisitAt}, 1, 10)`,
      f: sql`${memberProfiles.visits}`,
      m: sql`(${memberProfiles.spendFen} / 1000)`,
    };
    const visited = gt(memberProfiles.visits, 0);
    const score = (bucket: SQL) => {
      const cuts = quintileCuts(
        orm
          .select({ key: sql<string | number>`${bucket}`, n: sql<number>`COUNT(*)` })
          .from(memberProfiles)
          .where(visited)
          .groupBy(bucket)
          .orderBy(bucket)
          .all(),
      );
      return sql`(1${sql.join(
        cuts.map((c) => sql` + (${bucket} > ${c})`),
        sql``,
      )})`;
    };
    const r = score(buckets.r);
    const f = score(buckets.f);
    const m = score(buckets.m);
    const res = orm
      .update(memberProfiles)
      .set({ rScore: r, fScore: f, mScore: m })
      .where(
        and(
          visited,
          or(ne(memberProfiles.rScore, r), ne(memberProfiles.fScore, f), ne(memberProfiles.mScore, m)),
        ),
      )
      .run();
    const scored = orm.select({ n: sql<number>`COUNT(*)` }).from(memberProfiles).where(visited).get()?.n ?? 0;
    return record("rfm", now, scored, Number(res.changes));
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
