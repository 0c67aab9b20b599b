// Three-way matching, pure: a supplier invoice's lines against its purchase order (what was
// ordered, at what unit cost and tax rate) and the store's receipts (what arrived), with what
// earlier accepted invoices of the same order already billed. Integer fen and quantities only
// (units, or grams for weighed goods whose prices are per kg).
//
// Each invoice line gets the differences found, each with a reason. A blocking difference keeps
// the invoice out of "matched" (it goes to dispute); a non-blocking one (billed below the order's
// price) is listed for the clerk but does not stop payment. The tolerances are data (per
// supplier, or the chain's default), read by the caller.

export interface Tolerances {
  /** Over-billed quantity accepted: the larger of qtyUnits and qtyBp basis points of what may be billed. */
  qtyUnits: number;
  qtyBp: number;
  /** Unit price above the order's accepted: the larger of priceFen and priceBp basis points of the order's unit cost. */
  priceFen: number;
  priceBp: number;
}

/** The chain's default when nothing is configured: exact quantities, prices up to 1% or 1 fen above. */
export const DEFAULT_TOLERANCES: Tolerances = { qtyUnits: 0, qtyBp: 0, priceFen: 1, priceBp: 100 };

export type DifferenceReason =
  /** The SKU is not on the purchase order. */
  | "not_ordered"
  /** Ordered, but nothing (left) received to bill: the store has not received it yet. */
  | "not_received"
  /** More billed than received and not billed before, beyond the quantity tolerance. */
  | "qty_over_received"
  /** More billed (with earlier invoices) than ordered, beyond the quantity tolerance. */
  | "qty_over_ordered"
  /** The unit price is above the order's unit cost beyond the price tolerance. */
  | "price_above_tolerance"
  /** The unit price is below the order's unit cost (listed, not blocking). */
  | "price_below_order"
  /** The order line has no unit cost (its supplier listed no price): the price cannot be checked. */
  | "no_order_price"
  /** The invoice's tax rate is not the order line's. */
  | "tax_rate_differs";

export interface Difference {
  reason: DifferenceReason;
  blocking: boolean;
  /** What the order / receipts allow (qty, or unit fen); null when there is nothing to compare. */
  expected: number | null;
  /** What the invoice says. */
  actual: number;
  /** The tolerance applied (qty, or fen per unit), when one applies. */
  allowed?: number;
}

export interface OrderLineFacts {
  sku: string;
  qty: number;
  unitCostFen: number | null;
  taxRate: number | null;
}

export interface InvoiceLineFacts {
  sku: string;
  qty: number;
  unitPriceFen: number;
  taxRate: number;
  netFen: number;
  taxFen: number;
}

export interface MatchInput {
  orderLines: readonly OrderLineFacts[];
  /** Units (grams) received per SKU by receipts of the order's own store naming the order. */
  received: ReadonlyMap<string, number>;
  /** Units (grams) billed per SKU by earlier invoices of the order that were matched or approved. */
  invoicedBefore: ReadonlyMap<string, number>;
  invoiceLines: readonly InvoiceLineFacts[];
  /** SKUs sold by weight: quantities in grams, prices per kg. */
  weighed: ReadonlySet<string>;
  tolerances: Tolerances;
}

export interface MatchedLine {
  sku: string;
  qty: number;
  orderedQty: number;
  receivedQty: number;
  invoicedBeforeQty: number;
  orderUnitFen: number | null;
  unitPriceFen: number;
  netFen: number;
  taxFen: number;
  /** What the received units billed here were booked at (order cost): cleared from GRNI. */
  grniFen: number;
  /** netFen - grniFen: the price difference the books carry. */
  varianceFen: number;
  differences: Difference[];
}

export interface MatchResult {
  matched: boolean;
  lines: MatchedLine[];
  netFen: number;
  taxFen: number;
  grossFen: number;
  grniFen: number;
  varianceFen: number;
  /** Blocking differences over all lines. */
  blocking: number;
}

/** The larger of `abs` and `bp` basis points of `base` (rounded down): integers only. */
export function allowance(base: number, abs: number, bp: number): number {
  const share = Number((BigInt(Math.max(0, base)) * BigInt(bp)) / 10_000n);
  return Math.max(abs, share);
}

/** round_half_up(a * b / c), exact in bigint, for non-negative integers. */
function mulDiv(a: number, b: number, c: number): number {
  const n = BigInt(a) * BigInt(b);
  const d = BigInt(c);
  return Number((n * 2n + d) / (2n * d));
}

/** The value of `qty` at `unitFen` (per unit, or per kg for weighed goods in grams), rounded once. */
export function lineAmount(qty: number, unitFen: number, weighed: boolean): number {
  return mulDiv(qty, unitFen, weighed ? 1000 : 1);
}

/** VAT on a net amount at a rate in percent, rounded half up (per line, as on a 增值税发票). */
export function lineTax(netFen: number, taxRate: number): number {
  return mulDiv(netFen, taxRate, 100);
}

