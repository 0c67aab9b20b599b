// The payables API: supplier invoices entered (JSON or CSV) and matched three ways, approved or
// disputed, rejected, paid; the payments list; the matching tolerances (chain default and per
// supplier). A regional manager sees and enters its region's invoices; approving, accepting
// differences, rejecting and paying are hq_admin's.
import { z } from "@hono/zod-openapi";
import { authorize } from "../http/auth.ts";
import type { RouteModule } from "../http/route.ts";
import { SupplierInvoiceInput } from "./invoice.ts";
import { parseInvoiceCsv } from "./invoice-csv.ts";
import { INVOICE_STATUSES } from "./lifecycle.ts";
import { DecisionInput, InvoiceListQuery, PaymentInput, ToleranceInput } from "./schemas.ts";

const tag = "payables";
const int = () => z.number().int();

const Difference = z
  .object({
    reason: z.enum([
      "not_ordered",
      "not_received",
      "qty_over_received",
      "qty_over_ordered",
      "price_above_tolerance",
      "price_below_order",
      "no_order_price",
      "tax_rate_differs",
    ]),
    blocking: z.boolean(),
    expected: int().nullable(),
    actual: int(),
    allowed: int().optional(),
  })
  .openapi("MatchDifference");
const MatchedLine = z
  .object({
    sku: z.string(),
    qty: int(),
    orderedQty: int(),
    receivedQty: int(),
    invoicedBeforeQty: int(),
    orderUnitFen: int().nullable(),
    unitPriceFen: int(),
    netFen: int(),
    taxFen: int(),
    grniFen: int(),
    varianceFen: int(),
    differences: z.array(Difference),
  })
  .openapi("MatchedLine");
const MatchResult = z
  .object({
    matched: z.boolean(),
    lines: z.array(MatchedLine),
    netFen: int(),
    taxFen: int(),
    grossFen: int(),
    grniFen: int(),
    varianceFen: int(),
    blocking: int(),
  })
  .openapi("MatchResult");
const InvoicePayment = z
  .object({
    id: z.string(),
    amountFen: int(),
    paidOn: z.string(),
    reference: z.string(),
    createdBy: z.string(),
    createdAt: z.string(),
    voucherId: int().nullable(),
  })
  .openapi("InvoicePayment");
const SupplierInvoiceOut = z
  .object({
    id: z.string(),
    supplierId: z.string(),
    invoiceNo: z.string(),
    purchaseOrderId: z.string(),
    storeId: z.string(),
    invoiceDate: z.string(),
    status: z.enum(INVOICE_STATUSES as [string, ...string[]]),
    netFen: int(),
    taxFen: int(),
    grossFen: int(),
    paidFen: int(),
    outstandingFen: int(),
    match: MatchResult.nullable(),
    matchedAt: z.string().nullable(),
    createdBy: z.string(),
    createdAt: z.string(),
    decidedBy: z.string().nullable(),
    decidedAt: z.string().nullable(),
    decisionNote: z.string().nullable(),
    voucherId: int().nullable(),
    actions: z.array(z.enum(["match", "approve", "accept", "reject", "pay"])),
    lines: z.array(
      z.object({
        lineNo: int(),
        sku: z.string(),
        qty: int(),
        unitPriceFen: int(),
        taxRate: int(),
        netFen: int(),
        taxFen: int(),
      }),
    ),
    payments: z.array(InvoicePayment),
  })
  .openapi("SupplierInvoice");
const SupplierPaymentRow = z
  .object({
    id: z.string(),
    invoiceId: z.string(),
    invoiceNo: z.string(),
    supplierId: z.string(),
    storeId: z.string(),
    amountFen: int(),
    paidOn: z.string(),
    reference: z.string(),
    createdBy: z.string(),
    createdAt: z.string(),
    voucherId: int().nullable(),
  })
  .openapi("SupplierPayment");
const UninvoicedLine = z
  .object({
    purchaseOrderId: z.string(),
    supplierId: z.string(),
    storeId: z.string(),
    sku: z.string(),
    receivedQty: int(),
    invoicedQty: int(),
    openQty: int(),
    unitCostFen: int().nullable(),
    openValueFen: int().nullable(),
  })
  .openapi("UninvoicedLine");
const Tolerance = z.object({ qtyUnits: int(), qtyBp: int(), priceFen: int(), priceBp: int() });
const Tolerances = z
  .object({
    default: Tolerance,
    suppliers: z.array(
      Tolerance.extend({ supplierId: z.string(), updatedBy: z.string(), updatedAt: z.string() }),
    ),
  })
  .openapi("MatchTolerances");

