// Sales and returns at the till (store -> HQ ledger events, seq >= 1), with their lines and tenders.
// PRICING.md lists only non-zero discounts.
import { z } from "zod";
import { IsoTime, Sku, TaxRate } from "../catalog.ts";
import { MAX_TENDER_POINTS } from "../points.ts";
import {
  BusinessDay,
  CashierCode,
  Id,
  LaneId,
  LineFen,
  LineQty,
  SaleFen,
  StoreId,
  TenderKind,
  UnitPriceFen,
} from "./fields.ts";
import { LotDeltas } from "./stock.ts";

const DiscountV1 = z.strictObject({ promotionId: Id, amount: LineFen.positive() });

export const SaleLineV1 = z.strictObject({
  lineId: Id,
  sku: Sku,
  name: z.string().max(80),
  barcode: z.string().max(48).optional(),
  category: z.string().max(12),
  /** Units, or grams when weighed. */
  qty: LineQty,
  weighed: z.boolean(),
  /** Fen per unit, or fen per kg when weighed. */
  unitPrice: UnitPriceFen,
  taxRate: TaxRate,
  /** The catalog version whose price this line was sold at. */
  priceVersion: z.int().nonnegative(),
  gross: LineFen,
  discounts: z.array(DiscountV1).max(50),
  net: LineFen,
  tax: LineFen,
  /** A supervisor-approved price override replaced the catalog price. */
  override: z
    .strictObject({ catalogPrice: UnitPriceFen, supervisorId: CashierCode, reason: z.string().max(80) })
    .optional(),
  /** Dated goods: the lots the units were drawn from, first-expiring first (batches.ts). */
  batches: LotDeltas.optional(),
});

export const TenderV1 = z
  .strictObject({
    kind: TenderKind,
    /** What this tender pays towards the sale (change already deducted for cash). */
    amount: SaleFen,
    /** Cash handed over, and change given back, for cash tenders. */
    received: SaleFen.optional(),
    change: SaleFen.optional(),
    /** Card approval code, or the payment provider's transaction id. */
    reference: z.string().max(64).optional(),
    /** The member points a `points` tender spent (or a return gave back) for `amount` fen. */
    points: z.int().positive().max(MAX_TENDER_POINTS).optional(),
  })
  .refine((t) => (t.kind === "points") === (t.points !== undefined), {
    path: ["points"],
    message: "a points tender names its points; no other tender does",
  });

const TotalsV1 = z.strictObject({ gross: SaleFen, discount: SaleFen, net: SaleFen, tax: SaleFen });

export const SaleCompletedV1 = z.strictObject({
  saleId: Id,
  receiptNo: z.string().max(40),
  laneId: LaneId,
  cashierId: CashierCode,
  shiftId: Id,
  businessDay: BusinessDay,
  /** Training sales reach HQ as training activity only: no stock, cash, points or revenue. */
  training: z.boolean(),
  catalogVersion: z.int().nonnegative(),
  member: z.strictObject({ id: Id, tier: z.string().max(20) }).optional(),
  coupons: z.array(z.string().max(40)).max(20),
  lines: z.array(SaleLineV1).min(1).max(500),
  totals: TotalsV1,
  applied: z.array(Id),
  /**
   * The manual order-level adjustment (整单折扣 / 抹零) the engine priced, as entered, and who
   * allowed it (a supervisor's approval, or the cashier whose role allows it). HQ re-prices it.
   */
  adjustment: z
    .strictObject({
      discount: z
        .strictObject({
          amount: SaleFen.positive().optional(),
          basisPoints: z.int().min(1).max(10000).optional(),
        })
        .optional(),
      rounding: z.enum(["jiao", "yuan"]).optional(),
      approvedBy: CashierCode,
    })
    .optional(),
  tenders: z.array(TenderV1).min(1).max(10),
  completedAt: IsoTime,
});

export const SaleReturnedV1 = z.strictObject({
  returnId: Id,
  receiptNo: z.string().max(40),
  /** The sale returned against; absent for a return without receipt (supervisor required). */
  original: z.strictObject({ saleId: Id, receiptNo: z.string().max(40), storeId: StoreId }).optional(),
  supervisorId: CashierCode.optional(),
  reason: z.string().max(80),
  laneId: LaneId,
  cashierId: CashierCode,
  shiftId: Id,
  businessDay: BusinessDay,
  training: z.boolean(),
  lines: z
    .array(
      z.strictObject({
        lineId: Id,
        sku: Sku,
        qty: LineQty,
        weighed: z.boolean(),
        /** Refunded net and tax for these units, by the PRICING.md return rule. */
        refund: LineFen,
        tax: LineFen,
        /** Returned goods go back on the shelf (restock) or are written off. */
        restock: z.boolean(),
      }),
    )
    .min(1)
    .max(500),
  totals: z.strictObject({ refund: SaleFen, tax: SaleFen }),
  tenders: z.array(TenderV1).min(1).max(10),
  returnedAt: IsoTime,
});

export type SaleLine = z.infer<typeof SaleLineV1>;
export type Tender = z.infer<typeof TenderV1>;
