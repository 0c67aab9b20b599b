// A reconciliation item's reason in words, zh-CN or English (支付对账). The hub answers each item
// with `why`: a code and the fields it names (amounts in fen, ids, lines, dates, a parser's
// finding with the value as the file wrote it); both languages are made from those fields by the
// protocol's reconReasonText, never read back out of a sentence. Items stored before the hub kept
// `why` (null) show the hub's English sentence as it came.
import { reconReasonText } from "@retail/protocol";
import type { ReconItem } from "./api-types.ts";

/** The item's reason in the language asked; "" for a matched item. */
export function reconReason(item: Pick<ReconItem, "why" | "reason">, lang: "zh" | "en"): string {
  return item.why ? reconReasonText(item.why, lang) : item.reason;
}
