// The shifts table and what a shift's reports read: open, close, the X figures. Open shifts
// are cached: every lane view shows its shift, and what the view and the reports read of it
// (lane, cashier, day, training, float, opened) never changes while it is open.
import { type SaleReturned, type Tender, uuidv7 } from "@retail/protocol";
import { and, eq, sql, sum } from "drizzle-orm";
import { cashMovements, returns, sales, shifts, tenders } from "../db/schema.ts";
import type { EdgeDb } from "../db.ts";
import { notFound } from "../errors.ts";
import { type ShiftSummary, summarize } from "./shift.ts";
import { type ShiftCounts, shiftCounts } from "./shift-counts.ts";

export type ShiftRow = typeof shifts.$inferSelect;

export class ShiftStore {
  private readonly open = new Map<string, ShiftRow>();
  /** On every lane view: prepared once. */
  private readonly byId;

  constructor(private readonly db: EdgeDb) {
    this.byId = db.d
      .select()
      .from(shifts)
      .where(eq(shifts.shiftId, sql.placeholder("shiftId")))
      .prepare();
  }

  row(shiftId: string): ShiftRow | undefined {
    const cached = this.open.get(shiftId);
    if (cached) return cached;
    const row = this.byId.get({ shiftId });
    if (row && row.closedAt === null) this.open.set(shiftId, row);
    return row;
  }

  /** Inside the caller's transaction. */
  insert(s: {
    lane: string;
    cashierId: string;
    businessDay: string;
    training: boolean;
    float: number;
    openedAt: string;
    ms: number;
  }): string {
    const shiftId = uuidv7(s.ms);
    this.db.d
      .insert(shifts)
      .values({
        shiftId,
        lane: s.lane,
        cashierId: s.cashierId,
        businessDay: s.businessDay,
        training: s.training ? 1 : 0,
        floatFen: s.float,
        openedAt: s.openedAt,
      })
      .run();
    return shiftId;
  }

  /** Inside the caller's transaction; `closed` after it commits. */
  closeTx(shiftId: string, closedAt: string, closing: unknown): { committed: () => void } {
    this.db.d
      .update(shifts)
      .set({ closedAt, closing: JSON.stringify(closing) })
      .where(eq(shifts.shiftId, shiftId))
      .run();
    return { committed: () => this.open.delete(shiftId) };
  }

  /** Inside the caller's transaction. */
  insertCashMove(m: {
    movementId: string;
    shiftId: string;
    direction: "in" | "out";
    amount: number;
    reason: string;
    movedAt: string;
  }): void {
    this.db.d
      .insert(cashMovements)
      .values({
        movementId: m.movementId,
        shiftId: m.shiftId,
        direction: m.direction,
        amountFen: m.amount,
        reason: m.reason,
        movedAt: m.movedAt,
      })
      .run();
  }

  /** The shift's figures so far (X report). */
  summary(shiftId: string): ShiftSummary {
    const shift = this.row(shiftId);
    if (!shift) throw notFound("shiftId", `no shift ${shiftId}`);
    const db = this.db.d;
    const shiftSales = db
      .select({ saleId: sales.saleId, netFen: sales.netFen })
      .from(sales)
      .where(and(eq(sales.shiftId, shiftId), eq(sales.training, 0)))
      .all();
    const shiftTenders = db
      .select({ saleId: tenders.saleId, kind: tenders.kind, amountFen: tenders.amountFen })
      .from(tenders)
      .innerJoin(sales, eq(sales.saleId, tenders.saleId))
      .where(and(eq(sales.shiftId, shiftId), eq(sales.training, 0)))
      .all();
    const bySale = new Map<string, Tender[]>();
    for (const t of shiftTenders) {
      const list = bySale.get(t.saleId) ?? [];
      list.push({ kind: t.kind as Tender["kind"], amount: t.amountFen });
      bySale.set(t.saleId, list);
    }
    const shiftReturns = db
      .select({ refundFen: returns.refundFen, tenderKind: returns.tenderKind, data: returns.data })
      .from(returns)
      .where(and(eq(returns.shiftId, shiftId), eq(returns.training, 0)))
      .all();
    const moves = db
      .select({ direction: cashMovements.direction, total: sum(cashMovements.amountFen).mapWith(Number) })
      .from(cashMovements)
      .where(eq(cashMovements.shiftId, shiftId))
      .groupBy(cashMovements.direction)
      .all();
    return summarize({
      float: shift.floatFen,
      sales: shiftSales.map((s) => ({ net: s.netFen, tenders: bySale.get(s.saleId) ?? [] })),
      returns: shiftReturns.map((r) => ({
        refund: r.refundFen,
        tenderKind: r.tenderKind as Tender["kind"],
        cash: (JSON.parse(r.data) as SaleReturned).tenders
          .filter((t) => t.kind === "cash")
          .reduce((n, t) => n + t.amount, 0),
      })),
      cashIn: moves.find((m) => m.direction === "in")?.total ?? 0,
      cashOut: moves.find((m) => m.direction === "out")?.total ?? 0,
    });
  }

  /** Voids, discounts and refunds of the shift (X and Z reports). */
  counts(shiftId: string): ShiftCounts {
    const s = this.row(shiftId);
    if (!s) throw notFound("shiftId", `no shift ${shiftId}`);
    return shiftCounts(this.db, { shiftId, lane: s.lane, openedAt: s.openedAt, closedAt: s.closedAt });
  }
}
