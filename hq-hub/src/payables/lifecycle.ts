// The supplier-invoice lifecycle as data. An entered invoice is matched three ways: clean ->
// matched, with blocking differences -> in_dispute (matched again when receipts arrive or the
// tolerances change). A matched invoice is approved; a disputed one only by accepting its
// differences with a note. Approval posts the payable; payments follow until the invoice is
// paid in full. Anything before approval can be rejected (the supplier sends a corrected one).
import { defineLifecycle } from "../lifecycle.ts";

export type InvoiceStatus = "received" | "matched" | "in_dispute" | "approved" | "paid" | "rejected";

export type InvoiceEvent =
  | "match_clean"
  | "match_differences"
  | "approve"
  | "accept_differences"
  | "reject"
  | "pay_part"
  | "pay_full";

export const INVOICE_TRANSITIONS = {
  received: { match_clean: "matched", match_differences: "in_dispute", reject: "rejected" },
  matched: {
    match_clean: "matched",
    match_differences: "in_dispute",
    approve: "approved",
    reject: "rejected",
  },
  in_dispute: {
    match_clean: "matched",
    match_differences: "in_dispute",
    accept_differences: "approved",
    reject: "rejected",
  },
  approved: { pay_part: "approved", pay_full: "paid" },
  paid: {},
  rejected: {},
} as const satisfies Record<InvoiceStatus, Partial<Record<InvoiceEvent, InvoiceStatus>>>;

export const INVOICE_STATUSES = Object.keys(INVOICE_TRANSITIONS) as InvoiceStatus[];

const REFUSALS: Record<InvoiceEvent, (id: string, s: InvoiceStatus) => string> = {
  match_clean: (id, s) => `invoice ${id} is ${s}; only an unapproved invoice is matched`,
  match_differences: (id, s) => `invoice ${id} is ${s}; only an unapproved invoice is matched`,
  approve: (id, s) =>
    `invoice ${id} is ${s}; only a matched invoice is approved (a disputed one by accepting its differences)`,
  accept_differences: (id, s) => `invoice ${id} is ${s}; only a disputed invoice has differences to accept`,
  reject: (id, s) => `invoice ${id} is ${s}; only an invoice not yet approved is rejected`,
  pay_part: (id, s) => `invoice ${id} is ${s}; only an approved invoice is paid`,
  pay_full: (id, s) => `invoice ${id} is ${s}; only an approved invoice is paid`,
};

export const invoiceLifecycle = defineLifecycle<InvoiceStatus, InvoiceEvent>(
  "supplier invoice",
  INVOICE_TRANSITIONS,
  (id, s, e) => REFUSALS[e](id, s),
);
