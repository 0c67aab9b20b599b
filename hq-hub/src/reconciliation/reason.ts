// Why a reconciliation item is what it is, as data (the protocol's ReconReason: a code and the
// fields it names), and the hub's English sentence of it (`reason`, for the API and exports).
import {
  formatRatePpm,
  type ReconReason,
  type ReconRowDetail,
  reconReasonText,
  reconRowDetailText,
} from "@retail/protocol";

export type ItemReason = ReconReason;
export type RowDetail = ReconRowDetail;

/** 3800 ppm -> "0.38%". */
export const formatRate = formatRatePpm;

/** A parser's finding in English. */
export const rowDetailText = (d: RowDetail) => reconRowDetailText(d, "en");

/** The hub's English sentence for an item. */
export const reasonText = (r: ItemReason) => reconReasonText(r, "en");
