// Transfers between stores and an item's supply at the till (issue 17 items 3 and 7): the till
// asks HQ for a transfer from a nearby store (transfer.request -> transfer.reply) and for the
// item's supply picture (supply.query -> supply.reply: forecast of the days ahead, open
// transfers). Both are questions on the query channel: they need HQ online, like nearby stock,
// and a repeated request (same requestId) names the same transfer document.
import { z } from "zod";
import { Sku } from "../catalog.ts";
import { BusinessDay, CashierCode, Id, StoreId } from "./fields.ts";

/** Most units one till request may ask for (a person types it). */
export const MAX_TILL_TRANSFER_QTY = 100_000;

export const TransferStatus = z.enum([
  "requested",
  "approved",
  "shipped",
  "received",
  "rejected",
  "cancelled",
]);

export const TransferRequestV1 = z.strictObject({
  requestId: Id,
  /** The store asked to send (one of the nearby stores HQ named). */
  fromStoreId: StoreId,
  sku: Sku,
  /** Units, or grams for weighed goods. */
  qty: z.int().positive().max(MAX_TILL_TRANSFER_QTY),
  requestedBy: CashierCode,
  note: z.string().max(200).optional(),
});

export const TransferReplyV1 = z.strictObject({
  requestId: Id,
  transferId: Id.optional(),
  status: TransferStatus.optional(),
  /** Why HQ refused the request (unknown store or SKU, the same store...). */
  error: z
    .strictObject({ code: z.string().max(32), field: z.string().max(64), message: z.string().max(300) })
    .optional(),
});

export const SupplyQueryV1 = z.strictObject({ queryId: Id, sku: Sku });

export const SupplyReplyV1 = z.strictObject({
  queryId: Id,
  sku: Sku,
  /** Expected daily sales of the days ahead at the asking store (units, one decimal). */
  forecast: z.array(z.strictObject({ day: BusinessDay, units: z.number().nonnegative().max(1e9) })).max(31),
  /** Open transfers of the SKU into or out of the asking store. */
  transfers: z
    .array(
      z.strictObject({
        transferId: Id,
        direction: z.enum(["in", "out"]),
        otherStoreId: StoreId,
        status: TransferStatus,
        qty: z.int().nonnegative(),
        at: z.string().max(40),
      }),
    )
    .max(50),
});

/** Most lines a transfer step from the till names. */
export const MAX_TILL_STEP_LINES = 200;

/**
 * A step of a transfer done at a store's till (issue 17: shipping and receiving at the till, not
 * only in the console): the sender ships what it counted, the receiver receives what it counted
 * (HQ books the difference). HQ answers `transfer.reply` with the document's new status, or why
 * not (another store's document, a state that does not allow the step, more than HQ knows the
 * sender holds). The same requestId twice does the step once.
 */
export const TransferStepV1 = z.strictObject({
  requestId: Id,
  transferId: Id,
  step: z.enum(["ship", "receive"]),
  /** Counted units per SKU (grams for weighed goods); a line of the document not named: 0. */
  lines: z
    .array(z.strictObject({ sku: Sku, qty: z.int().nonnegative().max(MAX_TILL_TRANSFER_QTY) }))
    .min(1)
    .max(MAX_TILL_STEP_LINES),
  by: CashierCode,
});

/** The till asks for its store's open transfers (to ship, on the road to it). */
export const TransfersQueryV1 = z.strictObject({ queryId: Id });

export const TransfersReplyV1 = z.strictObject({
  queryId: Id,
  transfers: z
    .array(
      z.strictObject({
        transferId: Id,
        direction: z.enum(["in", "out"]),
        otherStoreId: StoreId,
        otherStoreName: z.string().max(80),
        status: TransferStatus,
        at: z.string().max(40),
        lines: z
          .array(
            z.strictObject({
              sku: Sku,
              name: z.string().max(80),
              requested: z.int().nonnegative(),
              shipped: z.int().nonnegative().nullable(),
            }),
          )
          .max(MAX_TILL_STEP_LINES),
      }),
    )
    .max(100),
});
