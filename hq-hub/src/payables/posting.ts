// The one place payables hand a voucher to the books. Everything else in payables builds the
// lines (vouchers.ts, pure) and records the voucher id this returns.
import type { Sqlite } from "../db/open.ts";
import type { VoucherLine } from "./vouchers.ts";

export interface DocumentVoucherInput {
  storeId: string;
  businessDay: string;
  source: { kind: "supplier_invoice" | "supplier_payment"; id: string };
  memo: string;
  lines: VoucherLine[];
}

/** Posts a document's voucher exactly once per source; the voucher id, or null while no ledger exists. */
export function postPayablesVoucher(_db: Sqlite, _doc: DocumentVoucherInput): number | null {
  // finance/documents.ts (postDocumentVoucher) is not on main yet: nothing is posted.
  return null;
}
