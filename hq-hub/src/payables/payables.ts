// Over 400 lines because it is the one service of the invoice lifecycle (enter, import, match, approve, dispute, reject, pay), each step one transaction with what it writes and posts; the pure rules are in match.ts and lifecycle.ts.
// Payables at HQ: supplier invoices entered (API or CSV) against a purchase order, matched three
// ways with the store's receipts (match.ts) under the supplier's tolerances, approved (posting
// the payable and clearing goods received not invoiced) or disputed, rejected, and paid (posting
// the payment). Every state change goes through the declared lifecycle (lifecycle.ts) inside one
// transaction with what it writes and posts.
import { randomUUID } from "node:crypto";
import type { Sqlite } from "../db/open.ts";
import { badRows, fromZod, NotFoundError, StateError, ValidationError } from "../errors.ts";
import { receivedBySku } from "../replenishment/plan.ts";
import { checkInvoiceDate, priceInvoice, SupplierInvoiceInput } from "./invoice.ts";
import { type CsvError, type CsvInvoice, columnOf } from "./invoice-csv.ts";
import { type InvoiceStatus, invoiceLifecycle } from "./lifecycle.ts";
import { type MatchResult, matchInvoice } from "./match.ts";
import { postPayablesVoucher } from "./posting.ts";
import { createPayablesReads } from "./reads.ts";
import { DecisionInput, PaymentInput, type SupplierInvoice } from "./schemas.ts";
import { createPayablesStore, type InvoiceRow } from "./store.ts";
import { chinaDay, invoiceVoucherLines, paymentVoucherLines } from "./vouchers.ts";

