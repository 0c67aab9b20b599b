// Coupon uses as HQ ingests them, inside the sale's own ingest transaction (ingest.ts calls
// record() from the sale's effects, so a redelivered or replayed sale records nothing twice:
// the inbox already refuses it, and the primary key would too). Also the coupon -> promotion
// binding HQ's price audit uses, the same couponActivations the till priced with.
import { type CouponBinding, couponActivations, type Payload } from "@retail/protocol";
import type { Sqlite } from "../db/open.ts";

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
  const q = {
    coupon: db.prepare("SELECT multi_use, member_id, valid_until, status FROM coupons WHERE code = ?"),
    finding: db.prepare(
      `INSERT INTO price_findings (store_id, sale_id, event_id, catalog_version, line_id, field, expected, actual, found_at)
       VALUES (?, ?, ?, ?, NULL, ?, ?, ?, ?)`,
    ),
    first: db.prepare(
      "SELECT store_id, sale_id, redeemed_at FROM coupon_redemptions WHERE code = ? ORDER BY redeemed_at, rowid LIMIT 1",
    ),
    insert: db.prepare(
      `INSERT OR IGNORE INTO coupon_redemptions (code, store_id, sale_id, event_id, redeemed_at, received_at, pushed)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    conflict: db.prepare(
      `INSERT OR IGNORE INTO coupon_conflicts (code, first_store_id, first_sale_id, first_redeemed_at, store_id, sale_id, redeemed_at, detected_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    promotionOf: db.prepare("SELECT promotion_id FROM coupons WHERE code = ?"),
    gateOf: db.prepare("SELECT json_extract(data_json, '$.couponCode') AS gate FROM promotions WHERE id = ?"),
  };

  const binding: CouponBinding = {
    coupon: (code) => {
      const r = q.promotionOf.get(code) as { promotion_id: string } | undefined;
      return r ? { promotionId: r.promotion_id } : undefined;
    },
    gate: (id) => (q.gateOf.get(id) as { gate: string | null } | undefined)?.gate ?? undefined,
  };

  return {
    /** Records the coupon uses of one ingested sale. Must run inside the sale's transaction. */
    record(storeId: string, sale: Payload<"sale.completed">, eventId: string, at: string): number {
      let conflicts = 0;
      for (const code of sale.coupons) {
        const c = q.coupon.get(code) as
          | { multi_use: number; member_id: string | null; valid_until: string | null; status: string }
          | undefined;
        const wrong = couponFinding(c, sale);
        if (wrong)
          q.finding.run(
            storeId,
            sale.saleId,
            eventId,
            sale.catalogVersion,
            `coupons.${code}`,
            wrong.expected,
            wrong.actual,
            at,
          );
        const first = q.first.get(code) as
          | { store_id: string; sale_id: string; redeemed_at: string }
          | undefined;
        const mine = first && first.store_id === storeId && first.sale_id === sale.saleId;
        const verdict = useVerdict(c ? { multiUse: c.multi_use === 1 } : undefined, !first || !!mine);
        q.insert.run(code, storeId, sale.saleId, eventId, sale.completedAt, at, verdict === "spent" ? 0 : 1);
        if (verdict === "conflict" && first) {
          q.conflict.run(
            code,
            first.store_id,
            first.sale_id,
            first.redeemed_at,
            storeId,
            sale.saleId,
            sale.completedAt,
            at,
          );
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
