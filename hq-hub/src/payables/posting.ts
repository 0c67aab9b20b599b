// The one place payables hand a voucher to the books (finance/documents.ts: one balanced voucher
// per document, exactly once, in the caller's transaction). The accounts are the company's
// posting rules (accounts/), read when the document is posted.
import { companyOfStore, rulesOf } from "../accounts/storage.ts";
import type { Sqlite } from "../db/open.ts";
import { postDocumentVoucher } from "../finance/documents.ts";
import type { PayablesRules, VoucherLine } from "./vouchers.ts";

export interface PayablesDocument {
  storeId: string;
  businessDay: string;
  source: { kind: "supplier_invoice" | "supplier_payment"; id: string };
  memo: string;
  /** The lines on the store's company's accounts. */
  lines: (rules: PayablesRules) => VoucherLine[];
}

/** Posts a document's voucher (once per source); its id. Throws, writing nothing, on a bad account or imbalance. */
export function postPayablesVoucher(db: Sqlite, doc: PayablesDocument, now: () => Date): number {
  const rules = rulesOf(db, companyOfStore(db, doc.storeId), now().toISOString());
  return postDocumentVoucher(db, { ...doc, lines: doc.lines(rules) }, { now }).id;
}
