// A lane's shift: open with a float, cash in and out, X report (shown or printed), close with
// the counted drawer (Z report printed, cashier signed out), and the no-sale drawer opening.
// The lifecycle is shift/lifecycle.ts; the figures are shift.ts (pure) over store.ts.
import { formatYuanPlain, type LaneView, uuidv7 } from "@retail/protocol";
import { businessDay } from "../clock.ts";
import type { ReceiptDoc } from "../devices/port.ts";
import { conflict, forbidden, invalid } from "../errors.ts";
import type { Lanes } from "../lanes/lanes.ts";
import type { Staff, Supervisor } from "../staff/service.ts";
import { shiftTransition } from "./lifecycle.ts";
import { countTotal, overShort, type ShiftSummary } from "./shift.ts";
import type { ShiftCounts } from "./shift-counts.ts";
import { shiftReportDoc } from "./shift-report.ts";
import type { ShiftStore } from "./store.ts";

/** Cash-outs above ¥100 need a supervisor unless store-edge.json says otherwise. */
export const DEFAULT_PAYOUT_SUPERVISOR_ABOVE_FEN = 10_000;

export class Shifts {
  constructor(
    private readonly lanes: Lanes,
    private readonly staff: Staff,
    readonly store: ShiftStore,
    /** Cash-outs above this many fen need a supervisor (store-edge.json cash.payoutSupervisorAboveFen). */
    private readonly payoutSupervisorAboveFen = DEFAULT_PAYOUT_SUPERVISOR_ABOVE_FEN,
  ) {}

  openShift(laneId: string, float: number): LaneView {
    const rt = this.lanes.lane(laneId);
    shiftTransition(rt.record, "open_shift");
    if (!Number.isSafeInteger(float) || float < 0) throw invalid("float", "must be whole fen, not negative");
    const cashierId = rt.record.cashierId!;
    const { ms, iso } = this.lanes.now();
    const day = businessDay(ms);
    const training = rt.record.training;
    const d = this.lanes.d;
    const shiftId = d.db.write(() => {
      const shiftId = this.store.insert({
        lane: laneId,
        cashierId,
        businessDay: day,
        training,
        float,
        openedAt: iso,
        ms,
      });
      d.outbox.append(
        "shift.opened",
        { shiftId, laneId, cashierId, businessDay: day, training, float, openedAt: iso },
        iso,
      );
      this.lanes.writeRecord(laneId, { ...rt.record, shiftId });
      return shiftId;
    });
    rt.record = { ...rt.record, shiftId };
    d.onLedger();
    void rt.devices.kickDrawer().catch(() => {});
    return this.lanes.changed(rt);
  }

  async cashMove(
    laneId: string,
    direction: "in" | "out",
    amount: number,
    reason: string,
    supervisor?: Supervisor,
  ): Promise<{ movementId: string; summary: ShiftSummary }> {
    if (!Number.isSafeInteger(amount) || amount <= 0)
      throw invalid("amount", "must be a positive whole number of fen");
    const rt = this.lanes.lane(laneId);
    const limit = this.payoutSupervisorAboveFen;
    if (direction === "out" && amount > limit && !supervisor)
      throw forbidden(
        "supervisorId",
        `a cash-out above ${formatYuanPlain(limit)} yuan needs a supervisor's code and PIN`,
      );
    if (supervisor) await this.staff.supervisor(laneId, supervisor, "cash_move");
    const shiftId = this.lanes.requireShift(rt);
    const cashierId = rt.record.cashierId!;
    const { ms, iso } = this.lanes.now();
    const movementId = uuidv7(ms);
    const training = rt.record.training;
    const d = this.lanes.d;
    d.db.write(() => {
      // Training cash is make-believe: it goes up as training activity and moves no drawer total.
      if (!training)
        this.store.insertCashMove({ movementId, shiftId, direction, amount, reason, movedAt: iso });
      d.outbox.append(
        "cash.moved",
        {
          movementId,
          shiftId,
          laneId,
          cashierId,
          training,
          direction,
          amount,
          reason,
          ...(supervisor ? { supervisorId: supervisor.id } : {}),
          movedAt: iso,
        },
        iso,
      );
    });
    d.onLedger();
    void rt.devices.kickDrawer().catch(() => {});
    return { movementId, summary: this.store.summary(shiftId) };
  }

  /** The shift's figures so far (X report). */
  shiftSummary(shiftId: string): ShiftSummary {
    return this.store.summary(shiftId);
  }

  /** Voids, discounts and refunds of the shift (X and Z reports). */
  shiftCounts(shiftId: string): ShiftCounts {
    return this.store.counts(shiftId);
  }

