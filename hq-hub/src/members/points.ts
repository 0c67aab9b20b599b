// Points redemption at HQ (issue 18): ingest's step for a sale's points tenders and a return's
// points given back, inside the event's savepoint, so points move exactly when the sale or
// return commits. Exactly once twice over: the inbox refuses a redelivered or replayed event
// before it gets here, and member_points_redemptions' key (store, kind, document) refuses a
// second copy anyway, in which case nothing else is touched.
//
// The balance never goes below zero (stores get it as MemberV1.points): a redemption beyond it
// (two offline stores spending the same points, a store with an old balance) takes what is
// there, records the shortfall as `overdrawn` and raises a finding `member.points` for a person:
// never silently. A return gives back at most what its sale actually took, less what earlier
// returns gave back, whatever points the return claims.
import {
  NO_POINTS_RULE,
  type Payload,
  POINTS_RULE_KEY,
  type PointsRule,
  PointsRuleV1,
  pointsEarned,
  pointsEarnedBySale,
  pointsPaid,
  pointsTenderProblem,
} from "@retail/protocol";
import { and, eq, sql } from "drizzle-orm";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import { memberPointsRedemptions, members, pointsRules } from "../db/schema.ts";

export interface PointsFinding {
  field: string;
  expected: string;
  actual: string;
}

function statements(db: Sqlite) {
  const orm = openDrizzle(db);
  const p = (name: string) => sql.placeholder(name);
  const r = memberPointsRedemptions;
  return {
    rule: orm
      .select({ dataJson: pointsRules.dataJson })
      .from(pointsRules)
      .where(eq(pointsRules.id, POINTS_RULE_KEY))
      .prepare(),
    balance: orm
      .select({ points: members.points })
      .from(members)
      .where(eq(members.id, p("memberId")))
      .prepare(),
    insert: orm
      .insert(r)
      .values({
        storeId: p("storeId"),
        docKind: p("docKind"),
        docId: p("docId"),
        saleId: p("saleId"),
        memberId: p("memberId"),
        points: p("points"),
        amountFen: p("amountFen"),
        balanceAfter: p("balanceAfter"),
        overdrawn: p("overdrawn"),
        at: p("at"),
      })
      .onConflictDoNothing()
      .prepare(),
    setBalance: orm
      .update(members)
      .set({ points: sql`${p("points")}`, dirty: 1 })
      .where(eq(members.id, p("memberId")))
      .prepare(),
    // What a sale took (negative) and what its returns gave back (positive), net.
    sale: orm
      .select({
        memberId: r.memberId,
        taken: sql<number>`-${r.points}`,
        fen: r.amountFen,
      })
      .from(r)
      .where(and(eq(r.storeId, p("storeId")), eq(r.docKind, "sale"), eq(r.docId, p("saleId"))))
      .prepare(),
    givenBack: orm
      .select({ points: sql<number>`COALESCE(SUM(${r.points}), 0)` })
      .from(r)
      .where(and(eq(r.storeId, p("storeId")), eq(r.docKind, "return"), eq(r.saleId, p("saleId"))))
      .prepare(),
  };
}

type Statements = ReturnType<typeof statements>;
const prepared = new WeakMap<Sqlite, Statements>();
function statementsOf(db: Sqlite): Statements {
  let q = prepared.get(db);
  if (!q) {
    q = statements(db);
    prepared.set(db, q);
  }
  return q;
}

/** HQ's current points rule (its working copy), or the no-redemption default. */
export function currentPointsRule(db: Sqlite): PointsRule {
  const row = statementsOf(db).rule.get();
  return row ? PointsRuleV1.parse(JSON.parse(row.dataJson)) : NO_POINTS_RULE;
}

/** Points a sale earns under the rule the store had (what ingest adds to the balance). */
export function earnedBySale(p: Payload<"sale.completed">, rule: PointsRule): number {
  return pointsEarnedBySale(p.totals.net, p.tenders, rule);
}

