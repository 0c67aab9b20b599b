// The payables API's inputs (zod) and the invoice as answered: shared by the service, its
// reads and the routes.
import { z } from "zod";
import { Day, MAX_INVOICE_FEN, type PricedLine } from "./invoice.ts";
import type { InvoiceStatus } from "./lifecycle.ts";
import type { MatchResult } from "./match.ts";

export const ToleranceInput = z.strictObject({
  qtyUnits: z.int().min(0).max(1_000_000),
  qtyBp: z.int().min(0).max(5000),
  priceFen: z.int().min(0).max(1_000_000),
  priceBp: z.int().min(0).max(5000),
});
const printable = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .regex(/^[^\p{Cc}\p{Cs}]*$/u, "printable characters only");
export const DecisionInput = z.strictObject({ note: printable(120).min(2) });
export const PaymentInput = z.strictObject({
  amountFen: z.int().positive().max(MAX_INVOICE_FEN),
  paidOn: Day,
  reference: printable(64).min(1),
});
export const InvoiceListQuery = z.object({
  status: z.enum(["received", "matched", "in_dispute", "approved", "paid", "rejected"]).optional(),
  supplier: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}$/)
    .optional(),
  store: z
    .string()
    .regex(/^[A-Z0-9]{1,16}$/)
    .optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});

export interface SupplierInvoice {
  id: string;
  supplierId: string;
  invoiceNo: string;
  purchaseOrderId: string;
  storeId: string;
  invoiceDate: string;
  status: InvoiceStatus;
  netFen: number;
  taxFen: number;
  grossFen: number;
  paidFen: number;
  outstandingFen: number;
  match: MatchResult | null;
  matchedAt: string | null;
  createdBy: string;
  createdAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionNote: string | null;
  voucherId: number | null;
  /** What may happen next (the lifecycle's events from this status, as actions). */
  actions: ("match" | "approve" | "accept" | "reject" | "pay")[];
  lines: PricedLine[];
  payments: {
    id: string;
    amountFen: number;
    paidOn: string;
    reference: string;
    createdBy: string;
    createdAt: string;
    voucherId: number | null;
  }[];
}
