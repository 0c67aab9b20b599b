// Stocktakes (issue 17 item 4): a count session with a frozen snapshot of the store's book stock,
// counted on the store's devices, approved at HQ. HQ opens (or cancels) a session at a store and
// tells it what HQ decided (stocktake.update, seq = 0); the store sends the finished count up once
// (stocktake.submitted, a ledger event: exactly once at HQ through the inbox, like a sale).
// Dated goods are counted by lot: a line then names each lot's snapshot and count, and HQ's
// approval moves each lot by its own difference (batches.ts countLotDeltas) on both sides.
import { z } from "zod";
import { IsoTime, Sku } from "../catalog.ts";
import { CashierCode, Id, StockQty } from "./fields.ts";
import { BatchCode, ExpiryDate } from "./stock.ts";

export const StocktakeKind = z.enum(["full", "cycle"]);

/** Most lines one session may hold (one envelope, well under MAX_ENVELOPE_BYTES). */
export const MAX_STOCKTAKE_LINES = 2000;

export const StocktakeUpdateV1 = z.strictObject({
  sessionId: Id,
  /** open: count these SKUs (cycle) or everything (full); cancel: stop; approved/rejected: HQ's decision. */
  action: z.enum(["open", "cancel", "approved", "rejected"]),
  kind: StocktakeKind,
  /** The SKUs of a cycle count; empty for a full count. */
  skus: z.array(Sku).max(MAX_STOCKTAKE_LINES),
  /** A line whose count differs from the snapshot by more than this (units, grams when weighed) is recounted. */
  recountOver: z.int().nonnegative().max(1_000_000),
  by: z.string().min(1).max(64),
  at: IsoTime,
});

export const StocktakeSubmittedV1 = z.strictObject({
  sessionId: Id,
  kind: StocktakeKind,
  /** Who opened it: HQ (a stocktake.update it sent) or the store itself. */
  origin: z.enum(["hq", "store"]),
  openedBy: z.string().min(1).max(64),
  openedAt: IsoTime,
  submittedBy: CashierCode,
  submittedAt: IsoTime,
  recountOver: z.int().nonnegative().max(1_000_000),
  lines: z
    .array(
      z.strictObject({
        sku: Sku,
        /** The store's book stock when the session opened (the frozen snapshot; may be negative). */
        expected: StockQty,
        counted: StockQty.nonnegative(),
        /** Counted again because the first count was over recountOver from the snapshot. */
        recounted: z.boolean(),
        /** Distinct counters who counted this line. */
        counters: z.array(CashierCode).max(20),
        /**
         * Dated goods counted by lot: each lot's snapshot and count (batch "" the undated rest).
         * They sum to expected and counted; HQ checks that before it trusts them.
         */
        lots: z
          .array(
            z.strictObject({
              batch: z.union([z.literal(""), BatchCode]),
              expiresOn: ExpiryDate.optional(),
              expected: StockQty,
              counted: StockQty.nonnegative(),
            }),
          )
          .max(20)
          .optional(),
      }),
    )
    .max(MAX_STOCKTAKE_LINES),
});
