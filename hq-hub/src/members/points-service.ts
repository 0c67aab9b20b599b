// The chain's points rule as HQ edits it, and the points exceptions a person looks at. A new
// rule is one change set released to every store (like coupons), so it reaches the tills with
// the rest of the catalog and HQ's ingest checks each sale against the rule the store had at
// the sale's catalog version (catalog/as-of.ts).
import { NO_POINTS_RULE, POINTS_RULE_KEY, type PointsRule } from "@retail/protocol";
import { desc, gt, sql } from "drizzle-orm";
import type { Catalog } from "../catalog/catalog.ts";
import { checkPointsRule } from "../catalog/rules.ts";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import { memberPointsRedemptions, pointsRules } from "../db/schema.ts";
import { aboutSentence } from "../rollout/changeset-about.ts";

export function createPointsRules(deps: { db: Sqlite; catalog: Catalog }) {
  const { db, catalog } = deps;
  const orm = openDrizzle(db);

  /** The rule in force at HQ, and whether HQ ever set one (none: no redemption anywhere). */
  function rule(): { rule: PointsRule; set: boolean } {
    const row = orm.select({ dataJson: pointsRules.dataJson }).from(pointsRules).get();
    return row ? { rule: JSON.parse(row.dataJson), set: true } : { rule: NO_POINTS_RULE, set: false };
  }

  /** Validates a new rule and releases it to every store in one change set. */
  function setRule(
    actor: string,
    input: unknown,
  ): { rule: PointsRule; changesetId: number; version: number } {
    const r = checkPointsRule({ ...(input as object), id: POINTS_RULE_KEY });
    const cs = catalog.createChangeset(actor, {
      description: aboutSentence(
        r.enabled
          ? { kind: "points_rule", pointsPerYuan: r.pointsPerYuan, maxSharePercent: r.maxSharePercent }
          : { kind: "points_rule", pointsPerYuan: null, maxSharePercent: null },
      ),
      target: { kind: "all" },
    });
    db.transaction(() => {
      catalog.putItem(cs.id, "points_rule", POINTS_RULE_KEY, "upsert", r);
      catalog.audit(cs.id, "edit", actor, { kind: "points_rule" });
    })();
    catalog.invalidate();
    const released = catalog.release(actor, cs.id, "all");
    return { rule: r, changesetId: cs.id, version: released.version ?? 0 };
  }

  /** Redemptions that took more points than the member had (newest first): the exceptions. */
  function overdraws(limit = 200) {
    const t = memberPointsRedemptions;
    return orm
      .select({
        storeId: t.storeId,
        saleId: t.docId,
        memberId: t.memberId,
        points: t.points,
        amountFen: t.amountFen,
        overdrawn: t.overdrawn,
        balanceAfter: t.balanceAfter,
        at: t.at,
      })
      .from(t)
      .where(gt(t.overdrawn, 0))
      .orderBy(desc(t.at), desc(sql`rowid`))
      .limit(limit)
      .all();
  }

  return { rule, setRule, overdraws };
}

export type PointsRules = ReturnType<typeof createPointsRules>;
