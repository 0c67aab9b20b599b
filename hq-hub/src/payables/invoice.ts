// A supplier invoice as entered (API or CSV), validated and priced, pure: each line's net
// amount (qty x unit price, per kg for weighed goods in grams) and VAT (per line, half up, as
// printed on a 增值税发票), the totals, and every refusal naming the field at fault.
import { Sku, TaxRate } from "@retail/protocol";
import { z } from "zod";
import { ValidationError } from "../errors.ts";
import { type InvoiceLineFacts, lineAmount, lineTax } from "./match.ts";

export const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "a date YYYY-MM-DD");

/** No chain buys 100 million yuan on one invoice: anything above is a typing error or an attack. */
export const MAX_INVOICE_FEN = 10_000_000_000;
/** A unit price (per unit, per kg) above 1,000,000 yuan is not a retail purchase. */
export const MAX_UNIT_PRICE_FEN = 100_000_000;

export const InvoiceLineInput = z.strictObject({
  sku: Sku,
  /** Units, or grams for weighed goods. */
  qty: z.int().positive().max(1_000_000),
  /** Excluding VAT, per unit (per kg for weighed goods). */
  unitPriceFen: z.int().nonnegative().max(MAX_UNIT_PRICE_FEN),
  taxRate: TaxRate,
  /** The VAT printed on the line; when given it must be within 1 fen of net x rate. */
  taxFen: z.int().nonnegative().max(MAX_INVOICE_FEN).optional(),
});
export type InvoiceLineInput = z.infer<typeof InvoiceLineInput>;

export const SupplierInvoiceInput = z.strictObject({
  supplierId: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/),
  /**
   * The supplier's invoice number (发票号码): 8 or 20 digits on Chinese invoices; letters allowed,
   * kept upper-case so "ab-1" cannot slip past "AB-1" as a second invoice.
   */
  invoiceNo: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,40}$/, "letters, digits, - or _ (at most 40)")
    .transform((n) => n.toUpperCase()),
  purchaseOrderId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  invoiceDate: Day,
  /** 价税合计 as printed: when given it must equal the lines' net + VAT. */
  totalFen: z.int().nonnegative().max(MAX_INVOICE_FEN).optional(),
  lines: z.array(InvoiceLineInput).min(1).max(500),
});
export type SupplierInvoiceInput = z.infer<typeof SupplierInvoiceInput>;

/** A line as priced and stored: what the match reads (InvoiceLineFacts) and its number on the invoice. */
export type PricedLine = InvoiceLineFacts & { lineNo: number };

export interface PricedInvoice {
  lines: PricedLine[];
  netFen: number;
  taxFen: number;
  grossFen: number;
}

/** A real calendar day, not after `today` (an invoice is not dated in the future). */
export function checkInvoiceDate(day: string, today: string, field = "invoiceDate"): void {
  const d = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== day)
    throw new ValidationError(field, `${day} is not a calendar date`);
  if (day > today) throw new ValidationError(field, `${day} is after today (${today})`);
  if (day < "2000-01-01") throw new ValidationError(field, `${day} is before 2000`);
}

/** Prices every line and checks what the invoice states: unique SKUs, the printed VAT and total, the cap. */
export function priceInvoice(input: SupplierInvoiceInput, weighed: ReadonlySet<string>): PricedInvoice {
  const seen = new Set<string>();
  let netFen = 0;
  let taxFen = 0;
  const lines = input.lines.map((l, i): PricedLine => {
    if (seen.has(l.sku)) throw new ValidationError(`lines.${i}.sku`, `SKU ${l.sku} is on the invoice twice`);
    seen.add(l.sku);
    const net = lineAmount(l.qty, l.unitPriceFen, weighed.has(l.sku));
    if (net > MAX_INVOICE_FEN)
      throw new ValidationError(
        `lines.${i}.qty`,
        `line amount ${net} fen is above the invoice cap ${MAX_INVOICE_FEN}`,
      );
    const tax = lineTax(net, l.taxRate);
    if (l.taxFen !== undefined && Math.abs(l.taxFen - tax) > 1)
      throw new ValidationError(
        `lines.${i}.taxFen`,
        `VAT ${l.taxFen} fen is not ${l.taxRate}% of ${net} fen (${tax}, ±1 fen)`,
      );
    const lineTaxFen = l.taxFen ?? tax;
    netFen += net;
    taxFen += lineTaxFen;
    if (netFen + taxFen > MAX_INVOICE_FEN)
      throw new ValidationError(`lines.${i}`, `the invoice passes the cap of ${MAX_INVOICE_FEN} fen here`);
    return {
      lineNo: i + 1,
      sku: l.sku,
      qty: l.qty,
      unitPriceFen: l.unitPriceFen,
      taxRate: l.taxRate,
      netFen: net,
      taxFen: lineTaxFen,
    };
  });
  const grossFen = netFen + taxFen;
  if (input.totalFen !== undefined && input.totalFen !== grossFen)
    throw new ValidationError(
      "totalFen",
      `the printed total ${input.totalFen} fen is not the lines' ${grossFen} fen`,
    );
  return { lines, netFen, taxFen, grossFen };
}