export function createPayables(deps: {
  db: Sqlite;
  now: () => Date;
  suppliers: { get(id: string): { id: string; active: boolean } };
  /** Prices purchase order lines from the price lists now (costing/), before a match reads them. */
  priceOrders?: () => void;
}) {
  const { db, now } = deps;
  const store = createPayablesStore(db);
  const reads = createPayablesReads({ ...deps, store });
  const { toleranceFor, row, get } = reads;

  /** The store an invoice is booked to (for region checks): its order's. */
  function storeOfOrder(poId: string): string | undefined {
    return store.order(poId)?.storeId;
  }

  /** Checks an invoice against its supplier and order; returns the priced lines and the order's store. */
  function admit(input: SupplierInvoiceInput) {
    const supplier = deps.suppliers.get(input.supplierId);
    checkInvoiceDate(input.invoiceDate, chinaDay(now()));
    const po = store.order(input.purchaseOrderId);
    if (!po) throw new ValidationError("purchaseOrderId", `unknown purchase order ${input.purchaseOrderId}`);
    if (po.supplierId !== supplier.id)
      throw new ValidationError(
        "purchaseOrderId",
        `purchase order ${po.id} is supplier ${po.supplierId}'s, not ${supplier.id}'s`,
      );
    if (po.status === "draft" || po.status === "cancelled")
      throw new ValidationError(
        "purchaseOrderId",
        `purchase order ${po.id} is ${po.status}: nothing was ordered from the supplier`,
      );
    const dup = store.byNumber(input.supplierId, input.invoiceNo);
    if (dup)
      throw new StateError(
        dup.id,
        `invoice ${input.invoiceNo} of supplier ${input.supplierId} is already entered as ${dup.id}`,
        { field: "invoiceNo" },
      );
    const priced = priceInvoice(input, store.weighed(input.lines.map((l) => l.sku)));
    return { priced, storeId: po.storeId };
  }

  function insert(input: SupplierInvoiceInput, actor: string): string {
    const { priced, storeId } = admit(input);
    const at = now().toISOString();
    const id = `INV-${at.slice(0, 10).replaceAll("-", "")}-${randomUUID().slice(0, 8).toUpperCase()}`;
    store.insertInvoice(
      {
        id,
        supplierId: input.supplierId,
        invoiceNo: input.invoiceNo,
        purchaseOrderId: input.purchaseOrderId,
        storeId,
        invoiceDate: input.invoiceDate,
        status: "received",
        netFen: priced.netFen,
        taxFen: priced.taxFen,
        grossFen: priced.grossFen,
        createdBy: actor,
        createdAt: at,
      },
      priced.lines,
    );
    rematch(id);
    return id;
  }

  /** The match of an invoice against its order and receipts now. */
  function matchNow(r: InvoiceRow): MatchResult {
    const po = store.order(r.purchaseOrderId);
    if (!po) throw new StateError(r.id, `purchase order ${r.purchaseOrderId} no longer exists`);
    const lines = store.lines(r.id);
    return matchInvoice({
      orderLines: store.orderLines(po.id),
      received: receivedBySku(store.receipts(po.id), po.storeId).bySku,
      invoicedBefore: store.invoicedBefore(po.id, r.id),
      invoiceLines: lines,
      weighed: store.weighed(lines.map((l) => l.sku)),
      tolerances: toleranceFor(r.supplierId),
    });
  }

  /** Matches again and moves the invoice to matched or in_dispute; returns the result. */
  function rematch(id: string): MatchResult {
    const r = row(id);
    const m = matchNow(r);
    const next = invoiceLifecycle.apply(
      id,
      r.status as InvoiceStatus,
      m.matched ? "match_clean" : "match_differences",
    );
    store.update(id, { status: next, matchJson: JSON.stringify(m), matchedAt: now().toISOString() });
    return m;
  }

  /** One invoice entered and matched: 400 naming the field, 409 for a number already entered. */
  function create(input: unknown, actor: string, guard?: (storeId: string) => void): SupplierInvoice {
    const r = SupplierInvoiceInput.safeParse(input);
    if (!r.success) throw fromZod(r.error);
    const storeId = storeOfOrder(r.data.purchaseOrderId);
    if (storeId && guard) guard(storeId);
    deps.priceOrders?.();
    return get(db.transaction(() => insert(r.data, actor))());
  }

  /** Invoices from a CSV, all or nothing: every bad row named (row, column, reason). */
  function importCsv(
    parsed: { invoices: CsvInvoice[]; errors: CsvError[] },
    actor: string,
    guard?: (storeId: string) => void,
  ): { invoices: SupplierInvoice[] } {
    const errors = [...parsed.errors];
    if (!errors.length) {
      for (const inv of parsed.invoices) {
        const storeId = storeOfOrder(inv.input.purchaseOrderId);
        if (storeId && guard) guard(storeId);
      }
      deps.priceOrders?.();
    }
    let ids: string[] = [];
    if (!errors.length)
      try {
        ids = db.transaction(() => {
          const out: string[] = [];
          for (const inv of parsed.invoices) {
            try {
              out.push(insert(inv.input, actor));
            } catch (e) {
              if (e instanceof ValidationError) errors.push({ ...columnOf(e.field, inv), reason: e.message });
              else if (e instanceof StateError)
                errors.push({ row: inv.row, column: "invoice_no", reason: e.message });
              else if (e instanceof NotFoundError)
                errors.push({ row: inv.row, column: "supplier_id", reason: e.message });
              else throw e;
            }
          }
          // All or nothing: any bad invoice rolls the file back.
          if (errors.length) throw new CsvRefused();
          return out;
        })();
      } catch (e) {
        if (!(e instanceof CsvRefused)) throw e;
      }
    if (errors.length) throw badRows(errors.sort((a, b) => a.row - b.row));
    if (!ids.length) throw new ValidationError("csv", "no invoice rows");
    return { invoices: ids.map(get) };
  }

  /** Matches again (after receipts arrived or the tolerances changed). */
  function match(id: string): SupplierInvoice {
    deps.priceOrders?.();
    db.transaction(() => rematch(id))();
    return get(id);
  }

  function post(r: InvoiceRow, m: MatchResult, memo: string): number | null {
    return postPayablesVoucher(
      db,
      {
        storeId: r.storeId,
        businessDay: chinaDay(now()),
        source: { kind: "supplier_invoice", id: r.id },
        memo,
        lines: (rules) => invoiceVoucherLines(m, rules),
      },
      now,
    );
  }

  /** Approves a matched invoice after matching it again: the payable is posted. */
  function approve(id: string, actor: string): SupplierInvoice {
    deps.priceOrders?.();
    const refused = db.transaction(() => {
      const r = row(id);
      invoiceLifecycle.apply(id, r.status as InvoiceStatus, "approve");
      const m = rematch(id);
      if (!m.matched) return m;
      const at = now().toISOString();
      const voucherId = post(r, m, `供应商发票 ${r.supplierId} ${r.invoiceNo} 审核入账`);
      store.update(id, { status: "approved", decidedBy: actor, decidedAt: at, voucherId });
      return undefined;
    })();
    if (refused)
      throw new StateError(
        id,
        `invoice ${id} no longer matches: ${refused.blocking} difference(s); it is in dispute`,
      );
    return get(id);
  }

  /** Approves a disputed invoice with its differences accepted (the note says why). */
  function acceptDifferences(id: string, input: unknown, actor: string): SupplierInvoice {
    const d = DecisionInput.safeParse(input);
    if (!d.success) throw fromZod(d.error);
    deps.priceOrders?.();
    db.transaction(() => {
      const r = row(id);
      const next = invoiceLifecycle.apply(id, r.status as InvoiceStatus, "accept_differences");
      const m = matchNow(r);
      const at = now().toISOString();
      const voucherId = post(r, m, `供应商发票 ${r.supplierId} ${r.invoiceNo} 差异接受入账：${d.data.note}`);
      store.update(id, {
        status: next,
        matchJson: JSON.stringify(m),
        matchedAt: at,
        decidedBy: actor,
        decidedAt: at,
        decisionNote: d.data.note,
        voucherId,
      });
    })();
    return get(id);
  }

  function reject(id: string, input: unknown, actor: string): SupplierInvoice {
    const d = DecisionInput.safeParse(input);
    if (!d.success) throw fromZod(d.error);
    db.transaction(() => {
      const r = row(id);
      const next = invoiceLifecycle.apply(id, r.status as InvoiceStatus, "reject");
      store.update(id, {
        status: next,
        decidedBy: actor,
        decidedAt: now().toISOString(),
        decisionNote: d.data.note,
      });
    })();
    return get(id);
  }

  /** A payment to the supplier against an approved invoice, at most what is still owed. */
  function pay(id: string, input: unknown, actor: string): SupplierInvoice {
    const p = PaymentInput.safeParse(input);
    if (!p.success) throw fromZod(p.error);
    checkInvoiceDate(p.data.paidOn, chinaDay(now()), "paidOn");
    db.transaction(() => {
      const r = row(id);
      const owed = r.grossFen - r.paidFen;
      const event = p.data.amountFen === owed ? "pay_full" : "pay_part";
      const next = invoiceLifecycle.apply(id, r.status as InvoiceStatus, event);
      if (p.data.amountFen > owed)
        throw new ValidationError(
          "amountFen",
          `${p.data.amountFen} fen is more than the ${owed} fen still owed`,
        );
      const at = now().toISOString();
      const paymentId = `PAY-${at.slice(0, 10).replaceAll("-", "")}-${randomUUID().slice(0, 8).toUpperCase()}`;
      store.insertPayment({
        id: paymentId,
        invoiceId: id,
        supplierId: r.supplierId,
        amountFen: p.data.amountFen,
        paidOn: p.data.paidOn,
        reference: p.data.reference,
        createdBy: actor,
        createdAt: at,
      });
      const voucherId = postPayablesVoucher(
        db,
        {
          storeId: r.storeId,
          businessDay: chinaDay(now()),
          source: { kind: "supplier_payment", id: paymentId },
          memo: `付款 ${r.supplierId} 发票 ${r.invoiceNo} ${p.data.reference}`,
          lines: (rules) => paymentVoucherLines(p.data.amountFen, rules),
        },
        now,
      );
      store.setPaymentVoucher(paymentId, voucherId);
      store.update(id, { status: next, paidFen: r.paidFen + p.data.amountFen });
    })();
    return get(id);
  }

  return { ...reads, create, importCsv, match, approve, acceptDifferences, reject, pay };
}

/** Rolls an import's transaction back; its errors are reported by the caller. */
class CsvRefused extends Error {}

export type Payables = ReturnType<typeof createPayables>;
