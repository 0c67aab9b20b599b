// A lane's shift and its cash (store -> HQ ledger events, seq >= 1).
import { z } from "zod";
import { IsoTime } from "../catalog.ts";
import { MAX_SHIFT_FEN, MAX_STOCK_QTY } from "../money-caps.ts";
import { BusinessDay, CashierCode, fenMax, Id, LaneId, ShiftFen, TenderKind } from "./fields.ts";

export const ShiftOpenedV1 = z.strictObject({
  shiftId: Id,
  laneId: LaneId,
  cashierId: CashierCode,
  businessDay: BusinessDay,
  training: z.boolean(),
  float: ShiftFen,
  openedAt: IsoTime,
});

export const ShiftClosedV1 = z.strictObject({
  shiftId: Id,
  laneId: LaneId,
  cashierId: CashierCode,
  businessDay: BusinessDay,
  training: z.boolean(),
  /** Count by denomination: face value in fen -> number of notes/coins. */
  denominations: z.record(z.string().regex(/^\d{1,8}$/), z.int().nonnegative().max(MAX_STOCK_QTY)),
  counted: ShiftFen,
  expected: ShiftFen,
  /** counted - expected: positive is over, negative is short. */
  overShort: z.int().min(-MAX_SHIFT_FEN).max(MAX_SHIFT_FEN, fenMax(MAX_SHIFT_FEN)),
  sales: z.strictObject({ count: z.int().nonnegative(), net: ShiftFen }),
  returns: z.strictObject({ count: z.int().nonnegative(), refund: ShiftFen }),
  byTender: z.partialRecord(TenderKind, ShiftFen),
  cashIn: ShiftFen,
  cashOut: ShiftFen,
  closedAt: IsoTime,
});

export const CashMovedV1 = z.strictObject({
  movementId: Id,
  shiftId: Id,
  laneId: LaneId,
  cashierId: CashierCode,
  training: z.boolean(),
  direction: z.enum(["in", "out"]),
  amount: ShiftFen.positive(),
  reason: z.string().max(80),
  supervisorId: CashierCode.optional(),
  movedAt: IsoTime,
});