function matchLine(input: MatchInput, l: InvoiceLineFacts, order: OrderLineFacts | undefined): MatchedLine {
  const received = input.received.get(l.sku) ?? 0;
  const before = input.invoicedBefore.get(l.sku) ?? 0;
  const weighed = input.weighed.has(l.sku);
  const t = input.tolerances;
  const differences: Difference[] = [];
  const billable = Math.max(0, received - before);
  if (!order) {
    differences.push({ reason: "not_ordered", blocking: true, expected: null, actual: l.qty });
  } else {
    if (billable === 0) {
      differences.push({ reason: "not_received", blocking: true, expected: 0, actual: l.qty });
    } else {
      const allowed = allowance(billable, t.qtyUnits, t.qtyBp);
      if (l.qty > billable + allowed)
        differences.push({
          reason: "qty_over_received",
          blocking: true,
          expected: billable,
          actual: l.qty,
          allowed,
        });
    }
    const leftOnOrder = Math.max(0, order.qty - before);
    const allowedOrder = allowance(leftOnOrder, t.qtyUnits, t.qtyBp);
    if (l.qty > leftOnOrder + allowedOrder)
      differences.push({
        reason: "qty_over_ordered",
        blocking: true,
        expected: leftOnOrder,
        actual: l.qty,
        allowed: allowedOrder,
      });
    if (order.unitCostFen === null) {
      differences.push({ reason: "no_order_price", blocking: true, expected: null, actual: l.unitPriceFen });
    } else {
      const allowed = allowance(order.unitCostFen, t.priceFen, t.priceBp);
      if (l.unitPriceFen > order.unitCostFen + allowed)
        differences.push({
          reason: "price_above_tolerance",
          blocking: true,
          expected: order.unitCostFen,
          actual: l.unitPriceFen,
          allowed,
        });
      else if (l.unitPriceFen < order.unitCostFen)
        differences.push({
          reason: "price_below_order",
          blocking: false,
          expected: order.unitCostFen,
          actual: l.unitPriceFen,
        });
    }
    if (order.taxRate !== null && order.taxRate !== l.taxRate)
      differences.push({
        reason: "tax_rate_differs",
        blocking: true,
        expected: order.taxRate,
        actual: l.taxRate,
      });
  }
  // GRNI holds the received units at the order's cost; an invoice clears what it bills of them.
  const grniQty = order ? Math.min(l.qty, billable) : 0;
  const grniFen = order?.unitCostFen == null ? 0 : lineAmount(grniQty, order.unitCostFen, weighed);
  return {
    sku: l.sku,
    qty: l.qty,
    orderedQty: order?.qty ?? 0,
    receivedQty: received,
    invoicedBeforeQty: before,
    orderUnitFen: order?.unitCostFen ?? null,
    unitPriceFen: l.unitPriceFen,
    netFen: l.netFen,
    taxFen: l.taxFen,
    grniFen,
    varianceFen: l.netFen - grniFen,
    differences,
  };
}

/** Matches every invoice line (SKUs unique on an invoice) against the order and its receipts. */
export function matchInvoice(input: MatchInput): MatchResult {
  const orderBySku = new Map(input.orderLines.map((l) => [l.sku, l]));
  const lines = input.invoiceLines.map((l) => matchLine(input, l, orderBySku.get(l.sku)));
  const sum = (f: (l: MatchedLine) => number) => lines.reduce((s, l) => s + f(l), 0);
  const blocking = sum((l) => l.differences.filter((d) => d.blocking).length);
  const netFen = sum((l) => l.netFen);
  const taxFen = sum((l) => l.taxFen);
  const grniFen = sum((l) => l.grniFen);
  return {
    matched: blocking === 0,
    lines,
    netFen,
    taxFen,
    grossFen: netFen + taxFen,
    grniFen,
    varianceFen: netFen - grniFen,
    blocking,
  };
}

export interface OpenReceiptLine {
  sku: string;
  receivedQty: number;
  invoicedQty: number;
  /** Received and not yet billed by an approved invoice: what GRNI still holds. */
  openQty: number;
  unitCostFen: number | null;
  /** openQty at the order's cost; null when the order line has no cost (or the SKU is not on it). */
  openValueFen: number | null;
}

/**
 * Goods received not invoiced for one order, pure: per SKU received at the order's store, what
 * approved invoices billed, and the rest valued at the order's cost (the accrual GRNI carries).
 */
export function openReceipts(input: {
  orderLines: readonly OrderLineFacts[];
  received: ReadonlyMap<string, number>;
  invoiced: ReadonlyMap<string, number>;
  weighed: ReadonlySet<string>;
}): OpenReceiptLine[] {
  const cost = new Map(input.orderLines.map((l) => [l.sku, l.unitCostFen]));
  return [...input.received]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([sku, receivedQty]) => {
      const invoicedQty = input.invoiced.get(sku) ?? 0;
      const openQty = Math.max(0, receivedQty - invoicedQty);
      const unitCostFen = cost.get(sku) ?? null;
      return {
        sku,
        receivedQty,
        invoicedQty,
        openQty,
        unitCostFen,
        openValueFen: unitCostFen === null ? null : lineAmount(openQty, unitCostFen, input.weighed.has(sku)),
      };
    })
    .filter((l) => l.openQty > 0);
}
