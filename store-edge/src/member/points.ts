// Points redemption at the till (积分抵现, issue 18): a tender of member points under the chain's
// rule (HQ's `points_rule` catalog record; none: no redemption). The till works offline, so it
// caps by the balance it knows: HQ's last balance of the member (the member record, written at
// catalog version v) less what this store spent at version v or later (member_points_used,
// written in the sale's and the return's transaction). Sales made before v may not be in HQ's
// figure yet, and another store may spend the same points: HQ's ingest takes at most the balance
// and flags the rest as an overdraw (hq-hub members/points.ts), never silently.
import {
  maxRedeemFen,
  NO_POINTS_RULE,
  type PointsRule,
  pointsForFen,
  pointsPaid,
  type SaleCompleted,
  type SaleReturned,
  type Tender,
} from "@retail/protocol";
import { and, eq, gte, sql } from "drizzle-orm";
import { memberPointsUsed, members } from "../db/schema.ts";
import type { EdgeDb } from "../db.ts";
import { conflict, invalid } from "../errors.ts";
import type { Lanes } from "../lanes/lanes.ts";
import type { ReturnCommit } from "../returns/commit.ts";
import type { SaleCommit, Tendered } from "../sale/commit.ts";
import { remaining } from "../sale/tender.ts";

export type PointsRefusal = "off" | "min_balance" | "no_balance" | "paid" | "share";
const REFUSAL: Record<PointsRefusal, string> = {
  off: "points redemption is off by the chain's rule",
  min_balance: "the member's balance is below the rule's minimum",
  no_balance: "the member has no points left",
  paid: "nothing is due",
  share: "points pay at most the rule's share of the sale",
};

export interface PointsQuote {
  memberId: string;
  /** The balance this store knows (see above). */
  balance: number;
  rule: PointsRule;
  /** The most fen points may still pay on this sale, and the points that takes. */
  maxFen: number;
  maxPoints: number;
  /** Why nothing can be paid with points, when maxFen is 0 (the terminal words it). */
  reason?: PointsRefusal;
}

export class MemberPoints {
  private readonly d: { db: EdgeDb; lanes: Lanes; sales: SaleCommit; catalogVersion: () => number };

  /** Spends points in the sale's transaction and gives them back in the return's. */
  constructor(edge: {
    db: EdgeDb;
    lanes: Lanes;
    sales: SaleCommit;
    returns: { commit: ReturnCommit };
    replica: { applied: number };
  }) {
    this.d = {
      db: edge.db,
      lanes: edge.lanes,
      sales: edge.sales,
      catalogVersion: () => edge.replica.applied,
    };
    edge.sales.spendPoints = (sale) => this.spend(sale);
    edge.returns.commit.givePointsBack = (r, original) => this.giveBack(r, original);
  }

  private rule(): PointsRule {
    return this.d.lanes.lookup.pointsRule ?? NO_POINTS_RULE;
  }

  /** HQ's last balance of the member less what this store spent since that record was written. */
  balance(memberId: string): number {
    const db = this.d.db.d;
    const row = db
      .select({ version: members.version, points: sql<number>`json_extract(${members.data}, '$.points')` })
      .from(members)
      .where(eq(members.id, memberId))
      .get();
    // A member signed up here and not yet back from HQ has no points yet.
    if (!row) return 0;
    const used = db
      .select({ points: sql<number>`COALESCE(SUM(${memberPointsUsed.points}), 0)` })
      .from(memberPointsUsed)
      .where(and(eq(memberPointsUsed.memberId, memberId), gte(memberPointsUsed.catalogVersion, row.version)))
      .get();
    return Math.max(0, Number(row.points) - Number(used?.points ?? 0));
  }

