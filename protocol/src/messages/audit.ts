// Supervised till actions, for loss prevention (store -> HQ ledger event, seq >= 1).
import { z } from "zod";
import { IsoTime, Sku } from "../catalog.ts";
import { MONEY_CAPS } from "../money-caps.ts";
import { CashierCode, fenMax, Id, LaneId } from "./fields.ts";

export const AuditRecordedV1 = z.strictObject({
  auditId: Id,
  action: z.enum([
    "line_void",
    "sale_void",
    "no_sale",
    "price_override",
    "return_without_receipt",
    "training_on",
    "training_off",
    "drawer_open",
    "pin_locked",
    "pin_unlocked",
    "pin_source_throttled",
    "refund_to_cash",
  ]),
  laneId: LaneId,
  cashierId: CashierCode,
  supervisorId: CashierCode.optional(),
  saleId: Id.optional(),
  sku: Sku.optional(),
  amount: z.int().min(-MONEY_CAPS.saleFen).max(MONEY_CAPS.saleFen, fenMax(MONEY_CAPS.saleFen)).optional(),
  detail: z.string().max(200),
  at: IsoTime,
});
