// Stock: counts and receiving from the store (ledger, seq >= 1), queries, and HQ's movements,
// alerts, replenishment status and stock replies (seq = 0).
import { z } from "zod";
import { isExpiryDate } from "../batches.ts";
import { IsoTime, Sku } from "../catalog.ts";
import { CashierCode, Id, StockQty, StoreId } from "./fields.ts";

/** A batch (lot) code as printed on the pack (batches.ts). */
export const BatchCode = z
  .string()
  .regex(/^[0-9A-Za-z][0-9A-Za-z._/-]{0,39}$/, "batch: 1-40 letters, digits, . _ / -");
export const ExpiryDate = z.string().refine(isExpiryDate, "expiry: a real date YYYY-MM-DD");
/**
 * A signed change of one lot, decided where the goods are (batches.ts): batch "" is the undated
 * lot. Sales, count losses and HQ's movements carry them so HQ's mirror and the store agree.
 */
export const LotDeltaV1 = z.strictObject({
  batch: z.union([z.literal(""), BatchCode]),
  expiresOn: ExpiryDate.optional(),
  qty: StockQty,
});
export const LotDeltas = z.array(LotDeltaV1).max(20);
/** A received lot: its batch code, expiry date and how many of the line's units. */
export const ReceivedLotV1 = z.strictObject({
  batch: BatchCode,
  expiresOn: ExpiryDate,
  qty: StockQty.positive(),
});

export const StockCountedV1 = z.strictObject({
  countId: Id,
  countedBy: CashierCode,
  /** Units, or grams for weighed goods; `expected` is the store's on-hand when counted. */
  lines: z
    .array(
      z.strictObject({
        sku: Sku,
        counted: StockQty.nonnegative(),
        expected: StockQty,
        /** The lots a loss was drawn from (FEFO, or the expired lot written off). */
        batches: LotDeltas.optional(),
      }),
    )
    .min(1)
    .max(2000),
  countedAt: IsoTime,
  /** `expired`: a write-off of expired lots (报损), booked as a count loss. */
  reason: z.enum(["count", "expired"]).optional(),
});

export const ReceivingConfirmedV1 = z.strictObject({
  receivingId: Id,
  purchaseOrderId: Id.optional(),
  supplierId: Id.optional(),
  confirmedBy: CashierCode,
  lines: z
    .array(
      z.strictObject({
        sku: Sku,
        qty: StockQty.positive(),
        expected: StockQty.nonnegative().optional(),
        /** Dated goods: the lots received, summing to qty (the rest, if any, is undated). */
        lots: z.array(ReceivedLotV1).min(1).max(20).optional(),
      }),
    )
    .min(1)
    .max(2000),
  confirmedAt: IsoTime,
});

export const StockQueryV1 = z.strictObject({ queryId: Id, sku: Sku });

export const StockMovementV1 = z.strictObject({
  movementId: Id,
  kind: z.enum(["transfer_in", "transfer_out", "receipt", "adjustment"]),
  reference: z.string().max(64),
  lines: z
    .array(z.strictObject({ sku: Sku, qty: z.int(), batches: LotDeltas.optional() }))
    .min(1)
    .max(2000),
  at: IsoTime,
});

export const StockAlertV1 = z.strictObject({
  sku: Sku,
  onHand: z.int(),
  reorderPoint: z.int().nonnegative(),
  at: IsoTime,
});

export const ReplenishmentStatusV1 = z.strictObject({
  items: z
    .array(
      z.strictObject({
        sku: Sku,
        status: z.enum(["none", "suggested", "ordered", "in_transit", "received"]),
        purchaseOrderId: Id.optional(),
        qty: z.int().nonnegative().optional(),
        expectedAt: IsoTime.optional(),
      }),
    )
    .max(2000),
});

export const StockReplyV1 = z.strictObject({
  queryId: Id,
  sku: Sku,
  stores: z
    .array(
      z.strictObject({
        storeId: StoreId,
        name: z.string().max(80),
        onHand: z.int(),
        distanceKm: z.int().nonnegative().optional(),
      }),
    )
    .max(50),
});