  /** What points may pay on the lane's sale now. */
  quote(laneId: string): PointsQuote {
    const rt = this.d.lanes.lane(laneId);
    const member = rt.cart.member;
    if (!member) throw conflict("member", "points pay only for a member: add the member first");
    const rule = this.rule();
    const balance = this.balance(member.id);
    const due = this.d.lanes.price(rt).totals.net;
    const already = pointsPaid(rt.cart.tenders);
    // Points already tendered on this sale are not spent yet: they come off the balance here.
    const free = Math.max(0, balance - already.points);
    const maxFen = Math.min(maxRedeemFen(due, free, rule, already.fen), remaining(due, rt.cart.tenders));
    const q: PointsQuote = {
      memberId: member.id,
      balance,
      rule,
      maxFen,
      maxPoints: pointsForFen(maxFen, rule),
    };
    if (maxFen === 0)
      q.reason = !rule.enabled
        ? "off"
        : balance < rule.minBalance
          ? "min_balance"
          : free <= 0
            ? "no_balance"
            : remaining(due, rt.cart.tenders) === 0
              ? "paid"
              : "share";
    return q;
  }

  /** A points tender of `amount` fen (default: the most allowed); the sale commits when paid. */
  tender(laneId: string, amount?: number): Tendered {
    const rt = this.d.lanes.lane(laneId);
    this.d.lanes.requireShift(rt);
    const q = this.quote(laneId);
    if (q.maxFen === 0) throw conflict("points", REFUSAL[q.reason ?? "share"]);
    const fen = amount ?? q.maxFen;
    if (!Number.isSafeInteger(fen) || fen <= 0)
      throw invalid("amount", "must be a positive whole number of fen");
    if (fen > q.maxFen)
      throw invalid("points", `points may pay at most ${q.maxFen} fen (${q.maxPoints} points) of this sale`);
    const tender: Tender = { kind: "points", amount: fen, points: pointsForFen(fen, q.rule) };
    return this.d.sales.addTender(rt, tender);
  }

  /**
   * Inside the sale's transaction: the points it spends, checked against the balance again (two
   * lanes may have tendered the same member's points; the second to commit is refused) and kept.
   */
  spend(sale: SaleCompleted): void {
    const paid = pointsPaid(sale.tenders);
    if (paid.points === 0 || !sale.member) return;
    const balance = this.balance(sale.member.id);
    if (paid.points > balance)
      throw conflict(
        "points",
        `the member has ${balance} points here, not the ${paid.points} this sale spends: void the points tender`,
      );
    this.d.db.d
      .insert(memberPointsUsed)
      .values({
        docId: sale.saleId,
        memberId: sale.member.id,
        points: paid.points,
        catalogVersion: sale.catalogVersion,
      })
      .onConflictDoNothing()
      .run();
  }

  /** Inside the return's transaction: the points it gives back to the original sale's member. */
  giveBack(returned: SaleReturned, original: SaleCompleted | undefined): void {
    const back = pointsPaid(returned.tenders).points;
    if (back === 0 || !original?.member) return;
    this.d.db.d
      .insert(memberPointsUsed)
      .values({
        docId: returned.returnId,
        memberId: original.member.id,
        points: -back,
        catalogVersion: this.d.catalogVersion(),
      })
      .onConflictDoNothing()
      .run();
  }
}

/**
 * The points a refund of `fen` to the sale's points tenders gives back: in proportion to what
 * the sale paid with points, cumulative over its returns and rounded down, the last return
 * giving back exactly what is left, so the returns of a sale never give back more than it spent.
 */
export function pointsBack(
  original: readonly Tender[],
  prior: { fen: number; points: number },
  fen: number,
): number {
  const paid = pointsPaid(original);
  if (paid.fen === 0 || fen <= 0) return 0;
  const upTo = Math.min(paid.fen, prior.fen + fen);
  const cumulative = upTo >= paid.fen ? paid.points : Math.floor((paid.points * upTo) / paid.fen);
  // Coarse rules (under 100 points a yuan) may round a small refund to 0 points: give 1 then,
  // as long as any is left, so a points refund always names its points.
  return Math.min(paid.points - prior.points, Math.max(1, cumulative - prior.points));
}
