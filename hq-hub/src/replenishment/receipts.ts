// What the stores received against a purchase order, as HQ holds it: each receipt (who, when,
// which store) with its lines, what was expected, and the lots (batch, expiry, units) the store
// counted in, the rest of a line undated. Receiving itself happens at the store's till
// (收货, the edge writes its stock and lots); HQ shows the result beside the order. Pure over
// the stored receiving.confirmed lines (ingest keeps the payload's lines as they came).
export interface ReceiptLineIn {
  sku: string;
  qty: number;
  expected?: number;
  lots?: { batch: string; expiresOn: string; qty: number }[];
}

export interface OrderReceipt {
  receivingId: string;
  storeId: string;
  /** Another store's receipt naming this order (a discrepancy to look into). */
  otherStore: boolean;
  confirmedBy: string;
  confirmedAt: string;
  lines: {
    sku: string;
    name: string | null;
    qty: number;
    expected: number | null;
    lots: { batch: string; expiresOn: string; qty: number }[];
    /** Units of the line not in any lot (undated). */
    undated: number;
  }[];
}

export function orderReceipts(
  orderStoreId: string,
  rows: readonly {
    storeId: string;
    receivingId: string;
    confirmedBy: string;
    confirmedAt: string;
    linesJson: string;
  }[],
  nameOf: (sku: string) => string | undefined,
): OrderReceipt[] {
  return rows.map((r) => ({
    receivingId: r.receivingId,
    storeId: r.storeId,
    otherStore: r.storeId !== orderStoreId,
    confirmedBy: r.confirmedBy,
    confirmedAt: r.confirmedAt,
    lines: (JSON.parse(r.linesJson) as ReceiptLineIn[]).map((l) => {
      const lots = (l.lots ?? []).map((x) => ({ batch: x.batch, expiresOn: x.expiresOn, qty: x.qty }));
      return {
        sku: l.sku,
        name: nameOf(l.sku) ?? null,
        qty: l.qty,
        expected: l.expected ?? null,
        lots,
        undated: Math.max(0, l.qty - lots.reduce((a, x) => a + x.qty, 0)),
      };
    }),
  }));
}
