// The store's account of one business day (store -> HQ ledger event, seq >= 1).
import { z } from "zod";
import { IsoTime } from "../catalog.ts";
import { MAX_DIGEST_RECEIPTS } from "../digest.ts";
import { BusinessDay, FenNonNeg, TenderKind } from "./fields.ts";

const ReceiptGroupV1 = z.strictObject({
  prefix: z.string().max(40),
  width: z.int().min(0).max(9),
  ranges: z
    .array(z.tuple([z.int().nonnegative().max(999_999_999), z.int().nonnegative().max(999_999_999)]))
    .min(1)
    .max(20_000),
});

/**
 * The store's account of one business day (China time), for HQ to prove it holds every
 * receipt: counts and money of the day's sales and returns (training excluded), the seqs of
 * the first and last of their events, and every receipt number (packed, see digest.ts) with a
 * SHA-256 of the sorted list. A later digest of the same day replaces an earlier one.
 */
export const StoreDayDigestV1 = z.strictObject({
  businessDay: BusinessDay,
  /** true: the day is closed (the store's clock passed midnight); false: a running digest of today. */
  final: z.boolean(),
  /** When the store counted. */
  asOf: IsoTime,
  sales: z.strictObject({ count: z.int().nonnegative(), net: FenNonNeg, tax: FenNonNeg }),
  returns: z.strictObject({ count: z.int().nonnegative(), refund: FenNonNeg }),
  /** Money taken per tender on the day's sales (change deducted), and paid back on its returns. */
  salesByTender: z.partialRecord(TenderKind, FenNonNeg),
  returnsByTender: z.partialRecord(TenderKind, FenNonNeg),
  /** Seqs of the day's first and last sale/return event; absent on a day without receipts. */
  firstSeq: z.int().positive().optional(),
  lastSeq: z.int().positive().optional(),
  /** Sales plus returns: the number of receipt numbers below. */
  receiptCount: z.int().nonnegative().max(MAX_DIGEST_RECEIPTS),
  /** SHA-256 (hex) of the sorted receipt numbers joined by "\n" (digest.ts receiptsHash). */
  receiptsHash: z.string().regex(/^[0-9a-f]{64}$/, "receiptsHash: 64 lower-case hex digits"),
  /** Every receipt number of the day, packed (digest.ts packReceipts); absent only if too large. */
  receipts: z.array(ReceiptGroupV1).max(2000).optional(),
});
