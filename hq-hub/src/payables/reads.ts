// Payables reads: an invoice as answered (with the actions its status allows), lists, payments,
// goods received not invoiced, and the matching tolerances (read and set).
import type { z } from "zod";
import { fromZod, NotFoundError } from "../errors.ts";
import { receivedBySku } from "../replenishment/plan.ts";
import { type InvoiceEvent, type InvoiceStatus, invoiceLifecycle } from "./lifecycle.ts";
import { DEFAULT_TOLERANCES, type MatchResult, openReceipts, type Tolerances } from "./match.ts";
import { type InvoiceListQuery, type SupplierInvoice, ToleranceInput } from "./schemas.ts";
import type { InvoiceRow, PayablesStore } from "./store.ts";

const ACTION_OF: Partial<Record<InvoiceEvent, SupplierInvoice["actions"][number]>> = {
  match_clean: "match",
  approve: "approve",
  accept_differences: "accept",
  reject: "reject",
  pay_part: "pay",
};

export function createPayablesReads(deps: {
  store: PayablesStore;
  now: () => Date;
  suppliers: { get(id: string): unknown };
  priceOrders?: () => void;
}) {
  const { store, now } = deps;

  function toleranceFor(supplierId: string): Tolerances {
    return store.tolerance(supplierId) ?? store.tolerance("*") ?? DEFAULT_TOLERANCES;
  }

  function view(row: InvoiceRow): SupplierInvoice {
    const status = row.status as InvoiceStatus;
    const actions = [
      ...new Set(
        invoiceLifecycle
          .eventsFrom(status)
          .map((e) => ACTION_OF[e])
          .filter((a) => a !== undefined),
      ),
    ];
    return {
      id: row.id,
      supplierId: row.supplierId,
      invoiceNo: row.invoiceNo,
      purchaseOrderId: row.purchaseOrderId,
      storeId: row.storeId,
      invoiceDate: row.invoiceDate,
      status,
      netFen: row.netFen,
      taxFen: row.taxFen,
      grossFen: row.grossFen,
      paidFen: row.paidFen,
      outstandingFen: status === "rejected" ? 0 : row.grossFen - row.paidFen,
      match: row.matchJson ? (JSON.parse(row.matchJson) as MatchResult) : null,
      matchedAt: row.matchedAt ?? null,
      createdBy: row.createdBy,
      createdAt: row.createdAt,
      decidedBy: row.decidedBy ?? null,
      decidedAt: row.decidedAt ?? null,
      decisionNote: row.decisionNote ?? null,
      voucherId: row.voucherId ?? null,
      actions,
      lines: store.lines(row.id).map(({ invoiceId: _, ...l }) => l),
      payments: store.payments(row.id).map((p) => ({
        id: p.id,
        amountFen: p.amountFen,
        paidOn: p.paidOn,
        reference: p.reference,
        createdBy: p.createdBy,
        createdAt: p.createdAt,
        voucherId: p.voucherId ?? null,
      })),
    };
  }

  function row(id: string): InvoiceRow {
    const r = store.invoice(id);
    if (!r) throw new NotFoundError("supplier invoice", id);
    return r;
  }

  const get = (id: string) => view(row(id));

  function list(opts: z.infer<typeof InvoiceListQuery> & { regions?: string[] } = {}): SupplierInvoice[] {
    return store.listIds({ ...opts, limit: opts.limit ?? 200 }).map(get);
  }

  function payments(opts: { supplier?: string; regions?: string[]; limit?: number } = {}) {
    return store.listPayments({ ...opts, limit: opts.limit ?? 200 }).map((r) => ({
      id: r.p.id,
      invoiceId: r.p.invoiceId,
      invoiceNo: r.invoiceNo,
      supplierId: r.p.supplierId,
      storeId: r.storeId,
      amountFen: r.p.amountFen,
      paidOn: r.p.paidOn,
      reference: r.p.reference,
      createdBy: r.p.createdBy,
      createdAt: r.p.createdAt,
      voucherId: r.p.voucherId ?? null,
    }));
  }

  /**
   * Goods received not invoiced (what GRNI holds, to accrue at month end): per order and SKU
   * received at its store, billed by approved invoices, and the rest at the order's cost.
   */
  function uninvoiced(opts: { supplier?: string; store?: string; regions?: string[] } = {}) {
    deps.priceOrders?.();
    return store.receivedOrders({ ...opts, limit: 1000 }).flatMap((o) => {
      const received = receivedBySku(store.receipts(o.id), o.storeId).bySku;
      return openReceipts({
        orderLines: store.orderLines(o.id),
        received,
        invoiced: store.invoicedBefore(o.id, "", ["approved", "paid"]),
        weighed: store.weighed([...received.keys()]),
      }).map((l) => ({ purchaseOrderId: o.id, supplierId: o.supplierId, storeId: o.storeId, ...l }));
    });
  }

  function tolerances() {
    const rows = store.tolerances();
    const chain = rows.find((r) => r.scope === "*");
    return {
      default: chain
        ? { qtyUnits: chain.qtyUnits, qtyBp: chain.qtyBp, priceFen: chain.priceFen, priceBp: chain.priceBp }
        : DEFAULT_TOLERANCES,
      suppliers: rows
        .filter((r) => r.scope !== "*")
        .map((r) => ({
          supplierId: r.scope,
          qtyUnits: r.qtyUnits,
          qtyBp: r.qtyBp,
          priceFen: r.priceFen,
          priceBp: r.priceBp,
          updatedBy: r.updatedBy,
          updatedAt: r.updatedAt,
        })),
    };
  }

  /** Sets the chain's default ("*") or one supplier's tolerances. */
  function setTolerance(scope: string, input: unknown, actor: string) {
    const t = ToleranceInput.safeParse(input);
    if (!t.success) throw fromZod(t.error);
    if (scope !== "*") deps.suppliers.get(scope);
    store.setTolerance(scope, t.data, actor, now().toISOString());
    return tolerances();
  }

  return { toleranceFor, row, get, list, payments, uninvoiced, tolerances, setTolerance };
}
