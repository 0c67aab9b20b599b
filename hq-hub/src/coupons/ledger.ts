// Coupon uses as HQ ingests them, inside the sale's own ingest transaction (ingest.ts calls
// record() from the sale's effects, so a redelivered or replayed sale records nothing twice:
// the inbox already refuses it, and the primary key would too). Also the coupon -> promotion
// binding HQ's price audit uses, the same couponActivations the till priced with.
import { type CouponBinding, couponActivations, type Payload } from "@retail/protocol";
import { asc, eq, sql } from "drizzle-orm";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import { couponConflicts, couponRedemptions, coupons, priceFindings, promotions } from "../db/schema.ts";

/** What one use of a coupon means for HQ (pure). */
export type UseVerdict =
  /** A multi-use code, or a code HQ has no record of: kept, nothing to send down. */
  | "kept"
  /** The first use of a one-time coupon: it is spent; the stores must hear so. */
  | "spent"
  /** A one-time coupon already spent by another sale: a conflict HQ lists. */
  | "conflict";

export function useVerdict(coupon: { multiUse: boolean } | undefined, firstUse: boolean): UseVerdict {
  if (!coupon || coupon.multiUse) return "kept";
  return firstUse ? "spent" : "conflict";
}

/**
 * What HQ's record says was wrong with a coupon a store accepted (pure): another member's, used
 * after it expired, cancelled. A till that follows the rules never sends one (it refuses them);
 * a rogue or badly out-of-date store does, and HQ's audit says so.
 */
export function couponFinding(
  coupon: { member_id: string | null; valid_until: string | null; status: string } | undefined,
  sale: { member?: { id: string }; completedAt: string },
): { expected: string; actual: string } | undefined {
  if (!coupon) return undefined; // its discount is already a price finding: it activated nothing
  if (coupon.status === "void") return { expected: "a coupon in force", actual: "void" };
  if (coupon.member_id && coupon.member_id !== sale.member?.id)
    return {
      expected: `member ${coupon.member_id}`,
      actual: sale.member ? `member ${sale.member.id}` : "no member",
    };
  if (coupon.valid_until && Date.parse(coupon.valid_until) <= Date.parse(sale.completedAt))
    return { expected: `used before ${coupon.valid_until}`, actual: sale.completedAt };
  return undefined;
}

export function createCouponLedger(db: Sqlite) {
  const orm = openDrizzle(db);
  const p = (name: string) => sql.placeholder(name);
  // Run for every coupon of every ingested sale: prepared once.
  const q = {
    coupon: orm
      .select({
        multi_use: coupons.multiUse,
        member_id: coupons.memberId,
        valid_until: coupons.validUntil,
        status: coupons.status,
      })
      .from(coupons)
      .where(eq(coupons.code, p("code")))
      .prepare(),
    finding: orm
      .insert(priceFindings)
      .values({
        storeId: p("storeId"),
        saleId: p("saleId"),
        eventId: p("eventId"),
        catalogVersion: p("catalogVersion"),
        lineId: null,
        field: p("field"),
        expected: p("expected"),
        actual: p("actual"),
        foundAt: p("foundAt"),
      })
      .prepare(),
    // The first use by time, then by arrival (the implicit rowid, not a declared column).
    first: orm
      .select({
        store_id: couponRedemptions.storeId,
        sale_id: couponRedemptions.saleId,
        redeemed_at: couponRedemptions.redeemedAt,
      })
      .from(couponRedemptions)
      .where(eq(couponRedemptions.code, p("code")))
      .orderBy(asc(couponRedemptions.redeemedAt), sql`${couponRedemptions}.rowid`)
      .limit(1)
      .prepare(),
    insert: orm
      .insert(couponRedemptions)
      .values({
        code: p("code"),
        storeId: p("storeId"),
        saleId: p("saleId"),
        eventId: p("eventId"),
        redeemedAt: p("redeemedAt"),
        receivedAt: p("receivedAt"),
        pushed: p("pushed"),
      })
      .onConflictDoNothing()
      .prepare(),
    conflict: orm
      .insert(couponConflicts)
      .values({
        code: p("code"),
        firstStoreId: p("firstStoreId"),
        firstSaleId: p("firstSaleId"),
        firstRedeemedAt: p("firstRedeemedAt"),
        storeId: p("storeId"),
        saleId: p("saleId"),
        redeemedAt: p("redeemedAt"),
        detectedAt: p("detectedAt"),
      })
      .onConflictDoNothing()
      .prepare(),
    promotionOf: orm
      .select({ promotion_id: coupons.promotionId })
      .from(coupons)
      .where(eq(coupons.code, p("code")))
      .prepare(),
    gateOf: orm
      .select({ gate: sql<string | null>`json_extract(${promotions.dataJson}, '$.couponCode')` })
      .from(promotions)
      .where(eq(promotions.id, p("id")))
      .prepare(),
  };

  const binding: CouponBinding = {
    coupon: (code) => {
      const r = q.promotionOf.get({ code });
      return r ? { promotionId: r.promotion_id } : undefined;
    },
    gate: (id) => q.gateOf.get({ id })?.gate ?? undefined,
  };

  return {
    /** Records the coupon uses of one ingested sale. Must run inside the sale's transaction. */
    record(storeId: string, sale: Payload<"sale.completed">, eventId: string, at: string): number {
      let conflicts = 0;
      for (const code of sale.coupons) {
        const c = q.coupon.get({ code });
        const wrong = couponFinding(c, sale);
        if (wrong)
          q.finding.run({
            storeId,
            saleId: sale.saleId,
            eventId,
            catalogVersion: sale.catalogVersion,
            field: `coupons.${code}`,
            expected: wrong.expected,
            actual: wrong.actual,
            foundAt: at,
          });
        const first = q.first.get({ code });
        const mine = first && first.store_id === storeId && first.sale_id === sale.saleId;
        const verdict = useVerdict(c ? { multiUse: c.multi_use === 1 } : undefined, !first || !!mine);
        q.insert.run({
          code,
          storeId,
          saleId: sale.saleId,
          eventId,
          redeemedAt: sale.completedAt,
          receivedAt: at,
          pushed: verdict === "spent" ? 0 : 1,
        });
        if (verdict === "conflict" && first) {
          q.conflict.run({
            code,
            firstStoreId: first.store_id,
            firstSaleId: first.sale_id,
            firstRedeemedAt: first.redeemed_at,
            storeId,
            saleId: sale.saleId,
            redeemedAt: sale.completedAt,
            detectedAt: at,
          });
          conflicts++;
        }
      }
      return conflicts;
    },
    /** The sale as the price audit must see it: its coupons as the gates the till priced with. */
    forAudit(sale: Payload<"sale.completed">): Payload<"sale.completed"> {
      if (sale.coupons.length === 0) return sale;
      return { ...sale, coupons: couponActivations(sale.coupons, binding) };
    },
  };
}
