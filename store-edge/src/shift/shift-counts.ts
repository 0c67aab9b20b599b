// The loss-prevention counts of a shift for the X and Z reports: lines and sales voided (from the
// audit records the voids wrote to the outbox, which is never pruned), sales that carried a
// discount and how much, and refunds. Training activity is left out, as in the cash figures.
import { and, count, eq, gt, gte, inArray, lte, max, notLike, sql } from "drizzle-orm";
import { outbox, returns, sales } from "../db/schema.ts";
import type { EdgeDb } from "../db.ts";

export interface ShiftCounts {
  voids: { lines: number; sales: number; amount: number };
  discounts: { sales: number; amount: number };
  refunds: { count: number; amount: number };
}

export interface ShiftWindow {
  shiftId: string;
  lane: string;
  openedAt: string;
  closedAt: string | null;
}

/**
 * The first outbox seq appended at or after `iso`, less a margin: the outbox keeps every event
 * and seq follows the append time, so a binary search over the primary key (a few lookups)
 * saves the report a scan of the store's whole history. The margin and the time filter of the
 * query keep it right when the clock stepped back a little.
 */
export function seqFrom(db: EdgeDb, iso: string, margin = 5000): number {
  const at = db.d
    .select({ t: outbox.occurredAt })
    .from(outbox)
    .where(eq(outbox.seq, sql.placeholder("seq")))
    .prepare();
  const last =
    db.d
      .select({ s: max(outbox.seq) })
      .from(outbox)
      .get()?.s ?? 0;
  let lo = 1;
  let hi = last + 1;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    const t = at.get({ seq: mid })?.t;
    if (t !== undefined && t < iso) lo = mid + 1;
    else hi = mid;
  }
  return Math.max(1, lo - margin);
}

export function shiftCounts(db: EdgeDb, shift: ShiftWindow): ShiftCounts {
  const d = db.d;
  const fromSeq = seqFrom(db, shift.openedAt);
  // Audit records carry the lane and the time, not the shift: the shift's lane between its
  // opening and its close (a lane has one shift open at a time). The fields are read out of the
  // event's JSON with json_extract: drizzle has no JSON path operator for SQLite.
  const field = (path: string) => sql`json_extract(${outbox.envelope}, ${`$.payload.${path}`})`;
  const action = sql<string>`${field("action")}`;
  const voids = d
    .select({
      action,
      n: count(),
      amount: sql<number>`coalesce(sum(${field("amount")}), 0)`.mapWith(Number),
    })
    .from(outbox)
    .where(
      and(
        gte(outbox.seq, fromSeq),
        eq(outbox.type, "audit.recorded"),
        eq(field("laneId"), shift.lane),
        inArray(action, ["line_void", "sale_void"]),
        gte(outbox.occurredAt, shift.openedAt),
        shift.closedAt ? lte(outbox.occurredAt, shift.closedAt) : undefined,
        notLike(sql`coalesce(${field("detail")}, '')`, "%(training)"),
      ),
    )
    .groupBy(action)
    .all();
  const line = voids.find((v) => v.action === "line_void");
  const sale = voids.find((v) => v.action === "sale_void");
  // json_extract: drizzle has no JSON path operator for SQLite.
  const discount = sql<number>`json_extract(${sales.data}, '$.totals.discount')`;
  const discounted = d
    .select({
      n: count(),
      amount: sql<number>`coalesce(sum(${discount}), 0)`.mapWith(Number),
    })
    .from(sales)
    .where(and(eq(sales.shiftId, shift.shiftId), eq(sales.training, 0), gt(discount, 0)))
    .get();
  const refunds = d
    .select({
      n: count(),
      amount: sql<number>`coalesce(sum(${returns.refundFen}), 0)`.mapWith(Number),
    })
    .from(returns)
    .where(and(eq(returns.shiftId, shift.shiftId), eq(returns.training, 0)))
    .get();
  return {
    voids: {
      lines: line?.n ?? 0,
      sales: sale?.n ?? 0,
      amount: (line?.amount ?? 0) + (sale?.amount ?? 0),
    },
    discounts: { sales: discounted?.n ?? 0, amount: discounted?.amount ?? 0 },
    refunds: { count: refunds?.n ?? 0, amount: refunds?.amount ?? 0 },
  };
}