/** Points a return takes back: on its refund, less the part refunded as points unless earned. */
export function takenBackByReturn(p: Payload<"sale.returned">, rule: PointsRule): number {
  const fen = rule.earnOnRedeemed ? 0 : pointsPaid(p.tenders).fen;
  return pointsEarned(Math.max(0, p.totals.refund - fen));
}

/**
 * A sale's points tenders: checks them against the rule the store had at the sale's version
 * (forged amounts, share above the cap, no member, redemption off) and the member's balance
 * (below the minimum, overdrawn), then takes the points. Call before the sale's earning so the
 * balance checked is the one the till saw. Returns the findings to raise.
 */
export function redeemForSale(
  db: Sqlite,
  storeId: string,
  p: Payload<"sale.completed">,
  rule: PointsRule,
): PointsFinding[] {
  if (p.training) return [];
  const paidBy = pointsPaid(p.tenders);
  if (paidBy.points === 0) return [];
  const findings: PointsFinding[] = [];
  const problem = pointsTenderProblem(p, rule);
  if (problem) findings.push(problem);
  if (!p.member) return findings;
  const q = statementsOf(db);
  const m = q.balance.get({ memberId: p.member.id });
  // No such member at HQ (forged, erased): the sale's unknown-member finding names it.
  if (!m) return findings;
  const before = m.points;
  const taken = Math.min(before, paidBy.points);
  const overdrawn = paidBy.points - taken;
  const r = q.insert.run({
    storeId,
    docKind: "sale",
    docId: p.saleId,
    saleId: p.saleId,
    memberId: p.member.id,
    points: -taken,
    amountFen: paidBy.fen,
    balanceAfter: before - taken,
    overdrawn,
    at: new Date(p.completedAt).toISOString(),
  });
  if (r.changes === 0) return []; // this sale's points were taken already
  q.setBalance.run({ points: before - taken, memberId: p.member.id });
  if (before < rule.minBalance)
    findings.push({
      field: "member.points",
      expected: `a balance of at least ${rule.minBalance} points to redeem`,
      actual: `${before} points`,
    });
  if (overdrawn > 0)
    findings.push({
      field: "member.points",
      expected: `at most the member's balance of ${before} points`,
      actual: `${paidBy.points} points redeemed: overdrawn by ${overdrawn}`,
    });
  return findings;
}

/**
 * A return's points given back (its `points` refund tenders) to the original sale's member: at
 * most what the sale took less what earlier returns gave back. Returns the findings to raise
 * (a return claiming more than that, or points for a sale that took none).
 */
export function giveBackForReturn(db: Sqlite, storeId: string, p: Payload<"sale.returned">): PointsFinding[] {
  if (p.training) return [];
  const claimed = pointsPaid(p.tenders);
  if (claimed.points === 0) return [];
  const q = statementsOf(db);
  const sale = p.original
    ? q.sale.get({ storeId: p.original.storeId, saleId: p.original.saleId })
    : undefined;
  if (!sale || !p.original)
    return [
      {
        field: "tenders.points",
        expected: "points back only for a sale paid with points",
        actual: `${claimed.points} points`,
      },
    ];
  const already = q.givenBack.get({ storeId: p.original.storeId, saleId: p.original.saleId })?.points ?? 0;
  const back = Math.max(0, Math.min(claimed.points, sale.taken - already));
  const m = q.balance.get({ memberId: sale.memberId });
  const before = m?.points ?? 0;
  const r = q.insert.run({
    storeId: p.original.storeId,
    docKind: "return",
    docId: `${storeId}/${p.returnId}`,
    saleId: p.original.saleId,
    memberId: sale.memberId,
    points: back,
    amountFen: claimed.fen,
    balanceAfter: before + back,
    overdrawn: 0,
    at: new Date(p.returnedAt).toISOString(),
  });
  if (r.changes === 0) return [];
  if (m && back > 0) q.setBalance.run({ points: before + back, memberId: sale.memberId });
  return back < claimed.points
    ? [
        {
          field: "tenders.points.points",
          expected: `at most ${Math.max(0, sale.taken - already)} points back (what sale ${p.original.saleId} took, less earlier returns)`,
          actual: String(claimed.points),
        },
      ]
    : [];
}
