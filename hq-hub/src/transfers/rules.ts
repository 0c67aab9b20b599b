// Transfers between stores, pure: what a document's input must be, what shipping and
// receiving it mean for the stock ledger, and its number.
//
// Stock and cost (costing/ and finance/inventory.ts do the rest, unchanged):
//  - shipped:  the sender's ledger gets transfer_out -shipped (ref: the transfer's id), costed at
//    the sender's moving average; the inventory voucher moves that value from inventory to
//    1402 (transfer_in_transit): the stock is in transit with its cost.
//  - received: the receiver's ledger gets transfer_in +shipped, which costing matches with the
//    transfer_out of the same id and SKU (so exactly the value that left arrives, and 1402 goes
//    back to zero for this document), then the difference received - shipped as
//    transfer_difference: units short leave at the receiver's average (a count loss), units
//    over come in at it (a count gain). The receiver's on-hand moves by what it received.
import { Sku } from "@retail/protocol";
import { z } from "zod";
import { ValidationError } from "../errors.ts";

/** Most units (or grams) on one line: a person or a till types it. */
export const MAX_TRANSFER_QTY = 1_000_000;
const StoreCode = z.string().regex(/^[A-Z0-9]{1,16}$/, "store id: 1-16 upper-case letters or digits");
const Qty = z.int().positive().max(MAX_TRANSFER_QTY);
const Note = z.string().max(200);

export const TransferCreateInput = z.strictObject({
  from: StoreCode,
  to: StoreCode,
  note: Note.optional(),
  lines: z
    .array(z.strictObject({ sku: Sku, qty: Qty }))
    .min(1)
    .max(500),
});
export type TransferCreate = z.infer<typeof TransferCreateInput>;

/** Shipping or receiving: the quantity per SKU; a line not named ships as requested / is received as shipped. */
export const TransferQtyInput = z.strictObject({
  lines: z
    .array(z.strictObject({ sku: Sku, qty: z.int().nonnegative().max(MAX_TRANSFER_QTY) }))
    .max(500)
    .optional(),
});
export type TransferQty = z.infer<typeof TransferQtyInput>;

export interface TransferLineState {
  sku: string;
  requestedQty: number;
  shippedQty: number | null;
  receivedQty: number | null;
}

/** A new document's lines: different stores, each SKU once. */
export function checkCreate(t: TransferCreate): void {
  if (t.from === t.to) throw new ValidationError("to", `a store cannot transfer to itself (${t.from})`);
  const seen = new Set<string>();
  for (const [i, l] of t.lines.entries()) {
    if (seen.has(l.sku)) throw new ValidationError(`lines.${i}.sku`, `${l.sku} is listed twice`);
    seen.add(l.sku);
  }
}

/** Quantities named per SKU, each SKU once and a line of the document. */
function named(lines: readonly TransferLineState[], input: TransferQty): Map<string, number> {
  const out = new Map<string, number>();
  const known = new Set(lines.map((l) => l.sku));
  for (const [i, l] of (input.lines ?? []).entries()) {
    if (!known.has(l.sku))
      throw new ValidationError(`lines.${i}.sku`, `${l.sku} is not a line of this transfer`);
    if (out.has(l.sku)) throw new ValidationError(`lines.${i}.sku`, `${l.sku} is listed twice`);
    out.set(l.sku, l.qty);
  }
  return out;
}

/** What ships per SKU: as requested unless named; never more than requested, something in all. */
export function shipQuantities(lines: readonly TransferLineState[], input: TransferQty): Map<string, number> {
  const given = named(lines, input);
  const out = new Map<string, number>();
  for (const l of lines) {
    const q = given.get(l.sku) ?? l.requestedQty;
    if (q > l.requestedQty)
      throw new ValidationError(
        `lines.${l.sku}`,
        `ships ${q} of ${l.sku} but ${l.requestedQty} were requested (request a new transfer for more)`,
      );
    out.set(l.sku, q);
  }
  if ([...out.values()].every((q) => q === 0)) throw new ValidationError("lines", "nothing would be shipped");
  return out;
}

/** What arrived per SKU: as shipped unless named (a count of what came off the truck). */
export function receiveQuantities(
  lines: readonly TransferLineState[],
  input: TransferQty,
): Map<string, number> {
  const given = named(lines, input);
  return new Map(lines.map((l) => [l.sku, given.get(l.sku) ?? l.shippedQty ?? 0]));
}

export interface LedgerRow {
  storeId: string;
  sku: string;
  qty: number;
  kind: "transfer_out" | "transfer_in" | "transfer_difference";
}

/** The sender's ledger rows when shipped. */
export function shipRows(from: string, shipped: ReadonlyMap<string, number>): LedgerRow[] {
  return [...shipped]
    .filter(([, q]) => q > 0)
    .map(([sku, q]) => ({ storeId: from, sku, qty: -q, kind: "transfer_out" as const }));
}

/** The receiver's ledger rows when received: the shipment in full, then its difference. */
export function receiveRows(
  to: string,
  lines: readonly TransferLineState[],
  received: ReadonlyMap<string, number>,
): LedgerRow[] {
  const rows: LedgerRow[] = [];
  for (const l of lines) {
    const shipped = l.shippedQty ?? 0;
    const got = received.get(l.sku) ?? shipped;
    if (shipped > 0) rows.push({ storeId: to, sku: l.sku, qty: shipped, kind: "transfer_in" });
    if (got !== shipped)
      rows.push({ storeId: to, sku: l.sku, qty: got - shipped, kind: "transfer_difference" });
  }
  return rows;
}

/** A transfer's number: TR-YYYYMMDD-NNNN (China business day, n-th of the day). */
export function transferNumber(day: string, n: number): string {
  return `TR-${day.replaceAll("-", "")}-${String(n).padStart(4, "0")}`;
}
