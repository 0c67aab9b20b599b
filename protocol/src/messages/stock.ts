// Stock: counts and receiving from the store (ledger, seq >= 1), queries, and HQ's movements,
// alerts, replenishment status and stock replies (seq = 0).
import { z } from "zod";
import { IsoTime, Sku } from "../catalog.ts";
import { CashierCode, Id, StockQty, StoreId } from "./fields.ts";

export const StockCountedV1 = z.strictObject({
  countId: Id,
  countedBy: CashierCode,
  /** Units, or grams for weighed goods; `expected` is the store's on-hand when counted. */
  lines: z
    .array(z.strictObject({ sku: Sku, counted: StockQty.nonnegative(), expected: StockQty }))
    .min(1)
    .max(2000),
  countedAt: IsoTime,
});

export const ReceivingConfirmedV1 = z.strictObject({
  receivingId: Id,
  purchaseOrderId: Id.optional(),
  supplierId: Id.optional(),
  confirmedBy: CashierCode,
  lines: z
    .array(
      z.strictObject({ sku: Sku, qty: StockQty.positive(), expected: StockQty.nonnegative().optional() }),
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
    .array(z.strictObject({ sku: Sku, qty: z.int() }))
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