export const payablesRoutes: RouteModule = (r, hub, s) => {
  const regions = (p: { role: string; region?: string }) =>
    p.role === "regional_manager" ? [p.region ?? ""] : undefined;
  const readable = (p: Parameters<typeof authorize>[0], id: string) => {
    const inv = hub.payables.get(id);
    authorize(p, "read", s.storeRegion(inv.storeId));
    return inv;
  };

  r.route(
    {
      method: "post",
      path: "/api/v1/payables/invoices",
      summary:
        "Enter a supplier invoice against its purchase order (lines: sku, qty, unit price excl. VAT in fen, tax rate); it is matched three ways at once: matched, or in_dispute with the differences",
      access: "write",
      tag,
      body: SupplierInvoiceInput,
      response: SupplierInvoiceOut,
    },
    ({ body, principal }) =>
      hub.payables.create(body, s.actor(principal), (storeId) =>
        authorize(principal, "write", s.storeRegion(storeId)),
      ),
  );
  r.route(
    {
      method: "post",
      path: "/api/v1/payables/invoices/import",
      summary:
        "Supplier invoices from CSV (supplier_id,invoice_no,purchase_order_id,invoice_date,sku,qty,unit_price,tax_rate[,tax,total]; one row per line, amounts in yuan like 12.34), all or nothing: a bad row refuses the file, naming every bad row and column",
      access: "write",
      tag,
      textBody: true,
      response: z.object({ invoices: z.array(SupplierInvoiceOut) }),
    },
    ({ body, principal }) =>
      hub.payables.importCsv(parseInvoiceCsv(body), s.actor(principal), (storeId) =>
        authorize(principal, "write", s.storeRegion(storeId)),
      ),
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/payables/invoices",
      summary:
        "Supplier invoices, newest first, by status, supplier and store; a regional manager sees its region",
      access: "read",
      tag,
      query: InvoiceListQuery,
      response: z.array(SupplierInvoiceOut),
    },
    ({ query, principal }) => {
      if (query.store) authorize(principal, "read", s.regionOfStore(query.store));
      const rs = regions(principal);
      return hub.payables.list({ ...query, ...(rs ? { regions: rs } : {}) });
    },
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/payables/invoices/{id}",
      summary:
        "One supplier invoice: its lines, the last match with every difference and its reason, payments",
      access: "read",
      tag,
      response: SupplierInvoiceOut,
    },
    ({ params, principal }) => readable(principal, params.id),
  );
  r.route(
    {
      method: "post",
      path: "/api/v1/payables/invoices/{id}/match",
      summary: "Match an invoice again (after the store received more, or the tolerances changed)",
      access: "write",
      tag,
      response: SupplierInvoiceOut,
    },
    ({ params, principal }) => {
      const inv = hub.payables.get(params.id);
      authorize(principal, "write", s.storeRegion(inv.storeId));
      return hub.payables.match(params.id);
    },
  );
  r.route(
    {
      method: "post",
      path: "/api/v1/payables/invoices/{id}/approve",
      summary:
        "Approve a matched invoice (matched again first): posts Dr GRNI + input VAT (+ price variance) / Cr accounts payable",
      access: "admin",
      tag,
      response: SupplierInvoiceOut,
    },
    ({ params, principal }) => hub.payables.approve(params.id, s.actor(principal)),
  );
  r.route(
    {
      method: "post",
      path: "/api/v1/payables/invoices/{id}/accept",
      summary:
        "Approve a disputed invoice with its differences accepted; the note says why; posts as approve",
      access: "admin",
      tag,
      body: DecisionInput,
      response: SupplierInvoiceOut,
    },
    ({ params, body, principal }) => hub.payables.acceptDifferences(params.id, body, s.actor(principal)),
  );
  r.route(
    {
      method: "post",
      path: "/api/v1/payables/invoices/{id}/reject",
      summary: "Reject an invoice not yet approved (the supplier sends a corrected one); the note says why",
      access: "admin",
      tag,
      body: DecisionInput,
      response: SupplierInvoiceOut,
    },
    ({ params, body, principal }) => hub.payables.reject(params.id, body, s.actor(principal)),
  );
  r.route(
    {
      method: "post",
      path: "/api/v1/payables/invoices/{id}/payments",
      summary:
        "Record a payment to the supplier against an approved invoice (at most what is owed): posts Dr accounts payable / Cr bank; paid in full -> paid",
      access: "admin",
      tag,
      body: PaymentInput,
      response: SupplierInvoiceOut,
    },
    ({ params, body, principal }) => hub.payables.pay(params.id, body, s.actor(principal)),
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/payables/payments",
      summary: "Payments to suppliers, newest first; a regional manager sees its region's",
      access: "read",
      tag,
      query: z.object({
        supplier: z
          .string()
          .regex(/^[A-Za-z0-9_-]{1,32}$/)
          .optional(),
        limit: z.coerce.number().int().min(1).max(1000).optional(),
      }),
      response: z.array(SupplierPaymentRow),
    },
    ({ query, principal }) => {
      const rs = regions(principal);
      return hub.payables.payments({ ...query, ...(rs ? { regions: rs } : {}) });
    },
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/payables/uninvoiced",
      summary:
        "Goods received not invoiced (暂估): per order and SKU, received at the order's store, billed by approved invoices, the rest at the order's cost; a regional manager sees its region",
      access: "read",
      tag,
      query: z.object({
        supplier: z
          .string()
          .regex(/^[A-Za-z0-9_-]{1,32}$/)
          .optional(),
        store: z
          .string()
          .regex(/^[A-Z0-9]{1,16}$/)
          .optional(),
      }),
      response: z.array(UninvoicedLine),
    },
    ({ query, principal }) => {
      if (query.store) authorize(principal, "read", s.regionOfStore(query.store));
      const rs = regions(principal);
      return hub.payables.uninvoiced({ ...query, ...(rs ? { regions: rs } : {}) });
    },
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/payables/tolerances",
      summary: "Matching tolerances: the chain's default and each supplier's own",
      access: "read",
      tag,
      response: Tolerances,
    },
    () => hub.payables.tolerances(),
  );
  r.route(
    {
      method: "put",
      path: "/api/v1/payables/tolerances/{scope}",
      summary:
        "Set the chain's default (scope *) or a supplier's tolerances: over-billed quantity (units, basis points of what may be billed) and unit price above the order (fen, basis points of the order's cost); the larger of each pair applies",
      access: "admin",
      tag,
      body: ToleranceInput,
      response: Tolerances,
    },
    ({ params, body, principal }) => hub.payables.setTolerance(params.scope, body, s.actor(principal)),
  );
};