  xReport(laneId: string): ShiftSummary & { shiftId: string; counts: ShiftCounts } {
    const shiftId = this.lanes.requireShift(this.lanes.lane(laneId));
    return { shiftId, ...this.store.summary(shiftId), counts: this.store.counts(shiftId) };
  }

  /** Prints the X report on the lane's printer (the answer comes as the lane's `print` message). */
  printXReport(laneId: string): { receiptNo: string } {
    const rt = this.lanes.lane(laneId);
    const shiftId = this.lanes.requireShift(rt);
    const doc = this.reportDoc("X", shiftId, this.store.summary(shiftId), this.store.counts(shiftId));
    this.lanes.print(rt, doc);
    return { receiptNo: doc.receiptNo };
  }

  private reportDoc(
    kind: "X" | "Z",
    shiftId: string,
    summary: ShiftSummary,
    counts: ShiftCounts,
    close?: { counted: number; overShort: number },
  ): ReceiptDoc {
    const s = this.store.row(shiftId)!;
    const name = this.lanes.lookup.cashiers.get(s.cashierId)?.name;
    return shiftReportDoc({
      kind,
      storeId: this.lanes.d.storeId(),
      lane: s.lane,
      shiftId,
      cashier: name ? `${name} (${s.cashierId})` : s.cashierId,
      openedAt: s.openedAt,
      at: this.lanes.now().iso,
      training: s.training === 1,
      summary,
      counts,
      ...(close ? { close } : {}),
    });
  }

  closeShift(
    laneId: string,
    denominations: Record<string, number>,
  ): ShiftSummary & { shiftId: string; counted: number; overShort: number; counts: ShiftCounts } {
    const rt = this.lanes.lane(laneId);
    shiftTransition(rt.record, "close_shift");
    const shiftId = rt.record.shiftId!;
    if (rt.cart.lines.length || rt.cart.tenders.length)
      throw conflict("cart", "finish or suspend the sale first");
    const counted = countTotal(denominations);
    const summary = this.store.summary(shiftId);
    const counts = this.store.counts(shiftId);
    const diff = overShort(counted, summary.expectedCash);
    const shift = this.store.row(shiftId)!;
    const { iso } = this.lanes.now();
    const d = this.lanes.d;
    const { shiftId: _s, cashierId: _c, ...rest } = rt.record;
    const { closed, ended } = d.db.write(() => {
      const closed = this.store.closeTx(shiftId, iso, {
        denominations,
        counted,
        overShort: diff,
        ...summary,
        counts,
      });
      d.outbox.append(
        "shift.closed",
        {
          shiftId,
          laneId,
          cashierId: shift.cashierId,
          businessDay: shift.businessDay,
          training: shift.training === 1,
          denominations,
          counted,
          expected: Math.max(0, summary.expectedCash),
          overShort: diff,
          sales: summary.sales,
          returns: summary.returns,
          byTender: summary.byTender,
          cashIn: summary.cashIn,
          cashOut: summary.cashOut,
          closedAt: iso,
        },
        iso,
      );
      // The shift's close is the cashier's hand-over: signed out, the lane's session ended.
      this.lanes.writeRecord(laneId, rest);
      return { closed, ended: this.staff.sessions.endLaneTx(laneId, "shift_close") };
    });
    rt.record = rest;
    closed.committed();
    d.onLedger();
    this.lanes.changed(rt);
    ended.committed();
    // The Z report comes out of the lane's printer with the close.
    this.lanes.print(rt, this.reportDoc("Z", shiftId, summary, counts, { counted, overShort: diff }));
    return { shiftId, ...summary, counted, overShort: diff, counts };
  }

  /**
   * A no-sale: the drawer opens without a sale, only with a supervisor's code and PIN (on every
   * kind of lane), and HQ hears of it as an audit event.
   */
  async noSale(laneId: string, supervisor: Supervisor | undefined): Promise<void> {
    const rt = this.lanes.lane(laneId);
    if (!supervisor) throw forbidden("supervisorId", "opening the drawer without a sale needs a supervisor");
    const by = await this.staff.supervisor(laneId, supervisor, "no_sale");
    await rt.devices.kickDrawer({ kind: "no_sale", supervisorApproved: true });
    this.staff.audit({
      action: "no_sale",
      laneId,
      cashierId: rt.record.cashierId ?? by.id ?? "000",
      supervisorId: by.id,
      detail: `drawer opened without a sale${rt.record.training ? " (training)" : ""}`,
    });
  }
}
